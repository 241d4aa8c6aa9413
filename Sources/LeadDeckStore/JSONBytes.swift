import LeadDeckCore

/// Small pieces for writing and strictly reading JSON as bytes, for the files LeadDeck writes by hand.
enum JSONBytes {
    /// Lower-case hex digits (`\u00XX` escapes in `ByteWriter`, record checksums in `EventLogCodec`).
    static let hex = Array("0123456789abcdef".utf8)

    /// Appends a JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    /// - Parameter escapingSlashes: write `/` as `\/`, as `JSONEncoder` does by default (files that must come out
    ///   byte for byte as it writes them).
    static func string(_ s: String, _ out: inout [UInt8], escapingSlashes: Bool = false) {
        var s = s
        s.withUTF8 { string(bytes: $0, &out, escapingSlashes: escapingSlashes) }
    }

    /// `string(_:_:escapingSlashes:)` for a string given as its UTF-8 bytes.
    static func string(bytes: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8], escapingSlashes: Bool = false) {
        // Nearly every string needs no escape: copy it whole between its quotes.
        guard ByteWriter.needsEscape(bytes, escapingSlashes: escapingSlashes) else {
            out.append(34)
            out.append(contentsOf: bytes)
            out.append(34)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ByteWriter.stringBound(bytes.count)) { buffer in
            var w = ByteWriter(buffer)
            w.string(bytes: bytes, escapingSlashes: escapingSlashes)
            out.append(contentsOf: w.written)
        }
    }

    /// Appends a whole number.
    /// Writes `v` as `int(_:_:)` does into `buf` from `i` (at least 20 bytes free), returning the index after it.
    static func int(_ v: Int64, into buf: UnsafeMutableBufferPointer<UInt8>, at i: Int) -> Int {
        if v >= 0, v < 10 {
            buf[i] = 48 + UInt8(v)
            return i + 1
        }
        var m = v.magnitude
        var digits = 0
        var t = m
        repeat {
            digits += 1
            t /= 10
        } while t != 0
        var end = i + digits
        if v < 0 {
            buf[i] = 45
            end += 1
        }
        var k = end
        repeat {
            k -= 1
            buf[k] = 48 + UInt8(truncatingIfNeeded: m % 10)
            m /= 10
        } while m != 0
        return end
    }

    static func int(_ v: Int64, _ out: inout [UInt8]) {
        if v >= 0, v < 10 {
            out.append(48 + UInt8(v))
            return
        }
        // Digits from the right into 24 bytes on the stack (Int64.min takes 20 with its sign).
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { b in
            var i = b.count
            var m = v.magnitude
            repeat {
                i -= 1
                b[i] = 48 + UInt8(truncatingIfNeeded: m % 10)
                m /= 10
            } while m != 0
            if v < 0 {
                i -= 1
                b[i] = 45
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[i...]))
        }
    }

    /// Whether the `n` bytes at `a` and at `b` are the same, compared a word at a time (the keys a record's
    /// reader expects are 5 to 20 bytes long: a byte at a time was a fifth of decoding an event).
    @inline(__always)
    static func same(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let (x, y) = (UnsafeRawPointer(a), UnsafeRawPointer(b))
        if n >= 8 {
            var k = 0
            while k + 8 < n {
                guard x.loadUnaligned(fromByteOffset: k, as: UInt64.self) == y.loadUnaligned(fromByteOffset: k, as: UInt64.self) else { return false }
                k += 8
            }
            // The last word overlaps the one before when `n` is not a multiple of 8.
            return x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        for k in 0..<n where a[k] != b[k] { return false }
        return true
    }

    /// A word's bytes that end or escape a plain JSON string, as the top bit of each: a quote, a backslash, a control
    /// character or a non-ASCII byte. The lowest flagged byte is exact (a flag above it may be a false one).
    @inline(__always)
    static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func zeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        return zeroByte(w ^ (ones &* 0x22)) | zeroByte(w ^ (ones &* 0x5C)) | ((w &- ones &* 0x20) & ~w & highs) | (w & highs)
    }

    /// The first `count` (at most 15) of the sixteen bytes in `w0` and `w1`, zero-padded, with the count in the last
    /// byte: `ShortStrings`' key.
    @inline(__always)
    static func masked(_ w0: UInt64, _ w1: UInt64, count n: Int) -> (UInt64, UInt64) {
        if n < 8 { return (n == 0 ? 0 : w0 & (~0 >> UInt64(64 - 8 * n)), UInt64(n) << 56) }
        let k = n - 8
        return (w0, (k == 0 ? 0 : w1 & (~0 >> UInt64(64 - 8 * k))) | UInt64(n) << 56)
    }

    /// A strict reader over JSON bytes with no whitespace: every method either reads what it expects and moves
    /// past it, or returns nil/false (after which the caller gives up, so where the cursor is left does not
    /// matter).
    struct Reader {
        let p: UnsafeBufferPointer<UInt8>
        var i = 0
        /// Where `recurringString()` finds strings read before, if anywhere.
        let strings: ShortStrings?
        /// Whether `detail` strings are checked but not made (see `detail(recurring:)`).
        let figuresOnly: Bool
        init(_ p: UnsafeBufferPointer<UInt8>, strings: ShortStrings? = nil, figuresOnly: Bool = false) {
            self.p = p
            self.strings = strings
            self.figuresOnly = figuresOnly
        }

        /// Consumes `b` when it is next.
        mutating func take(_ b: UInt8) -> Bool {
            guard i < p.count, p[i] == b else { return false }
            i += 1
            return true
        }

        /// Moves past one JSON value of any kind, finding where it ends (strings, nesting); true when it did. The
        /// value is not checked beyond that: a caller hands the bytes to a full decoder.
        mutating func skipValue(depth: Int = 0) -> Bool {
            guard i < p.count, depth < 64 else { return false }
            switch p[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close: UInt8 = p[i] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                let isObject = close == UInt8(ascii: "}")
                i += 1
                if take(close) { return true }
                while true {
                    if isObject { guard skipString(), take(58) else { return false } }
                    guard skipValue(depth: depth + 1) else { return false }
                    if take(close) { return true }
                    guard take(44) else { return false }
                }
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default:
                let start = i
                while i < p.count, (48...57).contains(p[i]) || p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")
                    || p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") { i += 1 }
                return i > start
            }
        }

        /// Moves past an object or array without reading what is in it: only the brackets outside strings are
        /// counted. For a part that is read in full elsewhere (which checks it); false when the brackets do not close.
        mutating func skipBalanced() -> Bool {
            guard i < p.count, p[i] == UInt8(ascii: "{") || p[i] == UInt8(ascii: "[") else { return false }
            var depth = 0
            while i < p.count {
                switch p[i] {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        i += 1
                        return true
                    }
                case UInt8(ascii: "\""):
                    guard skipString() else { return false }
                    continue
                default:
                    break
                }
                i += 1
            }
            return false
        }

        /// Moves past a string (escapes skipped whole), without making it.
        mutating func skipString() -> Bool {
            guard take(34) else { return false }
            while i < p.count {
                switch p[i] {
                case 34: i += 1; return true
                case 92: i += 2
                default: i += 1
                }
            }
            return false
        }

        /// Whether only an optional final newline is left.
        var atEndOrNewline: Bool { i == p.count || (i == p.count - 1 && p[i] == 10) }

        /// An object whose values `value` reads (given the key); true when it ended with `}`.
        mutating func object(_ value: (String, inout Reader) -> Bool) -> Bool {
            guard take(123) else { return false }
            if take(125) { return true }
            while true {
                guard let key = string(), take(58), value(key, &self) else { return false }
                if take(125) { return true }
                guard take(44) else { return false }
            }
        }

        /// An array whose items `item` reads, each moving past itself; true when it ended with `]`.
        mutating func list(_ item: (inout Reader) -> Bool) -> Bool {
            guard take(91) else { return false }
            if take(93) { return true }
            repeat {
                guard item(&self) else { return false }
            } while take(44)
            return take(93)
        }

        // MARK: Values

        /// One of `names`, written as a plain string, matched byte for byte (no String made, no string switch).
        /// Anything else, escaped spellings included, gives nil.
        mutating func name<T>(_ names: NameTable<T>) -> T? {
            guard i < p.count, p[i] == UInt8(ascii: "\"") else { return nil }
            let start = i + 1
            var end = start
            while end < p.count, p[end] != UInt8(ascii: "\""), p[end] != UInt8(ascii: "\\") { end += 1 }
            guard end < p.count, p[end] == UInt8(ascii: "\"") else { return nil }
            guard let value = names.value(of: UnsafeBufferPointer(rebasing: p[start..<end])) else { return nil }
            i = end + 1
            return value
        }

        /// `{"cents":N,"currency":"USD"}`, exactly.
        mutating func money() -> Money? {
            guard literal(#"{"cents":"#), let cents = int64(), literal(#","currency":"USD"}"#) else { return nil }
            return Money(cents: cents)
        }

        /// Moves past `s` if the bytes at the cursor are `s`.
        @inline(__always)
        mutating func literal(_ s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            guard n > 0 else { return true }
            guard p.count - i >= n, JSONBytes.same(p.baseAddress! + i, s.utf8Start, n) else { return false }
            i += n
            return true
        }

        mutating func int() -> Int? { int64().flatMap { Int(exactly: $0) } }

        /// An integer as `String(Int64)` writes it: an optional minus, then digits without a leading zero; no
        /// fraction, no exponent, no "-0", nothing out of range. (What follows must be the next literal, so a
        /// fraction or exponent fails there.)
        mutating func int64() -> Int64? {
            let negative = i < p.count && p[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            let start = i
            // Up to 18 digits cannot overflow: read them without checks, in one pass (nearly every number in a
            // checkpoint or a record).
            var end = i
            var u: Int64 = 0
            let stop = min(p.count, start + 18)
            while end < stop {
                let d = p[end] &- 48
                guard d < 10 else { break }
                u = u &* 10 &+ Int64(d)
                end += 1
            }
            if end == p.count || p[end] &- 48 >= 10 {
                guard end > start, end - start == 1 || p[start] != UInt8(ascii: "0") else { return nil }
                i = end
                if negative { return u == 0 ? nil : -u }
                return u
            }
            var v: Int64 = 0  // accumulated as a negative number, so Int64.min fits
            while i < p.count {
                let d = p[i] &- 48
                guard d < 10 else { break }
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.subtractingReportingOverflow(Int64(d))
                guard !o1, !o2 else { return nil }
                v = s
                i += 1
            }
            let digits = i - start
            guard digits > 0, digits == 1 || p[start] != UInt8(ascii: "0") else { return nil }
            if negative { return v == 0 ? nil : v }
            return v == .min ? nil : -v
        }

        /// A list of integers, `[n,n,...]` with each as `int64()` reads it, into `out`: how many, or nil when it is
        /// not such a list or holds more than `out` has room for. (A checkpoint is mostly these lists.)
        mutating func int64s(into out: UnsafeMutableBufferPointer<Int64>) -> Int? {
            guard take(91) else { return nil }
            if take(93) { return 0 }
            var n = 0
            while n < out.count, i < p.count {
                let v: Int64
                if p[i] == 48, i + 1 < p.count, p[i + 1] &- 48 >= 10 {
                    // A lone 0 (half of a checkpoint's counters), as `int64()` reads it.
                    v = 0
                    i += 1
                } else {
                    guard let read = int64() else { return nil }
                    v = read
                }
                guard i < p.count else { return nil }
                out[n] = v
                n += 1
                let next = p[i]
                i += 1
                if next == 44 { continue }
                return next == 93 ? n : nil
            }
            return nil
        }

        /// A JSON string. Without escapes (nearly always) it is made straight from the bytes; raw control characters
        /// and invalid UTF-8, which `JSONDecoder` refuses too, give nil.
        mutating func string() -> String? {
            guard i < p.count, p[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            let start = i
            var ascii = true
            while i < p.count {
                let b = p[i]
                if b == UInt8(ascii: "\"") {
                    let bytes = UnsafeBufferPointer(rebasing: p[start..<i])
                    i += 1
                    return ascii ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
                }
                if b == UInt8(ascii: "\\") { return escapedString(from: start) }
                if b < 0x20 { return nil }
                if b >= 0x80 { ascii = false }
                i += 1
            }
            return nil
        }

        /// A string of a field whose values recur (a source, a state, a city): a short plain one (ASCII, no escape,
        /// at most 15 bytes) is taken from `strings` when read before, not made again; any other as `string()`.
        mutating func recurringString() -> String? {
            guard let strings, i < p.count, p[i] == UInt8(ascii: "\"") else { return string() }
            let start = i + 1
            if p.count - start >= 16 {
                // Sixteen bytes at once: where the first byte that ends or escapes a plain string is.
                let raw = UnsafeRawPointer(p.baseAddress! + start)
                let w0 = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
                let w1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                let s0 = JSONBytes.specialBytes(w0), s1 = JSONBytes.specialBytes(w1)
                let n = s0 != 0 ? s0.trailingZeroBitCount / 8 : 8 + s1.trailingZeroBitCount / 8
                // Past 15 bytes, or anything but the closing quote first (an escape, a control or non-ASCII byte):
                // the general way.
                guard n <= ShortStrings.longest, p[start + n] == UInt8(ascii: "\"") else { return string() }
                i = start + n + 1
                return strings.string(JSONBytes.masked(w0, w1, count: n), UnsafeBufferPointer(rebasing: p[start..<(start + n)]))
            }
            let limit = min(p.count, start + ShortStrings.longest + 1)
            var end = start
            while end < limit {
                let b = p[end]
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
                end += 1
            }
            guard end < p.count, p[end] == UInt8(ascii: "\""), end - start <= ShortStrings.longest else { return string() }
            i = end + 1
            return strings.string(UnsafeBufferPointer(rebasing: p[start..<end]))
        }

        /// A string no figure reads (an offer's lead id, contact details, city and postal code): with `figuresOnly`,
        /// checked exactly as `string()` checks it but not made (""), so a reader rebuilding figures allocates,
        /// copies and later frees none of them; otherwise read as `recurringString()` or `string()`.
        @inline(__always)
        mutating func detail(recurring: Bool = false) -> String? {
            if figuresOnly { return skipCheckedString() ? "" : nil }
            return recurring ? recurringString() : string()
        }

        /// Moves past a string that `string()` would read, without making it; false where `string()` gives nil.
        /// A plain one (ASCII, no escape) is found a word at a time; any other is left to `string()` itself.
        mutating func skipCheckedString() -> Bool {
            guard i < p.count, p[i] == UInt8(ascii: "\"") else { return false }
            let base = UnsafeRawPointer(p.baseAddress!)
            var k = i + 1
            while true {
                if p.count - k >= 8 {
                    let special = JSONBytes.specialBytes(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: k, as: UInt64.self)))
                    if special == 0 {
                        k += 8
                        continue
                    }
                    k += special.trailingZeroBitCount / 8
                } else {
                    while k < p.count, p[k] != UInt8(ascii: "\""), p[k] != UInt8(ascii: "\\"), p[k] >= 0x20, p[k] < 0x80 { k += 1 }
                }
                break
            }
            // An escape, a non-ASCII or control byte, or no closing quote: `string()` decides (and it reads from `i`).
            guard k < p.count, p[k] == UInt8(ascii: "\"") else { return string() != nil }
            i = k + 1
            return true
        }

        /// The rest of a string that has an escape at the cursor; `start` is just after its opening quote.
        private mutating func escapedString(from start: Int) -> String? {
            var out: [UInt8] = []
            out.reserveCapacity(i - start + 32)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<i]))
            while i < p.count {
                let b = p[i]
                switch b {
                case UInt8(ascii: "\""):
                    i += 1
                    return String(validating: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard i + 1 < p.count else { return nil }
                    let e = p[i + 1]
                    i += 2
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(8)
                    case UInt8(ascii: "f"): out.append(12)
                    case UInt8(ascii: "n"): out.append(10)
                    case UInt8(ascii: "r"): out.append(13)
                    case UInt8(ascii: "t"): out.append(9)
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        UTF8.encode(scalar) { out.append($0) }
                    default: return nil
                    }
                case 0..<0x20: return nil
                default:
                    out.append(b)
                    i += 1
                }
            }
            return nil
        }

        /// After `\u`: four hex digits, and for a high surrogate the `\uXXXX` low surrogate that must follow. A lone
        /// surrogate gives nil.
        private mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let u = hex4() else { return nil }
            switch u {
            case 0xD800..<0xDC00:
                guard literal(#"\u"#), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                return Unicode.Scalar(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00))
            case 0xDC00..<0xE000:
                return nil
            default:
                return Unicode.Scalar(u)
            }
        }

        private mutating func hex4() -> UInt32? {
            guard p.count - i >= 4 else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = p[i]
                let d: UInt8
                switch c {
                case 48...57: d = c - 48
                case 97...102: d = c - 87
                case 65...70: d = c - 55
                default: return nil
                }
                v = v << 4 | UInt32(d)
                i += 1
            }
            return v
        }
    }
}

