/// The buyer's settings for one source. Sources without an entry use `SourceSettings.default`.
public struct SourceSettings: Sendable, Hashable, Codable {
    public var blocked: Bool
    /// Sub-IDs blocked while the source itself stays active.
    public var blockedSubIDs: [String]
    /// 1 (highest) to 5 (lowest); see `Policy.tierSpendShare`.
    public var priority: Int
    public var mode: ModeSetting
    /// Most leads bought from this source per local day / per hour; nil for no cap.
    public var dailyCap: Int?
    public var hourlyCap: Int?
    /// The source's own hours of operation, inside the global ones (nil: the global hours alone).
    public var hours: BusinessHours?

    public init(blocked: Bool = false, blockedSubIDs: [String] = [], priority: Int = 3,
                mode: ModeSetting = .inherit, dailyCap: Int? = nil, hourlyCap: Int? = nil, hours: BusinessHours? = nil) {
        self.hours = hours
        self.blocked = blocked
        self.blockedSubIDs = blockedSubIDs
        self.priority = priority
        self.mode = mode
        self.dailyCap = dailyCap
        self.hourlyCap = hourlyCap
    }

    public static let `default` = SourceSettings()

    /// Whether this sub-ID (or the whole source) is blocked.
    public func isBlocked(subID: String) -> Bool {
        blocked || (!blockedSubIDs.isEmpty && blockedSubIDs.contains(subID))
    }
}

/// The highest price the buyer pays for a lead of one vertical, per purchase mode.
public struct PriceLimit: Sendable, Hashable, Codable {
    public var shared: Money
    public var exclusive: Money
    public init(shared: Money, exclusive: Money) {
        self.shared = shared
        self.exclusive = exclusive
    }
    public func limit(for mode: PurchaseMode) -> Money { mode == .shared ? shared : exclusive }
}

/// Hours of one day on the buyer's local clock: from `open` o'clock to `close` o'clock (a range that wraps past
/// midnight, like 22-6, covers that day's hours from 22 and before 6).
public struct HourRange: Sendable, Hashable {
    public var open: Int
    public var close: Int
    public init(open: Int, close: Int) {
        self.open = open
        self.close = close
    }
    public func contains(hour: Int) -> Bool {
        open <= close ? (hour >= open && hour < close) : (hour >= open || hour < close)
    }
    /// Whether it is a usable range: open 0-23, close 1-24, at different hours.
    public var isValid: Bool { (0...23).contains(open) && (1...24).contains(close) && open != close }
    /// "08-21".
    public var description: String { "\(pad(Int64(open)))-\(pad(Int64(close)))" }
}

/// When buying is open, per weekday on the buyer's local clock (Monday first; nil: closed all day).
public struct BusinessHours: Sendable, Hashable, Codable {
    public var week: [HourRange?]

    /// The same hours every day.
    public init(open: Int, close: Int) { week = Array(repeating: HourRange(open: open, close: close), count: 7) }
    /// Hours per weekday, Monday first (7 entries; nil: closed).
    public init(week: [HourRange?]) { self.week = week }

    /// Whether buying is open at this local hour (0-23) of this weekday (0 Monday ... 6 Sunday).
    public func isOpen(weekday: Int, hour: Int) -> Bool {
        guard weekday >= 0 && weekday < week.count, let r = week[weekday] else { return false }
        return r.contains(hour: hour)
    }

    /// Whether buying is open at `t` on `clock`.
    public func isOpen(at t: Timestamp, clock: LocalClock) -> Bool {
        isOpen(weekday: clock.weekday(t), hour: clock.hourOfDay(t))
    }

