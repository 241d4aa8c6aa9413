import Testing
@testable import LeadDeckCore

/// Advice only on evidence: one mode's losses never make a block while the other mode is untried.
@Suite("Advice on evidence")
struct AdvisorTests {
    /// A desk where S1 bought `shared` shared and `exclusive` exclusive leads at $29, with one $100 sale per mode.
    static func desk(shared: Int, exclusive: Int) -> Desk {
        var policy = Fixture.policy()
        policy.hours = nil
        var desk = Desk(catalog: Fixture.catalog(), policy: policy)
        for (mode, count) in [(PurchaseMode.shared, shared), (.exclusive, exclusive)] where count > 0 {
            var ids: [String] = []
            for _ in 0..<count {
                let o = Fixture.offer(sale: mode, price: .dollars(29))
                desk.apply(.offer(OfferEvent(offer: o, decision: .bought(mode), tier: 3)))
                ids.append(o.leadID)
            }
            let ref = LeadRef(sourceID: "S1", subID: "a", vertical: .autoInsurance, mode: mode, boughtAt: Fixture.monday9am, price: .dollars(29))
            desk.apply(.outcome(OutcomeEvent(time: Fixture.monday9am + 3600, leadID: ids[0], kind: .converted, revenue: .dollars(100), lead: ref)))
        }
        return desk
    }

    @Test func lossesInOneModeWithTheOtherUntriedSayTryItNotBlock() {
        let advice = Advisor.advise(source: "S1", desk: Self.desk(shared: 40, exclusive: 0))
        guard case .tryMode(let mode, let leads, let reason) = advice else {
            Issue.record("expected a trial of exclusive, got \(advice)")
            return
        }
        #expect(mode == .exclusive)
        #expect(leads == Advisor.minimumLeads)
        #expect(reason.contains("0 exclusive leads"))
        #expect(advice.headline == "try exclusive for 30 leads")
        // A few exclusive leads: the trial asks only for the rest.
        if case .tryMode(_, let rest, _) = Advisor.advise(source: "S1", desk: Self.desk(shared: 40, exclusive: 12)) {
            #expect(rest == 18)
        } else {
            Issue.record("expected a trial")
        }
    }

    @Test func lossesInBothModesWithEvidenceSayBlock() {
        let advice = Advisor.advise(source: "S1", desk: Self.desk(shared: 40, exclusive: 40))
        guard case .block(let reason) = advice else {
            Issue.record("expected a block, got \(advice)")
            return
        }
        #expect(reason.contains("both modes"))
    }
}
