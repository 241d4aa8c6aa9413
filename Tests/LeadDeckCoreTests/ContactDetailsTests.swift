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

/// When the metrics can be lent out while offers are decided (`Desk.decidesWithoutMetrics`).
@Suite("Deciding without the metrics")
struct DecidingWithoutMetricsTests {
    @Test func onlyEvenPacingOnANewDayNeedsTheMetrics() {
        var desk = Desk(catalog: Fixture.catalog(), policy: Fixture.policy())
        let t = Fixture.monday9am
        #expect(desk.decidesWithoutMetrics(from: t, to: t + 7 * 86_400))
        var even = Fixture.policy()
        even.pacing = .even
        desk = Desk(catalog: Fixture.catalog(), policy: even)
        // Nothing learned yet: the day's first offer learns the hour weights from the metrics.
        #expect(!desk.decidesWithoutMetrics(from: t, to: t + 3600))
        _ = desk.process(Fixture.offer(at: t))
        #expect(desk.decidesWithoutMetrics(from: t, to: t + 3600))
        #expect(!desk.decidesWithoutMetrics(from: t, to: t + 86_400))  // into the next local day
    }

    @Test func playingWithTheMetricsLentOutAndFoldingThemApartGivesTheSameDesk() {
        var inPlace = Desk(catalog: Fixture.catalog(), policy: Fixture.policy(budget: .dollars(400)))
        var apart = inPlace
        var simA = MarketSimulator(seed: 3, start: Fixture.monday9am)
        var simB = simA
        var runA = simA.run(to: simA.now + 30 * 3600, catalog: inPlace.catalog)
        var emitted: [Event] = []
        Engine.play(&runA, on: &inPlace) { emitted.append($0) }
        var runB = simB.run(to: simB.now + 30 * 3600, catalog: apart.catalog)
        var lent = apart.lendMetrics()
        var emittedApart: [Event] = []
        Engine.play(&runB, on: &apart, foldingMetrics: false) { emittedApart.append($0) }
        for e in emittedApart { lent.apply(e) }
        apart.returnMetrics(lent)
        simA = runA.finished()
        simB = runB.finished()
        #expect(emitted.count > 500)
        #expect(emitted == emittedApart)
        #expect(inPlace.ledger == apart.ledger && inPlace.leads == apart.leads && inPlace.metrics == apart.metrics)
        #expect(inPlace.catalog == apart.catalog && inPlace.recentAlerts == apart.recentAlerts)
        #expect(simA == simB)
    }
}