    /// The hours every day shares, when all seven are the same and open.
    public var everyDay: HourRange? {
        guard let first = week.first ?? nil, week.count == 7, week.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    enum CodingKeys: String, CodingKey { case open, close, week }

    /// Reads `{"open":8,"close":21}` (every day) or `{"week":["08-21", ..., "closed"]}` (Monday first).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let days = try c.decodeIfPresent([String].self, forKey: .week) {
            guard days.count == 7 else {
                throw DecodingError.dataCorruptedError(forKey: .week, in: c, debugDescription: "expected 7 days (Monday first), got \(days.count)")
            }
            var parsed: [HourRange?] = []
            for d in days {
                if d == "closed" { parsed.append(nil); continue }
                guard case .success(let r) = HourRange.parse(d) else {
                    throw DecodingError.dataCorruptedError(forKey: .week, in: c, debugDescription: "'\(Sanitizer.clean(d))' is not OPEN-CLOSE like 08-21, or closed")
                }
                parsed.append(r)
            }
            self.init(week: parsed)
        } else {
            self.init(open: try c.decode(Int.self, forKey: .open), close: try c.decode(Int.self, forKey: .close))
        }
    }

    /// Writes the short form when every day is the same, so policies stay as readable as before.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let r = everyDay {
            try c.encode(r.open, forKey: .open)
            try c.encode(r.close, forKey: .close)
        } else {
            try c.encode(week.map { $0?.description ?? "closed" }, forKey: .week)
        }
    }
}

/// Everything the buyer decides: what to buy, from whom, how, and how much.
public struct Policy: Sendable, Hashable, Codable {
    public var globalMode: PurchaseMode
    public var dailyBudget: Money
    public var dailyCap: Int?
    public var hourlyCap: Int?
    /// Keyed by vertical name ("auto", "mortgage", ...). A vertical without a limit is not bought.
    public var maxPrice: [String: PriceLimit]
    /// Verticals bought; others are rejected as filtered.
    public var verticals: [Vertical]
    /// Two-letter states bought; empty means all.
    public var states: [String]
    public var hours: BusinessHours?
    public var clock: LocalClock
    public var dedupeWindowDays: Int
    /// Percent of the daily budget and caps each priority tier (index 0 = tier 1) may use.
    public var tierSpendShare: [Int]
    /// Percent of the vertical's maximum price a priority tier (index 0 = tier 1) bids on a ping.
    public var tierBidShare: [Int] = Policy.defaultTierBidShare
    /// How the daily budget may be spent over the day: as offers come (`asap`) or along a pace (`even`).
    public var pacing: Pacing = .asap
    /// Percent of every vertical's maximum price paid at each local hour (24 entries, hour 0 first): a price and
    /// bid modifier by hour of day. 100 everywhere by default.
    public var hourPriceShare: [Int] = Policy.fullPriceAllDay
    public static let fullPriceAllDay = [Int](repeating: 100, count: 24)

    /// The maximum price in force at `t`: `limit` scaled by the hour's `hourPriceShare`, rounded down.
    public func hourLimit(_ limit: Money, at t: Timestamp) -> Money {
        guard hourPriceShare != Self.fullPriceAllDay, hourPriceShare.count == 24 else { return limit }
        return limit.percent(hourPriceShare[clock.hourOfDay(t)])
    }
    /// Per-source settings keyed by source id.
    public var sources: [String: SourceSettings]

    public init(globalMode: PurchaseMode, dailyBudget: Money, dailyCap: Int?, hourlyCap: Int?,
                maxPrice: [String: PriceLimit], verticals: [Vertical], states: [String],
                hours: BusinessHours?, clock: LocalClock, dedupeWindowDays: Int,
                tierSpendShare: [Int] = Policy.defaultTierShare, sources: [String: SourceSettings]) {
        self.globalMode = globalMode
        self.dailyBudget = dailyBudget
        self.dailyCap = dailyCap
        self.hourlyCap = hourlyCap
        self.maxPrice = maxPrice
        self.verticals = verticals
        self.states = states
        self.hours = hours
        self.clock = clock
        self.dedupeWindowDays = dedupeWindowDays
        self.tierSpendShare = tierSpendShare
        self.sources = sources
    }

    /// Largest daily budget, cap and lead price accepted.
    public static let maxBudget = Money.dollars(1_000_000_000)
    public static let maxCap = 100_000_000
    public static let maxPrice = Money.dollars(1_000_000)

    /// Tier 1 may use the whole budget, tier 5 only the first half.
    public static let defaultTierShare = [100, 90, 80, 65, 50]
    /// Tier 1 bids the vertical's maximum price, tier 5 half of it.
    public static let defaultTierBidShare = [100, 90, 80, 65, 50]

    /// What a tier bids on a ping: `max` times the tier's `tierBidShare` percent, rounded down to the cent.
    public func bidPrice(max: Money, tier: Int) -> Money {
        let i = min(Swift.max(tier, 1), 5) - 1
        let share = i < tierBidShare.count ? tierBidShare[i] : 100
        return Money(cents: max.cents * Int64(share) / 100)
    }

