/// An outcome the simulated market has already decided for a bought lead, waiting for its time.
public struct PendingOutcome: Sendable, Hashable, Codable, Comparable {
    public var order: Int64
    public var event: OutcomeEvent
    public init(order: Int64, event: OutcomeEvent) {
        self.order = order
        self.event = event
    }

    public static func < (a: PendingOutcome, b: PendingOutcome) -> Bool {
        (a.event.time, a.order) < (b.event.time, b.order)
    }
}

/// The embedded simulated exchange: produces offers from the catalog's sources with a daily volume curve,
/// lets the engine decide them, and plays out what happens to the bought leads later (contact within
/// minutes, sales within hours to days, returns within 10 days). Deterministic for a seed.
///
/// Shared leads convert worse than exclusive ones: the buyer wins a shared consumer with a chance of
/// `(1 + speed + brand) / legs` (at most 1), which scales contact (`0.55 + 0.45 * win`) and close (`win`).
/// A source's profile holds for its exclusive leads as a buyer measures them: `contactRate` is contacted /
/// bought (returned leads are never reached, so the others are reached a little more often), and sub-ID
/// quality moves a sub-ID around the source's average without moving the average.
public struct MarketSimulator: Sendable, Hashable, Codable {
    public private(set) var rng: SeededRandom
    /// Simulated time reached so far.
    public private(set) var now: Timestamp
    private var nextLeadNumber: Int64 = 1
    private var nextOrder: Int64 = 0
    private var nextArrival: [String: Double] = [:]
    fileprivate var pending = PendingOutcomes()
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

    /// Everything the simulation keeps, field by field: for a checkpoint codec that writes and reads it without
    /// `Codable` (the JSON is the same: these are the keys `Codable` uses).
    public struct Parts: Sendable {
        public var rng: SeededRandom
        public var now: Timestamp
        public var nextLeadNumber: Int64
        public var nextOrder: Int64
        public var nextArrival: [String: Double]
        /// Soonest first; any order reads.
        public var pending: [PendingOutcome]
        public var recentPhones: [String]
        public var recentPhoneCursor: Int

        public init(rng: SeededRandom, now: Timestamp, nextLeadNumber: Int64, nextOrder: Int64, nextArrival: [String: Double],
                    pending: [PendingOutcome], recentPhones: [String], recentPhoneCursor: Int) {
            self.rng = rng
            self.now = now
            self.nextLeadNumber = nextLeadNumber
            self.nextOrder = nextOrder
            self.nextArrival = nextArrival
            self.pending = pending
            self.recentPhones = recentPhones
            self.recentPhoneCursor = recentPhoneCursor
        }
    }

    public var parts: Parts {
        Parts(rng: rng, now: now, nextLeadNumber: nextLeadNumber, nextOrder: nextOrder, nextArrival: nextArrival,
              pending: pending.inOrder, recentPhones: recentPhones, recentPhoneCursor: recentPhoneCursor)
    }

    /// A simulation in the state `parts` describe.
    public init(parts p: Parts) {
        rng = p.rng
        now = p.now
        nextLeadNumber = p.nextLeadNumber
        nextOrder = p.nextOrder
        nextArrival = p.nextArrival
        pending = PendingOutcomes(p.pending)
        recentPhones = p.recentPhones
        recentPhoneCursor = p.recentPhoneCursor
    }

    /// Relative lead volume by local hour: quiet at night, peaks late morning and early evening.
    static let hourlyCurve: [Double] = {
        let sum = rawCurve.reduce(0, +)
        return rawCurve.map { $0 * 24 / sum }  // mean 1, so a day brings `dailyVolume` leads on average
    }()
    static let rawCurve: [Double] = [0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.45, 0.9, 1.35, 1.6, 1.75, 1.7,
                                        1.6, 1.55, 1.5, 1.45, 1.4, 1.45, 1.5, 1.35, 1.1, 0.8, 0.5, 0.3]
    static let curvePeak = hourlyCurve.max()!

