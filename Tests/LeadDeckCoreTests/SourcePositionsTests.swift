@testable import LeadDeckCore
import Testing

/// `Desk.seriesPosition(ofSource:)` and `sourcesByID`, which the sources table reads for every source on every
/// frame, against the plain lookups they stand for: hashing the source's slice key, and sorting the ids.
@Suite("The desk's record of where each source's figures are")
struct SourcePositionsTests {
    /// Sources out of id order, one id twice, most never seen by the market (volume 0), some seen only late.
    static func catalog() -> Catalog {
        let ids = ["S9", "S10", "S1", "S3", "S2", "S1", "S20", "S11", "S0"]
        return Catalog(sources: ids.enumerated().map { i, id in
            Source(id: id, name: "Source \(id)", vertical: .autoInsurance, channel: .webForm,
                   subIDs: [SubSource(id: "a", name: "a")], market: i % 3 == 1 ? nil : Fixture.market(volume: 300 + 100 * i))
        }, buyer: BuyerProfile(speed: 0.6, brand: 0.35))
    }

    /// Every source's position as the hash lookup finds it, and the desk's record of it is current (not only
    /// right through the fallback).
    func expectPositionsMatch(_ desk: Desk, _ note: Comment) {
        for (i, s) in desk.catalog.sources.enumerated() {
            let plain = desk.metrics.series.position(ofExisting: MetricKey(.source, s.id))
            #expect(desk.seriesPosition(ofSource: i) == plain, note)
            #expect(desk.sourceSeries[i] == (plain ?? -1), note)
        }
        #expect(desk.sourceSeriesCount == desk.metrics.series.count, note)
    }

    @Test func sourcesByIDIsTheIDOrderWithRepeatsInCatalogOrder() {
        let desk = Desk(catalog: Self.catalog(), policy: Fixture.policy())
        let sources = desk.catalog.sources
        #expect(desk.sourcesByID.map { sources[$0].id } == sources.map(\.id).sorted())
        #expect(desk.sourcesByID.filter { sources[$0].id == "S1" } == [2, 5])
        #expect(Set(desk.sourcesByID) == Set(sources.indices))
    }

    @Test func positionsFollowOffersOutcomesPingsAndLentMetrics() {
        var desk = Desk(catalog: Self.catalog(), policy: Fixture.policy(budget: .dollars(2_000)))
        expectPositionsMatch(desk, "new desk")
        var sim = MarketSimulator(seed: 5, start: Fixture.monday9am)
        sim.advance(to: sim.now + 6 * 3600, catalog: desk.catalog, desk: &desk) { _ in }
        expectPositionsMatch(desk, "after 6 hours")
        // A ping and an offer from a source the market never sends.
        let ping = Ping(pingID: "p1", sourceID: "S10", subID: "a", vertical: .autoInsurance, state: "CA", postalCode: "90001",
                        saleType: .shared, maxSells: 4, receivedAt: sim.now, exchange: "acme")
        _ = desk.bid(on: ping, ttlSeconds: 60)
        expectPositionsMatch(desk, "after a ping")
        _ = desk.process(Fixture.offer(source: "S3", at: sim.now + 1))
        expectPositionsMatch(desk, "after an offer")
        // An offer of a source the catalog does not list (a log replayed with a shorter sources.json), and a
        // policy change: the record stays current (before, the unlisted source left it stale for good).
        desk.apply(.offer(OfferEvent(offer: Fixture.offer(source: "GONE", at: sim.now + 2), decision: .bought(.shared), tier: 3)))
        expectPositionsMatch(desk, "after an unlisted source's offer")
        desk.apply(.policy(PolicyEvent(time: sim.now + 3, actor: "test", change: .block(source: "S2", subID: nil))))
        _ = desk.process(Fixture.offer(source: "S11", at: sim.now + 4))
        expectPositionsMatch(desk, "after a policy change and an offer")
        // Metrics lent out: offers decided without them, folded apart, handed back.
        var lent = desk.lendMetrics()
        var run = sim.run(to: sim.now + 30 * 3600, catalog: desk.catalog)
        var apart: [Event] = []
        Engine.play(&run, on: &desk, foldingMetrics: false) { apart.append($0) }
        // While lent, the desk's metrics are empty: nothing is found, whatever it recorded.
        for i in desk.catalog.sources.indices { #expect(desk.seriesPosition(ofSource: i) == nil) }
        for e in apart { lent.apply(e) }
        desk.returnMetrics(lent)
        sim = run.finished()
        expectPositionsMatch(desk, "after lent metrics came back")
        // Outcomes arriving later, and a desk resumed from its parts.
        sim.advance(to: sim.now + 5 * 86_400, catalog: desk.catalog, desk: &desk) { _ in }
        expectPositionsMatch(desk, "after 5 more days")
        let resumed = Desk(catalog: desk.catalog, policy: desk.policy, ledger: desk.ledger, metrics: desk.metrics, leads: desk.leads)
        expectPositionsMatch(resumed, "resumed")
        #expect(desk.catalog.sources.indices.contains { desk.seriesPosition(ofSource: $0) == nil }, "some source never seen")
    }

    @Test func aStaleRecordFallsBackToTheLookup() {
        var desk = Desk(catalog: Self.catalog(), policy: Fixture.policy())
        _ = desk.process(Fixture.offer(source: "S9"))
        // A book that knows S2 but not S9, handed over as if folded elsewhere, with the record of the first book
        // left in place (as no path of the desk leaves it): a recorded position is checked against the series,
        // and a recorded "none" is trusted only at the series count it was recorded at.
        var other = MetricsBook(clock: desk.policy.clock)
        other.apply(.offer(OfferEvent(offer: Fixture.offer(source: "S2"), decision: .bought(.shared), tier: 3)))
        var stale = desk
        stale.returnMetrics(other)
        stale.sourceSeries = desk.sourceSeries
        stale.sourceSeriesCount = -1
        let s2 = desk.catalog.sources.firstIndex { $0.id == "S2" }!
        let s9 = desk.catalog.sources.firstIndex { $0.id == "S9" }!
        #expect(stale.seriesPosition(ofSource: s2) == other.series.position(ofExisting: MetricKey(.source, "S2")))
        #expect(stale.seriesPosition(ofSource: s9) == nil)
    }

    @Test func settingsByCatalogIndexFollowEveryPolicyChange() {
        var desk = Desk(catalog: Self.catalog(), policy: Fixture.policy())
        func expectSettingsMatch(_ note: Comment) {
            for (i, s) in desk.catalog.sources.enumerated() { #expect(desk.settings(ofSource: i) == desk.policy.settings(for: s.id), note) }
        }
        expectSettingsMatch("new desk")
        let changes: [PolicyChange] = [.block(source: "S1", subID: nil), .priority(source: "S3", from: 3, to: 1),
                                       .block(source: "S20", subID: "a"), .unblock(source: "S1", subID: nil)]
        for (n, c) in changes.enumerated() {
            desk.apply(.policy(PolicyEvent(time: Fixture.monday9am + Int64(n), actor: "test", change: c)))
            expectSettingsMatch("after \(c)")
        }
        #expect(desk.settings(ofSource: 3).priority == 1)
        #expect(desk.settings(ofSource: 6).blockedSubIDs == ["a"])
    }
}