    /// The settings in force for a source.
    public func settings(for source: String) -> SourceSettings { sources[source] ?? .default }

    /// The purchase mode in force for a source (its override, else the global mode).
    public func mode(for source: String) -> PurchaseMode { settings(for: source).mode.resolved(global: globalMode) }

    /// Percent of budget and caps a tier may use.
    public func share(forTier tier: Int) -> Int {
        let i = min(max(tier, 1), 5) - 1
        return i < tierSpendShare.count ? tierSpendShare[i] : 100
    }

    /// Problems that make this policy unusable, each naming the field.
    public func validationErrors() -> [String] {
        var e: [String] = []
        // Upper bounds keep every sum and percentage far from integer overflow.
        if !(0...Self.maxBudget.cents).contains(dailyBudget.cents) { e.append("dailyBudget must be $0 to \(Self.maxBudget.formatted)") }
        if let c = dailyCap, !(0...Self.maxCap).contains(c) { e.append("dailyCap must be 0 to \(Self.maxCap)") }
        if let c = hourlyCap, !(0...Self.maxCap).contains(c) { e.append("hourlyCap must be 0 to \(Self.maxCap)") }
        for (v, l) in maxPrice.sorted(by: { $0.key < $1.key }) where !(0...Self.maxPrice.cents).contains(l.shared.cents) || !(0...Self.maxPrice.cents).contains(l.exclusive.cents) {
            e.append("maxPrice.\(v) must be $0 to \(Self.maxPrice.formatted)")
        }
        if tierSpendShare.count != 5 || !tierSpendShare.allSatisfy({ (0...100).contains($0) }) {
            e.append("tierSpendShare must hold 5 percentages (tier 1 to 5)")
        }
        if hourPriceShare.count != 24 || !hourPriceShare.allSatisfy({ (0...100).contains($0) }) {
            e.append("hourPriceShare must hold 24 percentages 0-100 (hour 0 first)")
        }
        if tierBidShare.count != 5 || !tierBidShare.allSatisfy({ (0...100).contains($0) }) {
            e.append("tierBidShare must hold 5 percentages (tier 1 to 5)")
        }
        if dedupeWindowDays < 0 || dedupeWindowDays > 365 { e.append("dedupeWindowDays must be 0-365") }
        if let h = hours, h.week.count != 7 || !h.week.allSatisfy({ $0?.isValid ?? true }) {
            e.append("hours must open 0-23 and close 1-24, at different hours, on each of 7 days")
        }
        if clock.zone == nil, abs(clock.utcOffsetMinutes) > 14 * 60 { e.append("clock.utcOffsetMinutes must be within +-840") }
        for key in maxPrice.keys.sorted() where Vertical(rawValue: key) == nil {
            e.append("maxPrice: unknown vertical '\(key)'")
        }
        for s in states where s.count != 2 { e.append("states: '\(Sanitizer.clean(s))' is not a two-letter state") }
        for (id, s) in sources.sorted(by: { $0.key < $1.key }) {
            if !(1...5).contains(s.priority) { e.append("sources.\(id).priority must be 1-5, got \(s.priority)") }
            if let c = s.dailyCap, !(0...Self.maxCap).contains(c) { e.append("sources.\(id).dailyCap must be 0 to \(Self.maxCap)") }
            if let c = s.hourlyCap, !(0...Self.maxCap).contains(c) { e.append("sources.\(id).hourlyCap must be 0 to \(Self.maxCap)") }
            if let h = s.hours, h.week.count != 7 || !h.week.allSatisfy({ $0?.isValid ?? true }) {
                e.append("sources.\(id).hours must open 0-23 and close 1-24, at different hours, on each of 7 days")
            }
        }
        return e
    }
}

