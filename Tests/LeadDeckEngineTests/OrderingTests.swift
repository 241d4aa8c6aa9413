import LeadDeckCore
import LeadDeckEngine
import LeadDeckStore
import Testing

/// The log's order is the order in which things took effect: a change made elsewhere applies to every
/// offer logged after it, and an outcome recorded elsewhere is seen before the market plays on.
@Suite struct OrderingTests {
    /// A block made by a second process (another Store object on the same folder, as another terminal
    /// would hold) lands between two batches: every offer of that source logged after it is rejected.
    @Test func aBlockFromAnotherProcessAppliesToEveryOfferLoggedAfterIt() throws {
        let store = try EngineFixture.fileStore()
        let session = try EngineSession(store: store, seed: 5, start: EngineFixture.monday9am)
        try session.advance(to: session.now + 3600)
        let admin = try Store.open(store.directory, seedDirectory: nil)
        let blocked = try #require(admin.changePolicy(actor: "admin", time: EngineFixture.monday9am) { _ throws(StoreError) in
            .block(source: "AUT01", subID: nil)
        })
        try session.advance(to: session.now + 3 * 3600)
        session.close()
        var afterBlock = false
        var offersAfter = 0
        _ = try store.forEachRecord(after: .afterHeader) { r in
            if case .policy(let p) = r.event, p == blocked { afterBlock = true }
            guard afterBlock, case .offer(let o) = r.event, o.offer.sourceID == "AUT01" else { return }
            offersAfter += 1
            #expect(o.decision == .rejected(.blocked), "seq \(r.seq) decided under the old policy")
        }
        #expect(afterBlock)
        #expect(offersAfter > 0)
    }

    /// Leads returned through `outcomes` by another process never get a simulated outcome afterwards.
    @Test func aLeadReturnedElsewhereGetsNoLaterSimulatedOutcome() throws {
        let store = try EngineFixture.fileStore()
        let session = try EngineSession(store: store, seed: 9, start: EngineFixture.monday9am)
        try session.advance(to: session.now + 6 * 3600)
        let returned = session.state.desk.leads.entries.filter { !$0.value.converted && !$0.value.returned }
        #expect(returned.count > 20)
        let at = session.now
        let other = try Store.open(store.directory, seedDirectory: nil)
        var otherState = try other.loadState()
        try other.transaction(&otherState) { _ throws(StoreError) in
            returned.map { id, entry in
                .outcome(OutcomeEvent(time: at, leadID: id, kind: .returned, revenue: nil, refund: entry.lead.price,
                                      reason: "bad phone", lead: entry.lead))
            }
        }
        let mark = otherState.position
        try session.advance(to: session.now + 2 * 86_400)
        session.close()
        var later = 0
        try store.forEachRecord(after: mark) { r in
            if let o = r.event.outcome, returned[o.leadID] != nil { later += 1 }
        }
        #expect(later == 0, "\(later) simulated outcomes for leads already returned")
    }
}

/// Offers from outside: validated in one place, and a retried lead id gets the same answer.
@Suite struct SubmitTests {
    @Test func aRetriedLeadIDIsAnsweredTheSameWayAndRecordedOnce() throws {
        let store = try EngineFixture.memoryStore()
        let d = try EngineDriver.engine(store: store, clock: ManualDriverClock(), options: EngineFixture.options())
        let good = EngineFixture.offer("X01")
        let dear = EngineFixture.offer("X02", at: EngineFixture.monday9am + 5, price: .dollars(900))
        let first = try d.submit([good, dear])
        guard case .decided(let bought) = first[0], case .decided(let rejected) = first[1] else {
            Issue.record("\(first)"); return
        }
        #expect(bought.decision.isBought)
        #expect(rejected.decision == .rejected(.price))
        let again = try d.submit([good, dear, EngineFixture.offer("X01", at: EngineFixture.monday9am + 9)])
        #expect(again == [.repeated(bought.decision), .repeated(rejected.decision), .repeated(bought.decision)])
        #expect(store.records.count == 2)
    }

    @Test func unknownSourcesAndOutOfOrderOffersAreRefusedWithTheReason() throws {
        let store = try EngineFixture.memoryStore()
        let d = try EngineDriver.engine(store: store, clock: ManualDriverClock(), options: EngineFixture.options())
        _ = try d.submit([EngineFixture.offer("Y01", at: EngineFixture.monday9am + 7200)])
        let answers = try d.submit([EngineFixture.offer("Y02", source: "NOPE9"), EngineFixture.offer("Y03")])
        guard case .refused(let unknown) = answers[0], case .refused(let early) = answers[1] else {
            Issue.record("\(answers)"); return
        }
        #expect(unknown.contains("unknown source id 'NOPE9'"))
        #expect(early.contains("the last offer was at \((EngineFixture.monday9am + 7200).iso8601)"), "\(early)")
        #expect(store.records.count == 1)
    }
}
