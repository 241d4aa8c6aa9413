import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

/// The fast paths give what the plain ones give: `check` without decoding finds what decoding finds, and the
/// stored event bytes passed through by `log --json` are what encoding the decoded event writes.
@Suite("Fast paths agree with the plain ones")
struct FastPathTests {
    static func simulatedStore(hours: Int64 = 30) throws -> Store {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 3, start: nil)
        defer { session.close() }
        var t = session.now
        for _ in 0..<hours { t = t + 3600; try session.advance(to: t) }
        return store
    }

    @Test func framedRecordsCarryExactlyTheEncodedEvent() throws {
        let store = try Self.simulatedStore()
        var framed: [FramedRecord] = []
        try store.forEachFramed(after: .afterHeader) { framed.append($0) }
        var decoded: [LogRecord] = []
        try store.forEachRecord(after: .afterHeader) { decoded.append($0) }
        #expect(framed.count == decoded.count)
        #expect(framed.count > 1000)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for (f, d) in zip(framed, decoded) {
            #expect(f.seq == d.seq && f.line == d.line)
            #expect(Array(f.payload) == Array(try encoder.encode(d.event)))
        }
    }

    @Test func aLargeBatchEncodedOnTwoCoresIsTheSameBytesAsOneByOne() throws {
        let store = try Self.simulatedStore(hours: 8)
        var events: [Event] = []
        try store.forEachRecord(after: .afterHeader) { events.append($0.event) }
        #expect(events.count > 600)
        for (count, after) in [(events.count, Int64(0)), (events.count - 1, Int64(41)), (255, Int64(7)), (256, Int64(7)), (1, Int64(9))] {
            let batch = Array(events.prefix(count))
            var plain: [UInt8] = []
            let encoder = EventEncoder()
            for (i, e) in batch.enumerated() { EventLogCodec.encode(e, seq: after + 1 + Int64(i), encoder: encoder, into: &plain) }
            #expect(EventLogCodec.encode(batch, after: after) == plain, "\(count) events after seq \(after)")
        }
    }

    @Test func checkWithoutDecodingFindsWhatDecodingFinds() throws {
        let store = try Self.simulatedStore(hours: 6)
        let quick = store.check()
        let deep = store.check(deep: true)
        #expect(quick.isClean && deep.isClean)
        #expect(quick.problems == deep.problems)
        // A flipped byte in the middle of the log: both find the same damaged line.
        let path = store.logPath
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        let at = bytes.count / 2
        bytes[at] = bytes[at] == UInt8(ascii: "7") ? UInt8(ascii: "8") : UInt8(ascii: "7")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let damagedQuick = store.check()
        let damagedDeep = store.check(deep: true)
        #expect(!damagedQuick.isClean)
        #expect(damagedQuick.problems == damagedDeep.problems, "\(damagedQuick.problems) vs \(damagedDeep.problems)")
    }

    @Test func passingStoredBytesThroughEscapesLikeTheStringVersion() throws {
        let hostile = ["plain", "q\"uote\\back/slash\u{1B}[31m\r\n\t\u{8}\u{C}\u{0}", "\u{7F}\u{80}\u{9B}\u{9F}\u{A0}",
                       "\u{202E}evil\u{202A}\u{2066}\u{2069}\u{200E}\u{200F}\u{061C}", "東京 \u{2028} 😀 é", ""]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for s in hostile {
            let json = try encoder.encode(["k": s])
            var out: [UInt8] = []
            appendASCIIJSON(Array(json)[...], to: &out)
            #expect(String(decoding: out, as: UTF8.self) == asciiJSON(String(decoding: json, as: UTF8.self)), "\(s.debugDescription)")
            #expect(!out.contains { $0 == 0x1B || $0 == 0x7F })
        }
    }
}

