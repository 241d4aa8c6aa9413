import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

@Suite("Store")
struct StoreTests {
    @Test func aSimulationReloadsTheSameFromCheckpointOrFromTheWholeLog() throws {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 3, start: nil)
        try session.advance(to: session.now + 6 * 3600)
        try session.checkpoint()
        try session.advance(to: session.now + 3 * 3600)  // a tail after the checkpoint
        let live = session.state.desk
        session.close()
        let fromCheckpoint = try store.loadState()
        #expect(fromCheckpoint.replayed > 0)
        #expect(fromCheckpoint.desk.metrics == live.metrics)
        #expect(fromCheckpoint.desk.ledger == live.ledger)
        try FileManager.default.removeItem(atPath: store.checkpointPath)
        let fromLog = try store.loadState()
        #expect(fromLog.desk.metrics == live.metrics)
        #expect(fromLog.desk.leads == live.leads)
        #expect(live.metrics.total(window: .all).offered > 1000)
    }

    @Test func aMissingLeadIndexIsRebuiltFromTheLog() throws {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 5, start: nil)
        try session.advance(to: session.now + 12 * 3600)
        try session.checkpoint()
        let live = session.state.desk
        session.close()
        let readerView = try store.loadState(leads: false)
        #expect(readerView.desk.metrics == live.metrics)
        #expect(readerView.desk.leads.entries.isEmpty)
        try FileManager.default.removeItem(atPath: store.leadsCheckpointPath)
        #expect(store.check().warnings.contains { $0.contains("checkpoint-leads.bin: file missing") })
        let rebuilt = try store.loadState()
        #expect(rebuilt.desk.leads == live.leads)
        #expect(rebuilt.desk.ledger == live.ledger)
        #expect(store.notices.contains { $0.contains("rebuilding the state from the whole log") })
    }

    @Test func onlyOneEngineAtATime() throws {
        let store = try StoreFixture.newStore()
        let a = try EngineSession(store: store, seed: nil, start: nil)
        let other = try Store.open(store.directory, seedDirectory: nil)
        #expect(throws: StoreError.self) { _ = try EngineSession(store: other, seed: nil, start: nil) }
        a.close()
        let b = try EngineSession(store: other, seed: nil, start: nil)
        b.close()
    }

    @Test func policyChangesAreEventsWithWhoAndWhen() throws {
        let store = try StoreFixture.newStore()
        let e = try store.changePolicy(actor: "alice", time: Timestamp(seconds: 1_800_000_000)) { p throws(StoreError) in
            .priority(source: "AUT01", from: p.settings(for: "AUT01").priority, to: 5)
        }
        #expect(e?.actor == "alice")
        let (records, _) = try store.readNew(after: .afterHeader)
        #expect(records.count == 1)
        guard case .policy(let logged) = records[0].event else { Issue.record("not a policy event"); return }
        #expect(logged.actor == "alice" && logged.time.seconds == 1_800_000_000)
        #expect(try store.loadPolicyDocument().policy.settings(for: "AUT01").priority == 5)
        #expect(try store.loadPolicyDocument().lastChangeSeq == 1)
        // The same change again is not recorded.
        let none = try store.changePolicy(actor: "alice", time: Timestamp(seconds: 1_800_000_001)) { _ throws(StoreError) in
            .priority(source: "AUT01", from: 5, to: 5)
        }
        #expect(none == nil)
    }

    @Test func concurrentWritersLoseNothing() async throws {
        let first = try StoreFixture.newStore()
        let dir = first.directory
        let sources = first.catalog.sources.map(\.id)
        let writers = 4, rounds = 25
        await withTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    // Each writer is its own Store, as a separate process would be.
                    let store = try! Store.open(dir, seedDirectory: nil)
                    var position = LogPosition.afterHeader
                    for r in 0..<rounds {
                        try! store.append([StoreFixture.note(w * 1000 + r)], at: &position)
                        let source = sources[(w * rounds + r) % sources.count]
                        _ = try! store.changePolicy(actor: "w\(w)", time: Timestamp(seconds: Int64(r))) { p throws(StoreError) in
                            .priority(source: source, from: p.settings(for: source).priority, to: 1 + (w + r) % 5)
                        }
                    }
                }
            }
        }
        let store = try Store.open(dir, seedDirectory: nil)
        let (records, _) = try store.readNew(after: .afterHeader)
        let notes = records.filter { if case .note = $0.event { return true } else { return false } }
        #expect(notes.count == writers * rounds)
        #expect(records.map(\.seq) == Array(1...Int64(records.count)))
        #expect(store.check().isClean)
        // policy.json agrees with the last logged change of every source.
        var expected: [String: Int] = [:]
        for r in records { if case .policy(let e) = r.event, case .priority(let s, _, let to) = e.change { expected[s] = to } }
        let policy = try store.loadPolicyDocument().policy
        for (s, p) in expected { #expect(policy.settings(for: s).priority == p) }
    }

    @Test func runningTheDemoNeverTouchesTheSeedFiles() throws {
        let seedBefore = StoreFixture.snapshot(StoreFixture.seed)
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 1, start: nil)
        try session.advance(to: session.now + 3600)
        session.close()
        _ = try store.changePolicy(actor: "t", time: Timestamp(seconds: 5)) { _ throws(StoreError) in .globalMode(from: .shared, to: .exclusive) }
        #expect(StoreFixture.snapshot(StoreFixture.seed) == seedBefore)
    }
}
