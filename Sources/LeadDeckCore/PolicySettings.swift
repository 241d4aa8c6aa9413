/// A pair of lead caps: most leads bought per local day and per hour (nil: no cap).
public struct LeadCaps: Sendable, Hashable, Codable, CustomStringConvertible {
    public var daily: Int?
    public var hourly: Int?

    public init(daily: Int?, hourly: Int?) {
        self.daily = daily
        self.hourly = hourly
    }

    /// The caps in force: a source's own (`source`), or the global ones.
    public init(_ policy: Policy, source: String?) {
        if let source {
            let st = policy.settings(for: source)
            self.init(daily: st.dailyCap, hourly: st.hourlyCap)
        } else {
            self.init(daily: policy.dailyCap, hourly: policy.hourlyCap)
        }
    }

    /// "daily 150 / hourly none".
    public var description: String {
        "daily \(daily.map { Money.grouped(UInt64(max(0, $0))) } ?? "none") / hourly \(hourly.map { Money.grouped(UInt64(max(0, $0))) } ?? "none")"
    }
}

extension PriceLimit {
    /// "shared $40.00 / exclusive $97.00", or "not bought" for none.
    public static func describe(_ p: PriceLimit?) -> String {
        guard let p else { return "not bought" }
        return "shared \(p.shared.formatted) / exclusive \(p.exclusive.formatted)"
    }
}

extension LeadCaps {
    /// Parses a cap: a whole number of leads, or "none".
    public static func parseCap(_ text: String, field: String) -> Result<Int?, PolicyError> {
        let t = text.trimmingWhitespace().lowercased().filter { $0 != "," }
        if t == "none" || t == "off" || t == "-" { return .success(nil) }
        guard let n = Int(t), (0...Policy.maxCap).contains(n) else {
            return .failure(PolicyError("\(field): '\(Sanitizer.clean(text))' is not a number of leads from 0 to \(Policy.maxCap), or none"))
        }
        return .success(n)
    }
}

extension Money {
    /// Parses a dollar amount typed by a person: "45000", "45,000.50", "$12.5".
    public static func parseDollars(_ text: String, field: String, max: Money) -> Result<Money, PolicyError> {
        var t = text.trimmingWhitespace()
        if t.hasPrefix("$") { t.removeFirst() }
        guard let m = Money(decimalString: t.filter { $0 != "," }), m.cents >= 0, m <= max else {
            return .failure(PolicyError("\(field): '\(Sanitizer.clean(text))' is not a dollar amount from $0 to \(max.formatted) with at most two decimals"))
        }
        return .success(m)
    }
}

extension HourRange {
    /// Parses "8-21" or "08-21".
    public static func parse(_ text: String) -> Result<HourRange, PolicyError> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let o = Int(parts[0]), let c = Int(parts[1]) else {
            return .failure(PolicyError("hours: '\(Sanitizer.clean(text))' is not OPEN-CLOSE like 8-21"))
        }
        let r = HourRange(open: o, close: c)
        guard r.isValid else {
            return .failure(PolicyError("hours: open must be 0-23 and close 1-24, at different hours (got \(o)-\(c))"))
        }
        return .success(r)
    }
}

extension BusinessHours {
    /// Weekday names as typed and shown, Monday first.
    public static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// "08-21" when every day is the same, else "Mon-Fri 08-21, Sat 10-16, Sun closed"; `none` for no hours.
    public static func describe(_ h: BusinessHours?, none: String = "always open") -> String {
        guard let h else { return none }
        if let r = h.everyDay { return r.description }
        var parts: [String] = []
        var i = 0
        while i < 7 {
            var j = i
            while j + 1 < 7 && h.week[j + 1] == h.week[i] { j += 1 }
            let days = i == j ? dayNames[i].capitalized : "\(dayNames[i].capitalized)-\(dayNames[j].capitalized)"
            parts.append("\(days) \(h.week[i]?.description ?? "closed")")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }

    /// Parses hours of operation: "8-21" (every day), "always" (nil), or weekdays with hours, comma-separated:
    /// "mon-fri 8-21, sat 10-16, sun closed". Days a weekly form leaves out are closed; a day named twice is
    /// an error.
    public static func parse(_ text: String) -> Result<BusinessHours?, PolicyError> {
        let t = text.trimmingWhitespace().lowercased()
        if t == "always" || t == "24h" || t == "none" { return .success(nil) }
        if t.first?.isNumber == true {
            return HourRange.parse(t).map { BusinessHours(open: $0.open, close: $0.close) }
        }
        var week: [HourRange?] = Array(repeating: nil, count: 7)
        var named = Set<Int>()
        for part in t.split(separator: ",") {
            let words = part.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 2 else {
                return .failure(PolicyError("hours: '\(Sanitizer.clean(String(part)).trimmingWhitespace())' is not DAYS HOURS like mon-fri 8-21 or sun closed"))
            }
            let dayWords = words[0].split(separator: "-", omittingEmptySubsequences: false).map { String($0.prefix(3)) }
            guard (1...2).contains(dayWords.count), let first = dayNames.firstIndex(of: dayWords[0]),
                  let last = dayNames.firstIndex(of: dayWords[dayWords.count - 1]), first <= last else {
                return .failure(PolicyError("hours: '\(Sanitizer.clean(String(words[0])))' is not a day or a range of days like mon-fri (mon, tue, wed, thu, fri, sat, sun)"))
            }
            let range: HourRange?
            if words[1] == "closed" || words[1] == "off" {
                range = nil
            } else if words[1] == "always" || words[1] == "24h" {
                range = HourRange(open: 0, close: 24)
            } else {
                switch HourRange.parse(String(words[1])) {
                case .success(let r): range = r
                case .failure(let e): return .failure(e)
                }
            }
            for d in first...last {
                guard named.insert(d).inserted else {
                    return .failure(PolicyError("hours: \(dayNames[d]) is given twice"))
                }
                week[d] = range
            }
        }
        guard !named.isEmpty else { return .failure(PolicyError("hours: '\(Sanitizer.clean(text))' names no day")) }
        return .success(BusinessHours(week: week))
    }

    /// Throws unless every day's hours open 0-23 and close 1-24 at different hours.
    static func validate(_ h: BusinessHours?) throws(PolicyError) {
        guard let h else { return }
        guard h.week.count == 7, h.week.allSatisfy({ $0?.isValid ?? true }) else {
            throw PolicyError("hours must open 0-23 and close 1-24, at different hours")
        }
    }
}

extension Policy {
    /// The states and districts US lead exchanges sell: the 50 states, DC and Puerto Rico.
    public static let usStates: Set<String> = [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
        "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK",
        "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR",
    ]