/// A long read scans the next chunk on another thread while the current chunk's records are visited: it must
/// visit the same records, in order, and stop at the same damage as a read of one chunk.
@Suite struct ScanAheadTests {
    @Test func chunksScannedAheadGiveTheSameRecordsAndDamage() throws {
        let store = try FastPathTests.simulatedStore(hours: 12)
        func records(chunk: Int) throws -> (seqs: [Int64], events: [Event], scan: LogScan) {
            var seqs: [Int64] = [], events: [Event] = []
            let scan = try store.scanLog(from: .afterHeader, allowPartialTail: true, chunk: chunk) {
                seqs.append($0.seq)
                events.append($0.event)
            }
            return (seqs, events, scan)
        }
        let whole = try records(chunk: 1 << 30)
        #expect(whole.seqs.count > 2_000 && whole.scan.damage == nil)
        for chunk in [700, 4_093, 65_536] {
            let ahead = try records(chunk: chunk)
            #expect(ahead.seqs == whole.seqs && ahead.events == whole.events && ahead.scan.end == whole.scan.end, "chunk \(chunk)")
        }
        // A flipped byte two thirds of the way in: every chunk size visits the records before it and names it.
        var bytes = [UInt8](FileManager.default.contents(atPath: store.logPath)!)
        let at = bytes.count * 2 / 3
        bytes[at] = bytes[at] == UInt8(ascii: "7") ? UInt8(ascii: "8") : UInt8(ascii: "7")
        try Data(bytes).write(to: URL(fileURLWithPath: store.logPath))
        let damagedWhole = try records(chunk: 1 << 30)
        #expect(damagedWhole.scan.damage != nil && damagedWhole.seqs.count < whole.seqs.count)
        // (The wording after the place depends on whether the damaged line's newline fell in the same chunk.)
        func place(_ damage: String?) -> Substring? { damage.flatMap { $0.range(of: "):").map { damage![..<$0.lowerBound] } } }
        for chunk in [700, 4_093, 65_536] {
            let ahead = try records(chunk: chunk)
            #expect(place(ahead.scan.damage) != nil && place(ahead.scan.damage) == place(damagedWhole.scan.damage), "chunk \(chunk)")
            #expect(ahead.seqs == damagedWhole.seqs && ahead.events == damagedWhole.events, "chunk \(chunk)")
        }
    }
}

/// The engine's two-core batch: records encoded on the other core as the batch grows, and the metrics folded
/// there while the engine decides, give what encoding and folding in place give.
@Suite("A batch decided on one core, encoded and folded on the other")
struct TwoCoreBatchTests {
    static func events(hours: Int64) throws -> [Event] {
        let store = try FastPathTests.simulatedStore(hours: hours)
        var events: [Event] = []
        try store.forEachRecord(after: .afterHeader) { events.append($0.event) }
        return events
    }

    @Test func recordsStreamedAsTheBatchGrowsAreTheBytesOfTheWholeBatch() throws {
        let events = try Self.events(hours: 8)
        #expect(events.count > 600)
        let n = EventBatch.chunkSize
        for (count, after) in [(0, Int64(0)), (1, Int64(9)), (n - 1, Int64(3)), (n, Int64(3)), (n + 1, Int64(3)), (events.count, Int64(41))] {
            var batch = EventBatch(encodingAfter: after)
            for e in events.prefix(count) { batch.append(e) }
            let records = batch.records()
            #expect(records?.after == after)
            #expect(records?.bytes == EventLogCodec.encode(Array(events.prefix(count)), after: after), "\(count) events after seq \(after)")
            #expect(batch.events == Array(events.prefix(count)))
        }
        var collected = EventBatch()
        collected.append(contentsOf: events)
        #expect(collected.records() == nil && collected.events == events)
    }

    @Test func metricsFoldedOnTheOtherCoreAreTheOnesFoldedInPlace() throws {
        let events = try Self.events(hours: 6)
        let clock = LocalClock(utcOffsetMinutes: -300)
        var plain = MetricsBook(clock: clock)
        for e in events[..<20] { plain.apply(e) }
        let folder = MetricsFolder(plain)
        var batch = EventBatch(encodingAfter: 0)
        batch.append(contentsOf: Array(events[..<20]))  // added before folding began: not folded
        batch.folding(into: folder)
        batch.append(contentsOf: Array(events[20..<(events.count - 30)]))
        batch.stopFolding()
        batch.append(contentsOf: Array(events.suffix(30)))  // added after: not folded
        let folded = folder.finish()
        for e in events[20..<(events.count - 30)] { plain.apply(e) }
        #expect(folded == plain)
        #expect(batch.events == events)
    }

