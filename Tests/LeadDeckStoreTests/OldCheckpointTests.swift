import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

/// A store whose checkpoints were written before per-source breakdowns and leads' states were kept still
/// opens: the breakdowns count from the checkpoint on and say so, and outcomes of the leads it bought
/// before count apart from the states.
@Suite struct OldCheckpointTests {
    @Test func checkpointsWithoutBreakdownsOrStatesStillLoad() throws {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 3, start: nil)
        // To 14:00 on the first day: the floor opens at 8, so leads are bought and outcomes are pending.
        try session.advance(to: session.now + 14 * 3600)
        try session.checkpoint()
        let live = session.state.desk
        session.close()

        // Rewrite both checkpoint files as an older leaddeck wrote them.
        func rewrite(_ path: String, _ change: (inout [String: Any]) -> Void) throws {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            change(&object)
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        }
        /// Without the state of any lead (the simulator's pending outcomes carry theirs).
        func withoutStates(_ v: Any) -> Any {
            if var d = v as? [String: Any] {
                if d["bought_at"] != nil { d["state"] = nil }
                return d.mapValues(withoutStates)
            }
            if let a = v as? [Any] { return a.map(withoutStates) }
            return v
        }
        try rewrite(store.checkpointPath) { doc in
            var metrics = doc["metrics"] as! [String: Any]
            metrics["breakdowns"] = nil
            doc["metrics"] = metrics
            doc = withoutStates(doc) as! [String: Any]
        }
        // The lead index as the JSON file it was before its image.
        let leads = try store.readLeadsCheckpoint()
        try JSONEncoder().encode(leads).write(to: URL(fileURLWithPath: store.legacyLeadsCheckpointPath))
        try FileManager.default.removeItem(atPath: store.leadsCheckpointPath)
        try rewrite(store.legacyLeadsCheckpointPath) { doc in
            var leads = doc["leads"] as! [String: Any]
            leads["entries"] = (leads["entries"] as! [String: [Any]]).mapValues { Array($0.prefix(7)) }
            doc["leads"] = leads
        }

        var loaded = try store.loadState()
        #expect(store.notices.isEmpty, "\(store.notices)")
        #expect(loaded.desk.metrics.table(.source, window: .all) == live.metrics.table(.source, window: .all))
        #expect(loaded.desk.metrics.breakdowns.countedSince == live.metrics.latest)
        #expect(loaded.desk.leads.entries.values.allSatisfy { $0.lead.state == nil })

        // More market: outcomes of the leads bought before count apart; new offers count by state.
        let resumed = try EngineSession(store: store, seed: 3, start: nil)
        #expect(resumed.simulator.pendingCount > 0)
        try resumed.advance(to: resumed.now + 12 * 3600)
        try resumed.checkpoint()
        loaded.desk = resumed.state.desk
        resumed.close()
        let b = loaded.desk.metrics.breakdowns
        #expect(b.sources.values.contains { $0.withoutState > 0 })
        #expect(b.sources.values.contains { !$0.states.isEmpty })
        #expect(b.countedSince == live.metrics.latest, "the note stays until the state is rebuilt from the whole log")
        // The engine's save wrote the image and removed the JSON file.
        #expect(FileManager.default.fileExists(atPath: store.leadsCheckpointPath))
        #expect(!FileManager.default.fileExists(atPath: store.legacyLeadsCheckpointPath))
    }
}
