import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

/// `log --json`'s fast path (records read into one buffer and checked in place, the CRC folded by carry-less
/// multiplication, plain ASCII found while looking for line ends) prints what the plain path prints: each event
/// decoded and encoded again, made terminal-safe. Damage is the same error; an unfinished last line is left.
@Suite("log --json fast path agrees with the plain one")
struct EventBytesTests {
    static let hostile = ["plain", "q\"uote\\back/slash\u{1B}[31m\r\n\t\u{8}\u{C}\u{0}", "\u{7F}\u{80}\u{85}\u{9B}\u{9F}\u{A0}",
                          "\u{202E}evil\u{202A}\u{2066}\u{2069}\u{200E}\u{200F}\u{061C}", "東京リード José Müller 😀 \u{2028}", "",
                          String(repeating: "long ", count: 3000) + "\u{202E}"]

    /// A simulated store with notes carrying non-ASCII, control, C1 and bidi characters among its records.
    static func store() throws -> Store {
        let store = try FastPathTests.simulatedStore(hours: 4)
        var position = try store.forEachRecord(after: .afterHeader) { _ in }
        for (i, text) in hostile.enumerated() {
            try store.append([.note(time: Timestamp(seconds: 1_793_600_000 + Int64(i)), text: "name \(text)")], at: &position)
        }
        let more = try EngineSession(store: store, seed: 4, start: nil)
        try more.advance(to: more.now + 3600)
        more.close()
        return store
    }

    /// What `log --json` printed before the fast path: each record decoded, encoded with sorted keys, escaped.
    static func plainOutput(_ store: Store, after position: LogPosition = .afterHeader) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = ""
        try store.forEachRecord(after: position) { r in
            let payload = (try? encoder.encode(r.event)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
            out += "{\"seq\":\(r.seq),\"event\":\(asciiJSON(payload))}\n"
        }
        return Array(out.utf8)
    }

    static func fastOutput(_ store: Store, after position: LogPosition = .afterHeader, chunk: Int = 8 << 20,
                           piece: Int = 256 << 10) throws(StoreError) -> (bytes: [UInt8], end: LogPosition) {
        var out: [UInt8] = []
        let end = try store.forEachEventChunk(after: position, chunk: chunk, piece: piece) { c in
            for i in 0..<c.count { c.withRecord(i) { e in appendLogJSONLine(seq: e.seq, event: e.bytes, to: &out) } }
        }
        return (out, end)
    }

    /// What `log --json` writes: the chunks' lines through `EventChunk.writeLogJSON`.
    static func printedOutput(_ store: Store, chunk: Int = 1 << 20, piece: Int = 256 << 10) throws(StoreError) -> [UInt8] {
        var out: [UInt8] = []
        var spare: [UInt8] = []
        try store.forEachEventChunk(after: .afterHeader, chunk: chunk, piece: piece) { c in
            c.writeLogJSON(spare: &spare) { out.append(contentsOf: $0) }
        }
        return out
    }

