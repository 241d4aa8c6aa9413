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

extension BusinessHours {
    /// "08-21", or "always open" for none.
    public static func describe(_ h: BusinessHours?) -> String {
        guard let h else { return "always open" }
        return "\(pad(Int64(h.open)))-\(pad(Int64(h.close)))"
    }

    /// Parses "8-21" or "08-21" (open and close hours on the buyer's clock); "always" is nil (always open).
    public static func parse(_ text: String) -> Result<BusinessHours?, PolicyError> {
        let t = text.trimmingWhitespace().lowercased()
        if t == "always" || t == "24h" || t == "none" { return .success(nil) }
        let parts = t.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let o = Int(parts[0]), let c = Int(parts[1]) else {
            return .failure(PolicyError("hours: '\(Sanitizer.clean(text))' is not OPEN-CLOSE like 8-21, or always"))
        }
        guard (0...23).contains(o), (1...24).contains(c), o != c else {
            return .failure(PolicyError("hours: open must be 0-23 and close 1-24, at different hours (got \(o)-\(c))"))
        }
        return .success(BusinessHours(open: o, close: c))
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
