import Testing
@testable import LeadDeckCore

@Suite("Simulated exchange")
struct SimulatorTests {
    func run(days: Int, seed: UInt64, policy: Policy, catalog: Catalog = Fixture.catalog()) -> (Desk, [Event]) {
        var desk = Desk(catalog: catalog, policy: policy)
        var sim = MarketSimulator(seed: seed, start: Timestamp(iso8601: "2026-11-02T05:00:00Z")!)
        var events: [Event] = []
        sim.advance(to: sim.now + Int64(days) * 86_400, catalog: catalog, desk: &desk) { events.append($0) }
        return (desk, events)
    }

    func openPolicy(_ mode: PurchaseMode) -> Policy {
        var p = Fixture.policy(budget: .dollars(1_000_000), mode: mode)
        p.states = []
        p.hours = nil
        p.maxPrice["auto"] = PriceLimit(shared: .dollars(100), exclusive: .dollars(100))
        return p
    }

    /// The engine's loop makes a consumer's name and e-mail only for an offer it buys, and skips noting sub-IDs
    /// it draws from the desk's own catalog: what it records is what the plain loop records (every offer made
    /// whole, decided with `Desk.process`), event for event, with the same metrics and lead index after. A
    /// catalog the run was not made from (a sub-ID the desk does not list) goes the plain way too.
    @Test func theEnginesLoopRecordsWhatThePlainLoopRecords() {
        for (seed, mode) in [(UInt64(5), PurchaseMode.shared), (9, .exclusive)] {
            let catalog = Fixture.catalog()
            var sparse = catalog
            sparse.sources[0].subIDs.removeLast()  // the desk lacks a sub-ID the run draws from
            for deskCatalog in [catalog, sparse] {
                let policy = openPolicy(mode)
                let start = Timestamp(iso8601: "2026-11-02T05:00:00Z")!
                let end = start + 2 * 86_400
                let sim = MarketSimulator(seed: seed, start: start)

                var fast = Desk(catalog: deskCatalog, policy: policy)
                var fastRun = sim.run(to: end, catalog: catalog)
                var fastEvents: [Event] = []
                Engine.play(&fastRun, on: &fast) { fastEvents.append($0) }

                var plain = Desk(catalog: deskCatalog, policy: policy)
                var plainRun = sim.run(to: end, catalog: catalog)
                var plainEvents: [Event] = []
                while let item = plainRun.next(clock: plain.policy.clock) {
                    switch item {
                    case .offer(let offer):
                        let e = plain.process(offer)
                        plainEvents.append(.offer(e))
                        if case .bought(let m) = e.decision { plainRun.bought(offer, mode: m) }
                    case .outcome(let o):
                        guard plain.leads.problem(with: o.kind, leadID: o.leadID) == nil else { continue }
                        plain.apply(.outcome(o))
                        plainEvents.append(.outcome(o))
                    }
                }
                #expect(fastEvents == plainEvents, "seed \(seed)")
                #expect(fast.metrics == plain.metrics && fast.leads == plain.leads && fast.catalog == plain.catalog)
                let bought = fastEvents.compactMap { e -> Offer? in
                    if case .offer(let o) = e, o.decision.isBought { return o.offer } else { return nil }
                }
                #expect(!bought.isEmpty && bought.allSatisfy { !$0.email.isEmpty && !$0.firstName.isEmpty && !$0.phone.isEmpty })
            }
        }
    }

    @Test func sameSeedSameHistory() {
        let (a, ea) = run(days: 2, seed: 42, policy: openPolicy(.shared))
        let (b, eb) = run(days: 2, seed: 42, policy: openPolicy(.shared))
        #expect(ea == eb)
        #expect(a.metrics == b.metrics)
        let (_, ec) = run(days: 2, seed: 43, policy: openPolicy(.shared))
        #expect(ec != ea)
    }

