/// Small pieces for writing and strictly reading JSON as bytes, for the files LeadDeck writes by hand.
enum JSONBytes {
    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends a JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    static func string(_ s: String, _ out: inout [UInt8]) {
        out.append(34)
        for b in s.utf8 {
            switch b {
            case 34: out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 8: out += [92, UInt8(ascii: "b")]
            case 12: out += [92, UInt8(ascii: "f")]
            case 0..<32: out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(34)
    }

    /// Appends a whole number.
    static func int(_ v: Int64, _ out: inout [UInt8]) { out.append(contentsOf: String(v).utf8) }

    /// A strict reader over JSON bytes with no whitespace: every method returns nil or false, leaving the
    /// position undefined, on anything it does not expect.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0
        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// Consumes `b` when it is next.
        mutating func take(_ b: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == b else { return false }
            i += 1
            return true
        }

        /// Consumes exactly `text`.
        mutating func literal(_ text: StaticString) -> Bool {
            let n = text.utf8CodeUnitCount
            guard i + n <= bytes.count else { return false }
            let p = text.utf8Start
            for k in 0..<n where bytes[i + k] != p[k] { return false }
            i += n
            return true
        }

        /// Whether only an optional final newline is left.
        var atEndOrNewline: Bool { i == bytes.count || (i == bytes.count - 1 && bytes[i] == 10) }

        /// A whole number as JSON writes it: an optional minus, no leading zeros, no fraction or exponent.
        mutating func int() -> Int64? {
            var negative = false
            if i < bytes.count && bytes[i] == 45 { negative = true; i += 1 }
            let start = i
            var v: Int64 = 0
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(bytes[i] - 48))
                guard !o1, !o2 else { return nil }
                v = a
                i += 1
            }
            guard i > start, !(bytes[start] == 48 && i - start > 1) else { return nil }
            if i < bytes.count, bytes[i] == 46 || bytes[i] == 101 || bytes[i] == 69 { return nil }
            return negative ? -v : v
        }

        /// A string, with JSON's escapes (\uXXXX with surrogate pairs included); nil on invalid UTF-8 or a raw
        /// control character.
        mutating func string() -> String? {
            guard take(34) else { return nil }
            let start = i
            while i < bytes.count, bytes[i] != 34, bytes[i] != 92, bytes[i] >= 0x20 { i += 1 }
            guard i < bytes.count else { return nil }
            if bytes[i] == 34 {
                let s = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            // Escapes: build the bytes.
            var out = Array(bytes[start..<i])
            while i < bytes.count {
                let b = bytes[i]
                if b == 34 { i += 1; return String(validating: out, as: UTF8.self) }
                if b < 0x20 { return nil }
                if b != 92 { out.append(b); i += 1; continue }
                i += 1
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                switch e {
                case 34, 92, 47: out.append(e)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard var v = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(v) {
                        guard take(92), take(UInt8(ascii: "u")), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(v) {
                        return nil
                    }
                    guard let scalar = Unicode.Scalar(v) else { return nil }
                    out += Array(String(Character(scalar)).utf8)
                default: return nil
                }
            }
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[i]
                let d: UInt32
                switch b {
                case 48...57: d = UInt32(b - 48)
                case 97...102: d = UInt32(b - 87)
                case 65...70: d = UInt32(b - 55)
                default: return nil
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

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
    }
}
