import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

/// Fails the Nth file operation (open, write, fsync, rename, truncate, mkdir, folder fsync), once or from then
/// on, with EIO or ENOSPC, stepping N through a whole workload: store creation, a simulation, a policy change,
/// checkpoints and a repair. After each run the store must be whole: every file the old or the new version
/// entirely, the log a clean prefix of the fault-free run's log, the error one line, and a failure while
/// appending always reported (a failed fsync is never taken for a success).
@Suite("I/O fault injection")
struct FaultInjectionTests {
    struct Outcome {
        var error: String?
        var store: String
    }

    /// The workload; stops at the first error, as a command would.
    /// - Parameter behind: the first hour's batches let their fsyncs overlap the next batch, as `simulate` does.
    func workload(_ fs: FileSystem, _ dir: String, behind: Bool) -> Outcome {
        var session: EngineSession?
        defer { session?.close() }
        do throws(StoreError) {
            let store = try Store.open(dir, seedDirectory: StoreFixture.seed, fs: fs)
            let s = try EngineSession(store: store, seed: 7, start: nil)
            session = s
            s.syncsBehind = behind
            for _ in 0..<3 { try s.advance(to: s.now + 1200) }
            s.syncsBehind = false
            try s.checkpoint()
            try store.changePolicy(actor: "t", time: Timestamp(seconds: 1_800_000_000)) { _ throws(StoreError) in
                .block(source: "AUT01", subID: nil)
            }
            try s.advance(to: s.now + 1800)
            try s.checkpoint()
            s.close()
            session = nil
            _ = try store.repair()
            return Outcome(error: nil, store: dir)
        } catch {
            return Outcome(error: error.description, store: dir)
        }
    }

    func lines(_ path: String) -> (complete: [Data], partial: Bool) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], false) }
        var out: [Data] = []
        var start = data.startIndex
        while let nl = data[start...].firstIndex(of: 10) {
            out.append(data[start...nl])
            start = nl + 1
        }
        return (out, start < data.endIndex)
    }

    @Test(arguments: [false, true], [false, true])
    func everyFailureLeavesAWholeStore(sticky: Bool, behind: Bool) throws {
        let counting = FaultyFileSystem()
        counting.reset(.init(kinds: Set(FaultyFileSystem.Kind.allCases)))
        let reference = workload(counting, StoreFixture.tempDir() + "/s", behind: behind)
        #expect(reference.error == nil, "\(reference.error ?? "")")
        let total = counting.count
        let referenceLog = lines(reference.store + "/events.jsonl").complete
        #expect(total > 40)
        var failures = 0
        for n in 1...total {
            let fs = FaultyFileSystem()
            fs.reset(.init(kinds: Set(FaultyFileSystem.Kind.allCases), failAt: n, sticky: sticky, errno: n % 2 == 0 ? EIO : ENOSPC))
            let run = workload(fs, StoreFixture.tempDir() + "/s", behind: behind)
            let injected = fs.injected
            #expect(!injected.isEmpty, "op \(n)")
            if let e = run.error {
                failures += 1
                #expect(!e.contains("\n"), "op \(n): \(e)")
                #expect(!e.contains(".tmp-"), "op \(n): names a temp file: \(e)")
            }
            // Appends are never acknowledged after a failed write or fsync of the log.
            if injected.contains(where: { ($0.hasPrefix("write") || $0.hasPrefix("fsync")) && $0.hasSuffix("events.jsonl") }) {
                #expect(run.error != nil, "op \(n): \(injected) went unreported")
            }
            guard FileManager.default.fileExists(atPath: run.store + "/store.json") else {
                // No store at all: creation failed and left nothing half-made.
                let names = (try? FileManager.default.contentsOfDirectory(atPath: run.store)) ?? []
                #expect(names.isEmpty, "op \(n): \(names)")
                continue
            }
            // Every JSON document is a whole version.
            for name in ["store.json", "sources.json", "policy.json", "checkpoint.json"] {
                guard let data = FileManager.default.contents(atPath: run.store + "/" + name) else { continue }
                #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "op \(n): \(name) is not whole")
            }
            // And the lead checkpoint's image.
            if let data = FileManager.default.contents(atPath: run.store + "/checkpoint-leads.bin") {
                #expect((try? LeadsCheckpointImage.decode([UInt8](data), path: "checkpoint-leads.bin")) != nil, "op \(n): checkpoint-leads.bin is not whole")
            }
            // policy.json holds the policy before the block or after it, nothing in between.
            let policy = try Store.readDocument(PolicyDocument.self, run.store + "/policy.json", current: PolicyDocument.current, fs: PosixFileSystem())
            #expect(policy.lastChangeSeq == 0 || policy.policy.settings(for: "AUT01").blocked, "op \(n)")
            // The log is a clean prefix of the fault-free run's log.
            let log = lines(run.store + "/events.jsonl")
            #expect(log.complete.count <= referenceLog.count && Array(referenceLog.prefix(log.complete.count)) == log.complete, "op \(n)")
            let truncateFailed = injected.contains { $0.hasPrefix("truncate") }
            #expect(!log.partial || truncateFailed, "op \(n): a partial record stayed behind (\(injected))")
            // The store opens and checks clean with the real file system (after a writer's usual repair).
            let store = try Store.open(run.store, seedDirectory: nil)
            _ = try store.repair()
            let report = store.check()
            #expect(report.isClean, "op \(n) \(injected): \(report.problems)")
            #expect(try store.loadState().desk.metrics == (try store.loadStateFromLog().desk.metrics), "op \(n)")
        }
        #expect(failures > total / 2)
        print("fault injection (\(sticky ? "from then on" : "once")\(behind ? ", fsync behind" : "")): \(total) operations stepped, \(failures) runs failed with a one-line error, every store whole")
    }
}

extension Store {
    /// The state replayed from the whole log, ignoring any checkpoint.
    func loadStateFromLog() throws(StoreError) -> LoadedState {
        var state = LoadedState(desk: Desk(catalog: catalog, policy: try loadPolicyDocument().policy), simulator: nil,
                                position: .afterHeader, policySeq: 0, replayed: 0)
        let policy = try Self.readDocument(PolicyDocument.self, StoreFixture.seed + "/policy.json", current: PolicyDocument.current, fs: fs).policy
        state.desk = Desk(catalog: catalog, policy: policy)
        var records: [LogRecord] = []
        state.position = try forEachRecord(after: .afterHeader) { records.append($0) }
        state.absorb(records)
        return state
    }
}
