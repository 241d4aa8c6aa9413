/// The buyer's decision rules. `decide` is pure: the same offer, policy and ledger give the same decision.
///
/// Rules, in order; the first that says no is the reason:
/// 1. blocked: the source or its sub-ID is blocked.
/// 2. filtered: the vertical is not bought (or has no price limit), or the state is outside the list.
/// 3. closed: outside the hours of operation.
/// 4. duplicate: the same consumer was bought within the dedupe window.
/// 5. mode: the offer's sale type is not the mode in force for its source.
/// 6. price: above the maximum for its vertical and mode (scaled by the hour's `hourPriceShare`).
/// 7. cap: the source's own daily/hourly cap, or the global caps scaled by its priority tier's share.
/// 8. budget: the daily budget scaled by its priority tier's share would be exceeded.
/// 9. pacing (even pacing only): the day's spend would pass the pace line: (pace + this hour's slice) scaled
///    by the tier's share (`PaceLine`).
///
/// Priority: a tier-N source may use only `tierSpendShare[N-1]` percent of the daily budget and global caps,
/// so low tiers stop buying first and the rest is reserved for the best sources.
public enum Engine {
    public static func decide(_ offer: Offer, policy: Policy, ledger: Ledger, weights: HourWeights = .uniform) -> Decision {
        decide(offer, settings: policy.settings(for: offer.sourceID), policy: policy, ledger: ledger, weights: weights)
    }

    /// `decide(_:policy:ledger:weights:)` with the source's settings already looked up (`Policy.settings(for:)`).
    static func decide(_ offer: Offer, settings sourceSettings: SourceSettings, policy: Policy, ledger: Ledger,
                       weights: HourWeights) -> Decision {
        let settings: SourceSettings, limit: PriceLimit
        switch admits(settings: sourceSettings, subID: offer.subID, vertical: offer.vertical, state: offer.state,
                      at: offer.receivedAt, policy: policy) {
        case .refused(let r): return .rejected(r)
        case .admitted(let s, let l): (settings, limit) = (s, l)
        }
        let t = offer.receivedAt

        let consumer = offer.consumerKey
        if policy.dedupeWindowDays > 0, !consumer.isEmpty, let last = ledger.recentConsumers[consumer],
           t.seconds - last < Int64(policy.dedupeWindowDays) * 86_400 {
            return .rejected(.duplicate)
        }

        let mode = settings.mode.resolved(global: policy.globalMode)
        if offer.saleType != mode { return .rejected(.mode) }

        if offer.price > policy.hourLimit(limit.limit(for: mode), at: t) { return .rejected(.price) }

        if let r = limitReached(source: offer.sourceID, at: t, cost: offer.price, settings: settings, policy: policy,
                                ledger: ledger, weights: weights) {
            return .rejected(r)
        }

        return .bought(mode)
    }

    /// The bid on a ping: every rule that can be judged without contact data, in `decide`'s order (blocked,
    /// filtered, closed, mode), then the floor, then caps and budget at the bid's price.
    ///
    /// The bid is the vertical's maximum price for the ping's sale type times the source's tier share of
    /// `tierBidShare`, rounded down to the cent (`Policy.bidPrice`); below the exchange's floor (or zero) there
    /// is no bid.
    public static func bid(_ ping: Ping, policy: Policy, ledger: Ledger, weights: HourWeights = .uniform) -> BidDecision {
        let settings: SourceSettings, limit: PriceLimit
        switch admits(source: ping.sourceID, subID: ping.subID, vertical: ping.vertical, state: ping.state,
                      at: ping.receivedAt, policy: policy) {
        case .refused(let r): return .noBid(NoBidReason(rawValue: r.rawValue) ?? .filtered)
        case .admitted(let s, let l): (settings, limit) = (s, l)
        }
        let t = ping.receivedAt
        let mode = settings.mode.resolved(global: policy.globalMode)
        if ping.saleType != mode { return .noBid(.mode) }
        let price = policy.bidPrice(max: policy.hourLimit(limit.limit(for: mode), at: t), tier: settings.priority)
        if price.cents <= 0 || ping.floor.map({ price < $0 }) == true { return .noBid(.floor) }
        switch limitReached(source: ping.sourceID, at: t, cost: price, settings: settings, policy: policy, ledger: ledger,
                            weights: weights) {
        case .cap?: return .noBid(.cap)
        case .pacing?: return .noBid(.pacing)
        case _?: return .noBid(.budget)
        case nil: return .bid(price)
        }
    }

    /// Rules 1-3 (blocked, filtered, closed), which offers and pings share: the source's settings and the
    /// vertical's price limit when they pass.
    static func admits(source: String, subID: String, vertical: Vertical, state: String, at t: Timestamp,
                       policy: Policy) -> Admission {
        admits(settings: policy.settings(for: source), subID: subID, vertical: vertical, state: state, at: t, policy: policy)
    }

    /// `admits(source:...)` with the source's settings already looked up.
    static func admits(settings: SourceSettings, subID: String, vertical: Vertical, state: String, at t: Timestamp,
                       policy: Policy) -> Admission {
        if settings.isBlocked(subID: subID) { return .refused(.blocked) }
        guard policy.verticals.contains(vertical), let limit = policy.maxPrice[vertical.rawValue],
              policy.states.isEmpty || policy.states.contains(state)
        else { return .refused(.filtered) }
        if let hours = policy.hours, !hours.isOpen(at: t, clock: policy.clock) { return .refused(.closed) }
        if let hours = settings.hours, !hours.isOpen(at: t, clock: policy.clock) { return .refused(.closed) }
        return .admitted(settings, limit)
    }

    enum Admission {
        case admitted(SourceSettings, PriceLimit)
        case refused(RejectReason)
    }

    /// Rules 7-9: `.cap`, `.budget` or `.pacing` when buying one more lead at `cost` would pass a cap, the
    /// budget or the pace.
    static func limitReached(source: String, at t: Timestamp, cost: Money, settings: SourceSettings, policy: Policy,
                             ledger: Ledger, weights: HourWeights) -> RejectReason? {
        // Counters from an earlier day or hour do not count against this one.
        let sameDay = ledger.day == policy.clock.day(t)
        let sameHour = ledger.hour == policy.clock.hourIndex(t)
        let tally = ledger.tally(source)
        let srcDay = sameDay ? tally.boughtToday : 0
        let srcHour = sameHour ? tally.boughtThisHour : 0
        if let cap = settings.dailyCap, srcDay >= cap { return .cap }
        if let cap = settings.hourlyCap, srcHour >= cap { return .cap }
        let share = policy.share(forTier: settings.priority)
        if let cap = policy.dailyCap, (sameDay ? ledger.boughtToday : 0) >= cap * share / 100 { return .cap }
        if let cap = policy.hourlyCap, (sameHour ? ledger.boughtThisHour : 0) >= cap * share / 100 { return .cap }
        let spent = sameDay ? ledger.spentToday : .zero
        if spent + cost > policy.dailyBudget.percent(share) { return .budget }
        if policy.pacing == .even,
           let line = PaceLine.at(t, budget: policy.dailyBudget, hours: policy.hours, clock: policy.clock, weights: weights),
           spent + cost > line.limit(share: share) {
            return .pacing
        }
        return nil
    }
}
