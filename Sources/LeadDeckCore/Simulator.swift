import HeapModule

/// An outcome the simulated market has already decided for a bought lead, waiting for its time.
public struct PendingOutcome: Sendable, Hashable, Codable, Comparable {
    public var order: Int64
    public var event: OutcomeEvent
    public static func < (a: PendingOutcome, b: PendingOutcome) -> Bool {
        (a.event.time, a.order) < (b.event.time, b.order)
    }
}

/// The embedded simulated exchange: produces offers from the catalog's sources with a daily volume curve,
/// lets the engine decide them, and plays out what happens to the bought leads later (contact within
/// minutes, sales within hours to days, returns within 10 days). Deterministic for a seed.
///
/// Shared leads convert worse than exclusive ones: the buyer wins a shared consumer with a chance of
/// `(1 + speed + brand) / legs` (at most 1), which scales both contact and close.
public struct MarketSimulator: Sendable, Hashable, Codable {
    public private(set) var rng: SeededRandom
    /// Simulated time reached so far.
    public private(set) var now: Timestamp
    private var nextLeadNumber: Int64 = 1
    private var nextOrder: Int64 = 0
    private var nextArrival: [String: Double] = [:]
    private var pending: [PendingOutcome] = []  // a binary heap, kept as an array so it encodes plainly
    private var recentPhones: [String] = []
    private var recentPhoneCursor = 0

    /// A simulation starting at `start` with a seed.
    public init(seed: UInt64, start: Timestamp) {
        rng = SeededRandom(seed: seed)
        now = start
    }

    /// Restarts the random sequence (keeping pending outcomes and the clock).
    public mutating func reseed(_ seed: UInt64) { rng = SeededRandom(seed: seed) }

    /// Moves the clock forward to `t` without producing offers for the gap (a store idle for a while).
    /// Outcomes already decided still arrive, at `t` at the earliest.
    public mutating func jump(to t: Timestamp) {
        guard t > now else { return }
        now = t
        nextArrival = [:]
    }

    /// Makes sure new lead numbers are above `n`.
    public mutating func numberLeads(after n: Int64) { nextLeadNumber = max(nextLeadNumber, n + 1) }

    /// Outcomes still to arrive.
    public var pendingCount: Int { pending.count }

    /// Relative lead volume by local hour: quiet at night, peaks late morning and early evening.
    static let hourlyCurve: [Double] = {
        let sum = rawCurve.reduce(0, +)
        return rawCurve.map { $0 * 24 / sum }  // mean 1, so a day brings `dailyVolume` leads on average
    }()
    static let rawCurve: [Double] = [0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.45, 0.9, 1.35, 1.6, 1.75, 1.7,
                                        1.6, 1.55, 1.5, 1.45, 1.4, 1.45, 1.5, 1.35, 1.1, 0.8, 0.5, 0.3]
    static let curvePeak = hourlyCurve.max()!

    /// Runs the market up to `end`: every offer is decided by `desk`, every event is folded into `desk` and
    /// passed to `emit`, in time order.
    public mutating func advance(to end: Timestamp, catalog: Catalog, desk: inout Desk,
                                 emit: (Event) -> Void) {
        guard end > now else { return }
        let sources = catalog.sources.filter { ($0.market?.dailyVolume ?? 0) > 0 }
        var heap = Heap(pending)
        defer { pending = Array(heap.unordered) }
        for s in sources where nextArrival[s.id] == nil {
            nextArrival[s.id] = Double(now.seconds) + rng.exponential(mean: meanGap(s))
        }
        let endSeconds = Double(end.seconds)
        // Next arrival per source, by catalog position (no per-offer copies of the sources).
        var arrivals = sources.map { nextArrival[$0.id]! }
        defer { for (i, s) in sources.enumerated() { nextArrival[s.id] = arrivals[i] } }
        while true {
            // The source whose next lead comes first; ties broken by catalog order for determinism.
            var best = -1
            var bestTime = endSeconds
            for i in arrivals.indices where arrivals[i] < bestTime {
                bestTime = arrivals[i]
                best = i
            }
            let cutoff = Timestamp(seconds: Int64(bestTime.rounded(.down)))
            while let top = heap.min, top.event.time <= cutoff, top.event.time < end {
                let o = heap.removeMin().event
                guard desk.leads.problem(with: o.kind, leadID: o.leadID) == nil else { continue }
                let e = Event.outcome(o)
                desk.apply(e)
                emit(e)
            }
            guard best >= 0, let market = sources[best].market else { break }
            arrivals[best] = bestTime + rng.exponential(mean: meanGap(sources[best]))
            let at = Timestamp(seconds: Int64(bestTime.rounded(.down)))
            let hour = desk.policy.clock.hourOfDay(at)
            // Thinning: arrivals come at the peak rate and are kept in proportion to the hour's volume.
            guard rng.chance(Self.hourlyCurve[hour] / Self.curvePeak) else { continue }
            let source = sources[best]
            let (offer, sub) = makeOffer(source: source, market: market, at: at)
            let decided = desk.process(offer)
            emit(.offer(decided))
            if case .bought(let mode) = decided.decision {
                scheduleFate(offer: offer, mode: mode, source: source, market: market, sub: sub,
                             buyer: catalog.buyer, into: &heap)
            }
        }
        now = end
    }

