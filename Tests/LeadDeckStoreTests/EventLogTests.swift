import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

@Suite("Event log")
struct EventLogTests {
    @Test func recordsRoundTripWithChecksums() throws {
        let store = try StoreFixture.newStore()
        var state = try store.loadState()
        let events = (1...5).map(StoreFixture.note)
        try store.append(events, at: &state.position)
        let (records, end) = try store.readNew(after: .afterHeader)
        #expect(records.map(\.event) == events)
        #expect(records.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(end == state.position)
        #expect(store.check().isClean)
    }

    @Test func truncatingTheLastRecordAtEveryByteRecoversExactlyTheEarlierRecords() throws {
        let store = try StoreFixture.newStore()
        var state = try store.loadState()
        try store.append((1...4).map(StoreFixture.note), at: &state.position)
        let full = try Data(contentsOf: URL(fileURLWithPath: store.logPath))
        let before = try store.readNew(after: .afterHeader)
        let lastStart = Int(before.records.count == 4 ? try offsetOfRecord(4, in: full) : 0)
        for cut in lastStart..<full.count {
            try full.prefix(cut).write(to: URL(fileURLWithPath: store.logPath))
            // A reader sees exactly the three earlier records and flags nothing in the middle.
            let loaded = try store.loadState()
            #expect(loaded.position.seq == 3, "cut at \(cut)")
            let check = store.check()
            #expect(check.problems.count == (cut == lastStart ? 0 : 1), "cut at \(cut)")
            // The next writer keeps the torn bytes aside, cuts them, and continues the sequence.
            var p = loaded.position
            try store.append([StoreFixture.note(99)], at: &p)
            let after = try store.readNew(after: .afterHeader)
            #expect(after.records.map(\.seq) == [1, 2, 3, 4], "cut at \(cut)")
            #expect(after.records.last?.event == StoreFixture.note(99))
            #expect(store.check().isClean, "cut at \(cut)")
        }
        let kept = try FileManager.default.contentsOfDirectory(atPath: store.directory + "/torn")
        #expect(kept.count >= 1)
    }

    func offsetOfRecord(_ n: Int, in data: Data) throws -> Int {
        var lines = 0
        for (i, b) in data.enumerated() where b == 10 {
            lines += 1
            if lines == n { return i + 1 }  // header is line 1, record n starts after n newlines
        }
        throw StoreError("record \(n) not found")
    }

