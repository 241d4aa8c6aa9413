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

    /// A strict reader over JSON bytes with no whitespace: every method either reads what it expects and moves
    /// past it, or returns nil/false (after which the caller gives up, so where the cursor is left does not
    /// matter).
    struct Reader {
        let p: UnsafeBufferPointer<UInt8>
        var i = 0
        init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p }

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
        mutating func name<T>(_ names: [([UInt8], T)]) -> T? {
            guard i < p.count, p[i] == UInt8(ascii: "\"") else { return nil }
            let start = i + 1
            var end = start
            while end < p.count, p[end] != UInt8(ascii: "\""), p[end] != UInt8(ascii: "\\") { end += 1 }
            guard end < p.count, p[end] == UInt8(ascii: "\"") else { return nil }
            let text = UnsafeBufferPointer(rebasing: p[start..<end])
            for (bytes, value) in names where bytes.count == text.count {
                let same = bytes.withUnsafeBufferPointer { b in
                    for k in 0..<b.count where b[k] != text[k] { return false }
                    return true
                }
                if same {
                    i = end + 1
                    return value
                }
            }
            return nil
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
            guard p.count - i >= n else { return false }
            let q = s.utf8Start
            for k in 0..<n where p[i + k] != q[k] { return false }
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
            // Up to 18 digits cannot overflow: read them without checks (nearly every number in a checkpoint).
            var end = i
            while end < p.count, end - start < 19, p[end] &- 48 < 10 { end += 1 }
            if end - start <= 18, end == p.count || p[end] &- 48 >= 10 {
                guard end > start, end - start == 1 || p[start] != UInt8(ascii: "0") else { return nil }
                var u: Int64 = 0
                for k in start..<end { u = u &* 10 &+ Int64(p[k] &- 48) }
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
