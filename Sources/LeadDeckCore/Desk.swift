/// The buyer's desk as a fold over events: the policy in force, the engine's ledger, the metrics and the
/// recently bought leads. Value type with one owner; it does no I/O.
public struct Desk: Sendable {
    /// The sources, with the sub-IDs offers brought that `sources.json` does not list (see `newSubIDName`).
    public private(set) var catalog: Catalog
    public private(set) var policy: Policy
    public private(set) var ledger: Ledger
    public private(set) var metrics: MetricsBook
    public private(set) var leads: LeadIndex
    /// The latest policy changes, newest last (at most `changesKept`), for history views.
    public private(set) var recentChanges: [PolicyEvent] = []
    public static let changesKept = 200
    /// How many changes this desk has recorded in all (not capped), so a viewer can tell which are new.
    public private(set) var changeCount = 0
    /// The latest alerts, newest last (at most `AlertRules.kept`), for the alerts screen and "once per day".
    public private(set) var recentAlerts: [AlertEvent] = []
    /// Even pacing's hour weights, learned from the offers by hour of day, and the local day they were learned on.
    public private(set) var paceWeights = HourWeights.uniform
    private var paceWeightsDay: Int64 = .min
    private var sourceIDs: Set<String>
    private var sourceIndex: [String: Int] = [:]
    /// The catalog's sources by id: indices into `catalog.sources`, ordered by id (a repeated id by catalog
    /// order). Tables that list thousands of sources in id order, or break ties by id, walk this instead of
    /// comparing ids on every frame.
    public private(set) var sourcesByID: [Int] = []
    /// Where each catalog source's own slice is in `metrics.series`, by catalog index (-1: none), as of a series
    /// count of `sourceSeriesCount`: see `seriesPosition(ofSource:)`.
    var sourceSeries: [Int] = []
    var sourceSeriesCount = -1
    /// Each catalog source's settings in `policy`, by catalog index (the policy changes only through `setPolicy`).
    private var sourceSettings: [SourceSettings] = []
    /// The later catalog indices of an id the catalog lists more than once (a catalog that fails validation).
    private var repeatedIDs: [String: [Int]] = [:]
    /// Source and sub-ID pairs `noteSubID` saw lately.
    private var subIDsNoted = RecentPairs()

    /// The name a sub-ID gets when an offer brings one the catalog does not list. Exchanges add sub-IDs all the
    /// time; such a sub-ID is shown and counted like any other and can be blocked. Its weight is 0, so the
    /// simulated exchange never draws it.
    public static let newSubIDName = "new sub-ID (not in sources.json)"

    /// A desk with no history.
    public init(catalog: Catalog, policy: Policy) {
        self.init(catalog: catalog, policy: policy, ledger: Ledger(), metrics: MetricsBook(clock: policy.clock),
                  leads: LeadIndex())
    }

    /// A desk resumed from a checkpoint.
    public init(catalog: Catalog, policy: Policy, ledger: Ledger, metrics: MetricsBook, leads: LeadIndex,
                recentChanges: [PolicyEvent] = [], recentAlerts: [AlertEvent] = []) {
        self.catalog = catalog
        self.recentChanges = recentChanges
        self.recentAlerts = recentAlerts
        self.changeCount = recentChanges.count
        self.policy = policy
        self.ledger = ledger
        self.metrics = metrics
        self.leads = leads
        self.sourceIDs = Set(catalog.sources.map(\.id))
        self.metrics.clock = policy.clock
        for (i, s) in catalog.sources.enumerated() {
            if sourceIndex[s.id] == nil { sourceIndex[s.id] = i } else { repeatedIDs[s.id, default: []].append(i) }
        }
        let sources = catalog.sources
        sourcesByID = sources.indices.sorted { sources[$0].id != sources[$1].id ? sources[$0].id < sources[$1].id : $0 < $1 }
        findSourceSeries()
        sourceSettings = sources.map { policy.settings(for: $0.id) }
        // Sub-IDs first seen before the checkpoint: their counters are in the metrics.
        for key in metrics.table(.subid, window: .all).keys.sorted() {
            guard let slash = key.value.firstIndex(of: "/") else { continue }
            noteSubID(source: String(key.value[..<slash]), subID: String(key.value[key.value.index(after: slash)...]))
        }
    }

    /// Whether the catalog, or an offer recorded before, knows this sub-ID of a source.
    public func knows(source: String, subID: String) -> Bool {
        guard let i = sourceIndex[source] else { return false }
        return catalog.sources[i].subIDs.contains { $0.id == subID }
    }