    /// Starts running the market up to `end`: the returned run yields offers and due outcomes in time order,
    /// and the caller (the engine) decides each offer and tells the run which it bought. The simulator itself
    /// is unchanged until the caller takes `run.finished()` back, so a batch that is never recorded leaves
    /// no trace in it.
    public func run(to end: Timestamp, catalog: Catalog) -> MarketRun {
        MarketRun(simulator: self, end: end, catalog: catalog)
    }

    fileprivate mutating func prepareArrivals(for sources: [Source]) -> [Double] {
        for s in sources where nextArrival[s.id] == nil {
            nextArrival[s.id] = Double(now.seconds) + rng.exponential(mean: meanGap(s))
        }
        return sources.map { nextArrival[$0.id]! }
    }

    fileprivate mutating func finish(end: Timestamp, sources: [Source], arrivals: [Double]) {
        for (i, s) in sources.enumerated() { nextArrival[s.id] = arrivals[i] }
        if end > now { now = end }
    }

    fileprivate mutating func drawArrival(after t: Double, meanGap: Double) -> Double {
        t + rng.exponential(mean: meanGap)
    }

    fileprivate mutating func keepsArrival(atHour hour: Int) -> Bool {
        // Thinning: arrivals come at the peak rate and are kept in proportion to the hour's volume.
        rng.chance(Self.hourlyCurve[hour] / Self.curvePeak)
    }

    /// An offer from `source` at `at`, with the index of its sub-ID in the source's, and the draws for its
    /// consumer's name and e-mail, which are left empty unless `withContact` (`MarketRun.completeContact`).
    fileprivate mutating func offer(from source: borrowing Source, at: Timestamp, withContact: Bool) -> (Offer, Int, ContactDraws) {
        var (offer, sub, draws) = makeOffer(source: source, market: source.market!, at: at)
        if withContact { draws.fill(&offer) }
        return (offer, sub, draws)
    }

    fileprivate mutating func bought(_ offer: Offer, mode: PurchaseMode, source: Source, sub: SubSource,
                                     buyer: BuyerProfile) {
        scheduleFate(offer: offer, mode: mode, source: source, market: source.market!, sub: sub, buyer: buyer)
    }

    fileprivate func meanGap(_ s: Source) -> Double {
        86_400.0 / (Double(s.market!.dailyVolume) * Self.curvePeak)
    }

    /// The random draws that make an offer's consumer name and e-mail: built only for an offer that is bought (an
    /// offer turned down keeps no contact details), or for every offer when they leave the simulator.
    struct ContactDraws: Sendable {
        var first: Int
        var last: Int
        var number: Int

        func fill(_ offer: inout Offer) {
            offer.firstName = ConsumerNames.first[first]
            offer.lastName = ConsumerNames.last[last]
            offer.email = SimulatedText.email(ConsumerNames.firstLowercased[first], ConsumerNames.lastLowercased[last], number)
        }
    }