/// One change an admin makes to the policy. Each carries the value before, so it can be shown and undone.
public enum PolicyChange: Sendable, Hashable, Codable {
    case block(source: String, subID: String?)
    case unblock(source: String, subID: String?)
    case priority(source: String, from: Int, to: Int)
    case sourceMode(source: String, from: ModeSetting, to: ModeSetting)
    case globalMode(from: PurchaseMode, to: PurchaseMode)
    case dailyBudget(from: Money, to: Money)
    /// Daily and hourly lead caps: a source's own (`source`), or the global ones (nil).
    case caps(source: String?, from: LeadCaps, to: LeadCaps)
    /// Hours of operation (nil: always open).
    case hours(from: BusinessHours?, to: BusinessHours?)
    /// The highest price paid for a vertical, per mode (nil: the vertical is not bought).
    case maxPrice(vertical: String, from: PriceLimit?, to: PriceLimit?)
    /// Days a consumer bought once is refused as a duplicate (0: no dedupe).
    case dedupe(from: Int, to: Int)
    /// A source's own hours of operation (nil: the global hours alone).
    case sourceHours(source: String, from: BusinessHours?, to: BusinessHours?)
    /// How the daily budget is spent over the day.
    case pacing(from: Pacing, to: Pacing)
    /// The buyer's clock: an IANA time zone or a fixed offset.
    case timezone(from: LocalClock, to: LocalClock)
    /// The states bought (empty: all).
    case states(from: [String], to: [String])
    /// Percent of the maximum prices paid per local hour (24 entries).
    case hourPrices(from: [Int], to: [Int])

    /// The source this change is about, if any.
    public var source: String? {
        switch self {
        case .block(let s, _), .unblock(let s, _), .priority(let s, _, _), .sourceMode(let s, _, _): return s
        case .caps(let s, _, _): return s
        case .sourceHours(let s, _, _): return s
        case .globalMode, .dailyBudget, .hours, .maxPrice, .dedupe, .pacing, .timezone, .states, .hourPrices: return nil
        }
    }

    /// The change that undoes this one.
    public var inverse: PolicyChange {
        switch self {
        case .block(let s, let sub): return .unblock(source: s, subID: sub)
        case .unblock(let s, let sub): return .block(source: s, subID: sub)
        case .priority(let s, let f, let t): return .priority(source: s, from: t, to: f)
        case .sourceMode(let s, let f, let t): return .sourceMode(source: s, from: t, to: f)
        case .globalMode(let f, let t): return .globalMode(from: t, to: f)
        case .dailyBudget(let f, let t): return .dailyBudget(from: t, to: f)
        case .caps(let s, let f, let t): return .caps(source: s, from: t, to: f)
        case .hours(let f, let t): return .hours(from: t, to: f)
        case .maxPrice(let v, let f, let t): return .maxPrice(vertical: v, from: t, to: f)
        case .dedupe(let f, let t): return .dedupe(from: t, to: f)
        case .sourceHours(let s, let f, let t): return .sourceHours(source: s, from: t, to: f)
        case .pacing(let f, let t): return .pacing(from: t, to: f)
        case .timezone(let f, let t): return .timezone(from: t, to: f)
        case .states(let f, let t): return .states(from: t, to: f)
        case .hourPrices(let f, let t): return .hourPrices(from: t, to: f)
        }
    }

    /// A short sentence for logs and status bars ("priority of S1 3 -> 1").
    public var summary: String {
        switch self {
        case .block(let s, let sub): return "blocked \(SourceRef(source: s, subID: sub))"
        case .unblock(let s, let sub): return "unblocked \(SourceRef(source: s, subID: sub))"
        case .priority(let s, let f, let t): return "priority of \(s) \(f) -> \(t)"
        case .sourceMode(let s, let f, let t): return "mode of \(s) \(f.rawValue) -> \(t.rawValue)"
        case .globalMode(let f, let t): return "global mode \(f.rawValue) -> \(t.rawValue)"
        case .dailyBudget(let f, let t): return "daily budget \(f.formatted) -> \(t.formatted)"
        case .caps(let s, let f, let t): return "\(s.map { "caps of \($0)" } ?? "global caps") \(f) -> \(t)"
        case .hours(let f, let t): return "hours \(BusinessHours.describe(f)) -> \(BusinessHours.describe(t))"
        case .maxPrice(let v, let f, let t): return "max price of \(v) \(PriceLimit.describe(f)) -> \(PriceLimit.describe(t))"
        case .dedupe(let f, let t): return "dedupe window \(f) -> \(t) days"
        case .sourceHours(let s, let f, let t):
            return "hours of \(s) \(BusinessHours.describe(f, none: "global")) -> \(BusinessHours.describe(t, none: "global"))"
        case .pacing(let f, let t): return "pacing \(f.rawValue) -> \(t.rawValue)"
        case .timezone(let f, let t): return "time zone \(f.name) -> \(t.name)"
        case .states(let f, let t): return "states \(Policy.describeStates(f)) -> \(Policy.describeStates(t))"
        case .hourPrices(let f, let t): return "hour prices \(Policy.describeHourPrices(f)) -> \(Policy.describeHourPrices(t))"
        }
    }

