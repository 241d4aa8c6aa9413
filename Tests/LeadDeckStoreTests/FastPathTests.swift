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