    @Test func damageInTheMiddleIsReportedWithFileAndLine() throws {
        let store = try StoreFixture.newStore()
        var state = try store.loadState()
        try store.append((1...4).map(StoreFixture.note), at: &state.position)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: store.logPath))
        // Change one character inside record 2 (line 3).
        let text = String(decoding: bytes, as: UTF8.self)
        let range = text.range(of: "note 2")!
        let i = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
        bytes[i] = UInt8(ascii: "m")
        try bytes.write(to: URL(fileURLWithPath: store.logPath))
        let snapshot = StoreFixture.snapshot(store.directory)
        #expect {
            _ = try store.loadState()
        } throws: { e in
            let d = "\(e)"
            return d.contains("events.jsonl line 3") && d.contains("checksum mismatch") && d.contains("damage")
        }
        let report = store.check()
        #expect(report.problems.contains { $0.contains("line 3") })
        var p = LogPosition.afterHeader
        #expect(throws: StoreError.self) { try store.append([StoreFixture.note(9)], at: &p) }
        #expect(StoreFixture.snapshot(store.directory) == snapshot)
        #expect(FileManager.default.fileExists(atPath: store.directory + "/damage.json"))
    }

    @Test func aLogCutShorterThanTheCheckpointIsRebuiltFromWhatRemains() throws {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 2, start: nil)
        try session.advance(to: session.now + 4 * 3600)
        try session.checkpoint()
        session.close()
        let full = try Data(contentsOf: URL(fileURLWithPath: store.logPath))
        let keep = try offsetOfRecord(50, in: full)
        try full.prefix(keep).write(to: URL(fileURLWithPath: store.logPath))
        let state = try store.loadState()
        #expect(state.position.seq == 49)  // the header is line 1, so 50 lines hold records 1-49
        #expect(store.notices.contains { $0.contains("points past the end") })
        #expect(state.desk.metrics.total(window: .all).offered <= 50)
    }

    @Test func aWholeRecordThatCannotBeReadIsNeverCutAsTorn() throws {
        let store = try StoreFixture.newStore()
        var state = try store.loadState()
        try store.append((1...3).map(StoreFixture.note), at: &state.position)
        // A record with a valid checksum whose event this version cannot read (as if from a newer leaddeck).
        let payload = Array(#"{"type":"hologram","x":1}"#.utf8)
        let crc = CRC32.checksum(payload, start: CRC32.checksum(Array("4:".utf8)))
        let hex = String(crc, radix: 16)
        let line = #"{"seq":4,"crc":""# + String(repeating: "0", count: 8 - hex.count) + hex + #"","e":"# + String(decoding: payload, as: UTF8.self) + "}\n"
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: store.logPath))
        h.seekToEndOfFile()
        h.write(Data(line.utf8))
        try h.close()
        let before = StoreFixture.snapshot(store.directory)
        #expect { try store.changePolicy(actor: "t", time: Timestamp(seconds: 1)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) } }
            throws: { "\($0)".contains("newer leaddeck") }
        #expect(StoreFixture.snapshot(store.directory).filter { !$0.key.hasPrefix("policy-intent") } == before)
        #expect(store.check().problems.contains { $0.contains("line 5") && $0.contains("newer leaddeck") })
        #expect(throws: StoreError.self) { try store.loadState() }
    }

    @Test func onlyAnUnfinishedLastLineIsTornAWholeBadLineIsDamage() throws {
        // An unfinished last line (no newline) is a torn write: every reader ignores it, the next writer cuts it.
        let store = try StoreFixture.newStore()
        var state = try store.loadState()
        try store.append((1...5).map(StoreFixture.note), at: &state.position)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: store.logPath))
        h.seekToEndOfFile()
        h.write(Data("{\"seq\":6,\"cr".utf8))
        try h.close()
        #expect(try store.lastRecords(2).records.map(\.seq) == [4, 5])
        #expect(try store.loadState().position.seq == 5)
        #expect(store.check().problems.count == 1)
        let e = try store.changePolicy(actor: "t", time: Timestamp(seconds: 3)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) }
        #expect(e != nil)
        #expect(try store.readNew(after: .afterHeader).records.map(\.seq) == [1, 2, 3, 4, 5, 6])
        #expect(store.check().isClean)

        // A complete line with a wrong checksum is damage for every reader and writer, even at the end.
        let damaged = try StoreFixture.newStore()
        var p = try damaged.loadState().position
        try damaged.append((1...5).map(StoreFixture.note), at: &p)
        let d = try FileHandle(forWritingTo: URL(fileURLWithPath: damaged.logPath))
        d.seekToEndOfFile()
        d.write(Data("{\"seq\":6,\"crc\":\"00000000\",\"e\":{\"type\":\"note\",\"time\":1,\"text\":\"x\"}}\n".utf8))
        try d.close()
        let before = StoreFixture.snapshot(damaged.directory)
        #expect { _ = try damaged.lastRecords(2) } throws: { "\($0)".contains("checksum mismatch") }
        #expect { _ = try damaged.loadState() } throws: { "\($0)".contains("line 7") && "\($0)".contains("damage, not a torn write") }
        #expect(damaged.check().problems.count == 1)
        #expect(throws: StoreError.self) {
            try damaged.changePolicy(actor: "t", time: Timestamp(seconds: 3)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) }
        }
        #expect(StoreFixture.snapshot(damaged.directory) == before)
        #expect(FileManager.default.fileExists(atPath: damaged.directory + "/damage.json"))
    }

    @Test func lastRecordsOfAnEmptyLogAndZeroRecords() throws {
        let store = try StoreFixture.newStore()
        #expect(try store.lastRecords(3).records.isEmpty)
        var state = try store.loadState()
        try store.append((1...3).map(StoreFixture.note), at: &state.position)
        let none = try store.lastRecords(0)
        #expect(none.records.isEmpty && none.end == state.position)
    }

    @Test func aSequenceGapIsDamage() throws {
        let store = try StoreFixture.newStore()
        var state = try store.loadState()
        try store.append((1...3).map(StoreFixture.note), at: &state.position)
        var lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: store.logPath)), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        lines.remove(at: 2)  // drop record 2
        try (lines.joined(separator: "\n") + "\n").write(toFile: store.logPath, atomically: false, encoding: .utf8)
        #expect(store.check().problems.contains { $0.contains("line 3: sequence jumps from 1 to 3") })
    }

    @Test func aFailedWriteOrFsyncLeavesTheLogWhole() throws {
        let fs = FaultyFileSystem()
        let store = try StoreFixture.newStore(fs: fs)
        var state = try store.loadState()
        try store.append([StoreFixture.note(1)], at: &state.position)
        let before = StoreFixture.snapshot(store.directory)
        var p = state.position
        fs.failNext()  // the write fails half-way (disk full)
        #expect(throws: StoreError.self) { try store.append((2...50).map(StoreFixture.note), at: &p) }
        #expect(p == state.position)
        #expect(StoreFixture.snapshot(store.directory) == before)
        fs.failNext(skipping: 1, errno: EIO)  // the write succeeds, its fsync fails
        #expect(throws: StoreError.self) { try store.append((2...50).map(StoreFixture.note), at: &p) }
        #expect(StoreFixture.snapshot(store.directory) == before)
        try store.append([StoreFixture.note(2)], at: &p)
        let ok = try store.readNew(after: .afterHeader)
        #expect(ok.records.map(\.seq) == [1, 2])
        #expect(store.check().isClean)
    }

    @Test func aFailedPolicySaveStillLeavesTheChangeInForce() throws {
        let fs = FaultyFileSystem()
        let store = try StoreFixture.newStore(fs: fs)
        let policyBefore = try Data(contentsOf: URL(fileURLWithPath: store.policyPath))
        // Skip the intent file's and the event append's write and fsync; fail the policy.json temp file's write.
        fs.failNext(skipping: 4)
        // The event is durable once appended, so the change succeeds with a warning.
        let event = try store.changePolicy(actor: "test", time: Timestamp(seconds: 1)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) }
        #expect(event != nil)
        #expect(store.notices.contains { $0.contains("the change is logged and takes effect") })
        // policy.json is untouched (no half-written file), and the logged change is applied on load.
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.policyPath)) == policyBefore)
        #expect(try store.loadState().desk.policy.settings(for: "AUT01").blocked)
        #expect(FileManager.default.fileExists(atPath: store.directory + "/policy-intent.json"))
        #expect(!FileManager.default.fileExists(atPath: store.policyPath + ".tmp-\(getpid())"))
        // The next change folds the pending one into policy.json.
        try store.changePolicy(actor: "test", time: Timestamp(seconds: 2)) { _ throws(StoreError) in .priority(source: "AUT03", from: 3, to: 1) }
        let doc = try store.loadPolicyDocument()
        #expect(doc.policy.settings(for: "AUT01").blocked && doc.policy.settings(for: "AUT03").priority == 1)
        #expect(doc.lastChangeSeq == 2)
        #expect(!FileManager.default.fileExists(atPath: store.directory + "/policy-intent.json"))
    }

    @Test func aCrashBeforeTheEventIsAppendedLeavesNoTrace() throws {
        let fs = FaultyFileSystem()
        let store = try StoreFixture.newStore(fs: fs)
        fs.failNext(skipping: 2)  // the intent is written; the event append fails
        #expect(throws: StoreError.self) {
            try store.changePolicy(actor: "test", time: Timestamp(seconds: 1)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) }
        }
        #expect(try !store.loadState().desk.policy.settings(for: "AUT01").blocked)
        #expect(try store.readNew(after: .afterHeader).records.isEmpty)
        try store.changePolicy(actor: "test", time: Timestamp(seconds: 2)) { _ throws(StoreError) in .priority(source: "AUT03", from: 3, to: 1) }
        #expect(try !store.loadPolicyDocument().policy.settings(for: "AUT01").blocked)
        #expect(store.check().isClean)
    }

    @Test func policyChangesFindTheEndOfALongLogWithoutReadingIt() throws {
        let store = try StoreFixture.newStore()
        var state = try store.loadState()
        try store.append((1...3000).map(StoreFixture.note), at: &state.position)
        // Tear the last record; the change must cut it and continue the sequence.
        let size = try FileManager.default.attributesOfItem(atPath: store.logPath)[.size] as! Int
        try FileHandle(forWritingTo: URL(fileURLWithPath: store.logPath)).truncate(atOffset: UInt64(size - 7))
        let e = try store.changePolicy(actor: "t", time: Timestamp(seconds: 9)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) }
        #expect(e != nil)
        let records = try store.readNew(after: .afterHeader).records
        #expect(records.count == 3000)
        #expect(records.last?.seq == 3000)
        #expect(try store.loadPolicyDocument().lastChangeSeq == 3000)
        #expect(store.check().isClean)
    }
}