    static func flip(_ path: String, at offset: Int, to byte: UInt8) throws {
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        bytes[offset] = byte
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func outputIsByteIdenticalToDecodingAndEncoding() throws {
        let store = try Self.store()
        let plain = try Self.plainOutput(store)
        #expect(plain.count > 100_000)
        #expect(!plain.contains { $0 == 0x1B || $0 == 0x7F })
        let text = String(decoding: plain, as: UTF8.self)
        #expect(text.contains("\\u202e") && text.contains("\\u0085") && text.contains("\\u001b") && text.contains("東京リード José"))
        #expect(!text.unicodeScalars.contains { $0 != "\n" && Sanitizer.isUnsafe($0) })
        // Default sizes, and chunks and pieces small enough that lines span pieces and the long note spans
        // several chunks (the buffer grows).
        for (chunk, piece) in [(8 << 20, 256 << 10), (4096, 100), (1000, 64), (64 << 10, 7 << 10)] {
            let fast = try Self.fastOutput(store, chunk: chunk, piece: piece)
            #expect(fast.bytes == plain, "chunk \(chunk) piece \(piece)")
            let tail = try store.forEachFramed(after: .afterHeader) { _ in }
            #expect(fast.end == tail)
        }
    }

    @Test func linesPrintedInPlaceAreTheLinesBuiltApart() throws {
        // `log --json` writes plain records' printed lines over their framing in the read buffer, moved together
        // into runs; escaped ones are built apart. Together, in order, they are the plain output, whatever the
        // chunk size.
        let store = try Self.store()
        let plain = try Self.plainOutput(store)
        for (chunk, piece) in [(1 << 20, 256 << 10), (4096, 100), (1000, 64)] {
            var out: [UInt8] = []
            var pieces = 0, chunks = 0
            var spare: [UInt8] = []
            try store.forEachEventChunk(after: .afterHeader, chunk: chunk, piece: piece) { c in
                chunks += 1
                c.writeLogJSON(spare: &spare) { p in
                    out.append(contentsOf: p)
                    pieces += 1
                }
            }
            #expect(out == plain, "chunk \(chunk) piece \(piece)")
            // Plain lines in a row are one piece; each escaped record (the hostile notes, one may span chunks)
            // is built apart and breaks a run in two.
            #expect(pieces <= chunks + 2 * Self.hostile.count && pieces >= 4, "\(pieces) pieces in \(chunks) chunks")
        }
    }

    @Test func aStoredNumberWithLeadingZerosIsPrintedAsTheNumber() throws {
        // A line whose stored sequence number has a leading zero (checksummed as stored, so the framer accepts
        // it) is printed with the number as `appendLogJSONLine` writes it, not copied from the framing.
        let store = try Self.store()
        var bytes = [UInt8](FileManager.default.contents(atPath: store.logPath)!)
        let lines = bytes.indices.filter { bytes[$0] == 10 }
        let start = lines[4] + 1, end = lines[5]
        let line = String(decoding: bytes[start..<end], as: UTF8.self)
        let seq = line.dropFirst(7).prefix { $0.isNumber }
        let event = Array(line.utf8[line.utf8.index(line.utf8.startIndex, offsetBy: 7 + seq.count + 22)...].dropLast())
        let digits = Array(("0" + seq).utf8)
        let crc = CRC32.checksum(digits + [58] + event)
        let framed = Array("{\"seq\":0\(seq),\"crc\":\"\(String(format: "%08x", crc))\",\"e\":".utf8) + event + [125]
        bytes.replaceSubrange(start..<end, with: framed)
        try Data(bytes).write(to: URL(fileURLWithPath: store.logPath))
        #expect(try Self.printedOutput(store) == (try Self.plainOutput(store)))
        let printed = String(decoding: try Self.printedOutput(store), as: UTF8.self).split(separator: "\n")
        #expect(printed.contains { $0.hasPrefix("{\"seq\":\(seq),\"event\":") })
        #expect(!printed.contains { $0.hasPrefix("{\"seq\":0") })
    }

    @Test func readingOnFromAPositionGivesOnlyTheNewRecords() throws {
        // What `log --json --follow` does: read on from where the last read ended.
        let store = try Self.store()
        let first = try Self.fastOutput(store)
        var position = first.end
        try store.append([.note(time: Timestamp(seconds: 1_793_700_000), text: "later \u{202E}")], at: &position)
        let next = try Self.fastOutput(store, after: first.end)
        #expect(next.bytes == (try Self.plainOutput(store, after: first.end)))
        #expect(String(decoding: next.bytes, as: UTF8.self).hasSuffix("\"text\":\"later \\u202e\",\"time\":1793700000,\"type\":\"note\"}}\n"))
        #expect((try Self.fastOutput(store, after: next.end)).bytes.isEmpty)
    }

    @Test func anUnfinishedLastLineIsLeftAlone() throws {
        let store = try Self.store()
        let whole = try Self.fastOutput(store)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: store.logPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"seq\":\(whole.end.seq + 1),\"crc\":\"0000".utf8))
        try handle.close()
        for (chunk, piece) in [(8 << 20, 256 << 10), (4096, 100)] {
            let again = try Self.fastOutput(store, chunk: chunk, piece: piece)
            #expect(again.bytes == whole.bytes && again.end == whole.end)
        }
    }

    @Test func damageIsTheSameErrorAsThePlainScan() throws {
        // A flipped byte in an event (checksum), in the framing, a line repeated (sequence), and damage in the
        // last whole line (no good record after it): the same message, after the same records.
        let base = try Self.store()
        let original = [UInt8](FileManager.default.contents(atPath: base.logPath)!)
        let lines = original.indices.filter { original[$0] == 10 }
        let middle = lines[lines.count / 2] + 1
        let lastStart = lines[lines.count - 2] + 1
        let cases: [(String, [UInt8])] = [
            ("checksum", { var b = original; b[middle + 60] ^= 0x01; return b }()),
            ("framing", { var b = original; b[middle] = UInt8(ascii: "["); return b }()),
            ("sequence", Array(original[..<middle]) + Array(original[lines[lines.count / 2 - 1] + 1 ..< middle]) + Array(original[middle...])),
            ("last line", { var b = original; b[lastStart + 70] ^= 0x01; return b }()),
        ]
        for (name, bytes) in cases {
            try Data(bytes).write(to: URL(fileURLWithPath: base.logPath))
            var plainCount = 0
            var plainError: StoreError?
            do { try base.forEachFramed(after: .afterHeader) { _ in plainCount += 1 } } catch { plainError = error }
            for (chunk, piece) in [(8 << 20, 256 << 10), (1 << 20, 256 << 10), (4096, 100)] {
                var fastCount = 0
                var fastError: StoreError?
                do {
                    try base.forEachEventChunk(after: .afterHeader, chunk: chunk, piece: piece) { fastCount += $0.count }
                } catch { fastError = error }
                let plain = try #require(plainError, "\(name)")
                #expect(fastError == plain, "\(name) chunk \(chunk): \(String(describing: fastError)) vs \(plain)")
                #expect(chunk < 1 << 20 || fastCount == plainCount, "\(name)")
                #expect(plain.description.contains(" line ") && !plain.description.contains("\n"))
            }
        }
    }

    @Test func theFoldedCRCIsTheTableCRC() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<1200).map { _ in UInt8.random(in: 0...255, using: &random) }
        bytes.withUnsafeBytes { all in
            for offset in 0..<16 {
                for count in 0..<(1200 - 16) where count < 300 || count % 37 == 0 {
                    let p = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + count)])
                    let tables = CRC32.update(0x1234_5678, p, tables: CRC32.flat, folds: false)
                    #expect(CRC32.update(0x1234_5678, p, tables: CRC32.flat, folds: CRC32.folds) == tables)
                }
            }
        }
        // The padded starts: z zeros from paddedStarts[z] reach the start register.
        for z in 0..<16 {
            let zeros = [UInt8](repeating: 0, count: z)
            #expect(zeros.withUnsafeBytes { CRC32.update(CRC32.paddedStarts[z], $0, tables: CRC32.flat, folds: false) } == ~0)
        }
    }

    @Test func theFramersChecksumIsTheTableCRCAtEveryLength() {
        // The framer folds the digits, the colon and the event's first bytes gathered apart, the rest in place:
        // at every length and number of digits it agrees with the tables, and a changed byte anywhere fails it.
        var random = SystemRandomNumberGenerator()
        let framer = RecordFramer()
        let ending = EventLogCodec.kindEndings[0]
        for length in 1..<260 {
            let seq = Int64.random(in: 1...(length % 3 == 0 ? 9 : 999_999_999_999_999_999), using: &random)
            let digits = Array(String(seq).utf8)
            let event = (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) } + ending
            let crc = CRC32.checksum(digits + [58] + event)
            var line = Array("{\"seq\":\(seq),\"crc\":\"\(String(format: "%08x", crc))\",\"e\":".utf8) + event + [125]
            #expect(line.withUnsafeBytes { l in framer.frame(l, seq: seq).map(framer.sums) } == true, "length \(length)")
            let at = line.count - 2 - Int.random(in: 0..<event.count, using: &random)
            line[at] ^= 0x01
            #expect(line.withUnsafeBytes { l in framer.frame(l, seq: seq).map(framer.sums) } != true, "length \(length) changed at \(at)")
        }
    }

    @Test func theFramerAcceptsExactlyWhatThePlainFrameAndKindChecksAccept() {
        // Lines built from their parts with one byte of one part changed (the keys, the digits, a hex digit of
        // either case, the kind's ending, the closing brace) and a checksum that matches the changed digits and
        // event: the framer (in C) accepts a line exactly when the plain scan's `frame`, its sequence check and
        // its kind check would.
        var random = SystemRandomNumberGenerator()
        let framer = RecordFramer()
        let seq: Int64 = 4_071
        let alphabet = Array("0123456789abcdefABCDEFG{}\":,xe ".utf8)
        var accepted = 0
        for trial in 0..<6000 {
            var parts = [Array(#"{"seq":"#.utf8), Array(String(seq).utf8), Array(#","crc":""#.utf8), [],
                         Array(#"","e":"#.utf8),
                         Array(#"{"decision":"closed","offer":{"city":"Austin"},"tier":3,"type":"offer"}"#.utf8), [125]]
            let changed = trial == 0 ? -1 : [0, 1, 2, 3, 4, 5, 6].randomElement(using: &random)!
            if changed >= 0 && changed != 3 {
                let at = changed == 5 ? parts[5].count - Int.random(in: 1...16, using: &random) : Int.random(in: 0..<parts[changed].count, using: &random)
                parts[changed][at] = alphabet.randomElement(using: &random)!
            }
            let crc = CRC32.checksum(parts[1] + [58] + parts[5])
            parts[3] = Array(String(format: Bool.random(using: &random) ? "%08x" : "%08X", crc).utf8)
            if changed == 3 { parts[3][Int.random(in: 0..<8, using: &random)] = alphabet.randomElement(using: &random)! }
            let line = parts.flatMap { $0 }
            let plain: Bool = line.withUnsafeBufferPointer { l in
                guard case .success(let (s, payload)) = EventLogCodec.frame(l), s == seq else { return false }
                return EventLogCodec.knownKind(UnsafeBufferPointer(rebasing: l[payload]))
            }
            let fast = line.withUnsafeBytes { framer.payload($0, seq: seq) != nil }
            if plain != fast { Issue.record("\(String(decoding: line, as: UTF8.self)): plain \(plain), framer \(fast)"); return }
            if fast { accepted += 1 }
            if trial == 0 { #expect(fast) }
        }
        #expect(accepted > 50 && accepted < 3000, "\(accepted) of 6000 accepted")
    }

    @Test func printableScanAndLineWriterMatchThePlainFunctions() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) }
            if !bytes.isEmpty, Bool.random(using: &random) { bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            let from = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            let expected = bytes[from...].firstIndex { $0 < 0x20 || $0 >= 0x7F } ?? bytes.count
            #expect(bytes.withUnsafeBytes { firstNonPrintableASCII(in: $0, from: from) } == expected)
        }
        // Every byte value at every place in a 64-byte step and the 32- and 16-byte tails: exactly 0x20-0x7E pass.
        for length in [70, 100, 130] {
            for at in 0..<length {
                for value in UInt8.min...UInt8.max {
                    var bytes = [UInt8](repeating: 0x41, count: length)
                    bytes[at] = value
                    let expected = value >= 0x20 && value < 0x7F ? length : at
                    let found = bytes.withUnsafeBytes { firstNonPrintableASCII(in: $0, from: 0) }
                    if found != expected { Issue.record("byte \(value) at \(at) of \(length): \(found)"); return }
                }
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for (i, s) in Self.hostile.enumerated() {
            let json = try encoder.encode(["k": s])
            let seq = Int64([0, 1, 9, 10, 123_456, Int(Int32.max), 999_999_999_999_999_999][i % 7])
            let plain = Array("{\"seq\":\(seq),\"event\":\(asciiJSON(String(decoding: json, as: UTF8.self)))}\n".utf8)
            var out: [UInt8] = []
            json.withUnsafeBytes { appendLogJSONLine(seq: seq, event: $0, to: &out) }
            #expect(out == plain, "\(s.debugDescription)")
        }
    }
}
