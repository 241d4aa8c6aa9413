import Testing
@testable import LeadDeckCore

/// Data minimisation: the consumer's contact details (name, phone, e-mail) are kept only for leads that were
/// bought. A lead turned down is recorded with where it came from and what it cost, not who it was.
@Suite("Contact details kept only for bought leads")
struct ContactDetailsTests {
    @Test func aRejectedOfferIsRecordedWithoutContactDetailsAndABoughtOneWhole() {
        var desk = Desk(catalog: Fixture.catalog(), policy: Fixture.policy())
        let turnedDown = Fixture.offer(state: "NY")
        let rejected = desk.process(turnedDown)
        #expect(rejected.decision == .rejected(.filtered))
        #expect(rejected.offer == turnedDown.withoutContact)
        #expect(!rejected.offer.hasContact)
        #expect(rejected.offer.city == "Los Angeles" && rejected.offer.postalCode == "90001" && rejected.offer.state == "NY")
        #expect(rejected.offer.leadID == turnedDown.leadID && rejected.offer.price == turnedDown.price)

        let wanted = Fixture.offer()
        let bought = desk.process(wanted)
        #expect(bought.decision == .bought(.shared))
        #expect(bought.offer == wanted)
        // `decide` (no booking) answers with the same event `process` records.
        #expect(desk.decide(Fixture.offer(state: "NY")).offer.phone.isEmpty)
    }

    @Test func dedupeStillSeesTheContactDetailsOfEveryOfferBeforeTheyAreDropped() {
        var desk = Desk(catalog: Fixture.catalog(), policy: Fixture.policy())
        #expect(desk.process(Fixture.offer(phone: "(555) 010-2030")).decision == .bought(.shared))
        let again = desk.process(Fixture.offer(source: "S2", at: Fixture.monday9am + 3600, phone: "555-010-2030"))
        #expect(again.decision == .rejected(.duplicate))
        #expect(again.offer.phone.isEmpty && again.offer.email.isEmpty)
        // Replaying the recorded events (as a follower or a rebuild does) gives the same desk: nothing the state
        // needs was in the dropped fields.
        var replayed = Desk(catalog: Fixture.catalog(), policy: Fixture.policy())
        var other = Desk(catalog: Fixture.catalog(), policy: Fixture.policy())
        for o in [Fixture.offer(phone: "5550109999"), Fixture.offer(state: "NY"), Fixture.offer(at: Fixture.monday9am + 60, phone: "5550109999")] {
            replayed.apply(.offer(other.process(o)))
        }
        #expect(replayed.ledger == other.ledger)
        #expect(replayed.metrics == other.metrics)
    }

    @Test func aSimulatedDayKeepsContactDetailsExactlyForTheLeadsBought() {
        var desk = Desk(catalog: Fixture.catalog(), policy: Fixture.policy(budget: .dollars(300)))
        var sim = MarketSimulator(seed: 5, start: Fixture.monday9am)
        var bought = 0, rejected = 0
        sim.advance(to: sim.now + 86_400, catalog: desk.catalog, desk: &desk) { e in
            guard case .offer(let o) = e else { return }
            if o.decision.isBought {
                bought += 1
                #expect(o.offer.hasContact && !o.offer.phone.isEmpty && !o.offer.email.isEmpty)
            } else {
                rejected += 1
                #expect(!o.offer.hasContact)
            }
        }
        #expect(bought > 5 && rejected > 5)
    }
}
