import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

/// When an outcome happened: its own time if it has one (checked), else the store's clock, never the wall clock
/// of whoever applies it, so a simulated store's "today" stays where it is.
@Suite("Outcome times")
struct OutcomeTimeTests {
    static let wall = Timestamp(seconds: Int64(Date().timeIntervalSince1970))

    /// A store simulated for 6 hours from 2021-03-01 08:00 US Eastern, years from the wall clock, and a lead it
    /// bought that has no outcome yet.
    static func simulatedStore() throws -> (Store, LoadedState, String) {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 9, start: Timestamp(iso8601: "2021-03-01T13:00:00Z")!)
        try session.advance(to: session.now + 6 * 3600)
        session.close()
        let state = try store.loadState()
        let id = try #require(state.desk.leads.entries.filter { !$0.value.contacted && !$0.value.returned }.keys.min())
        return (store, state, id)
    }

    @Test func anOutcomeWithoutATimeTakesTheStoresClockAndTodayStays() throws {
        let (store, loaded, id) = try Self.simulatedStore()
        var state = loaded
        let clock = state.desk.metrics.latest
        let today = state.desk.metrics.clock.day(clock)
        let todayBefore = state.desk.metrics.total(window: .today)
        #expect(todayBefore.offered > 0)
        #expect(abs(Self.wall.seconds - clock.seconds) > 365 * 86_400)

        let parsed = DispositionParser.parse("lead_id,outcome\n\(id),contacted\n", now: max(clock, Self.wall))
        let d = try parsed[0].result.get()
        #expect(d.time == nil)
        let e = try d.outcomeEvent(leads: state.desk.leads, storeClock: clock, wallNow: Self.wall).get()
        #expect(e.time == clock)
        try store.transaction(&state) { desk throws(StoreError) -> [Event] in
            desk.apply(.outcome(e))
            return [.outcome(e)]
        }
        let reloaded = try store.loadState()
        #expect(reloaded.desk.metrics.latest == clock)
        #expect(reloaded.desk.metrics.clock.day(reloaded.desk.metrics.latest) == today)
        #expect(reloaded.desk.metrics.total(window: .today).offered == todayBefore.offered)
        #expect(reloaded.desk.leads[id]?.contacted == true)
    }

    @Test func theStampIsNeverBeforeThePurchaseAndTheWallClockOnlyForAStoreWithoutAClock() throws {
        let (_, state, id) = try Self.simulatedStore()
        let boughtAt = try #require(state.desk.leads[id]?.lead.boughtAt)
        let d = Disposition(leadID: id, kind: .contacted)
        let early = try d.outcomeEvent(leads: state.desk.leads, storeClock: boughtAt - 3600, wallNow: Self.wall).get()
        #expect(early.time == boughtAt)
        let noClock = try d.outcomeEvent(leads: state.desk.leads, storeClock: Timestamp(seconds: 0), wallNow: Self.wall).get()
        #expect(noClock.time == Self.wall)
    }

    @Test func aTimeMoreThanADayAheadOfBothClocksIsRefusedWithItsValue() throws {
        let (_, state, id) = try Self.simulatedStore()
        let clock = state.desk.metrics.latest
        let reference = max(clock, Self.wall)
        let parsed = DispositionParser.parse("lead_id,outcome,time\n\(id),contacted,2099-01-01T00:00:00Z\n", now: reference)
        #expect { try parsed[0].result.get() } throws: { "\($0)" == "time: 2099-01-01T00:00:00Z is in the future (more than a day after \(reference.iso8601))" }
        // The same check where the event is made, for a disposition that did not come through the parser.
        var d = Disposition(leadID: id, kind: .contacted)
        d.time = Timestamp(iso8601: "2099-01-01T00:00:00Z")
        #expect { try d.outcomeEvent(leads: state.desk.leads, storeClock: clock, wallNow: Self.wall).get() } throws: {
            "\($0)".contains("time: 2099-01-01T00:00:00Z is more than a day after the store's clock")
        }
        // Up to a day ahead of the later clock is fine: CRMs and buyers' clocks drift.
        d.time = reference + 86_000
        #expect(try d.outcomeEvent(leads: state.desk.leads, storeClock: clock, wallNow: Self.wall).get().time == reference + 86_000)
        d.time = reference + 86_401
        #expect(throws: StoreError.self) { try d.outcomeEvent(leads: state.desk.leads, storeClock: clock, wallNow: Self.wall).get() }
    }

    @Test func aSimulatedStoresOwnTimesPassEvenYearsBeforeTheWallClock() throws {
        let (_, state, id) = try Self.simulatedStore()
        let clock = state.desk.metrics.latest
        let text = (clock - 60).iso8601
        let parsed = DispositionParser.parse("lead_id,outcome,time\n\(id),contacted,\(text)\n", now: max(clock, Self.wall))
        let d = try parsed[0].result.get()
        #expect(try d.outcomeEvent(leads: state.desk.leads, storeClock: clock, wallNow: Self.wall).get().time == clock - 60)
        // Before the purchase is still refused.
        let boughtAt = try #require(state.desk.leads[id]?.lead.boughtAt)
        let early = DispositionParser.parse("lead_id,outcome,time\n\(id),contacted,\((boughtAt - 1).iso8601)\n", now: max(clock, Self.wall))
        #expect { try early[0].result.get().outcomeEvent(leads: state.desk.leads, storeClock: clock, wallNow: Self.wall).get() } throws: {
            "\($0)".contains("is before the lead was bought")
        }
    }
}