    /// "all", or "CA, TX" (sorted).
    public static func describeStates(_ states: [String]) -> String {
        states.isEmpty ? "all" : states.sorted().joined(separator: ", ")
    }

    /// The states list after adding and removing codes, the one rule the CLI and the dashboard share. Refused
    /// when every state is bought already (an empty list: set one first) or when no state would be left.
    public func states(adding: [String], removing: [String]) throws(PolicyError) -> [String] {
        let add = try Self.checkedStates(adding), remove = try Self.checkedStates(removing)
        guard !states.isEmpty else { throw PolicyError("states: every state is bought; set a list first (states CA TX ...)") }
        let to = Set(states).union(add).subtracting(remove).sorted()
        guard !to.isEmpty else { throw PolicyError("states: that would leave no state; buy every state with states all") }
        return to
    }

    /// States as stored: upper case, known codes, sorted, each once. Throws naming the first unknown one.
    public static func checkedStates(_ states: [String]) throws(PolicyError) -> [String] {
        var out = Set<String>()
        for s in states {
            let code = s.trimmingWhitespace().uppercased()
            guard usStates.contains(code) else {
                throw PolicyError("states: '\(Sanitizer.clean(s))' is not a US state code (two letters, like CA)")
            }
            out.insert(code)
        }
        return out.sorted()
    }
}

extension LocalClock {
    /// Parses a time zone: an IANA name (America/New_York, UTC) or a fixed offset (UTC-05:00, UTC+5:30).
    public static func parse(_ text: String) -> Result<LocalClock, PolicyError> {
        let t = text.trimmingWhitespace()
        let upper = t.uppercased()
        if (upper.hasPrefix("UTC+") || upper.hasPrefix("UTC-")), t.count > 4 {
            let sign = upper.dropFirst(3).first == "-" ? -1 : 1
            let parts = upper.dropFirst(4).split(separator: ":", omittingEmptySubsequences: false)
            if (1...2).contains(parts.count), let h = Int(parts[0]), parts.count == 1 || parts[1].count == 2,
               let m = parts.count == 2 ? Int(parts[1]) : 0, (0...59).contains(m) {
                let minutes = sign * (h * 60 + m)
                guard (-12 * 60...14 * 60).contains(minutes) else {
                    return .failure(PolicyError("time zone: '\(Sanitizer.clean(text))' is outside UTC-12:00 to UTC+14:00"))
                }
                return .success(LocalClock(utcOffsetMinutes: minutes))
            }
        }
        guard let clock = LocalClock(zone: t) else {
            return .failure(PolicyError("time zone: '\(Sanitizer.clean(text))' is not a time zone the system knows (an IANA name like America/New_York, or UTC-05:00)"))
        }
        return .success(clock)
    }
}

extension Policy {
    /// "100% all day", or the hours below 100%: "00-07 60%, 21-24 80%".
    public static func describeHourPrices(_ shares: [Int]) -> String {
        guard shares.count == 24, shares != fullPriceAllDay else { return "100% all day" }
        var parts: [String] = []
        var h = 0
        while h < 24 {
            var end = h
            while end + 1 < 24 && shares[end + 1] == shares[h] { end += 1 }
            if shares[h] != 100 { parts.append("\(HourRange(open: h, close: end + 1).description) \(shares[h])%") }
            h = end + 1
        }
        return parts.joined(separator: ", ")
    }

    /// Parses hour prices: pairs of OPEN-CLOSE and a percent ("0-7 60 21-24 80%"), other hours 100%; "reset"
    /// (or "none") is 100% all day.
    public static func parseHourPrices(_ words: [String]) -> Result<[Int], PolicyError> {
        if words.count == 1, ["reset", "none", "100"].contains(words[0].lowercased()) { return .success(fullPriceAllDay) }
        guard !words.isEmpty, words.count % 2 == 0 else {
            return .failure(PolicyError("hour prices: expected pairs of hours and a percent, like 0-7 60 21-24 80, or reset"))
        }
        var shares = fullPriceAllDay
        for k in stride(from: 0, to: words.count, by: 2) {
            let range: HourRange
            switch HourRange.parse(words[k]) {
            case .success(let r): range = r
            case .failure(let e): return .failure(e)
            }
            let text = words[k + 1].hasSuffix("%") ? String(words[k + 1].dropLast()) : words[k + 1]
            guard let p = Int(text), (0...100).contains(p) else {
                return .failure(PolicyError("hour prices: '\(Sanitizer.clean(words[k + 1]))' is not a percent from 0 to 100"))
            }
            for h in 0..<24 where range.contains(hour: h) { shares[h] = p }
        }
        return .success(shares)
    }
}