    /// Adds a sub-ID an offer brought to its source, if the catalog does not list it yet.
    private mutating func noteSubID(source: String, subID: String) {
        // Noting a pair again changes nothing (the catalog only grows), so a pair met lately is not looked up.
        guard !subIDsNoted.contains(source, subID) else { return }
        subIDsNoted.insert(source, subID)
        guard let i = sourceIndex[source], !catalog.sources[i].subIDs.contains(where: { $0.id == subID }) else { return }
        catalog.sources[i].subIDs.append(SubSource(id: subID, name: Self.newSubIDName, weight: 0))
    }

    /// Whether the catalog lists this source.
    public func knows(source: String) -> Bool { sourceIDs.contains(source) }

    /// Whether an offer at `t` can be decided in order: not in an hour before the one the ledger has reached
    /// (its caps and budget for that hour or day are gone, so an earlier offer cannot be judged fairly).
    public func isInOrder(_ t: Timestamp) -> Bool {
        ledger.hour == .min || policy.clock.hourIndex(t) >= ledger.hour
    }

    /// When the latest decided offer was received (the store's clock when none is known).
    public var lastOfferTime: Timestamp { ledger.lastOfferAt ?? metrics.latest }

    /// How an offer with this lead id was answered before, if it was (a retry gets the same answer): bought
    /// leads are remembered for `LeadIndex.keepDays`, rejected ones for `LeadIndex.rejectionsKeptSeconds`.
    public func earlierDecision(leadID: String) -> Decision? {
        if let e = leads[leadID] { return .bought(e.lead.mode) }
        return leads.rejection(leadID).map { .rejected($0) }
    }

    /// The engine's decision on an offer, without booking it.
    public func decide(_ offer: Offer) -> OfferEvent {
        var l = ledger
        l.roll(to: offer.receivedAt, clock: policy.clock, dedupeWindowDays: policy.dedupeWindowDays)
        return Self.kept(offer, Engine.decide(offer, policy: policy, ledger: l, weights: paceWeights(at: offer.receivedAt)),
                         tier: policy.settings(for: offer.sourceID).priority)
    }

    /// Decides an offer and books the result.
    /// - Parameter foldingMetrics: false while the metrics are lent out (`lendMetrics`): whoever holds them folds
    ///   the event in, in the same order.
    public mutating func process(_ offer: Offer, foldingMetrics: Bool = true) -> OfferEvent {
        process(offer, foldingMetrics: foldingMetrics, subIDListed: false) { _ in }
    }

    /// As `process(_:foldingMetrics:)`, for an offer whose details are completed only if it is bought.
    /// - Parameters:
    ///   - subIDListed: the offer's sub-ID is known to be in the catalog (the simulator draws from it), so it is
    ///     not looked up to be noted.
    ///   - completeIfBought: fills in what the decision does not read (the consumer's name and e-mail; the phone,
    ///     which dedupe reads, must be there) before a bought offer is booked and recorded.
    mutating func process(_ offer: consuming Offer, foldingMetrics: Bool, subIDListed: Bool,
                          completeIfBought: (inout Offer) -> Void) -> OfferEvent {
        ledger.roll(to: offer.receivedAt, clock: policy.clock, dedupeWindowDays: policy.dedupeWindowDays)
        learnPaceWeights(at: offer.receivedAt)
        let settings = policy.settings(for: offer.sourceID)
        let decision = Engine.decide(offer, settings: settings, policy: policy, ledger: ledger, weights: paceWeights)
        // What `kept` keeps, changed in place rather than copied.
        if decision.isBought {
            completeIfBought(&offer)
        } else {
            offer.dropContact()
        }
        let e = OfferEvent(offer: offer, decision: decision, tier: settings.priority)
        book(e, foldingMetrics: foldingMetrics, subIDListed: subIDListed)
        return e
    }

    /// Whether deciding offers from `start` to `end` reads nothing from the metrics, so they can be lent out
    /// (`lendMetrics`) and folded elsewhere meanwhile: always, unless pacing is even and a local day begins in
    /// that time (its first offer learns the day's hour weights from the metrics).
    public func decidesWithoutMetrics(from start: Timestamp, to end: Timestamp) -> Bool {
        guard policy.pacing == .even else { return true }
        let day = policy.clock.day(start)
        return day == paceWeightsDay && policy.clock.day(end) == day
    }

    /// Promises the metrics that the replay will reach `t` (`MetricsBook.willReach`); `keepPromiseOrForget` after.
    public mutating func willReach(_ t: Timestamp) { metrics.willReach(t) }

    /// Ends a promise `willReach` made (`MetricsBook.keepPromiseOrForget`).
    public mutating func keepPromiseOrForget() { metrics.keepPromiseOrForget() }

