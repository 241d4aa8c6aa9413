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
