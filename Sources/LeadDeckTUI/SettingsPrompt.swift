import LeadDeckCore

/// The `:` prompt: settings typed as short commands [k9s `:`], each one policy change saved like any other
/// (logged with who and when, undone with `u`). The same settings are CLI commands (`leaddeck caps`,
/// `leaddeck hours`, `leaddeck maxprice`, `leaddeck dedupe`, `leaddeck budget`, `leaddeck pacing`, `leaddeck timezone`,
/// `leaddeck states`).
public enum SettingsPrompt {
    /// What the prompt understands, for help and error messages.
    public static let usage = [
        ("budget DOLLARS", "daily budget, e.g. budget 30000"),
        ("caps DAILY HOURLY", "the selected source's caps (a number or none), e.g. caps 150 none"),
        ("caps global DAILY HOURLY", "the global caps, e.g. caps global 2500 320"),
        ("hours OPEN-CLOSE", "hours of operation on the buyer's clock, e.g. hours 8-21, hours mon-fri 8-21, sat 10-16, or hours always"),
        ("hours source HOURS", "the selected source's own hours, e.g. hours source mon-fri 9-17, or hours source global"),
        ("pacing asap|even", "spend the budget as offers come, or evenly over the open hours"),
        ("timezone ZONE", "the buyer's time zone, e.g. timezone America/Chicago (daylight saving included)"),
        ("states CODES", "states bought, e.g. states CA TX FL, states +NV -TX, or states all"),
        ("hourprice HOURS PERCENT ...", "percent of the maximum prices paid by hour, e.g. hourprice 0-7 60 21-24 80, or hourprice reset"),
        ("maxprice VERTICAL SHARED EXCLUSIVE", "highest prices for a vertical, e.g. maxprice auto 40 97, or maxprice legal none"),
        ("dedupe DAYS", "days a consumer once bought is refused as a duplicate (0: off)"),
    ]

