/// Something a buyer must hear about at once: money or volume has stopped, or a source is losing money on
/// enough evidence. Raised by the engine, recorded in the log (so every terminal sees the same alerts), at
/// most once per condition per local day.
public struct AlertEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The daily budget is spent: offers are rejected `budget` until the next day.
        case budget
        /// A daily cap (global or a source's) is reached.
        case cap
        /// A source's ROI on mature leads is below zero, on enough evidence.
        case belowBreakEven
        /// A source's recent return rate jumped well above its usual rate.
        case returns
    }

    /// Market time the condition was found.
    public var time: Timestamp
    public var kind: Kind
    /// The source concerned (nil for the whole desk).
    public var source: String?
    /// One line for people, naming figures (sanitised when shown).
    public var text: String

    public init(time: Timestamp, kind: Kind, source: String?, text: String) {
        self.time = time
        self.kind = kind
        self.source = source
        self.text = text
    }

    /// The condition's identity for "once per day": kind and source.
    public var condition: String { "\(kind.rawValue)|\(source ?? "*")" }
}

/// The rules that raise alerts, run by the engine on the desk after each batch it decides.
public enum AlertRules {
    /// Leads behind a ROI or return-rate alert, at least.
    public static let minLeads = Evidence.minLeads
    /// A return rate "jumps" when the last 7 days' rate is at least this many times the usual one and at least
    /// `returnJumpPoints` percentage points above it.
    public static let returnJumpFactor = 2.0
    public static let returnJumpPoints = 0.05

    /// The alerts the desk's state calls for now and has not raised today.
    /// - Parameter full: also run the per-source money rules (ROI and returns), which look at every source;
    ///   the engine runs them when the hour changes, the cheap budget and cap rules every batch.
    public static func check(_ desk: Desk, at now: Timestamp, full: Bool) -> [AlertEvent] {
        check(Inputs(desk), metrics: desk.metrics, recent: desk.recentAlerts, at: now, full: full)
    }

    /// What the rules read besides the metrics, taken from a desk at one moment: small (the ledger without its
    /// dedupe memory), so it can be handed to the thread that holds the metrics (`AlertWatch`).
    public struct Inputs: Sendable {
        public var policy: Policy
        public var catalog: Catalog
        public var ledger: Ledger

        /// The desk's policy, catalog and ledger as they are now.
        public init(_ desk: Desk) {
            policy = desk.policy
            catalog = desk.catalog
            var l = desk.ledger
            l.restoreConsumers(ConsumerMemory())  // the rules do not read it; the copy must not share it
            ledger = l
        }
    }

