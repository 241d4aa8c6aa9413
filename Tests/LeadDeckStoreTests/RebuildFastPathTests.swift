import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

/// A reader rebuilding its figures from the raw log (no checkpoint) goes through fast paths: records framed and
/// decoded in place, recurring strings found again by their bytes, records handed over without copies, sources and
/// states found by their strings' bits, the local day remembered. Each must give what the plain path gives.
@Suite("Rebuilding from the raw log: fast paths against the plain one")
struct RebuildFastPathTests {
    /// The desk a rebuild makes, against every record decoded by `JSONDecoder` and folded one by one.
    @Test func aRebuildFoldsWhatDecodingEveryRecordPlainlyFolds() throws {
        let store = try FastPathTests.simulatedStore(hours: 40)  // no checkpoint: the whole log is replayed
        let rebuilt = try store.loadState(leads: false)
        var payloads: [ArraySlice<UInt8>] = []
        try store.forEachFramed(after: .afterHeader) { payloads.append($0.payload) }
        #expect(payloads.count > 1_000 && rebuilt.replayed == payloads.count)
        let decoder = JSONDecoder()
        var plain = Desk(catalog: store.catalog, policy: try store.loadPolicyDocument().policy)
        for p in payloads { plain.apply(try decoder.decode(Event.self, from: Data(p)), leadState: false) }
        #expect(rebuilt.desk.metrics == plain.metrics)
        #expect(rebuilt.desk.metrics.breakdowns.sources == plain.metrics.breakdowns.sources)
        #expect(rebuilt.desk.catalog == plain.catalog)
        #expect(rebuilt.desk.ledger.spentToday == plain.ledger.spentToday && rebuilt.desk.ledger.boughtToday == plain.ledger.boughtToday)
        #expect(rebuilt.desk.recentAlerts == plain.recentAlerts)
    }

    /// A reader with a string memo: a plain string read the fast way (sixteen bytes at once, found again by its
    /// bytes) or the general way (escapes, non-ASCII, long, near the end of the bytes) is the string `string()`
    /// reads, whatever was read before it and however the memo's places collide.
    @Test func recurringStringsReadAsPlainStringsDo() {
        var rng = SeededRandom(seed: 11)
        let alphabet = Array("abcXYZ019 -_/.:\"\\é\u{1}".unicodeScalars)
        var texts: [String] = ["", "a", "TX", "Philadelphia", "exactly15bytes!", "sixteen bytes ok", "seventeen bytes!!"]
        for _ in 0..<3_000 {
            let n = Int(rng.next() % 20)
            texts.append(String(String.UnicodeScalarView((0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })))
        }
        let strings = ShortStrings()
        for round in 0..<2 {
            for (k, text) in texts.enumerated() {
                var json: [UInt8] = []
                JSONBytes.string(text, &json)
                // Followed by more bytes (the fast way) or ending the buffer (the general way).
                let tail = Array(#","state":"TX","sub_id":"b1"}"#.utf8)
                for bytes in [json + tail, json, json + [44]] {
                    let (fast, plain) = bytes.withUnsafeBufferPointer { p -> ((String?, Int), (String?, Int)) in
                        var r = JSONBytes.Reader(p, strings: strings)
                        var q = JSONBytes.Reader(p)
                        let a = r.recurringString(), b = q.string()
                        return ((a, r.i), (b, q.i))
                    }
                    #expect(fast.0 == plain.0 && fast.1 == plain.1, "round \(round) text \(k) \(text.debugDescription)")
                    #expect(fast.0 == text, "\(text.debugDescription)")
                }
            }
        }
    }

    /// The word test behind the fast string read: the first byte that ends or escapes a plain string (a quote, a
    /// backslash, a control character, a non-ASCII byte) is found exactly, whatever follows it.
    @Test func theFirstSpecialByteOfAWordIsFoundExactly() {
        func special(_ b: UInt8) -> Bool { b == 0x22 || b == 0x5C || b < 0x20 || b >= 0x80 }
        for at in 0..<8 {
            for b in 0...255 {
                for after: UInt8 in [0x61, 0x22, 0x00, 0xFF] {
                    var bytes = [UInt8](repeating: 0x61, count: 8)
                    bytes[at] = UInt8(b)
                    for k in (at + 1)..<8 { bytes[k] = after }
                    let w = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
                    let first = bytes.firstIndex(where: special) ?? 8
                    let s = JSONBytes.specialBytes(w)
                    #expect((s == 0 ? 8 : s.trailingZeroBitCount / 8) == first, "byte \(b) at \(at), then \(after)")
                }
            }
        }
        // The key of a short string holds its bytes and its length, nothing more.
        let w0 = UInt64(littleEndian: 0x6867_6665_6463_6261), w1 = UInt64(littleEndian: 0x706F_6E6D_6C6B_6A69)
        #expect(JSONBytes.masked(w0, w1, count: 0) == (0, 0))
        #expect(JSONBytes.masked(w0, w1, count: 3) == (0x63_6261, 3 << 56))
        #expect(JSONBytes.masked(w0, w1, count: 8) == (w0, 8 << 56))
        #expect(JSONBytes.masked(w0, w1, count: 15) == (w0, 0x6F_6E6D_6C6B_6A69 | 15 << 56))
    }
}

/// A long read scans the chunks after the next one on other threads from a guess of where they start (after the
/// last newline before each chunk's end), used only when the scan before ends exactly there. In many small chunks,
/// on a good log and on one damaged in the middle or cut mid-record, the answer is the one read of one chunk gives.
@Suite("Reading chunks ahead from a guess")
struct ChunksAheadTests {
    struct Outcome: Equatable {
        var seqs: [Int64]
        var end: LogPosition
        var torn: TornTail?
        var damage: String?
    }

