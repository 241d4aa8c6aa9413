import Testing
@testable import LeadDeckCore

/// Exchanges add sub-IDs all the time: one the catalog does not list is recorded under its source, shown, and
/// can be blocked (input fidelity, issue 10).
@Suite("Sub-IDs new to the catalog")
struct NewSubIDTests {
    @Test func anOfferFromANewSubIDAddsItToTheDesksCatalog() throws {
        var policy = Fixture.policy()
        policy.hours = nil
        var desk = Desk(catalog: Fixture.catalog(), policy: policy)
        #expect(!desk.knows(source: "S1", subID: "zz9"))
        let e = desk.process(Fixture.offer(sub: "zz9"))
        #expect(e.decision.isBought, "a new sub-ID is bought like any other")
        #expect(desk.knows(source: "S1", subID: "zz9"))
        let sub = try #require(desk.catalog.source("S1")?.subIDs.first { $0.id == "zz9" })
        #expect(sub.name == Desk.newSubIDName)
        #expect(sub.weight == 0, "the simulated exchange never draws it")

        // A desk resumed from a checkpoint (its metrics) knows it too.
        let resumed = Desk(catalog: Fixture.catalog(), policy: policy, ledger: desk.ledger, metrics: desk.metrics, leads: desk.leads)
        #expect(resumed.knows(source: "S1", subID: "zz9"))

        // It can be blocked, and then its offers are rejected.
        let block = PolicyChange.block(source: "S1", subID: "zz9")
        #expect(Validation.problem(with: block, catalog: desk.catalog, policy: desk.policy) == nil)
        #expect(Validation.problem(with: block, catalog: Fixture.catalog(), policy: desk.policy) != nil, "sources.json alone does not list it")
        desk.apply(.policy(PolicyEvent(time: Fixture.monday9am, actor: "t", change: block)))
        #expect(desk.process(Fixture.offer(sub: "zz9")).decision == .rejected(.blocked))
        #expect(desk.process(Fixture.offer(sub: "a")).decision.isBought)
    }
}