    /// An offer with its phone but without the consumer's name and e-mail (the draws for them are returned), and
    /// the index of its sub-ID.
    private mutating func makeOffer(source: borrowing Source, market m: MarketProfile, at: Timestamp) -> (Offer, Int, ContactDraws) {
        let totalWeight = source.subIDs.reduce(0) { $0 + $1.weight }
        var w = rng.int(0...(totalWeight - 1))
        var subIndex = 0
        for (i, s) in source.subIDs.enumerated() {
            if w < s.weight { subIndex = i; break }
            w -= s.weight
        }
        let sub = source.subIDs[subIndex]
        let exclusive = rng.chance(m.exclusiveShare)
        let base = exclusive ? m.exclusivePrice : m.sharedPrice
        let quarters = (Double(base.cents) * rng.uniform(0.8, 1.2) / 25).rounded()
        let price = Money(cents: max(25, Int64(quarters) * 25))
        let placeIndex = rng.index(ConsumerNames.places.count)  // the same draw as `pick`
        let place = ConsumerNames.places[placeIndex]
        let fi = rng.index(ConsumerNames.first.count), li = rng.index(ConsumerNames.last.count)
        let phone: String
        if rng.chance(m.duplicateRate), !recentPhones.isEmpty {
            phone = rng.pick(recentPhones)
        } else {
            let (area, exchange, line) = (rng.int(201...989), rng.int(200...999), rng.int(1000...9999))
            phone = SimulatedText.digits(area, exchange, line)
            if recentPhones.count < 512 {
                recentPhones.append(phone)
            } else {
                recentPhones[recentPhoneCursor] = phone
                recentPhoneCursor = (recentPhoneCursor + 1) % 512
            }
        }
        let id = SimulatedText.leadID(nextLeadNumber)
        nextLeadNumber += 1
        let postal = ConsumerNames.postalCodes[placeIndex][rng.int(10...99) - 10]
        let legs = exclusive ? 1 : rng.int(m.minLegs...m.maxLegs)
        let draws = ContactDraws(first: fi, last: li, number: rng.int(1...99))
        let offer = Offer(
            leadID: id, sourceID: source.id, subID: sub.id, vertical: source.vertical, state: place.0,
            postalCode: postal, city: place.1,
            saleType: exclusive ? .exclusive : .shared,
            maxSells: legs, price: price, receivedAt: at,
            firstName: "", lastName: "", phone: phone, email: "")
        return (offer, subIndex, draws)
    }

    /// The volume-weighted average quality of a source's sub-IDs (1 when it has none).
    static func averageQuality(_ source: Source) -> Double {
        var weight = 0, sum = 0.0
        for s in source.subIDs {
            weight += s.weight
            sum += Double(s.weight) * s.quality
        }
        return weight > 0 && sum > 0 ? sum / Double(weight) : 1
    }

    /// Chance the buyer wins a consumer against the other buyers of a shared lead.
    public static func winShare(mode: PurchaseMode, legs: Int, buyer: BuyerProfile) -> Double {
        mode == .exclusive ? 1 : min(1, (1 + buyer.speed + buyer.brand) / Double(max(1, legs)))
    }

    private mutating func scheduleFate(offer: Offer, mode: PurchaseMode, source: Source, market m: MarketProfile,
                                       sub: SubSource, buyer: BuyerProfile) {
        let t = offer.receivedAt
        let lead = LeadRef(sourceID: offer.sourceID, subID: offer.subID, vertical: offer.vertical, mode: mode,
                           boughtAt: t, price: offer.price, state: offer.state)
        func schedule(_ after: Double, _ kind: OutcomeKind, revenue: Money? = nil, refund: Money? = nil, reason: String? = nil) {
            let e = OutcomeEvent(time: t + Int64(after), leadID: offer.leadID, kind: kind, revenue: revenue,
                                 refund: refund, reason: reason, lead: lead)
            pending.insert(PendingOutcome(order: nextOrder, event: e))
            nextOrder += 1
        }
        let win = Self.winShare(mode: mode, legs: offer.maxSells, buyer: buyer)
        // Quality relative to the source's average, so a source's rates are what its profile says on average
        // over its sub-IDs, and a sub-ID only moves its share of them up or down.
        let quality = sub.quality / Self.averageQuality(source)
        let pReturn = (m.returnRate * (2 - quality).clamped(0.5, 1.5)).clamped(0, 0.95)
        if rng.chance(pReturn) {
            schedule(min(9.5 * 86_400, 2 * 3600 + rng.exponential(mean: 2.5 * 86_400)), .returned, refund: offer.price,
                     reason: rng.pick(ReturnReason.all))
            return
        }
        // A returned lead is never reached, so the chance for the rest is raised: `contactRate` is then the share
        // of all bought exclusive leads reached, as a buyer measures it (contacted / bought).
        let reach = m.contactRate * quality * (mode == .exclusive ? 1 : 0.55 + 0.45 * win)
        let pContact = min(0.97, reach / (1 - pReturn))
        guard rng.chance(pContact) else { return }
        schedule(rng.uniform(60, mode == .exclusive ? 900 : 2400), .contacted)
        let pClose = min(0.95, m.closeRate * quality * win)
        guard rng.chance(pClose) else { return }
        let value = (Double(m.saleValue.cents) * rng.uniform(0.6, 1.4) / 100).rounded() * 100
        schedule(min(14 * 86_400, 3600 + rng.exponential(mean: 16 * 3600)), .converted, revenue: Money(cents: Int64(value)))
    }
}