    @Test func eventsComeInTimeOrderAndOutcomesFollowPurchases() {
        let (_, events) = run(days: 3, seed: 7, policy: openPolicy(.shared))
        var bought = Set<String>()
        var last = Timestamp(seconds: 0)
        for e in events {
            #expect(e.time >= last)
            last = e.time
            switch e {
            case .offer(let o): if o.decision.isBought { bought.insert(o.offer.leadID) }
            case .outcome(let o):
                #expect(bought.contains(o.leadID))
                #expect(o.time > o.lead.boughtAt)
                if o.kind == .returned { #expect(o.time.seconds - o.lead.boughtAt.seconds <= 10 * 86_400) }
            default: break
            }
        }
    }

    @Test func exclusiveCostsMoreAndConvertsBetterOverALongRun() {
        let (shared, _) = run(days: 30, seed: 5, policy: openPolicy(.shared))
        let (exclusive, _) = run(days: 30, seed: 5, policy: openPolicy(.exclusive))
        let s = MetricsRow(shared.metrics.total(window: .all))
        let x = MetricsRow(exclusive.metrics.total(window: .all))
        #expect(x.cpl! > s.cpl!)
        // The intervals do not overlap: a real difference, not noise.
        #expect(x.conversionRate.interval!.low > s.conversionRate.interval!.high)
        #expect(x.contactRate.value! > s.contactRate.value!)
    }

    @Test func moreLegsMeanFewerSharedConversions() {
        let buyer = BuyerProfile(speed: 0.6, brand: 0.35)
        #expect(MarketSimulator.winShare(mode: .shared, legs: 3, buyer: buyer) > MarketSimulator.winShare(mode: .shared, legs: 5, buyer: buyer))
        #expect(MarketSimulator.winShare(mode: .exclusive, legs: 1, buyer: buyer) == 1)
    }

    @Test func spendEqualsTheSumOfBoughtPrices() {
        let (desk, events) = run(days: 3, seed: 9, policy: openPolicy(.shared))
        var spend = Money.zero, refunds = Money.zero, revenue = Money.zero
        for e in events {
            if case .offer(let o) = e, o.decision.isBought { spend += o.offer.price }
            if case .outcome(let o) = e { refunds += o.refund ?? .zero; revenue += o.revenue ?? .zero }
        }
        let t = desk.metrics.total(window: .all)
        #expect(t.spend == spend && t.refunds == refunds && t.revenue == revenue)
        let bySource = desk.metrics.table(.source, window: .all).values.reduce(Counters()) { var a = $0; a.add($1); return a }
        #expect(bySource == t)
    }

    @Test func volumeFollowsTheDailyCurve() {
        let (desk, _) = run(days: 7, seed: 3, policy: openPolicy(.shared))
        let total = desk.metrics.total(window: .all).offered
        // 2 sources x 2,000 a day x 7 days, within 5%.
        #expect(abs(Double(total) - 28_000) / 28_000 < 0.05)
    }
}

/// The simulated exchange's text written digit by digit is what string interpolation wrote (a seed's log is the
/// same byte for byte).
@Suite("Simulated text")
struct SimulatedTextTests {
    @Test func digitByDigitIsInterpolation() {
        var rng = SeededRandom(seed: 42)
        for _ in 0..<2000 {
            let (a, b, c) = (rng.int(201...989), rng.int(200...999), rng.int(1000...9999))
            #expect(SimulatedText.digits(a, b, c) == "\(a)\(b)\(c)")
            let n = Int64(rng.int(0...Int(Int32.max)))
            #expect(SimulatedText.leadID(n) == "L\(String(n, radix: 36, uppercase: true))")
            let z = rng.int(10...99)
            #expect(SimulatedText.postalCode("021", z) == "021" + String(z))
            let (fi, li, k) = (rng.index(ConsumerNames.first.count), rng.index(ConsumerNames.last.count), rng.int(1...99))
            let (first, last) = (ConsumerNames.first[fi], ConsumerNames.last[li])
            #expect(SimulatedText.email(ConsumerNames.firstLowercased[fi], ConsumerNames.lastLowercased[li], k)
                    == "\(first.lowercased()).\(last.lowercased())\(k)@example.com")
        }
        #expect(SimulatedText.leadID(0) == "L0" && SimulatedText.digits(0, 7) == "07")
        #expect(SimulatedText.digits(0, 0, 0) == "000" && SimulatedText.digits(9, 10, 99) == "91099" && SimulatedText.digits(5) == "5")
        for n: Int64 in [35, 36, 1295, 1296, Int64.max] {
            #expect(SimulatedText.leadID(n) == "L\(String(n, radix: 36, uppercase: true))")
        }
        #expect(SimulatedText.email("a", "b", 100) == "a.b100@example.com")
        // The postal codes made once per place are the ones written digit by digit.
        #expect(ConsumerNames.postalCodes.count == ConsumerNames.places.count)
        for (i, p) in ConsumerNames.places.enumerated() {
            #expect(ConsumerNames.postalCodes[i] == (10...99).map { p.2 + String($0) })
        }
    }
}
