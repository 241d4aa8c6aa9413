/// A JSON syntax problem and where it is: `line` is 1-based, `column` is 1-based and counts Unicode
/// scalars from the start of the line, `offset` is the 0-based byte offset in the input. Everything points
/// at the offending character (or just past the last byte when the input ends too early).
struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    var message: String
    var line: Int
    var column: Int
    var offset: Int

    init(message: String, line: Int, column: Int, offset: Int) {
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line 1, column 17: duplicate key "price"`
    var description: String { "line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// How many arrays and objects may be nested inside each other.
    static var strictMaximumDepth: Int { 64 }

    /// Parses exactly one JSON value (surrounded by optional whitespace) from UTF-8 bytes, strictly by
    /// RFC 8259: no comments, trailing commas, single quotes, NaN/Infinity, leading zeros or duplicate keys;
    /// the bytes must be valid UTF-8 and strings must not hold raw control characters. An integer literal
    /// that fits `Int64` is `.int`; every other number is a finite `.number`.
    static func parse<C: Collection>(_ bytes: C) throws(JSONSyntaxError) -> JSONValue where C.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ JSONValue.parseResult($0) }) {
            return try result.get()
        }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { JSONValue.parseResult($0) }.get()
    }

    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { JSONValue.parseResult($0) }.get()
    }

    static func parse(_ bytes: ArraySlice<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { JSONValue.parseResult($0) }.get()
    }

    static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try parseResult(buffer).get()
    }

    /// The text's UTF-8 bytes, parsed as above.
    static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        return try text.withUTF8 { JSONValue.parseResult($0) }.get()
    }

    private static func parseResult(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONSyntaxError> {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return .failure(JSONSyntaxError(message: "empty input", line: 1, column: 1, offset: 0))
        }
        var parser = StrictJSONParser(base, count: buffer.count)
        do throws(JSONSyntaxError) {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}

// MARK: - The parser

/// The ASCII bytes the grammar is made of.
private enum JSONByte {
    static let quote: UInt8 = 0x22       // "
    static let backslash: UInt8 = 0x5C   // \
    static let comma: UInt8 = 0x2C       // ,
    static let colon: UInt8 = 0x3A       // :
    static let openBrace: UInt8 = 0x7B   // {
    static let closeBrace: UInt8 = 0x7D  // }
    static let openBracket: UInt8 = 0x5B // [
    static let closeBracket: UInt8 = 0x5D // ]
    static let minus: UInt8 = 0x2D       // -
    static let plus: UInt8 = 0x2B        // +
    static let dot: UInt8 = 0x2E         // .
    static let zero: UInt8 = 0x30        // 0
    static let slash: UInt8 = 0x2F       // /
    static let apostrophe: UInt8 = 0x27  // '
    static let star: UInt8 = 0x2A        // *
}

/// Exactly representable powers of ten, for the fast (exact) path of number conversion.
private let strictJSONPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

private let strictJSONHexDigits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]

/// A key made safe to show in a one-line message: controls, C1 controls and bidi controls become "?",
/// and it is cut to 40 characters (the last one "…" when it was cut).
func strictJSONSafeKey(_ key: String) -> String {
    var out = String.UnicodeScalarView()
    var count = 0
    let scalars = key.unicodeScalars
    let total = scalars.count
    for s in scalars {
        if total > 40 && count == 39 {
            out.append("\u{2026}")
            break
        }
        let v = s.value
        let unsafe = v < 0x20 || (v >= 0x7F && v <= 0x9F) || (v >= 0x202A && v <= 0x202E)
            || (v >= 0x2066 && v <= 0x2069) || v == 0x200E || v == 0x200F || v == 0x061C
        out.append(unsafe ? "?" : s)
        count += 1
    }
    return String(out)
}

private struct StrictJSONParser {
    let p: UnsafePointer<UInt8>
    let end: Int
    var i = 0
    /// Bytes of the string being unescaped, reused from string to string.
    var scratch: [UInt8] = []
    /// The members of the objects being parsed, innermost last.
    var members: [(key: String, value: JSONValue, at: Int)] = []

    init(_ p: UnsafePointer<UInt8>, count: Int) {
        self.p = p
        self.end = count
    }

    // MARK: Small helpers

    /// `value` as `digits` uppercase hex digits.
    func hex(_ value: UInt32, digits: Int) -> String {
        var s = ""
        var shift = (digits - 1) * 4
        while shift >= 0 {
            s.append(strictJSONHexDigits[Int((value >> UInt32(shift)) & 0xF)])
            shift -= 4
        }
        return s
    }

    /// `U+0009`, `U+1F600`.
    func scalarName(_ value: UInt32) -> String {
        "U+" + hex(value, digits: value > 0xFFFF ? (value > 0xFFFFF ? 6 : 5) : 4)
    }

    @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    @inline(__always) func isWordByte(_ b: UInt8) -> Bool {
        (b | 0x20) &- 0x61 < 26 || b &- 0x30 < 10 || b == 0x5F
    }

    // MARK: Document and values

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard i < end else { throw fail("empty input", at: i) }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if i < end {
            let found = try describe(at: i)
            throw fail("unexpected text after the JSON value (found \(found))", at: i)
        }
        return value
    }

    @inline(__always) mutating func skipWhitespace() {
        while i < end {
            let b = p[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    /// One value starting at `i` (whitespace already skipped); `depth` counts the arrays and objects around it.
    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard i < end else { throw unexpected(at: i, expected: "a value") }
        switch p[i] {
        case JSONByte.quote:
            return .string(try parseString())
        case JSONByte.openBrace:
            guard depth < JSONValue.strictMaximumDepth else {
                throw fail("nested deeper than \(JSONValue.strictMaximumDepth) levels", at: i)
            }
            return try parseObject(depth: depth + 1)
        case JSONByte.openBracket:
            guard depth < JSONValue.strictMaximumDepth else {
                throw fail("nested deeper than \(JSONValue.strictMaximumDepth) levels", at: i)
            }
            return try parseArray(depth: depth + 1)
        case JSONByte.minus, 0x30...0x39:
            return try parseNumber()
        case 0x74: // t
            if end - i >= 4 && p[i + 1] == 0x72 && p[i + 2] == 0x75 && p[i + 3] == 0x65 && literalEnds(at: i + 4) {
                i += 4
                return .bool(true)
            }
            throw badWord(at: i)
        case 0x66: // f
            if end - i >= 5 && p[i + 1] == 0x61 && p[i + 2] == 0x6C && p[i + 3] == 0x73 && p[i + 4] == 0x65 && literalEnds(at: i + 5) {
                i += 5
                return .bool(false)
            }
            throw badWord(at: i)
        case 0x6E: // n
            if end - i >= 4 && p[i + 1] == 0x75 && p[i + 2] == 0x6C && p[i + 3] == 0x6C && literalEnds(at: i + 4) {
                i += 4
                return .null
            }
            throw badWord(at: i)
        default:
            throw badValueStart(at: i)
        }
    }

    /// Whether a literal ending before `j` really ends there (`truex` is one unknown word, not `true`).
    @inline(__always) func literalEnds(at j: Int) -> Bool {
        !(j < end && isWordByte(p[j]))
    }

    mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        i += 1 // [
        skipWhitespace()
        guard i < end else { throw unexpected(at: i, expected: "a value or ']'") }
        if p[i] == JSONByte.closeBracket {
            i += 1
            return .array([])
        }
        var items: [JSONValue] = []
        while true {
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            guard i < end else { throw unexpected(at: i, expected: "',' or ']'") }
            let b = p[i]
            if b == JSONByte.comma {
                let commaAt = i
                i += 1
                skipWhitespace()
                if i < end && p[i] == JSONByte.closeBracket { throw fail("trailing comma before ']'", at: commaAt) }
                continue
            }
            if b == JSONByte.closeBracket {
                i += 1
                return .array(items)
            }
            throw unexpected(at: i, expected: "',' or ']'")
        }
    }

    mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        i += 1 // {
        skipWhitespace()
        guard i < end else { throw unexpected(at: i, expected: "a key in double quotes or '}'") }
        if p[i] == JSONByte.closeBrace {
            i += 1
            return .object([:])
        }
        // Members wait on the shared `members` stack until the '}', so the dictionary is made once at its
        // final size (no rehashing as it grows).
        if members.capacity == 0 { members.reserveCapacity(32) }
        let base = members.count
        var pendingKey: (key: String, at: Int)? = nil
        do throws(JSONSyntaxError) {
            var commaAt = -1
            while true {
                guard i < end, p[i] == JSONByte.quote else {
                    if i < end && p[i] == JSONByte.closeBrace && commaAt >= 0 { throw fail("trailing comma before '}'", at: commaAt) }
                    if i < end && p[i] == JSONByte.apostrophe { throw fail("keys must be in double quotes, not single quotes", at: i) }
                    throw unexpected(at: i, expected: "a key in double quotes")
                }
                let keyAt = i
                let key = try parseString()
                skipWhitespace()
                guard i < end, p[i] == JSONByte.colon else { throw unexpected(at: i, expected: "':' after the key") }
                i += 1
                skipWhitespace()
                pendingKey = (key, keyAt)
                let value = try parseValue(depth: depth)
                pendingKey = nil
                members.append((key, value, keyAt))
                skipWhitespace()
                guard i < end else { throw unexpected(at: i, expected: "',' or '}'") }
                let b = p[i]
                if b == JSONByte.comma {
                    commaAt = i
                    i += 1
                    skipWhitespace()
                    continue
                }
                if b == JSONByte.closeBrace {
                    i += 1
                    break
                }
                throw unexpected(at: i, expected: "',' or '}'")
            }
            var object = [String: JSONValue](minimumCapacity: members.count - base)
            for k in base..<members.count where object.updateValue(members[k].value, forKey: members[k].key) != nil {
                throw duplicate(members[k].key, at: members[k].at)
            }
            members.removeLast(members.count - base)
            return .object(object)
        } catch {
            // A duplicate key comes before whatever went wrong after it, so it is the error to report.
            var seen = Set<String>()
            var found: JSONSyntaxError? = nil
            for k in base..<members.count where !seen.insert(members[k].key).inserted {
                found = duplicate(members[k].key, at: members[k].at)
                break
            }
            if found == nil, let pending = pendingKey, seen.contains(pending.key) {
                found = duplicate(pending.key, at: pending.at)
            }
            members.removeSubrange(base...)
            throw found ?? error
        }
    }

    // MARK: Strings

    /// The string whose opening quote is at `i`; leaves `i` after the closing quote.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let open = i
        let start = i + 1
        var j = start
        while true {
            // Eight bytes at a time while they are plain ASCII with no quote, backslash or control.
            while end - j >= 8 {
                let w = UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highs: UInt64 = 0x8080_8080_8080_8080
                let q = w ^ (ones &* 0x22)
                let s = w ^ (ones &* 0x5C)
                let special = (w | ((w &- ones &* 0x20) & ~w) | ((q &- ones) & ~q) | ((s &- ones) & ~s)) & highs
                if special != 0 { break }
                j += 8
            }
            guard j < end else { break }
            let b = p[j]
            if b == JSONByte.quote {
                i = j + 1
                return String(decoding: UnsafeBufferPointer(start: p + start, count: j - start), as: UTF8.self)
            }
            if b == JSONByte.backslash {
                return try parseEscapedString(open: open, start: start, at: j)
            }
            if b < 0x20 { throw controlCharacter(at: j) }
            if b < 0x80 { j += 1 } else { j += try utf8Length(at: j) }
        }
        throw unterminatedString(open)
    }

    /// The rest of a string that has escapes, from the first backslash at `j`.
    mutating func parseEscapedString(open: Int, start: Int, at first: Int) throws(JSONSyntaxError) -> String {
        scratch.removeAll(keepingCapacity: true)
        var runStart = start
        var j = first
        while j < end {
            let b = p[j]
            if b == JSONByte.quote {
                flush(runStart, j)
                i = j + 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if b == JSONByte.backslash {
                flush(runStart, j)
                j = try unescape(at: j)
                runStart = j
                continue
            }
            if b < 0x20 { throw controlCharacter(at: j) }
            if b < 0x80 { j += 1 } else { j += try utf8Length(at: j) }
        }
        throw unterminatedString(open)
    }

    @inline(__always) mutating func flush(_ from: Int, _ to: Int) {
        if to > from { scratch.append(contentsOf: UnsafeBufferPointer(start: p + from, count: to - from)) }
    }

    /// Appends the character of the escape at `j` (a backslash) to `scratch`; returns the index after it.
    mutating func unescape(at j: Int) throws(JSONSyntaxError) -> Int {
        guard j + 1 < end else { throw fail("unexpected end of input: expected an escape character after '\\'", at: end) }
        let c = p[j + 1]
        switch c {
        case JSONByte.quote, JSONByte.backslash, JSONByte.slash: scratch.append(c)
        case 0x62: scratch.append(0x08) // b
        case 0x66: scratch.append(0x0C) // f
        case 0x6E: scratch.append(0x0A) // n
        case 0x72: scratch.append(0x0D) // r
        case 0x74: scratch.append(0x09) // t
        case 0x75: // u
            let unit = try hex4(at: j)
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw fail("lone surrogate \\u\(hex(unit, digits: 4))", at: j)
            }
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard end - j >= 12, p[j + 6] == JSONByte.backslash, p[j + 7] == 0x75,
                      let low = hex4IfPresent(at: j + 6), low >= 0xDC00 && low <= 0xDFFF else {
                    throw fail("lone surrogate \\u\(hex(unit, digits: 4))", at: j)
                }
                appendUTF8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                return j + 12
            }
            appendUTF8(unit)
            return j + 6
        default:
            if c >= 0x21 && c <= 0x7E {
                let shown = String(decoding: CollectionOfOne(c), as: UTF8.self)
                throw fail("unknown escape '\\\(shown)' (JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX)", at: j)
            }
            let found = try describe(at: j + 1)
            throw fail("unknown escape: '\\' followed by \(found) (JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX)", at: j)
        }
        return j + 2
    }

    /// The four hex digits after the `\u` at `j`, or an error.
    func hex4(at j: Int) throws(JSONSyntaxError) -> UInt32 {
        if let v = hex4IfPresent(at: j) { return v }
        // All the hex digits there are, then the input ends: truncated rather than wrong.
        var k = j + 2
        while k < end && k < j + 6 && hexValue(p[k]) != nil { k += 1 }
        if k == end { throw fail("unexpected end of input: expected four hex digits after \\u", at: end) }
        throw fail("\\u must be followed by four hex digits", at: j)
    }

    @inline(__always) func hex4IfPresent(at j: Int) -> UInt32? {
        guard end - j >= 6 else { return nil }
        guard let a = hexValue(p[j + 2]), let b = hexValue(p[j + 3]), let c = hexValue(p[j + 4]), let d = hexValue(p[j + 5]) else {
            return nil
        }
        return a << 12 | b << 8 | c << 4 | d
    }

    @inline(__always) func hexValue(_ b: UInt8) -> UInt32? {
        if b &- 0x30 < 10 { return UInt32(b &- 0x30) }
        let l = b | 0x20
        if l &- 0x61 < 6 { return UInt32(l &- 0x61 + 10) }
        return nil
    }

    mutating func appendUTF8(_ v: UInt32) {
        if v < 0x80 {
            scratch.append(UInt8(v))
        } else if v < 0x800 {
            scratch.append(UInt8(0xC0 | v >> 6))
            scratch.append(UInt8(0x80 | v & 0x3F))
        } else if v < 0x10000 {
            scratch.append(UInt8(0xE0 | v >> 12))
            scratch.append(UInt8(0x80 | (v >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | v & 0x3F))
        } else {
            scratch.append(UInt8(0xF0 | v >> 18))
            scratch.append(UInt8(0x80 | (v >> 12) & 0x3F))
            scratch.append(UInt8(0x80 | (v >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | v & 0x3F))
        }
    }

    // MARK: UTF-8

    /// The length of the well-formed UTF-8 sequence starting at `j` (whose first byte is 0x80 or more),
    /// or an error naming the bad byte (Unicode Table 3-7).
    func utf8Length(at j: Int) throws(JSONSyntaxError) -> Int {
        let b0 = p[j]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch b0 {
        case 0x80...0xBF:
            throw fail("not valid UTF-8 (byte 0x\(hex(UInt32(b0), digits: 2)) is a continuation byte without a lead byte)", at: j)
        case 0xC0, 0xC1:
            throw fail("not valid UTF-8 (byte 0x\(hex(UInt32(b0), digits: 2)) starts an overlong encoding)", at: j)
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xED: length = 3; high = 0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; low = 0x90
        case 0xF4: length = 4; high = 0x8F
        case 0xF1...0xF3: length = 4
        default:
            throw fail("not valid UTF-8 (byte 0x\(hex(UInt32(b0), digits: 2)) never appears in UTF-8)", at: j)
        }
        let lead = "not valid UTF-8 (byte 0x\(hex(UInt32(b0), digits: 2))"
        for k in 1..<length {
            guard j + k < end else {
                throw fail("\(lead) starts a \(length)-byte sequence that is cut short by the end of the input)", at: j)
            }
            let b = p[j + k]
            guard b & 0xC0 == 0x80 else {
                throw fail("\(lead) starts a \(length)-byte sequence that is cut short by byte 0x\(hex(UInt32(b), digits: 2)))", at: j)
            }
            if k == 1 && (b < low || b > high) {
                let second = "0x\(hex(UInt32(b), digits: 2))"
                switch b0 {
                case 0xE0, 0xF0: throw fail("\(lead) followed by \(second) is an overlong encoding)", at: j)
                case 0xED: throw fail("\(lead) followed by \(second) encodes a UTF-16 surrogate)", at: j)
                default: throw fail("\(lead) followed by \(second) encodes a value above U+10FFFF)", at: j)
                }
            }
        }
        return length
    }

    /// The scalar at `j`, which is valid UTF-8 (checked by the caller).
    func scalar(at j: Int) -> UInt32 {
        let b0 = UInt32(p[j])
        if b0 < 0x80 { return b0 }
        if b0 < 0xE0 { return (b0 & 0x1F) << 6 | UInt32(p[j + 1] & 0x3F) }
        if b0 < 0xF0 { return (b0 & 0x0F) << 12 | UInt32(p[j + 1] & 0x3F) << 6 | UInt32(p[j + 2] & 0x3F) }
        return (b0 & 0x07) << 18 | UInt32(p[j + 1] & 0x3F) << 12 | UInt32(p[j + 2] & 0x3F) << 6 | UInt32(p[j + 3] & 0x3F)
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = i
        var j = i
        let negative = p[j] == JSONByte.minus
        if negative {
            j += 1
            guard j < end else { throw fail("unexpected end of input: expected a digit after '-'", at: j) }
            guard isDigit(p[j]) else {
                if isWordByte(p[j]) {
                    let word = wordText(at: j).lowercased()
                    if word == "infinity" || word == "inf" || word == "nan" {
                        throw fail("NaN and Infinity are not allowed in JSON", at: start)
                    }
                }
                throw unexpected(at: j, expected: "a digit after '-'")
            }
        }
        var mantissa: UInt64 = 0
        var exact = true      // mantissa holds every digit so far
        var exponent = 0      // value = mantissa * 10^exponent while exact
        if p[j] == JSONByte.zero {
            j += 1
            if j < end && isDigit(p[j]) { throw fail("leading zeros are not allowed in numbers", at: j - 1) }
        } else {
            while j < end {
                let d = p[j] &- 0x30
                guard d < 10 else { break }
                if mantissa <= 1_844_674_407_370_955_160 { mantissa = mantissa &* 10 &+ UInt64(d) } else { exact = false }
                j += 1
            }
        }
        var isInteger = true
        if j < end && p[j] == JSONByte.dot {
            isInteger = false
            j += 1
            guard j < end, isDigit(p[j]) else { throw unexpected(at: j, expected: "a digit after the decimal point") }
            while j < end {
                let d = p[j] &- 0x30
                guard d < 10 else { break }
                if mantissa <= 1_844_674_407_370_955_160 { mantissa = mantissa &* 10 &+ UInt64(d); exponent -= 1 } else { exact = false }
                j += 1
            }
        }
        if j < end && p[j] | 0x20 == 0x65 { // e E
            isInteger = false
            j += 1
            var exponentNegative = false
            if j < end && (p[j] == JSONByte.plus || p[j] == JSONByte.minus) {
                exponentNegative = p[j] == JSONByte.minus
                j += 1
            }
            guard j < end, isDigit(p[j]) else { throw unexpected(at: j, expected: "a digit in the exponent") }
            var e = 0
            while j < end {
                let d = p[j] &- 0x30
                guard d < 10 else { break }
                if e < 1_000_000 { e = e * 10 + Int(d) }
                j += 1
            }
            exponent += exponentNegative ? -e : e
        }
        i = j
        if isInteger && exact {
            if !negative {
                if mantissa <= UInt64(Int64.max) { return .int(Int64(mantissa)) }
            } else if mantissa <= UInt64(Int64.max) {
                return .int(-Int64(mantissa))
            } else if mantissa == UInt64(Int64.max) + 1 {
                return .int(Int64.min)
            }
        }
        var value: Double
        if exact && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            // Both the mantissa and the power of ten are exact, so one rounding: the correct result.
            value = Double(mantissa)
            if exponent < 0 { value /= strictJSONPowersOfTen[-exponent] } else { value *= strictJSONPowersOfTen[exponent] }
            if negative { value = -value }
        } else if exact && mantissa == 0 {
            value = negative ? -0.0 : 0.0
        } else {
            let text = String(decoding: UnsafeBufferPointer(start: p + start, count: j - start), as: UTF8.self)
            value = Double(text) ?? .infinity
        }
        guard value.isFinite else { throw fail("number out of range", at: start) }
        return .number(value)
    }

    // MARK: Errors

    /// The error `message` at byte `offset`, with its line and column.
    func fail(_ message: String, at offset: Int) -> JSONSyntaxError {
        var line = 1
        var column = 1
        var j = 0
        while j < offset && j < end {
            let b = p[j]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b == 0x0D {
                if !(j + 1 < end && p[j + 1] == 0x0A) {
                    line += 1
                    column = 1
                }
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            j += 1
        }
        if offset > end { column += offset - end }
        return JSONSyntaxError(message: message, line: line, column: column, offset: offset)
    }

    /// `'x'` for printable ASCII, `U+XXXX` otherwise; an error when the bytes at `j` are not valid UTF-8.
    func describe(at j: Int) throws(JSONSyntaxError) -> String {
        let b = p[j]
        if b >= 0x21 && b <= 0x7E { return "'" + String(decoding: CollectionOfOne(b), as: UTF8.self) + "'" }
        if b == 0x20 { return "a space" }
        if b < 0x80 { return scalarName(UInt32(b)) }
        _ = try utf8Length(at: j)
        return scalarName(scalar(at: j))
    }

    /// "expected X but found Y", or "unexpected end of input: expected X" at the end.
    func unexpected(at j: Int, expected: String) -> JSONSyntaxError {
        guard j < end else { return fail("unexpected end of input: expected \(expected)", at: j) }
        let b = p[j]
        if b == JSONByte.slash && j + 1 < end && (p[j + 1] == JSONByte.slash || p[j + 1] == JSONByte.star) {
            return fail("comments are not allowed in JSON", at: j)
        }
        do throws(JSONSyntaxError) {
            let found = try describe(at: j)
            var message = "expected \(expected) but found \(found)"
            if b == 0x0C || b == 0x0B || (b >= 0x80 && isUnicodeSpace(scalar(at: j))) {
                message += " (only space, tab, CR and LF are whitespace in JSON)"
            }
            return fail(message, at: j)
        } catch {
            return error
        }
    }

    func isUnicodeSpace(_ v: UInt32) -> Bool {
        v == 0xA0 || v == 0x1680 || (v >= 0x2000 && v <= 0x200A) || v == 0x2028 || v == 0x2029
            || v == 0x202F || v == 0x205F || v == 0x3000 || v == 0xFEFF || v == 0x85
    }

    /// Where a value should start but `p[j]` cannot start one.
    func badValueStart(at j: Int) -> JSONSyntaxError {
        let b = p[j]
        switch b {
        case JSONByte.slash:
            return fail("comments are not allowed in JSON", at: j)
        case JSONByte.apostrophe:
            return fail("strings must be in double quotes, not single quotes", at: j)
        case JSONByte.plus:
            return fail("a number cannot start with '+'", at: j)
        case JSONByte.dot:
            return fail("a number needs a digit before the decimal point (write 0.5, not .5)", at: j)
        default:
            if isWordByte(b) { return badWord(at: j) }
            if j == 0 && end >= 3 && b == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
                return fail("a byte order mark (U+FEFF) is not allowed before the JSON value", at: j)
            }
            return unexpected(at: j, expected: "a value")
        }
    }

    /// The letters, digits and underscores from `j` (at most 24 of them, then "…").
    func wordText(at j: Int) -> String {
        var k = j
        while k < end && isWordByte(p[k]) && k - j < 24 { k += 1 }
        var word = String(decoding: UnsafeBufferPointer(start: p + j, count: k - j), as: UTF8.self)
        if k < end && isWordByte(p[k]) { word += "\u{2026}" }
        return word
    }

    /// A word where a value should be: a misspelled or truncated literal, NaN, Infinity, or something else.
    func badWord(at j: Int) -> JSONSyntaxError {
        var k = j
        while k < end && isWordByte(p[k]) { k += 1 }
        let word = wordText(at: j)
        if k == end {
            for literal in ["true", "false", "null"] where literal.hasPrefix(word) && literal != word {
                return fail("unexpected end of input: expected '\(literal)'", at: end)
            }
        }
        let lower = word.lowercased()
        if lower == "nan" || lower == "infinity" || lower == "inf" {
            return fail("NaN and Infinity are not allowed in JSON", at: j)
        }
        if lower == "true" || lower == "false" || lower == "null" {
            return fail("'\(word)' must be written in lowercase as '\(lower)'", at: j)
        }
        return fail("unexpected word '\(word)' (expected a value: a string in double quotes, a number, an object, an array, true, false or null)", at: j)
    }

    func controlCharacter(at j: Int) -> JSONSyntaxError {
        let b = p[j]
        let escape: String
        switch b {
        case 0x09: escape = "\\t"
        case 0x0A: escape = "\\n"
        case 0x0D: escape = "\\r"
        default: escape = "\\u00" + hex(UInt32(b), digits: 2)
        }
        return fail("control character U+00\(hex(UInt32(b), digits: 2)) inside a string (escape it as \(escape))", at: j)
    }

    func unterminatedString(_ open: Int) -> JSONSyntaxError {
        let start = fail("", at: open)
        return fail("unexpected end of input: expected '\"' to close the string that starts at line \(start.line), column \(start.column)", at: end)
    }

    func duplicate(_ key: String, at j: Int) -> JSONSyntaxError {
        fail("duplicate key \"\(strictJSONSafeKey(key))\"", at: j)
    }
}