    /// The change a command asks for, or why it cannot be made.
    /// - Parameter selected: the source highlighted (for `caps`).
    public static func parse(_ text: String, selected: String?, policy: Policy) -> Result<PolicyChange, PolicyError> {
        let words = text.split(separator: " ").map(String.init)
        guard let verb = words.first?.lowercased() else { return .failure(PolicyError("type a setting, e.g. budget 30000 (? lists them)")) }
        let args = Array(words.dropFirst())
        func need(_ n: Int, _ form: String) -> PolicyError? {
            args.count == n ? nil : PolicyError("\(verb): expected \(form)")
        }
        switch verb {
        case "budget":
            if let e = need(1, "budget DOLLARS") { return .failure(e) }
            return Money.parseDollars(args[0], field: "budget", max: Policy.maxBudget).map { .dailyBudget(from: policy.dailyBudget, to: $0) }
        case "caps", "cap":
            var rest = args
            var source = selected
            if rest.first?.lowercased() == "global" { source = nil; rest.removeFirst() }
            guard rest.count == 2 else { return .failure(PolicyError("caps: expected caps DAILY HOURLY (for the selected source) or caps global DAILY HOURLY")) }
            if source == nil && args.first?.lowercased() != "global" { return .failure(PolicyError("caps: select a source first, or say caps global ...")) }
            let daily = LeadCaps.parseCap(rest[0], field: "daily cap")
            let hourly = LeadCaps.parseCap(rest[1], field: "hourly cap")
            switch (daily, hourly) {
            case (.failure(let e), _), (_, .failure(let e)): return .failure(e)
            case (.success(let d), .success(let h)):
                return .success(.caps(source: source, from: LeadCaps(policy, source: source), to: LeadCaps(daily: d, hourly: h)))
            }
        case "hours":
            if args.first?.lowercased() == "source" {
                guard let source = selected else { return .failure(PolicyError("hours source: select a source first")) }
                let rest = args.dropFirst().joined(separator: " ")
                if rest.lowercased() == "global" { return .success(.sourceHours(source: source, from: policy.settings(for: source).hours, to: nil)) }
                guard !rest.isEmpty else { return .failure(PolicyError("hours source: expected its hours (e.g. mon-fri 9-17) or global")) }
                return BusinessHours.parse(rest).flatMap { h in
                    guard let h else { return .failure(PolicyError("hours source: a source follows the global hours with global")) }
                    return .success(.sourceHours(source: source, from: policy.settings(for: source).hours, to: h))
                }
            }
            guard !args.isEmpty else { return .failure(PolicyError("hours: expected hours OPEN-CLOSE (e.g. 8-21), weekdays (mon-fri 8-21, sat 10-16) or always")) }
            return BusinessHours.parse(args.joined(separator: " ")).map { .hours(from: policy.hours, to: $0) }
        case "hourprice":
            return Policy.parseHourPrices(args).map { .hourPrices(from: policy.hourPriceShare, to: $0) }
        case "pacing":
            if let e = need(1, "pacing asap or pacing even") { return .failure(e) }
            guard let to = Pacing(rawValue: args[0].lowercased()) else {
                return .failure(PolicyError("pacing: '\(Sanitizer.clean(args[0]))' is not asap or even"))
            }
            return .success(.pacing(from: policy.pacing, to: to))
        case "timezone", "tz":
            if let e = need(1, "timezone ZONE (e.g. America/New_York)") { return .failure(e) }
            return LocalClock.parse(args[0]).map { .timezone(from: policy.clock, to: $0) }
        case "states":
            guard !args.isEmpty else { return .failure(PolicyError("states: expected codes (states CA TX), changes (states +NV -TX) or states all")) }
            if args.count == 1 && args[0].lowercased() == "all" { return .success(.states(from: policy.states, to: [])) }
            let codes = args.flatMap { $0.split(separator: ",").map(String.init) }
            let changes = codes.allSatisfy { $0.hasPrefix("+") || $0.hasPrefix("-") }
            do {
                if !changes { return .success(.states(from: policy.states, to: try Policy.checkedStates(codes))) }
                let to = try policy.states(adding: codes.filter { $0.hasPrefix("+") }.map { String($0.dropFirst()) },
                                           removing: codes.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) })
                return .success(.states(from: policy.states, to: to))
            } catch {
                return .failure(error)
            }
        case "maxprice":
            guard let v = args.first?.lowercased() else { return .failure(PolicyError("maxprice: expected maxprice VERTICAL SHARED EXCLUSIVE")) }
            guard Vertical(rawValue: v) != nil else {
                return .failure(PolicyError("maxprice: unknown vertical '\(Sanitizer.clean(v))' (known: \(Vertical.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
            if args.count == 2, args[1].lowercased() == "none" { return .success(.maxPrice(vertical: v, from: policy.maxPrice[v], to: nil)) }
            guard args.count == 3 else { return .failure(PolicyError("maxprice: expected maxprice \(v) SHARED EXCLUSIVE (dollars), or maxprice \(v) none")) }
            let shared = Money.parseDollars(args[1], field: "shared price", max: Policy.maxPrice)
            let exclusive = Money.parseDollars(args[2], field: "exclusive price", max: Policy.maxPrice)
            switch (shared, exclusive) {
            case (.failure(let e), _), (_, .failure(let e)): return .failure(e)
            case (.success(let s), .success(let x)):
                return .success(.maxPrice(vertical: v, from: policy.maxPrice[v], to: PriceLimit(shared: s, exclusive: x)))
            }
        case "dedupe":
            if let e = need(1, "dedupe DAYS") { return .failure(e) }
            guard let d = Int(args[0]), (0...365).contains(d) else {
                return .failure(PolicyError("dedupe: '\(Sanitizer.clean(args[0]))' is not a number of days from 0 to 365"))
            }
            return .success(.dedupe(from: policy.dedupeWindowDays, to: d))
        default:
            return .failure(PolicyError("unknown setting '\(Sanitizer.clean(verb))' (known: budget, caps, hours, pacing, timezone, states, hourprice, maxprice, dedupe)"))
        }
    }
}