extension Double {
    func clamped(_ lo: Double, _ hi: Double) -> Double { Swift.min(hi, Swift.max(lo, self)) }
}

/// What the simulated market produces next: an offer for the engine to decide, or an outcome now due for a
/// lead bought earlier.
public enum MarketItem: Sendable, Hashable {
    case offer(Offer)
    case outcome(OutcomeEvent)
}

/// One stretch of the simulated market, from the simulator's clock to `end`. It yields items in time order;
/// the engine decides each offer and reports purchases with `bought`, which schedules what later happens to
/// the lead. Call `bought` (or nothing, for a rejection) before asking for the next item, so the random
/// sequence, and therefore a seed's results, do not depend on how the caller batches.
public struct MarketRun: Sendable {
    private var sim: MarketSimulator
    private let end: Timestamp
    private let endSeconds: Double
    private let sources: [Source]
    private let buyer: BuyerProfile
    private var arrivals: [Double]
    /// Each source's mean time between arrivals at the peak rate, in seconds.
    private let meanGaps: [Double]
    private var cutoff: Timestamp
    /// The offer just yielded (its lead id, source, sub-ID and contact draws), until the engine says whether it
    /// bought it.
    private var lastOffer: (leadID: String, source: Int, sub: Int, contact: MarketSimulator.ContactDraws)?

    init(simulator: MarketSimulator, end: Timestamp, catalog: Catalog) {
        sim = simulator
        self.end = end
        endSeconds = Double(end.seconds)
        sources = catalog.sources.filter { ($0.market?.dailyVolume ?? 0) > 0 }
        buyer = catalog.buyer
        arrivals = []
        meanGaps = sources.map { simulator.meanGap($0) }
        cutoff = simulator.now
        if end > simulator.now { arrivals = sim.prepareArrivals(for: sources) }
    }

    /// The next offer or due outcome before `end`, or nil when the stretch is over.
    /// - Parameter clock: the buyer's clock, for the hour-of-day volume curve.
    public mutating func next(clock: LocalClock) -> MarketItem? { next(clock: clock, withContact: true) }

    /// As `next(clock:)`; an offer comes without the consumer's name and e-mail unless `withContact`:
    /// `completeContact` fills them in for an offer that is bought. Its phone is there (dedupe reads it), and the
    /// random sequence is the same either way.
    mutating func next(clock: LocalClock, withContact: Bool) -> MarketItem? {
        lastOffer = nil
        guard end > sim.now else { return nil }
        while true {
            // The source whose next lead comes first; ties broken by catalog order for determinism.
            var best = -1
            var bestTime = endSeconds
            for i in arrivals.indices where arrivals[i] < bestTime {
                bestTime = arrivals[i]
                best = i
            }
            cutoff = Timestamp(seconds: Int64(bestTime.rounded(.down)))
            if let due = sim.pending.firstTime, due <= cutoff, due < end {
                return .outcome(sim.pending.removeFirst().event)
            }
            guard best >= 0 else { return nil }
            arrivals[best] = sim.drawArrival(after: bestTime, meanGap: meanGaps[best])
            let at = Timestamp(seconds: Int64(bestTime.rounded(.down)))
            guard sim.keepsArrival(atHour: clock.hourOfDay(at)) else { continue }
            let (offer, sub, contact) = sim.offer(from: sources[best], at: at, withContact: withContact)
            lastOffer = (offer.leadID, best, sub, contact)
            return .offer(offer)
        }
    }