    /// The alerts `inputs` and `book` call for at `now` that `recent` (the alerts raised lately, oldest first)
    /// does not hold for today.
    public static func check(_ inputs: Inputs, metrics book: MetricsBook, recent: [AlertEvent], at now: Timestamp,
                             full: Bool) -> [AlertEvent] {
        var out: [AlertEvent] = []
        let p = inputs.policy
        let clock = p.clock
        let l = inputs.ledger
        let today = clock.day(now)
        guard l.day == today else { return [] }
        func raise(_ kind: AlertEvent.Kind, _ source: String?, _ text: String, at time: Timestamp? = nil) {
            let a = AlertEvent(time: time ?? now, kind: kind, source: source, text: text)
            if !raisedToday(a.condition, day: today, in: recent, clock: clock) { out.append(a) }
        }
        let at = clock.formatTime(now).prefix(5)
        // Spent out: an offer that could use the whole budget (a 100% tier) no longer fits. A lower tier stopping
        // at its share is not this.
        if let out = l.budgetOutAt {
            raise(.budget, nil, "daily budget spent out at \(clock.formatTime(out).prefix(5)): \(l.spentToday.formattedWhole) of \(p.dailyBudget.formattedWhole); offers are rejected until midnight", at: out)
        }
        if let cap = p.dailyCap, l.boughtToday >= cap {
            raise(.cap, nil, "daily cap of \(Money.grouped(UInt64(max(0, cap)))) leads reached at \(at)")
        }
        for (id, st) in p.sources.sorted(by: { $0.key < $1.key }) {
            if let cap = st.dailyCap, l.tally(id).boughtToday >= cap {
                raise(.cap, id, "\(id) reached its daily cap of \(cap) leads at \(at)")
            }
        }
        guard full else { return out }
        for s in inputs.catalog.sources where !p.settings(for: s.id).blocked {
            let key = MetricKey(.source, s.id)
            let lag = book.saleLags.usualLag(s.vertical)
            if let mature = book.matureCounters(key, window: .all, lag: lag), mature.bought >= minLeads,
               let roi = MetricsRow(mature).roi, roi < 0 {
                raise(.belowBreakEven, s.id, "\(s.id) is below break-even: ROI \(formatPercent(roi, sign: true)) on \(Money.grouped(UInt64(mature.bought))) mature leads (\(mature.spend.formattedWhole) spent, \(mature.revenue.formattedWhole) revenue)")
            }
            let recent = book.lastDays(key, days: 7, endingAt: now)
            let all = book.series[key]?.allTime ?? Counters()
            if recent.bought >= minLeads, all.bought > recent.bought {
                let r = Double(recent.returned) / Double(recent.bought)
                let usual = Double(all.returned - recent.returned) / Double(all.bought - recent.bought)
                if r >= usual * returnJumpFactor && r - usual >= returnJumpPoints {
                    raise(.returns, s.id, "\(s.id) returns jumped to \(formatPercent(r)) of \(recent.bought) leads in the last 7 days (usually \(formatPercent(usual)))")
                }
            }
        }
        return out
    }
}

extension AlertRules {
    /// Alerts a desk keeps for its views and for "once per condition per day".
    public static let kept = 200

    /// Whether `recent` (oldest first) holds an alert for `condition` raised on local day `day`.
    public static func raisedToday(_ condition: String, day: Int64, in recent: [AlertEvent], clock: LocalClock) -> Bool {
        recent.reversed().prefix { clock.day($0.time) >= day }.contains { $0.condition == condition && clock.day($0.time) == day }
    }

    /// Adds `alert` to `recent`, keeping the last `kept`.
    public static func remember(_ alert: AlertEvent, in recent: inout [AlertEvent]) {
        recent.append(alert)
        if recent.count > kept { recent.removeFirst(recent.count - kept) }
    }
}

/// The engine's schedule for the alert rules, and their memory: after each step it decides, the budget and cap
/// rules run, and the per-source money rules too when the market hour changed. Kept apart from the desk so the
/// rules can run where the metrics are folded (on the other core, `EngineSession.advance(toward:steps:)`).
public struct AlertWatch: Sendable {
    /// The alerts raised lately, oldest first: the desk's, then those this watch raised.
    public private(set) var recent: [AlertEvent]
    /// The market hour in which the per-source rules last ran.
    public private(set) var lastFullCheck: Int64

    public init(recent: [AlertEvent], lastFullCheck: Int64) {
        self.recent = recent
        self.lastFullCheck = lastFullCheck
    }

    /// The alerts called for after a step, at the latest time the metrics hold, remembered here.
    public mutating func check(_ inputs: AlertRules.Inputs, metrics: MetricsBook) -> [AlertEvent] {
        let now = metrics.latest
        let hour = inputs.policy.clock.hourIndex(now)
        let full = hour != lastFullCheck
        if full { lastFullCheck = hour }
        let raised = AlertRules.check(inputs, metrics: metrics, recent: recent, at: now, full: full)
        for a in raised { AlertRules.remember(a, in: &recent) }
        return raised
    }
}

extension MetricsBook {
    /// One slice's counters over the last `days` local days up to `now` (by purchase day).
    public func lastDays(_ key: MetricKey, days: Int64, endingAt now: Timestamp) -> Counters {
        var c = Counters()
        guard let s = series[key] else { return c }
        let today = clock.day(now)
        for (d, x) in s.days where d > today - days && d <= today { c.add(x) }
        return c
    }
}