/// Strings read before, found again by their bytes: a log names the same few dozen sources, a few hundred sub-IDs,
/// states and cities on every record, and making each from its bytes again (checking them, copying them) was a
/// fifth of decoding an event. Only short plain strings (ASCII, at most `longest` bytes) are kept: those are
/// stored inline, so a copy shares no storage. Direct-mapped: a string that collides with another replaces it.
/// Used on one thread at a time (a reader's), never shared.
final class ShortStrings {
    private struct Entry {
        /// The key of the bytes (`JSONBytes.masked`).
        var words: (UInt64, UInt64)
        var string: String
    }
    /// The longest string kept.
    static let longest = 15
    private static let size = 1024
    private let slots: UnsafeMutablePointer<Entry>

    init() {
        slots = .allocate(capacity: Self.size)
        // Every place starts as the empty string, whose words are zero.
        slots.initialize(repeating: Entry(words: (0, 0), string: ""), count: Self.size)
    }

    deinit {
        slots.deinitialize(count: Self.size)
        slots.deallocate()
    }

    /// The string of `bytes` (ASCII, at most `longest` of them: the caller checked).
    func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var padded: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &padded) { w in
            if let base = bytes.baseAddress { w.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
        }
        return string(JSONBytes.masked(UInt64(littleEndian: padded.0), UInt64(littleEndian: padded.1), count: bytes.count), bytes)
    }

    /// The string of `bytes`, whose key (`JSONBytes.masked`) the caller made.
    @inline(__always)
    func string(_ words: (UInt64, UInt64), _ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let h = (words.0 &* 0x9E37_79B9_7F4A_7C15) ^ (words.1 &* 0xBF58_476D_1CE4_E5B9)
        let slot = slots + Int(truncatingIfNeeded: (h ^ (h >> 31)) & UInt64(Self.size - 1))
        if slot.pointee.words == words { return slot.pointee.string }
        let s = String(decoding: bytes, as: UTF8.self)
        slot.pointee = Entry(words: words, string: s)
        return s
    }
}

/// Names and the values they stand for (an enum's raw values), matched against bytes in place: each name's bytes
/// are kept for the life of the process (the tables are static), so matching copies and retains nothing.
struct NameTable<T: Sendable>: @unchecked Sendable {
    private let entries: [(bytes: UnsafePointer<UInt8>, count: Int, value: T)]

    init(_ names: [(String, T)]) {
        entries = names.map { name, value in
            let u = Array(name.utf8)
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(u.count, 1))
            p.initialize(from: u, count: u.count)
            return (UnsafePointer(p), u.count, value)
        }
    }

    /// The value whose name is exactly `text`'s bytes, if any.
    func value(of text: UnsafeBufferPointer<UInt8>) -> T? {
        let n = text.count
        return entries.withUnsafeBufferPointer { e in
            for k in e.indices where e[k].count == n && (n == 0 || JSONBytes.same(text.baseAddress!, e[k].bytes, n)) {
                return e[k].value
            }
            return nil
        }
    }
}