    /// The same simulated days, hour by hour, with the metrics folded on the other core and without: the same log,
    /// byte for byte, and the same desk. Even pacing too, whose hour weights are learned from the metrics each day.
    @Test(arguments: [Pacing.asap, .even])
    func foldingApartChangesNothingRecorded(pacing: Pacing) throws {
        func run(foldApart: Bool) throws -> (log: Data, desk: Desk) {
            let store = try StoreFixture.newStore()
            try store.changePolicy(actor: "test", time: EngineSession.defaultStart) { p throws(StoreError) in
                p.pacing == pacing ? nil : .pacing(from: p.pacing, to: pacing)
            }
            let session = try EngineSession(store: store, seed: 9, start: nil)
            defer { session.close() }
            session.foldApartSeconds = foldApart ? 600 : .max
            var t = session.now
            for _ in 0..<50 { t = t + 3600; try session.advance(to: t) }
            return (FileManager.default.contents(atPath: store.logPath)!, session.state.desk)
        }
        let apart = try run(foldApart: true), inPlace = try run(foldApart: false)
        #expect(apart.log.count > 100_000)
        #expect(apart.log == inPlace.log)
        #expect(apart.desk.ledger == inPlace.desk.ledger && apart.desk.leads == inPlace.desk.leads)
        #expect(apart.desk.metrics == inPlace.desk.metrics && apart.desk.recentAlerts == inPlace.desk.recentAlerts)
        #expect(apart.desk.policy.pacing == pacing)
    }

    /// Several hours in one batch (`advance(toward:steps:)`, as `simulate` runs), the alert rules run on the other
    /// core after each hour, against one hour a batch with everything folded in place: the same log byte for byte
    /// (alerts included, in the same places), the same desk and the same market after. Even pacing ends a batch at
    /// each local midnight, where the day's hour weights are learned from the metrics.
    @Test(arguments: [Pacing.asap, .even])
    func severalHoursABatchRecordWhatOneHourABatchRecords(pacing: Pacing) throws {
        func run(steps: Int) throws -> (log: Data, desk: Desk, market: MarketSimulator, batches: Int) {
            let store = try StoreFixture.newStore()
            try store.changePolicy(actor: "test", time: EngineSession.defaultStart) { p throws(StoreError) in
                p.pacing == pacing ? nil : .pacing(from: p.pacing, to: pacing)
            }
            let session = try EngineSession(store: store, seed: 9, start: nil)
            defer { session.close() }
            let end = session.now + 50 * 3600
            var batches = 0
            if steps == 1 {
                session.foldApartSeconds = .max
                while session.now < end { try session.advance(to: min(end, session.now + 3600)); batches += 1 }
            } else {
                while session.now < end { try session.advance(toward: end, steps: steps); batches += 1 }
            }
            return (FileManager.default.contents(atPath: store.logPath)!, session.state.desk, session.simulator, batches)
        }
        let plain = try run(steps: 1), batched = try run(steps: 6)
        let alerts = String(decoding: plain.log, as: UTF8.self).components(separatedBy: "\"type\":\"alert\"").count - 1
        #expect(alerts >= 3, "the run must raise alerts for the comparison to hold them")
        #expect(plain.batches == 50 && batched.batches < 15)
        // Compared as a whole, then the first difference named (a collection diff of 18 MB would take minutes).
        let same = batched.log == plain.log
        let shorter = min(batched.log.count, plain.log.count)
        let firstDifference = same ? shorter : (0..<shorter).first { batched.log[$0] != plain.log[$0] } ?? shorter
        #expect(same, "the logs differ from byte \(firstDifference) (lengths \(batched.log.count) and \(plain.log.count))")
        #expect(batched.desk.ledger == plain.desk.ledger && batched.desk.leads == plain.desk.leads)
        #expect(batched.desk.metrics == plain.desk.metrics && batched.desk.recentAlerts == plain.desk.recentAlerts)
        #expect(batched.market == plain.market)
    }
}
