/// What the engine has bought so far today and this hour, and recently seen consumers: the running state
/// its caps, budget and dedupe rules read. Counters reset when the buyer's local day or hour changes.
public struct Ledger: Sendable, Hashable, Codable {
    /// Buyer-local day and hour the counters belong to.
    public private(set) var day: Int64 = .min
    public private(set) var hour: Int64 = .min
    public private(set) var spentToday = Money.zero
    public private(set) var boughtToday = 0
    public private(set) var boughtThisHour = 0
    public private(set) var perSource: [String: SourceTally] = [:]
    /// When today's budget ran out: the first offer a full-share tier could not buy for budget (nil: not yet).
    public private(set) var budgetOutAt: Timestamp?
    /// When the latest offer decided was received (nil in a ledger saved before this was kept).
    public private(set) var lastOfferAt: Timestamp?
    /// Consumer key -> when a lead of theirs was last bought (seconds).
    public private(set) var recentConsumers = ConsumerMemory()

    /// Per-source counters for the current day and hour.
    public struct SourceTally: Sendable, Hashable, Codable {
        public var boughtToday = 0
        public var boughtThisHour = 0
        public var spentToday = Money.zero
    }

    public init() {}

    /// The JSON form leaves out `recentConsumers`, which the store keeps in a file of its own (it is large
    /// and only the engine needs it).
    enum CodingKeys: String, CodingKey { case day, hour, spentToday, boughtToday, boughtThisHour, perSource, lastOfferAt, budgetOutAt }

    /// Puts back the consumers saved apart from the rest of the ledger.
    public mutating func restoreConsumers(_ consumers: ConsumerMemory) { recentConsumers = consumers }

    /// Moves the counters to the day and hour of `t`, resetting those that ended, and forgets consumers
    /// outside the dedupe window. Called before each decision; cheap when nothing changes.
    public mutating func roll(to t: Timestamp, clock: LocalClock, dedupeWindowDays: Int) {
        let h = clock.hourIndex(t)
        guard h != hour else { return }
        if h > hour || hour == .min {
            hour = h
            boughtThisHour = 0
            for k in perSource.keys { perSource[k]!.boughtThisHour = 0 }
        }
        let d = clock.day(t)
        if d > day || day == .min {
            day = d
            spentToday = .zero
            budgetOutAt = nil
            boughtToday = 0
            perSource = [:]
            let horizon = t.seconds - Int64(dedupeWindowDays) * 86_400
            recentConsumers.forget(atOrBefore: horizon)
        }
    }

    /// Notes that the budget stopped an offer that could have used all of it (its tier's share is 100%).
    public mutating func noteBudgetOut(at t: Timestamp) {
        if budgetOutAt == nil { budgetOutAt = t }
    }

    /// Notes that an offer received at `t` was decided (bought or not).
    public mutating func noteOffer(at t: Timestamp) {
        if lastOfferAt.map({ t > $0 }) ?? true { lastOfferAt = t }
    }

    /// Records a purchase.
    /// - Parameter rememberingConsumer: also note the consumer for the dedupe window (the engine needs it; a
    ///   reader rebuilding figures does not).
    public mutating func recordPurchase(_ offer: Offer, rememberingConsumer: Bool = true) {
        spentToday += offer.price
        boughtToday += 1
        boughtThisHour += 1
        perSource[offer.sourceID, default: SourceTally()].boughtToday += 1
        perSource[offer.sourceID, default: SourceTally()].boughtThisHour += 1
        perSource[offer.sourceID, default: SourceTally()].spentToday += offer.price
        guard rememberingConsumer else { return }
        let consumer = offer.consumerKey
        if !consumer.isEmpty { recentConsumers.remember(consumer, at: offer.receivedAt.seconds) }  // no phone or e-mail: no dedupe
    }

    /// Today's counters for one source.
    public func tally(_ source: String) -> SourceTally { perSource[source] ?? SourceTally() }
}
