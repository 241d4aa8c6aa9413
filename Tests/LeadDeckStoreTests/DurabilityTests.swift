import Foundation
import LeadDeckCore
@testable import LeadDeckStore
import Testing

/// Issue 11: nothing is visible before it is durable. A batch whose fsync fails leaves the engine's desk, its
/// simulated clock and every reader exactly where the log stands.
@Suite struct DurabilityTests {
    @Test func aFailingFsyncLeavesNothingVisible() throws {
        let fs = FaultyFileSystem()
        let store = try StoreFixture.newStore(fs: fs)
        let session = try EngineSession(store: store, seed: 8, start: nil)
        try session.advance(to: session.now + 3 * 3600)
        let before = (desk: session.state.desk, now: session.now, seq: session.state.position.seq,
                      bytes: try Data(contentsOf: URL(fileURLWithPath: store.logPath)))
        fs.reset(.init(kinds: [.fsync], failAt: 1))
        #expect(throws: StoreError.self) { _ = try session.advance(to: session.now + 3600).own.count }
        #expect(fs.injected.count == 1, "\(fs.injected)")
        #expect(session.state.position.seq == before.seq)
        #expect(session.state.desk.ledger == before.desk.ledger, "ledger")
        #expect(session.state.desk.leads.entries.count == before.desk.leads.entries.count)
        #expect(session.state.desk.leads == before.desk.leads, "leads")
        #expect(session.state.desk.metrics == before.desk.metrics, "metrics")
        #expect(session.now == before.now, "the simulated clock did not move past what is recorded")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.logPath)) == before.bytes, "the log was cut back")
        let reader = try Store.open(store.directory, seedDirectory: nil).loadState(leads: false)
        #expect(reader.position.seq == before.seq)
        // The same hour is decided again once the disk is back, and the store checks clean.
        try session.advance(to: session.now + 3600)
        #expect(session.state.position.seq > before.seq)
        session.close()
        #expect(store.check().isClean)
    }
}