    static func read(_ store: Store, chunk: Int, decode: Bool) -> Outcome {
        var seqs: [Int64] = []
        let scan = decode
            ? try? store.scanLog(from: .afterHeader, allowPartialTail: false, chunk: chunk) { seqs.append($0.seq) }
            : try? store.scanFramed(allowPartialTail: false, chunk: chunk) { seqs.append($0.seq) }
        // Where the damage is; the words after may differ (whether later records follow is judged within a chunk).
        return Outcome(seqs: seqs, end: scan?.end ?? .afterHeader, torn: scan?.torn,
                       damage: scan?.damage.map { String($0.prefix { $0 != ")" && $0 != ":" }) })
    }

    @Test func manyChunksReadAheadGiveWhatOneChunkGives() throws {
        let store = try FastPathTests.simulatedStore(hours: 6)
        // Records longer than a chunk (the read doubles its chunk for them, and every guess made before is off),
        // then short ones after.
        var position = try store.loadState(leads: false).position
        let t = Timestamp(seconds: 1_900_000_000)
        try store.append([.note(time: t, text: String(repeating: "long ", count: 4_000)), .note(time: t, text: "short")]
                         + (0..<40).map { .note(time: t, text: "after \($0)") }, at: &position)
        let whole = try Data(contentsOf: URL(fileURLWithPath: store.logPath))
        #expect(whole.count > 200_000)
        // Good, one byte flipped in a record in the middle, a record cut short with more after it, a torn tail.
        let lines = whole.indices.filter { whole[$0] == 10 }
        let middle = lines[lines.count / 2] + 30
        var flipped = whole
        flipped[middle] ^= 0x20
        var cut = whole
        cut.removeSubrange((lines[lines.count / 3] - 40)..<lines[lines.count / 3])
        let torn = whole.prefix(lines[lines.count - 5] + 100)
        // A record numbered out of sequence, its checksum right: only the sequence says it is damage, and a chunk
        // that starts with it would take it for the start of a good run.
        // The record a read in chunks of 4,096 bytes guesses its third chunk starts with.
        var start = EventLogCodec.header.count
        for _ in 0..<2 { start = lines.last { $0 < start + 4_096 }! + 1 }
        let m = lines.firstIndex(of: start - 1)! + 1
        let line = whole[(lines[m - 1] + 1)..<lines[m]]
        guard case .success(let (seq, payload)) = EventLogCodec.frame(ArraySlice(line)) else { Issue.record("no record"); return }
        var jumped = whole
        jumped.replaceSubrange((lines[m - 1] + 1)..<lines[m], with: EventDecoderTests.line(Array(payload), seq: seq + 1_000))
        for (what, bytes) in [("good", whole), ("flipped", flipped), ("cut", cut), ("torn", Data(torn)), ("jumped", jumped)] {
            try bytes.write(to: URL(fileURLWithPath: store.logPath))
            for decode in [true, false] {
                let one = Self.read(store, chunk: 64 << 20, decode: decode)
                #expect(!one.seqs.isEmpty)
                if what != "good" { #expect(one.damage != nil || one.torn != nil, "\(what)") }
                for chunk in [4_096, 10_000, 65_536] + Array(stride(from: 3_001, to: 4_000, by: 37)) {
                    #expect(Self.read(store, chunk: chunk, decode: decode) == one, "\(what), chunks of \(chunk), decode \(decode)")
                }
            }
        }
    }
}