    /// Hands the metrics out to be folded elsewhere (on another core) while offers are decided without them
    /// (`decidesWithoutMetrics`, `process(_:foldingMetrics:)`); until `returnMetrics`, the desk's own metrics are
    /// empty and must not be read.
    public mutating func lendMetrics() -> MetricsBook {
        let lent = metrics
        metrics = MetricsBook(clock: policy.clock)
        return lent
    }

    /// Takes back the metrics `lendMetrics` handed out, with every event decided meanwhile folded in.
    public mutating func returnMetrics(_ book: MetricsBook) {
        metrics = book
        findSourceSeries()
    }

    /// Where catalog source `i`'s own slice is in `metrics.series`, or nil when nothing was counted in it: what
    /// the sources table reads for every source on every frame, without hashing its id when the desk's record
    /// of positions is current (it is checked against the series; a stale one falls back to the lookup).
    public func seriesPosition(ofSource i: Int) -> Int? {
        let key = MetricKey(.source, catalog.sources[i].id)
        if i < sourceSeries.count {
            let p = sourceSeries[i]
            if p >= 0, metrics.series.key(at: p) == key { return p }
            if p < 0, sourceSeriesCount == metrics.series.count { return nil }
        }
        return metrics.series.position(ofExisting: key)
    }

    /// Records where every catalog source's own slice is (a desk made or given back its metrics).
    private mutating func findSourceSeries() {
        let series = metrics.series
        sourceSeries = catalog.sources.map { series.position(ofExisting: MetricKey(.source, $0.id)) ?? -1 }
        sourceSeriesCount = series.count
    }

    /// Folds an event of `source` into the metrics, noting where the source's slice is when the event made it.
    private mutating func fold(_ event: Event, source: String) {
        fold(source: source) { $0.apply(event) }
    }

    /// Folds an event into the metrics by `apply`, keeping `sourceSeries` up to date.
    @inline(__always)
    private mutating func fold(source: String, _ apply: (inout MetricsBook) -> Void) {
        let before = metrics.series.count
        apply(&metrics)
        let after = metrics.series.count
        guard after != before else { return }
        // New slices come only from this event, so only its source's position can have appeared.
        guard sourceSeriesCount == before else { return }
        // A source the catalog does not list (a log replayed with a shorter sources.json) owns no catalog slice.
        if let i = sourceIndex[source], i < sourceSeries.count {
            let p = metrics.series.position(ofExisting: MetricKey(.source, source)) ?? -1
            sourceSeries[i] = p
            if !repeatedIDs.isEmpty, let more = repeatedIDs[source] { for j in more { sourceSeries[j] = p } }
        }
        sourceSeriesCount = after
    }

    /// The event recording a decision: a lead that was not bought is kept without the consumer's contact details
    /// (data minimisation: nothing needs them, and the log is a fifth smaller), a bought one whole.
    static func kept(_ offer: Offer, _ decision: Decision, tier: Int) -> OfferEvent {
        OfferEvent(offer: decision.isBought || !offer.hasContact ? offer : offer.withoutContact, decision: decision, tier: tier)
    }

    /// Answers a ping (no contact data, so no dedupe) and books it; a bid may be taken up by a post until
    /// `ttlSeconds` after the ping.
    public mutating func bid(on ping: Ping, ttlSeconds: Int64) -> PingEvent {
        ledger.roll(to: ping.receivedAt, clock: policy.clock, dedupeWindowDays: policy.dedupeWindowDays)
        learnPaceWeights(at: ping.receivedAt)
        let decision = Engine.bid(ping, policy: policy, ledger: ledger, weights: paceWeights)
        let e = PingEvent(ping: ping, decision: decision, expiresAt: decision.price == nil ? nil : ping.receivedAt + ttlSeconds,
                          tier: policy.settings(for: ping.sourceID).priority)
        fold(.ping(e), source: ping.sourceID)
        return e
    }

    /// Learns the hour weights once per local day, from the offers counted by hour of day so far (only when
    /// pacing is even: the sum runs over every source). Deciding and replaying learn at the same points, so a
    /// follower holds the engine's weights.
    private mutating func learnPaceWeights(at t: Timestamp) {
        guard policy.pacing == .even else { return }
        let d = policy.clock.day(t)
        guard d != paceWeightsDay else { return }
        paceWeightsDay = d
        paceWeights = HourWeights(offered: metrics.breakdowns.offeredByHour)
    }

    /// The pace line at `t` under the policy in force (nil when pacing is asap or the day has no open hour).
    public func paceLine(at t: Timestamp) -> PaceLine? {
        guard policy.pacing == .even else { return nil }
        return PaceLine.at(t, budget: policy.dailyBudget, hours: policy.hours, clock: policy.clock, weights: paceWeights(at: t))
    }

