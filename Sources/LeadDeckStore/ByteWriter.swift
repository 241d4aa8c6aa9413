/// Writes JSON pieces into memory reserved ahead (at least as many bytes as will be written), with none of an
/// array's capacity and uniqueness checks per piece: the log encoder's hot path (`EventEncoder`). The one place
/// JSON strings are escaped (`JSONBytes.string` writes an escaped string through it).
struct ByteWriter {
    private let base: UnsafeMutablePointer<UInt8>
    /// How many bytes were reserved: writing past them is a bug in the caller's bound, stopped in debug builds.
    private let capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    /// The bytes written so far.
    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The most bytes `string` writes for a string of `utf8Count` bytes: each may become a six-byte `\u00XX`,
    /// plus the quotes.
    static func stringBound(_ utf8Count: Int) -> Int { 6 * utf8Count + 2 }

    /// The most bytes `int` writes.
    static let intBound = 20

    mutating func byte(_ b: UInt8) {
        assert(count < capacity, "ByteWriter: past the \(capacity) bytes reserved")
        base[count] = b
        count += 1
    }

    /// A literal's bytes as they are.
    mutating func literal(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        assert(count + n <= capacity, "ByteWriter: past the \(capacity) bytes reserved")
        (base + count).update(from: s.utf8Start, count: n)
        count += n
    }

    /// Bytes as they are (no quotes, no escapes).
    mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
        assert(count + bytes.count <= capacity, "ByteWriter: past the \(capacity) bytes reserved")
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
        assert(count + Self.intBound <= capacity, "ByteWriter: past the \(capacity) bytes reserved")
        count = JSONBytes.int(v, into: UnsafeMutableBufferPointer(start: base, count: count + Self.intBound), at: count)
    }

    /// `{"cents":N,"currency":"USD"}`.
    mutating func money(_ cents: Int64) {
        literal(#"{"cents":"#)
        int(cents)
        literal(#","currency":"USD"}"#)
    }

    /// A JSON string (slashes left as they are).
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { string(bytes: $0) }
    }

    /// Whether a string of these bytes needs an escape: a quote, a backslash, a control character (or a slash,
    /// when slashes are escaped).
    static func needsEscape(_ bytes: UnsafeBufferPointer<UInt8>, escapingSlashes: Bool) -> Bool {
        bytes.contains { $0 < 0x20 || $0 == 34 || $0 == 92 || (escapingSlashes && $0 == 47) }
    }

    /// A JSON string given as its UTF-8 bytes: quotes, backslashes and control characters escaped, the rest as
    /// UTF-8.
    /// - Parameter escapingSlashes: write `/` as `\/`, as `JSONEncoder` does by default.
    mutating func string(bytes: UnsafeBufferPointer<UInt8>, escapingSlashes: Bool = false) {
        byte(34)
        // Nearly every string needs no escape: copy it whole.
        if !Self.needsEscape(bytes, escapingSlashes: escapingSlashes) {
            raw(bytes)
            byte(34)
            return
        }
        for b in bytes {
            switch b {
            case 34: byte(92); byte(34)
            case 92: byte(92); byte(92)
            case 47 where escapingSlashes: byte(92); byte(47)
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
