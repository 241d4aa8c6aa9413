import Testing
@testable import LeadDeckCore

/// `ByteImage.Reader.string()` takes plain ASCII straight and validates anything else: the same strings as
/// validating every one, and nil for bytes that are not UTF-8.
@Suite("Byte image strings: ASCII taken straight, the rest validated")
struct ByteImageStringTests {
    func read(_ bytes: [UInt8]) -> String? {
        var w = ByteImage.Writer()
        w.u32(UInt32(bytes.count))
        bytes.withUnsafeBytes { w.raw($0) }
        return w.bytes.withUnsafeBytes { b in
            var r = ByteImage.Reader(b)
            return r.string()
        }
    }

    @Test func everyKindOfTextReadsAsValidatingIt() {
        let texts = ["", "L1YI", "MOR27", "c74", "Déjà vu", "東京", "😀", "a\u{0}b", "\u{7F}", "ß", String(repeating: "x", count: 300)]
        for t in texts {
            #expect(read(Array(t.utf8)) == t, "\(t)")
        }
        // Not UTF-8: a lone continuation byte, a cut sequence, an overlong form, a surrogate.
        for bad: [UInt8] in [[0x80], [0x41, 0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF, 0x41]] {
            #expect(read(bad) == nil, "\(bad)")
        }
        var rng = SeededRandom(seed: 9)
        for _ in 0..<2_000 {
            let bytes = (0..<Int(rng.next() % 12)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(read(bytes) == String(validating: bytes, as: UTF8.self), "\(bytes)")
        }
    }
}