    /// The weights in force at `t`: those learned for its day, or what would be learned now (before the day's
    /// first offer).
    private func paceWeights(at t: Timestamp) -> HourWeights {
        policy.pacing != .even || policy.clock.day(t) == paceWeightsDay ? paceWeights : HourWeights(offered: metrics.breakdowns.offeredByHour)
    }

    private mutating func book(_ e: OfferEvent, leadState: Bool = true, foldingMetrics: Bool = true, subIDListed: Bool = false) {
        if !subIDListed { noteSubID(source: e.offer.sourceID, subID: e.offer.subID) }
        ledger.noteOffer(at: e.offer.receivedAt)
        if e.decision == .rejected(.budget), policy.share(forTier: e.tier) >= 100 { ledger.noteBudgetOut(at: e.offer.receivedAt) }
        if e.decision.isBought { ledger.recordPurchase(e.offer, rememberingConsumer: leadState) }
        // Not wrapped in an event again: an offer is large, and each wrapping copies it.
        if foldingMetrics { fold(source: e.offer.sourceID) { $0.apply(offer: e) } }
        if leadState { leads.apply(offer: e) }
    }

    /// Folds an event recorded earlier (or by another process) into the desk.
    public mutating func apply(_ event: Event) { apply(event, leadState: true) }

    /// Folds an event in.
    /// - Parameters:
    ///   - leadState: also keep what only a writer needs: the bought-lead index (with the retry memory) and the
    ///     dedupe memory. A reader rebuilding its figures from the log leaves them out, as a reader opened from a
    ///     checkpoint never loads them; every figure comes out the same.
    ///   - foldingMetrics: false while the metrics are lent out (`lendMetrics`): only offers and outcomes may be
    ///     applied then, and whoever holds the metrics folds them in, in the same order.
    public mutating func apply(_ event: Event, leadState: Bool, foldingMetrics: Bool = true) {
        switch event {
        case .offer(let e):
            ledger.roll(to: e.offer.receivedAt, clock: policy.clock, dedupeWindowDays: policy.dedupeWindowDays)
            learnPaceWeights(at: e.offer.receivedAt)
            book(e, leadState: leadState, foldingMetrics: foldingMetrics)
        case .outcome(let o):
            if foldingMetrics { fold(event, source: o.lead.sourceID) }
            if leadState { leads.apply(event) }
        case .policy(let e):
            if let p = try? e.change.apply(to: policy) { setPolicy(p) }
            recordChange(e)
            metrics.apply(event)
        case .note:
            metrics.apply(event)
        case .alert(let a):
            recordAlert(a)
        case .ping(let e):
            ledger.roll(to: e.ping.receivedAt, clock: policy.clock, dedupeWindowDays: policy.dedupeWindowDays)
            learnPaceWeights(at: e.ping.receivedAt)
            fold(event, source: e.ping.sourceID)
        }
    }

    /// Puts back the bought-lead index and the dedupe memory saved apart from the main checkpoint.
    public mutating func restoreLeadState(leads: LeadIndex, consumers: ConsumerMemory) {
        self.leads = leads
        ledger.restoreConsumers(consumers)
    }

    /// Remembers an alert (for the alerts screen and so the same condition is not raised twice a day).
    public mutating func recordAlert(_ a: AlertEvent) {
        AlertRules.remember(a, in: &recentAlerts)
    }

    /// Whether an alert for this condition was raised on local day `day`.
    public func alertRaisedToday(_ condition: String, day: Int64) -> Bool {
        AlertRules.raisedToday(condition, day: day, in: recentAlerts, clock: policy.clock)
    }

    /// Remembers a change for history views, without applying it (it may already be in the policy).
    public mutating func recordChange(_ e: PolicyEvent) {
        changeCount += 1
        recentChanges.append(e)
        if recentChanges.count > Self.changesKept { recentChanges.removeFirst(recentChanges.count - Self.changesKept) }
    }

    /// Replaces the policy (after it was changed and saved).
    public mutating func setPolicy(_ p: Policy) {
        policy = p
        metrics.clock = p.clock
        sourceSettings = catalog.sources.map { p.settings(for: $0.id) }
    }

    /// `policy.settings(for:)` of catalog source `i`, without hashing its id (the sources table reads every
    /// source's settings on every frame a filter is applied).
    public func settings(ofSource i: Int) -> SourceSettings {
        i < sourceSettings.count ? sourceSettings[i] : policy.settings(for: catalog.sources[i].id)
    }
}
