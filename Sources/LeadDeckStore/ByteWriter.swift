/// Writes JSON pieces into memory reserved ahead (at least as many bytes as will be written), with none of an
/// array's capacity and uniqueness checks per piece: the log encoder's hot path (`EventEncoder`). What it
/// writes is what `JSONBytes` appends to an array for the same pieces.
struct ByteWriter {
    private let base: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    private(set) var count = 0

    init(_ base: UnsafeMutablePointer<UInt8>) { self.base = base }

    /// The bytes written so far.
    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The most bytes `string` writes for a string of `utf8Count` bytes: each may become a six-byte `\u00XX`,
    /// plus the quotes.
    static func stringBound(_ utf8Count: Int) -> Int { 6 * utf8Count + 2 }

    /// The most bytes `int` writes.
    static let intBound = 20

    mutating func byte(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    /// A literal's bytes as they are.
    mutating func literal(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        (base + count).update(from: s.utf8Start, count: n)
        count += n
    }

    /// Bytes as they are (no quotes, no escapes).
    mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
        (base + count).update(from: from, count: bytes.count)
        count += bytes.count
    }

    /// `,"k":`.
    mutating func key(_ k: StaticString) {
        byte(44)
        byte(34)
        literal(k)
        byte(34)
        byte(58)
    }

    /// A whole number, as `JSONBytes.int` writes it.
    mutating func int(_ v: Int64) {
        count = JSONBytes.int(v, into: UnsafeMutableBufferPointer(start: base, count: count + Self.intBound), at: count)
    }

    /// `{"cents":N,"currency":"USD"}`.
    mutating func money(_ cents: Int64) {
        literal(#"{"cents":"#)
        int(cents)
        literal(#","currency":"USD"}"#)
    }

    /// A JSON string as `JSONBytes.string` writes it (slashes left as they are).
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { string(bytes: $0) }
    }

    /// `string` for a string given as its UTF-8 bytes.
    mutating func string(bytes: UnsafeBufferPointer<UInt8>) {
        byte(34)
        // Nearly every string needs no escape: copy it whole.
        if !bytes.contains(where: { $0 < 0x20 || $0 == 34 || $0 == 92 }) {
            raw(bytes)
            byte(34)
            return
        }
        for b in bytes {
            switch b {
            case 34: byte(92); byte(34)
            case 92: byte(92); byte(92)
            case 10: byte(92); byte(UInt8(ascii: "n"))
            case 13: byte(92); byte(UInt8(ascii: "r"))
            case 9: byte(92); byte(UInt8(ascii: "t"))
            case 8: byte(92); byte(UInt8(ascii: "b"))
            case 12: byte(92); byte(UInt8(ascii: "f"))
            case 0..<32:
                byte(92); byte(UInt8(ascii: "u")); byte(48); byte(48)
                byte(JSONBytes.hex[Int(b >> 4)]); byte(JSONBytes.hex[Int(b & 15)])
            default: byte(b)
            }
        }
        byte(34)
    }
}