    /// The policy with this change applied. Throws when the change does not fit (bad priority).
    public func apply(to policy: Policy) throws(PolicyError) -> Policy {
        var p = policy
        switch self {
        case .block(let s, let sub):
            var st = p.settings(for: s)
            if let sub {
                if !st.blockedSubIDs.contains(sub) { st.blockedSubIDs.append(sub); st.blockedSubIDs.sort() }
            } else {
                st.blocked = true
            }
            p.sources[s] = st
        case .unblock(let s, let sub):
            var st = p.settings(for: s)
            if let sub { st.blockedSubIDs.removeAll { $0 == sub } } else { st.blocked = false }
            p.sources[s] = st
        case .priority(let s, _, let t):
            guard (1...5).contains(t) else { throw PolicyError("priority must be 1-5, got \(t)") }
            var st = p.settings(for: s)
            st.priority = t
            p.sources[s] = st
        case .sourceMode(let s, _, let t):
            var st = p.settings(for: s)
            st.mode = t
            p.sources[s] = st
        case .globalMode(_, let t):
            p.globalMode = t
        case .dailyBudget(_, let t):
            guard (0...Policy.maxBudget.cents).contains(t.cents) else { throw PolicyError("daily budget must be $0 to \(Policy.maxBudget.formatted)") }
            p.dailyBudget = t
        case .caps(let s, _, let t):
            for c in [t.daily, t.hourly].compactMap({ $0 }) where !(0...Policy.maxCap).contains(c) {
                throw PolicyError("a cap must be 0 to \(Policy.maxCap) leads, got \(c)")
            }
            if let s {
                var st = p.settings(for: s)
                st.dailyCap = t.daily
                st.hourlyCap = t.hourly
                p.sources[s] = st
            } else {
                p.dailyCap = t.daily
                p.hourlyCap = t.hourly
            }
        case .hours(_, let t):
            try BusinessHours.validate(t)
            p.hours = t
        case .sourceHours(let s, _, let t):
            try BusinessHours.validate(t)
            var st = p.settings(for: s)
            st.hours = t
            p.sources[s] = st
        case .pacing(_, let t):
            p.pacing = t
        case .timezone(_, let t):
            if t.zone == nil, abs(t.utcOffsetMinutes) > 14 * 60 { throw PolicyError("a UTC offset must be within -12:00 to +14:00") }
            p.clock = t
        case .states(_, let t):
            p.states = try Policy.checkedStates(t)
        case .hourPrices(_, let t):
            guard t.count == 24, t.allSatisfy({ (0...100).contains($0) }) else {
                throw PolicyError("hour prices must be 24 percentages from 0 to 100")
            }
            p.hourPriceShare = t
        case .maxPrice(let v, _, let t):
            guard Vertical(rawValue: v) != nil else {
                throw PolicyError("unknown vertical '\(v)' (known: \(Vertical.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if let t, !(0...Policy.maxPrice.cents).contains(t.shared.cents) || !(0...Policy.maxPrice.cents).contains(t.exclusive.cents) {
                throw PolicyError("a maximum price must be $0 to \(Policy.maxPrice.formatted)")
            }
            p.maxPrice[v] = t
            // A price makes the vertical bought; removing it is enough to stop buying (no limit, not bought).
            if t != nil, let vertical = Vertical(rawValue: v), !p.verticals.contains(vertical) { p.verticals.append(vertical) }
        case .dedupe(_, let t):
            guard (0...365).contains(t) else { throw PolicyError("the dedupe window must be 0-365 days, got \(t)") }
            p.dedupeWindowDays = t
        }
        return p
    }
}

/// A policy change that cannot be applied, with a message for the user.
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

extension PolicyChange {
    /// Whether the policy is still as this change left it (so undoing it undoes nothing of anyone else's).
    public func isInForce(in policy: Policy) -> Bool {
        switch self {
        case .block(let s, let sub):
            let st = policy.settings(for: s)
            return sub.map { st.blockedSubIDs.contains($0) } ?? st.blocked
        case .unblock(let s, let sub):
            let st = policy.settings(for: s)
            return !(sub.map { st.blockedSubIDs.contains($0) } ?? st.blocked)
        case .priority(let s, _, let t): return policy.settings(for: s).priority == t
        case .sourceMode(let s, _, let t): return policy.settings(for: s).mode == t
        case .globalMode(_, let t): return policy.globalMode == t
        case .dailyBudget(_, let t): return policy.dailyBudget == t
        case .caps(let s, _, let t): return LeadCaps(policy, source: s) == t
        case .hours(_, let t): return policy.hours == t
        case .maxPrice(let v, _, let t): return policy.maxPrice[v] == t
        case .dedupe(_, let t): return policy.dedupeWindowDays == t
        case .sourceHours(let s, _, let t): return policy.settings(for: s).hours == t
        case .pacing(_, let t): return policy.pacing == t
        case .timezone(_, let t): return policy.clock == t
        case .states(_, let t): return policy.states == t
        case .hourPrices(_, let t): return policy.hourPriceShare == t
        }
    }

