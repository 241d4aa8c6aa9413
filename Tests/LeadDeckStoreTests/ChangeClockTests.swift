import Foundation
import LeadDeckCore
@testable import LeadDeckStore
import Testing

/// Issue 7, defect 4: a change records both clocks, so it can be shown on the market's clock beside the leads
/// it affected (a block made now must not look older than the leads it stopped).
@Suite struct ChangeClockTests {
    @Test func aChangeCarriesTheMarketTimeOfTheRecordItFollows() throws {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 2, start: nil)
        try session.advance(to: session.now + 5 * 3600)
        session.close()
        let lastMarket = try #require(store.lastRecords(1).records.last).event.time
        let wall = Timestamp(seconds: 1_900_000_000)  // years after the simulated market
        let e = try #require(try store.changePolicy(actor: "ann", time: wall) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) })
        #expect(e.time == wall)
        #expect(e.marketTime == lastMarket)
        // A second change follows the first: same market time, never the wall clock.
        let f = try #require(try store.changePolicy(actor: "ann", time: wall + 60) { _ throws(StoreError) in .block(source: "AUT02", subID: nil) })
        #expect(f.marketTime == lastMarket)
        let logged = try store.lastRecords(2).records.map(\.event)
        #expect(logged == [.policy(e), .policy(f)], "both times survive the log")
        let line = describe(.policy(e), clock: try store.loadPolicyDocument().policy.clock)
        #expect(line.hasPrefix(try store.loadPolicyDocument().policy.clock.format(lastMarket, seconds: true)), "\(line)")
        #expect(line.contains("made \(wall.iso8601) wall clock"))
    }

    @Test func aChangeOnANewStoreHasNoMarketTime() throws {
        let store = try StoreFixture.newStore()
        let e = try #require(try store.changePolicy(actor: "ann", time: Timestamp(seconds: 1_900_000_000)) { _ throws(StoreError) in
            .block(source: "AUT01", subID: nil)
        })
        #expect(e.marketTime == nil)
        #expect(Event.policy(e).marketTime == e.time)
    }
}
