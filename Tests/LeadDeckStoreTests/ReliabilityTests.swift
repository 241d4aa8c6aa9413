import Foundation
import Testing
import Synchronization
import LeadDeckCore
@testable import LeadDeckStore

/// One test (at least) per defect of issue 6, each failing on the code before its fix.
@Suite("Reliability defects")
struct ReliabilityTests {
    func mode(_ path: String) -> UInt32 { PosixFileSystem().status(path)!.permissions }
    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
    func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    // 1. Personal data readable by every local user.
    @Test func storeFilesArePrivateWhateverTheUmask() throws {
        let old = umask(0o022)
        defer { umask(old) }
        let store = try StoreFixture.newStore()
        #expect(mode(store.directory) == 0o700)
        var state = try store.loadState()
        try store.append([StoreFixture.note(1)], at: &state.position)
        try store.changePolicy(actor: "t", time: Timestamp(seconds: 1)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) }
        try store.saveCheckpoint(state.desk, simulator: nil, at: state.position)
        // A torn record's copy too.
        let fd = open(store.logPath, O_WRONLY | O_APPEND)
        _ = "{\"seq\":3,\"crc\"".withCString { Glibc.write(fd, $0, 14) }
        close(fd)
        try store.append([StoreFixture.note(3)], at: &state.position)
        for name in FileManager.default.enumerator(atPath: store.directory)!.compactMap({ $0 as? String }) {
            let path = store.directory + "/" + name
            let expected: UInt32 = PosixFileSystem().status(path)!.isDirectory ? 0o700 : 0o600
            #expect(mode(path) == expected, "\(name) is \(String(mode(path), radix: 8))")
        }
        // chmod 644 by hand is noticed by check, and a replace does not loosen a file again.
        chmod(store.policyPath, 0o644)
        #expect(store.check().warnings.contains { $0.contains("readable by other users") && $0.contains("policy.json") })
        try store.changePolicy(actor: "t", time: Timestamp(seconds: 2)) { _ throws(StoreError) in .block(source: "AUT03", subID: nil) }
        #expect(mode(store.policyPath) == 0o600)
        chmod(store.directory, 0o755)
        chmod(store.logPath, 0o644)
        #expect(store.check().warnings.contains { $0.contains("other users can open this folder") })
        _ = try store.repair()
        #expect(mode(store.directory) == 0o700 && mode(store.logPath) == 0o600)
        #expect(store.check().warnings.isEmpty)
    }

    // 2. Store creation is not crash-safe.
    @Test func aFailureAtAnyStepOfCreationLeavesNoHalfMadeStore() throws {
        let fs = FaultyFileSystem()
        let probeDir = StoreFixture.tempDir()
        fs.reset(.init(kinds: Set(FaultyFileSystem.Kind.allCases)))
        _ = try Store.open(probeDir + "/s", seedDirectory: StoreFixture.seed, fs: fs)
        let steps = fs.count
        #expect(steps > 10)
        for n in 1...steps {
            let dir = StoreFixture.tempDir() + "/s"
            fs.reset(.init(kinds: Set(FaultyFileSystem.Kind.allCases), failAt: n, errno: n % 2 == 0 ? ENOSPC : EIO))
            var message = ""
            do { _ = try Store.open(dir, seedDirectory: StoreFixture.seed, fs: fs) } catch { message = error.description }
            let injected = !fs.injected.isEmpty
            #expect(injected, "step \(n)")
            #expect(!message.contains("\n"), "step \(n)")
            // Whatever happened, the folder is no store or a whole one, and the next open works.
            if FileManager.default.fileExists(atPath: dir) {
                let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
                #expect(names.isEmpty || names.isSuperset(of: ["store.json", "sources.json", "policy.json", "events.jsonl"]), "step \(n): \(names)")
            }
            let reopened = try Store.open(dir, seedDirectory: StoreFixture.seed)
            #expect(reopened.check().isClean, "step \(n)")
            // No temporary build folder stays behind once the failure is over.
            let parent = (dir as NSString).deletingLastPathComponent
            #expect(try FileManager.default.contentsOfDirectory(atPath: parent).filter { $0.contains(".creating-") }.isEmpty, "step \(n)")
        }
    }

    @Test func aStoreHalfMadeByAnOlderLeaddeckIsFinishedNotRefused() throws {
        let dir = StoreFixture.tempDir()
        try FileManager.default.copyItem(atPath: StoreFixture.seed + "/sources.json", toPath: dir + "/sources.json")
        try FileManager.default.copyItem(atPath: StoreFixture.seed + "/policy.json", toPath: dir + "/policy.json")
        FileManager.default.createFile(atPath: dir + "/events.jsonl.tmp-999999", contents: Data("{".utf8))
        let store = try Store.open(dir, seedDirectory: StoreFixture.seed)
        #expect(store.check().isClean)
        // A folder with anything else in it is still refused.
        let other = StoreFixture.tempDir()
        FileManager.default.createFile(atPath: other + "/notes.txt", contents: Data("mine".utf8))
        #expect { _ = try Store.open(other, seedDirectory: StoreFixture.seed) } throws: { "\($0)".contains("not a LeadDeck store") }
    }

    @Test func twoProcessesCreatingOneStoreBothUseTheSameStore() throws {
        for _ in 0..<5 {
            let dir = StoreFixture.tempDir() + "/race"
            let results = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do {
                    let s = try Store.open(dir, seedDirectory: StoreFixture.seed)
                    let manifest = String(decoding: try Data(contentsOf: URL(fileURLWithPath: s.manifestPath)), as: UTF8.self)
                    results.withLock { $0.append(manifest) }
                } catch {
                    results.withLock { $0.append("error: \(error)") }
                }
            }
            let all = results.withLock { $0 }
            #expect(all.count == 6 && Set(all).count == 1 && !all[0].hasPrefix("error"), "\(all)")
        }
    }

    // 3. CRLF input is silently lost.
    @Test func crlfAndAByteOrderMarkAreReadLikePlainLines() throws {
        let now = Timestamp(seconds: 1_800_000_000)
        let csv = "\u{FEFF}lead_id,outcome,revenue,reason\r\nL1,contacted,,\r\nL2,returned,,\"wrong number\"\r\n"
        let rows = DispositionParser.parse(Array(csv.utf8), now: now)
        #expect(rows.count == 2)
        #expect(try rows[1].result.get().reason == "wrong number")
        let jsonl = "\u{FEFF}{\"lead_id\":\"L9\",\"outcome\":\"contacted\"}\r\n{\"lead_id\":\"L8\",\"outcome\":\"contacted\"}\r\n"
        #expect(DispositionParser.parse(Array(jsonl.utf8), now: now).map { (try? $0.result.get()) != nil } == [true, true])
        let offers = "\u{FEFF}{\"lead_id\":\"X\",\"source_id\":\"S\",\"vertical\":\"auto\",\"state\":\"CA\",\"sale_type\":\"shared\",\"price\":3}\r\n\r\n"
        let lines = InputLines.split(Array(offers.utf8)).filter { !$0.isBlank }
        #expect(lines.count == 1)
        #expect((try? OfferParser.parse(lines[0].bytes, now: now).get()) != nil)
    }

    // 4. Refunds are not bounded.
    @Test func aRefundIsAtMostTheLeadsPrice() throws {
        var leads = LeadIndex()
        let offer = Offer(leadID: "L1", sourceID: "AUT01", subID: "default", vertical: .autoInsurance, state: "CA", postalCode: "",
                          city: "", saleType: .shared, maxSells: 4, price: Money(cents: 1250),
                          receivedAt: Timestamp(seconds: 1_800_000_000), firstName: "", lastName: "", phone: "", email: "")
        leads.apply(.offer(OfferEvent(offer: offer, decision: .bought(.shared), tier: 1)))
        let now = Timestamp(seconds: 1_800_000_100)
        let tooMuch = Disposition(leadID: "L1", kind: .returned, refund: Money(cents: 99_999_900), reason: "fake")
        #expect { _ = try tooMuch.outcomeEvent(leads: leads, storeClock: now, wallNow: now).get() } throws: { "\($0)".contains("more than the lead's price $12.50") }
        let exact = Disposition(leadID: "L1", kind: .returned, refund: Money(cents: 1250), reason: "fake")
        #expect(try exact.outcomeEvent(leads: leads, storeClock: now, wallNow: now).get().refund == Money(cents: 1250))
        let implied = Disposition(leadID: "L1", kind: .returned, reason: "fake")
        #expect(try implied.outcomeEvent(leads: leads, storeClock: now, wallNow: now).get().refund == Money(cents: 1250))
    }

    // 5. A damaged last record is treated as torn and its sequence number reused.
    @Test func aCompleteLastRecordThatFailsItsChecksumIsDamageNotTorn() throws {
        let store = try StoreFixture.newStore()
        var state = try store.loadState()
        try store.append((1...3).map(StoreFixture.note), at: &state.position)
        var log = try bytes(store.logPath)
        let i = log.count - 10  // inside the last record, before its newline
        log[i] = log[i] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        try write(log, store.logPath)
        // No writer cuts it or reuses seq 3: appends and policy changes are refused, saying why.
        var p = state.position
        #expect { try store.append([StoreFixture.note(9)], at: &p) } throws: { "\($0)".contains("damage") }
        let other = try Store.open(store.directory, seedDirectory: nil)
        #expect {
            try other.changePolicy(actor: "t", time: Timestamp(seconds: 1)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) }
        } throws: { "\($0)".contains("damage") }
        #expect(try bytes(store.logPath) == log)
        let report = Store.open2(store.directory).check()
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.contains("line 4") == true && report.problems.first?.contains("damage, not a torn write") == true)
        // check --repair never cuts it.
        #expect(throws: StoreError.self) { _ = try store.repair() }
        #expect(try bytes(store.logPath) == log)
    }

    // 6. Writers keep appending to a log known to be damaged in the middle; check adds follow-on problems.
    @Test func onceDamageIsKnownNoProcessAppendsAndCheckReportsOnlyTheRoot() throws {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 2, start: nil)
        try session.advance(to: session.now + 3600)
        try session.checkpoint()
        try store.changePolicy(actor: "t", time: Timestamp(seconds: 1)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) }
        var log = try bytes(store.logPath)
        let middle = log.count / 3
        let lineStart = log[..<middle].lastIndex(of: 10)! + 1
        log[lineStart + 30] ^= 0x01
        try write(log, store.logPath)
        // A reader (a report, a dashboard following) finds it; from then on no writer appends.
        let reader = Store.open2(store.directory)
        let report = reader.check()
        #expect(report.problems.count == 1, "\(report.problems)")
        #expect(report.problems.first?.contains("(byte \(lineStart))") == true)
        #expect { try session.advance(to: session.now + 3600) } throws: { "\($0)".contains("damaged") }
        let third = Store.open2(store.directory)
        #expect {
            try third.changePolicy(actor: "t", time: Timestamp(seconds: 2)) { _ throws(StoreError) in .block(source: "AUT03", subID: nil) }
        } throws: { "\($0)".contains("damaged") }
        #expect(try bytes(store.logPath) == log)
        session.close()
        // Restoring the log and repairing lets writing resume.
        log[lineStart + 30] ^= 0x01
        try write(log, store.logPath)
        #expect(third.check().problems.count == 1)  // the mark is still there, and says so
        _ = try third.repair()
        #expect(third.check().isClean)
        try third.changePolicy(actor: "t", time: Timestamp(seconds: 3)) { _ throws(StoreError) in .block(source: "AUT03", subID: nil) }
    }

    // 7. Failure reported after the data was committed.
    @Test func aFailedCheckpointLosesNothingAndRepairRebuildsIt() throws {
        let fs = FaultyFileSystem()
        let store = try StoreFixture.newStore(fs: fs)
        let session = try EngineSession(store: store, seed: 4, start: nil)
        try session.advance(to: session.now + 3 * 3600)
        try session.checkpoint()
        try session.advance(to: session.now + 3 * 3600)
        let live = session.state.desk
        // The lead index is saved, and the main checkpoint's write fails: the pair disagrees.
        fs.failNext(path: "checkpoint.json")
        let problem = session.saveCheckpoint()
        #expect(problem?.contains("checkpoint.json") == true)
        #expect(problem?.contains(".tmp-") == false)
        session.close()
        let report = store.check()
        #expect(report.isClean, "\(report.problems)")
        #expect(report.warnings.contains { $0.contains("--repair") })
        let repaired = try store.repair()
        #expect(repaired.done.contains { $0.contains("rebuilt the checkpoint") })
        let after = store.check()
        #expect(after.isClean && after.warnings.isEmpty, "\(after.warnings)")
        let loaded = try store.loadState()
        #expect(loaded.replayed == 0)
        #expect(loaded.desk.metrics == live.metrics && loaded.desk.leads == live.leads)
    }

    @Test func aFailedPolicyChangeLeavesNoIntentBehind() throws {
        for skipping in 0..<4 {
            let fs = FaultyFileSystem()
            let store = try StoreFixture.newStore(fs: fs)
            fs.failNext(skipping: 2 + skipping % 2, errno: skipping < 2 ? ENOSPC : EIO)  // the append's write or fsync
            #expect(throws: StoreError.self) {
                try store.changePolicy(actor: "t", time: Timestamp(seconds: 1)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) }
            }
            #expect(!FileManager.default.fileExists(atPath: store.directory + "/policy-intent.json"))
            #expect(store.check().isClean)
        }
    }

    // 8. check reports false problems while a writer runs.
    @Test func checkWhileAWriterAppendsReportsNothing() throws {
        let store = try StoreFixture.newStore()
        var state = try store.loadState()
        try store.append((1...200).map(StoreFixture.note), at: &state.position)
        let stop = Atomic<Bool>(false)
        let directory = store.directory
        let writer = Thread {
            let w = try! Store.open(directory, seedDirectory: nil)
            var p = try! w.loadState().position
            var i = 1000
            while !stop.load(ordering: .relaxed) {
                try! w.append((i..<(i + 37)).map(StoreFixture.note), at: &p)
                i += 37
                usleep(2000)  // a real writer pauses between batches; flock is not fair to a waiting reader
            }
        }
        writer.start()
        defer { stop.store(true, ordering: .relaxed) }
        let checker = try Store.open(store.directory, seedDirectory: nil)
        for _ in 0..<8 {
            // Small read chunks, so records straddle chunk ends near the growing end of the log.
            let report = checker.check(chunk: 4093)
            #expect(report.isClean, "\(report.problems)")
        }
        stop.store(true, ordering: .relaxed)
    }

    // 9. Symlinks are followed.
    @Test func symlinkedStoreFilesAreRefused() throws {
        let store = try StoreFixture.newStore()
        var state = try store.loadState()
        try store.append([StoreFixture.note(1)], at: &state.position)
        let outside = StoreFixture.tempDir("outside") + "/victim.jsonl"
        try FileManager.default.moveItem(atPath: store.logPath, toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: store.logPath, withDestinationPath: outside)
        let before = try bytes(outside)
        #expect { _ = try Store.open(store.directory, seedDirectory: nil) } throws: { "\($0)".contains("symbolic link") }
        #expect { try store.append([StoreFixture.note(2)], at: &state.position) } throws: { "\($0)".contains("symbolic link") }
        #expect(try bytes(outside) == before)
        #expect(store.check().problems.contains { $0.contains("events.jsonl: is a symbolic link") })
    }

    // 10. Leftovers and lax input.
    @Test func tempFilesOfKilledWritersAreListedAndCleaned() throws {
        let store = try StoreFixture.newStore()
        let dead = "\(store.policyPath).tmp-999999"
        FileManager.default.createFile(atPath: dead, contents: Data("{\"half".utf8))
        let live = "\(store.checkpointPath).tmp-\(getpid())"
        FileManager.default.createFile(atPath: live, contents: Data())
        #expect(store.check().warnings.contains { $0.contains("policy.json.tmp-999999") })
        var state = try store.loadState()
        try store.append([StoreFixture.note(1)], at: &state.position)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live))  // a live process's (this one's) is left alone
        try FileManager.default.removeItem(atPath: live)
    }

    @Test func laxInputIsABadLineThatSaysWhatIsWrong() throws {
        let now = Timestamp(seconds: 1_800_000_000)
        func offer(_ bytes: [UInt8]) -> String {
            switch OfferParser.parse(bytes[...], now: now) {
            case .failure(let e): return e.description
            case .success: return "accepted"
            }
        }
        let base = #"{"lead_id":"X","source_id":"S","vertical":"auto","state":"CA","sale_type":"shared","price":3"#
        // Invalid UTF-8 is refused, never replaced by U+FFFD.
        var invalid = Array((base + #","first_name":"Jo"#).utf8)
        invalid += [0xC3, 0x28] + Array("\"}".utf8)
        #expect(offer(invalid).contains("UTF-8"))
        // Duplicate keys: two readers must not disagree on a lead's price.
        #expect(offer(Array((base + #","price":900}"#).utf8)).contains("duplicate key \"price\""))
        // A raw control character inside a string says so.
        #expect(offer(Array((base + ",\"first_name\":\"Jo\tSmith\"}").utf8)).contains("control character U+0009"))
        // Outcomes refuse unknown fields as ingest does, in JSON and in a CSV header.
        let j = DispositionParser.parse(Array(#"{"lead_id":"L1","outcome":"contacted","colour":"red"}"#.utf8), now: now)
        #expect(j.count == 1)
        if case .failure(let e) = j[0].result { #expect(e.description.contains("unknown field \"colour\"")) } else { Issue.record("accepted") }
        let c = DispositionParser.parse(Array("lead_id,outcome,colour\nL1,contacted,red\n".utf8), now: now)
        #expect(c.count == 1)
        if case .failure(let e) = c[0].result { #expect(e.description.contains("unknown column \"colour\"")) } else { Issue.record("accepted") }
        // RFC 4180: a doubled quote inside a quoted field is one quote.
        let q = DispositionParser.parse(Array("lead_id,outcome,reason\nL1,returned,\"said \"\"no\"\"\"\n".utf8), now: now)
        #expect(try q[0].result.get().reason == "said \"no\"")
    }

    @Test func storeDocumentsWithDuplicateKeysAreRefused() throws {
        let store = try StoreFixture.newStore()
        var text = String(decoding: try bytes(store.policyPath), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"lastChangeSeq\" : 0,", with: "\"lastChangeSeq\" : 0, \"lastChangeSeq\" : 7,")
        try write(Array(text.utf8), store.policyPath)
        #expect { _ = try store.loadPolicyDocument() } throws: { "\($0)".contains("duplicate key \"lastChangeSeq\"") }
    }
    // 11. simulate checkpoints only when it finishes: see LeadDeckEngineTests.CheckpointScheduleTests.
}

extension Store {
    /// Opens an existing store (test shorthand).
    static func open2(_ directory: String) -> Store { try! Store.open(directory, seedDirectory: nil) }
}