    /// Whether every sub-ID the run draws offers from is listed under its source in `catalog` (true when the run
    /// was made from that catalog, which playing only adds sub-IDs to).
    func drawsOnlyListedSubIDs(in catalog: Catalog) -> Bool {
        var listed: [String: Int] = [:]
        for (i, s) in catalog.sources.enumerated() where listed[s.id] == nil { listed[s.id] = i }
        return sources.allSatisfy { s in
            guard let i = listed[s.id] else { return false }
            let subs = catalog.sources[i].subIDs
            return s.subIDs.allSatisfy { sub in subs.contains { $0.id == sub.id } }
        }
    }

    /// Fills in the consumer's name and e-mail of the offer just yielded without them. Nothing for another offer.
    func completeContact(_ offer: inout Offer) {
        guard let last = lastOffer, last.leadID == offer.leadID else { return }
        last.contact.fill(&offer)
    }

    /// Tells the run the engine bought the offer it just yielded, so its fate (contact, sale, return) is
    /// scheduled. Ignored for any other offer.
    public mutating func bought(_ offer: Offer, mode: PurchaseMode) {
        guard let last = lastOffer, last.leadID == offer.leadID else { return }
        sim.bought(offer, mode: mode, source: sources[last.source], sub: sources[last.source].subIDs[last.sub], buyer: buyer)
        lastOffer = nil
    }

    /// The simulator after this stretch, to keep once what the stretch produced is recorded.
    public func finished() -> MarketSimulator {
        var s = sim
        s.finish(end: end, sources: sources, arrivals: arrivals)
        return s
    }
}

extension MarketSimulator {
    /// Runs the market to `end`, letting `desk` decide every offer and folding every event into it, in time
    /// order (outcomes for leads the desk no longer accepts, such as one already returned, are dropped).
    /// The engine's own loop does the same under the store's write lock; this is for tests and benchmarks.
    public mutating func advance(to end: Timestamp, catalog: Catalog, desk: inout Desk, emit: (Event) -> Void) {
        var run = run(to: end, catalog: catalog)
        Engine.play(&run, on: &desk, emit: emit)
        self = run.finished()
    }
}

extension Engine {
    /// Decides everything a market run yields on `desk`: offers are decided and booked, due outcomes are
    /// applied unless the desk refuses them (the lead was returned or is unknown). Each event goes to `emit`.
    /// - Parameter foldingMetrics: false while the desk's metrics are lent out (`Desk.lendMetrics`): the caller
    ///   folds every emitted event into them, in order.
    public static func play(_ run: inout MarketRun, on desk: inout Desk, foldingMetrics: Bool = true, emit: (Event) -> Void) {
        let clock = desk.policy.clock  // no policy event is played here, so the clock stays
        let listed = run.drawsOnlyListedSubIDs(in: desk.catalog)
        while let item = run.next(clock: clock, withContact: false) {
            switch consume item {
            case .offer(let offer):
                // The name and e-mail are made only for an offer bought (one turned down keeps no contact details).
                let decided = desk.process(consume offer, foldingMetrics: foldingMetrics, subIDListed: listed) { run.completeContact(&$0) }
                if case .bought(let mode) = decided.decision { run.bought(decided.offer, mode: mode) }
                emit(.offer(decided))
            case .outcome(let o):
                guard desk.leads.problem(with: o.kind, leadID: o.leadID) == nil else { continue }
                let e = Event.outcome(o)
                desk.apply(e, leadState: true, foldingMetrics: foldingMetrics)
                emit(e)
            }
        }
    }
}