    private func meanGap(_ s: Source) -> Double {
        86_400.0 / (Double(s.market!.dailyVolume) * Self.curvePeak)
    }

    private mutating func makeOffer(source: Source, market m: MarketProfile, at: Timestamp) -> (Offer, SubSource) {
        let totalWeight = source.subIDs.reduce(0) { $0 + $1.weight }
        var w = rng.int(0...(totalWeight - 1))
        var sub = source.subIDs[0]
        for s in source.subIDs {
            if w < s.weight { sub = s; break }
            w -= s.weight
        }
        let exclusive = rng.chance(m.exclusiveShare)
        let base = exclusive ? m.exclusivePrice : m.sharedPrice
        let quarters = (Double(base.cents) * rng.uniform(0.8, 1.2) / 25).rounded()
        let price = Money(cents: max(25, Int64(quarters) * 25))
        let place = rng.pick(ConsumerNames.places)
        let first = rng.pick(ConsumerNames.first), last = rng.pick(ConsumerNames.last)
        let phone: String
        if rng.chance(m.duplicateRate), !recentPhones.isEmpty {
            phone = rng.pick(recentPhones)
        } else {
            phone = "\(rng.int(201...989))\(rng.int(200...999))\(rng.int(1000...9999))"
            if recentPhones.count < 512 {
                recentPhones.append(phone)
            } else {
                recentPhones[recentPhoneCursor] = phone
                recentPhoneCursor = (recentPhoneCursor + 1) % 512
            }
        }
        let id = "L\(String(nextLeadNumber, radix: 36, uppercase: true))"
        nextLeadNumber += 1
        let offer = Offer(
            leadID: id, sourceID: source.id, subID: sub.id, vertical: source.vertical, state: place.0,
            postalCode: place.2 + String(rng.int(10...99)), city: place.1,
            saleType: exclusive ? .exclusive : .shared,
            maxSells: exclusive ? 1 : rng.int(m.minLegs...m.maxLegs), price: price, receivedAt: at,
            firstName: first, lastName: last, phone: phone,
            email: "\(first.lowercased()).\(last.lowercased())\(rng.int(1...99))@example.com")
        return (offer, sub)
    }

    /// Chance the buyer wins a consumer against the other buyers of a shared lead.
    public static func winShare(mode: PurchaseMode, legs: Int, buyer: BuyerProfile) -> Double {
        mode == .exclusive ? 1 : min(1, (1 + buyer.speed + buyer.brand) / Double(max(1, legs)))
    }

    private mutating func scheduleFate(offer: Offer, mode: PurchaseMode, source: Source, market m: MarketProfile,
                                       sub: SubSource, buyer: BuyerProfile, into heap: inout Heap<PendingOutcome>) {
        let t = offer.receivedAt
        let lead = LeadRef(sourceID: offer.sourceID, subID: offer.subID, vertical: offer.vertical, mode: mode,
                           boughtAt: t, price: offer.price)
        func schedule(_ after: Double, _ kind: OutcomeKind, revenue: Money? = nil, refund: Money? = nil, reason: String? = nil) {
            let e = OutcomeEvent(time: t + Int64(after), leadID: offer.leadID, kind: kind, revenue: revenue,
                                 refund: refund, reason: reason, lead: lead)
            heap.insert(PendingOutcome(order: nextOrder, event: e))
            nextOrder += 1
        }
        let win = Self.winShare(mode: mode, legs: offer.maxSells, buyer: buyer)
        if rng.chance(m.returnRate * (2 - sub.quality).clamped(0.5, 1.5)) {
            schedule(min(9.5 * 86_400, 2 * 3600 + rng.exponential(mean: 2.5 * 86_400)), .returned, refund: offer.price,
                     reason: rng.pick(ReturnReason.all))
            return
        }
        let pContact = min(0.97, m.contactRate * sub.quality * (mode == .exclusive ? 1 : 0.55 + 0.45 * win))
        guard rng.chance(pContact) else { return }
        schedule(rng.uniform(60, mode == .exclusive ? 900 : 2400), .contacted)
        let pClose = min(0.95, m.closeRate * sub.quality * win)
        guard rng.chance(pClose) else { return }
        let value = (Double(m.saleValue.cents) * rng.uniform(0.6, 1.4) / 100).rounded() * 100
        schedule(min(14 * 86_400, 3600 + rng.exponential(mean: 16 * 3600)), .converted, revenue: Money(cents: Int64(value)))
    }
}

extension Double {
    func clamped(_ lo: Double, _ hi: Double) -> Double { Swift.min(hi, Swift.max(lo, self)) }
}
