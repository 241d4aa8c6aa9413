import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

/// Replays the fuzzers' seed corpus (Tests/Corpus, see scripts/fuzz.sh) and generated hostile inputs through
/// every reader: offers, outcomes (CSV and JSON Lines), log lines, the strict JSON parser, and the store's own
/// files. Every input gets a result; no message carries a control or bidi character; nothing is half-applied.
@Suite("Hostile corpus")
struct HostileCorpusTests {
    static let corpus = StoreFixture.repoRoot + "/Tests/Corpus"
    let now = Timestamp(seconds: 1_800_000_000)

    func files(_ target: String) -> [[UInt8]] {
        let dir = Self.corpus + "/" + target
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().compactMap {
            FileManager.default.contents(atPath: dir + "/" + $0).map { [UInt8]($0) }
        }
    }

    func safe(_ s: String) -> Bool { !s.unicodeScalars.contains { Sanitizer.isUnsafe($0) } }

    /// Deterministic hostile variants of each input: truncations, flipped bytes, inserted controls, bad UTF-8.
    func variants(_ input: [UInt8], seed: UInt64) -> [[UInt8]] {
        var rng = SeededRandom(seed: seed)
        var out: [[UInt8]] = [input]
        let inserts: [[UInt8]] = [[0x1B, 0x5B, 0x32, 0x4A], [0x07], [0x0D], [0xC3, 0x28], [0xFF], [0xE2, 0x80, 0xAE], [0x00],
                                  Array("\",\"price\":1".utf8), [0x7B], [0x22]]
        for _ in 0..<30 {
            var v = input
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: v = Array(v.prefix(Int.random(in: 0...v.count, using: &rng)))
            case 1: if !v.isEmpty { v[Int.random(in: 0..<v.count, using: &rng)] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng)) }
            default: v.insert(contentsOf: inserts[Int.random(in: 0..<inserts.count, using: &rng)], at: Int.random(in: 0...v.count, using: &rng))
            }
            out.append(v)
        }
        return out
    }

    @Test func offers() {
        var count = 0
        for (n, file) in files("offers").enumerated() {
            for v in variants(file, seed: UInt64(n)) {
                for line in InputLines.split(v) where !line.isBlank {
                    count += 1
                    switch OfferParser.parse(line.bytes, now: now) {
                    case .failure(let e): #expect(safe(e.description), "\(e.description.debugDescription)")
                    case .success(let o):
                        #expect(!o.leadID.isEmpty && o.price.cents > 0 && o.state.count == 2)
                        #expect(String(validating: line.bytes, as: UTF8.self) != nil)
                    }
                }
            }
        }
        #expect(count > 200)
    }

    @Test func outcomes() {
        var count = 0
        for (n, file) in files("outcomes").enumerated() {
            for v in variants(file, seed: 100 + UInt64(n)) {
                for (line, result) in DispositionParser.parse(v, now: now) {
                    count += 1
                    #expect(line >= 1)
                    if case .failure(let e) = result { #expect(safe(e.description), "\(e.description.debugDescription)") }
                }
            }
        }
        #expect(count > 100)
    }

    @Test func logLines() {
        var good = 0
        for (n, file) in files("logline").enumerated() {
            for v in variants(file, seed: 200 + UInt64(n)) {
                for line in InputLines.split(v) {
                    switch EventLogCodec.parse(line.bytes, decoder: JSONDecoder()) {
                    case .failure(let e): #expect(safe(e.description))
                    case .success(let (seq, event)):
                        good += 1
                        var bytes: [UInt8] = []
                        EventLogCodec.encode(event, seq: seq, encoder: EventEncoder(), into: &bytes)
                        guard case .success(let (seq2, event2)) = EventLogCodec.parse(bytes.dropLast(), decoder: JSONDecoder()) else {
                            Issue.record("re-encoded record does not parse")
                            continue
                        }
                        #expect(seq2 == seq && event2 == event)
                    }
                }
            }
        }
        #expect(good > 0)
    }

    @Test func strictJSON() {
        for (n, file) in files("json").enumerated() {
            for v in variants(file, seed: 300 + UInt64(n)) {
                do { _ = try JSONValue.parse(v) } catch { #expect(safe(error.description)) }
            }
        }
    }

    @Test func storeFilesRefusedWithOneLineAndNothingChanged() throws {
        let store = try StoreFixture.newStore()
        for name in ["policy.json", "sources.json", "store.json"] {
            let path = store.directory + "/" + name
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            for (k, v) in variants(original, seed: 400 + UInt64(name.count)).enumerated().dropFirst() {
                try Data(v).write(to: URL(fileURLWithPath: path))
                let before = StoreFixture.snapshot(store.directory)
                do {
                    let s = try Store.open(store.directory, seedDirectory: StoreFixture.seed)
                    _ = try s.loadState(leads: false)
                } catch {
                    #expect(!error.description.contains("\n") && safe(error.description), "\(name) #\(k)")
                    #expect(error.description.contains(name) || error.description.contains(store.directory), "\(name) #\(k): \(error.description)")
                }
                #expect(StoreFixture.snapshot(store.directory) == before, "\(name) #\(k)")
            }
            try Data(original).write(to: URL(fileURLWithPath: path))
        }
        // People's editors: CRLF line endings and a byte order mark in a store file are fine.
        let policy = [UInt8](try Data(contentsOf: URL(fileURLWithPath: store.policyPath)))
        var crlf: [UInt8] = [0xEF, 0xBB, 0xBF]
        for b in policy { if b == 10 { crlf.append(13) }; crlf.append(b) }
        try Data(crlf).write(to: URL(fileURLWithPath: store.policyPath))
        #expect(try store.loadPolicyDocument().lastChangeSeq == 0)
    }
}