    /// The same change with its "from" value read from `policy`, so undoing after someone else's edit states
    /// truthfully what it changes.
    public func rebased(on policy: Policy) -> PolicyChange {
        switch self {
        case .priority(let s, _, let t): return .priority(source: s, from: policy.settings(for: s).priority, to: t)
        case .sourceMode(let s, _, let t): return .sourceMode(source: s, from: policy.settings(for: s).mode, to: t)
        case .globalMode(_, let t): return .globalMode(from: policy.globalMode, to: t)
        case .dailyBudget(_, let t): return .dailyBudget(from: policy.dailyBudget, to: t)
        case .caps(let s, _, let t): return .caps(source: s, from: LeadCaps(policy, source: s), to: t)
        case .hours(_, let t): return .hours(from: policy.hours, to: t)
        case .maxPrice(let v, _, let t): return .maxPrice(vertical: v, from: policy.maxPrice[v], to: t)
        case .dedupe(_, let t): return .dedupe(from: policy.dedupeWindowDays, to: t)
        case .sourceHours(let s, _, let t): return .sourceHours(source: s, from: policy.settings(for: s).hours, to: t)
        case .pacing(_, let t): return .pacing(from: policy.pacing, to: t)
        case .timezone(_, let t): return .timezone(from: policy.clock, to: t)
        case .states(_, let t): return .states(from: policy.states, to: t)
        case .hourPrices(_, let t): return .hourPrices(from: policy.hourPriceShare, to: t)
        case .block, .unblock: return self
        }
    }
}

extension Policy {
    enum CodingKeys: String, CodingKey {
        case globalMode, dailyBudget, dailyCap, hourlyCap, maxPrice, verticals, states, hours, clock, dedupeWindowDays
        case tierSpendShare, tierBidShare, pacing, hourPriceShare, sources
    }

    /// Reads a policy; `tierBidShare`, `pacing` and `hourPriceShare` are optional (policies written before them
    /// lack them).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(globalMode: try c.decode(PurchaseMode.self, forKey: .globalMode),
                  dailyBudget: try c.decode(Money.self, forKey: .dailyBudget),
                  dailyCap: try c.decodeIfPresent(Int.self, forKey: .dailyCap),
                  hourlyCap: try c.decodeIfPresent(Int.self, forKey: .hourlyCap),
                  maxPrice: try c.decode([String: PriceLimit].self, forKey: .maxPrice),
                  verticals: try c.decode([Vertical].self, forKey: .verticals),
                  states: try c.decode([String].self, forKey: .states),
                  hours: try c.decodeIfPresent(BusinessHours.self, forKey: .hours),
                  clock: try c.decode(LocalClock.self, forKey: .clock),
                  dedupeWindowDays: try c.decode(Int.self, forKey: .dedupeWindowDays),
                  tierSpendShare: try c.decode([Int].self, forKey: .tierSpendShare),
                  sources: try c.decode([String: SourceSettings].self, forKey: .sources))
        tierBidShare = try c.decodeIfPresent([Int].self, forKey: .tierBidShare) ?? Policy.defaultTierBidShare
        pacing = try c.decodeIfPresent(Pacing.self, forKey: .pacing) ?? .asap
        hourPriceShare = try c.decodeIfPresent([Int].self, forKey: .hourPriceShare) ?? Policy.fullPriceAllDay
    }
}
