import Foundation
import Testing
@testable import LeadDeckStore

@Suite("Strict JSON")
struct StrictJSONTests {
    // MARK: Helpers

    func parse(_ text: String) throws -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    func failure(_ bytes: [UInt8]) -> JSONSyntaxError? {
        do throws(JSONSyntaxError) {
            _ = try JSONValue.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    /// Expects `bytes` to be refused with a one-line message containing every one of `texts`, at `column`
    /// of `line`.
    func expectError(_ bytes: [UInt8], _ texts: [String], column: Int, line: Int = 1,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        guard let e = failure(bytes) else {
            Issue.record("accepted \(bytes.count) bytes that should be refused: \(String(decoding: bytes, as: UTF8.self).debugDescription)",
                         sourceLocation: sourceLocation)
            return
        }
        for text in texts {
            #expect(e.message.contains(text), "message: \(e.message) (wanted \(text))", sourceLocation: sourceLocation)
        }
        #expect(e.line == line, "\(e)", sourceLocation: sourceLocation)
        #expect(e.column == column, "\(e)", sourceLocation: sourceLocation)
        #expect(e.offset >= 0 && e.offset <= bytes.count, "\(e)", sourceLocation: sourceLocation)
        #expect(!e.description.contains("\n") && !e.description.contains("\r"), sourceLocation: sourceLocation)
        #expect(e.description == "line \(e.line), column \(e.column): \(e.message)", sourceLocation: sourceLocation)
    }

    func expectError(_ text: String, _ texts: String..., column: Int, line: Int = 1,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        expectError(Array(text.utf8), texts, column: column, line: line, sourceLocation: sourceLocation)
    }

    func expectError(bytes: [UInt8], _ texts: String..., column: Int, line: Int = 1,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        expectError(bytes, texts, column: column, line: line, sourceLocation: sourceLocation)
    }

    // MARK: Valid input

    @Test func everyKindOfValue() throws {
        let text = #" { "s": "text", "i": 42, "d": 2.5, "t": true, "f": false, "n": null, "a": [1, [2, []], {}], "o": {"k": {"x": [null]}} } "#
        let expected: JSONValue = .object([
            "s": .string("text"), "i": .int(42), "d": .number(2.5), "t": .bool(true), "f": .bool(false), "n": .null,
            "a": .array([.int(1), .array([.int(2), .array([])]), .object([:])]),
            "o": .object(["k": .object(["x": .array([.null])])]),
        ])
        #expect(try parse(text) == expected)
        #expect(try parse("true") == .bool(true))
        #expect(try parse(" null\n") == .null)
        #expect(try parse(#""""#) == .string(""))
        #expect(try parse("\t\r\n [ ]\r\n") == .array([]))
        #expect(try parse("[1,\n\t2 , 3 ]") == .array([.int(1), .int(2), .int(3)]))
    }

    @Test func everyEscape() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\u0000""#) == .string("\"\\/\u{8}\u{C}\n\r\tAé€\u{0}"))
        #expect(try parse(#""plain \u00E9 then \"quote\"""#) == .string("plain é then \"quote\""))
        #expect(try parse(#"{"k\u0065y":1}"#) == .object(["key": .int(1)]))
    }

    @Test func surrogatePairIsOneScalar() throws {
        guard case .string(let s) = try parse(#""\uD83D\uDE00""#) else { Issue.record("not a string"); return }
        #expect(s == "😀")
        #expect(s.unicodeScalars.count == 1)
        #expect(s.unicodeScalars.first?.value == 0x1F600)
        #expect(try parse(#""a\udbff\udfffb""#) == .string("a\u{10FFFF}b"))
    }

    @Test func rawUnicodeAndLegalControlsPassThrough() throws {
        #expect(try parse("\"é東京😀\"") == .string("é東京😀"))
        // DEL and the C1 controls are legal JSON string content.
        #expect(try parse("\"a\u{7F}b\u{85}c\u{9B}d\"") == .string("a\u{7F}b\u{85}c\u{9B}d"))
        #expect(try parse("\"\u{202E}\u{2028}\"") == .string("\u{202E}\u{2028}"))
    }

    @Test func wholeNumbersAreWrittenAsStringDoes() {
        for v: Int64 in [0, 1, 9, 10, -1, -9, -10, 99, 100, 1_234_567_890, -987_654_321, .max, .min, .max - 1, .min + 1] {
            var out: [UInt8] = [7]
            JSONBytes.int(v, &out)
            #expect(out == [7] + Array(String(v).utf8))
            // And into a buffer, from an offset.
            var buf = [UInt8](repeating: 0, count: 24)
            let end = buf.withUnsafeMutableBufferPointer { JSONBytes.int(v, into: $0, at: 2) }
            #expect(Array(buf[2..<end]) == Array(String(v).utf8) && buf[end...].allSatisfy { $0 == 0 })
        }
    }

    /// The reader's whole numbers against `Int64(_:)` with JSON's rule against leading zeros and "-0".
    @Test func wholeNumbersAreReadAsInt64ReadsThem() {
        var inputs = ["0", "-0", "00", "01", "-01", "7", "-7", "10", "", "-", "--1", "+1",
                      "999999999999999999", "-999999999999999999", "1000000000000000000", "-1000000000000000000",
                      "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                      "12345678901234567890", "99999999999999999999999", "123,", "45]", "6e5", "7.5"]
        for n in 0..<200 { inputs.append(String(Int64.random(in: .min ... .max) >> Int64(n % 64))) }
        for text in inputs {
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            let run = digits.prefix { $0.isASCII && $0.isNumber }
            let valid = !run.isEmpty && (run.count == 1 || run.first != "0") && !(text.hasPrefix("-") && run.allSatisfy { $0 == "0" })
            let expected = valid ? Int64((text.hasPrefix("-") ? "-" : "") + run) : nil
            let got: Int64? = Array(text.utf8).withUnsafeBufferPointer { buf in
                var r = JSONBytes.Reader(buf)
                guard let v = r.int64() else { return nil }
                return r.i == (text.hasPrefix("-") ? 1 : 0) + run.count ? v : nil
            }
            #expect(got == expected, "\(text)")
        }
    }

    /// A list of whole numbers (a checkpoint's counters) reads each as `int64()` does, lone zeros included, and
    /// declines any other list, or one longer than the room given.
    @Test func listsOfWholeNumbersReadAsInt64ReadsThem() {
        func read(_ text: String, room: Int = 4) -> [Int64]? {
            Array(text.utf8).withUnsafeBufferPointer { buf in
                withUnsafeTemporaryAllocation(of: Int64.self, capacity: room) { out in
                    var r = JSONBytes.Reader(buf)
                    guard let n = r.int64s(into: out), r.i == buf.count else { return nil }
                    return Array(out[..<n])
                }
            }
        }
        #expect(read("[]") == [])
        #expect(read("[0]") == [0] && read("[0,0,10,-3]") == [0, 0, 10, -3] && read("[7,0]") == [7, 0])
        #expect(read("[9223372036854775807,-9223372036854775808]") == [.max, .min])
        for declined in ["[0,0,0,0,0]", "[01]", "[00]", "[-0]", "[0.5]", "[0e1]", "[0", "[0,", "[0,]", "[,0]", "[ 0]",
                         "[0 ]", "0", "[9223372036854775808]", "[\"0\"]"] {
            #expect(read(declined) == nil, "\(declined)")
        }
    }

    @Test func integersAndDoubles() throws {
        #expect(try parse("0") == .int(0))
        #expect(try parse("-0") == .int(0))
        #expect(try parse("-17") == .int(-17))
        #expect(try parse("9223372036854775807") == .int(Int64.max))
        #expect(try parse("-9223372036854775808") == .int(Int64.min))
        #expect(try parse("9223372036854775808") == .number(9_223_372_036_854_775_808.0))
        #expect(try parse("-9223372036854775809") == .number(-9_223_372_036_854_775_809.0))
        #expect(try parse("123456789012345678901234567890") == .number(1.2345678901234568e29))
        #expect(try parse("1.0") == .number(1))
        #expect(try parse("1e2") == .number(100))
        #expect(try parse("1E+2") == .number(100))
        #expect(try parse("2.5e-3") == .number(0.0025))
        #expect(try parse("0.1") == .number(0.1))
        #expect(try parse("-0.0") == .number(0))
        #expect(try parse("12.50") == .number(12.5))
        #expect(try parse("1e-400") == .number(0))
        #expect(try parse("1.7976931348623157e308") == .number(.greatestFiniteMagnitude))
        #expect(try parse("0.30000000000000004") == .number(0.30000000000000004))
    }

    @Test func doublesRoundTripExactly() throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<3000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let d = Double(bitPattern: seed)
            guard d.isFinite else { continue }
            let text = "\(d)"
            guard case .number(let parsed) = try parse(text) else { Issue.record("\(text) is not a number"); continue }
            #expect(parsed.bitPattern == d.bitPattern, "\(text)")
            let scaled = Double(Int64(truncatingIfNeeded: seed) % 10_000_000) / 1000
            guard case .number(let back)? = try? parse("\(scaled)") else { continue }
            #expect(back == scaled, "\(scaled)")
        }
    }

    @Test func acceptsAnyByteCollection() throws {
        let text = #"{"a":[1,"b"]}"#
        let expected: JSONValue = .object(["a": .array([.int(1), .string("b")])])
        #expect(try JSONValue.parse(text) == expected)
        #expect(try JSONValue.parse(text.utf8) == expected)
        #expect(try JSONValue.parse(Data(text.utf8)) == expected)
        let padded = Array("xx\(text)yy".utf8)
        #expect(try JSONValue.parse(padded[2..<(padded.count - 2)]) == expected)
        #expect(try JSONValue.parse(text.utf8.lazy.map { $0 }) == expected) // not contiguous: copied
    }

    // MARK: Same answers as Foundation

    /// Whether Foundation's `JSONSerialization` result `f` holds the same thing as `v`.
    func same(_ v: JSONValue, _ f: Any) -> Bool {
        switch v {
        case .null:
            return f is NSNull
        case .bool(let b):
            if let x = f as? Bool { return x == b }
            return (f as? NSNumber)?.boolValue == b
        case .int(let n):
            if let x = f as? Int64 { return x == n }
            if let x = f as? Int { return Int64(x) == n }
            if let x = f as? NSNumber { return x.int64Value == n && x.doubleValue == Double(n) }
            return false
        case .number(let d):
            if let x = f as? Double { return x == d }
            if let x = f as? NSNumber { return x.doubleValue == d }
            return false
        case .string(let s):
            return (f as? String) == s
        case .array(let items):
            guard let other = f as? [Any], other.count == items.count else { return false }
            return zip(items, other).allSatisfy { same($0, $1) }
        case .object(let members):
            guard let other = f as? [String: Any], Set(other.keys) == Set(members.keys) else { return false }
            return members.allSatisfy { key, value in other[key].map { same(value, $0) } ?? false }
        }
    }

    @Test func agreesWithJSONSerialization() throws {
        let samples = [
            #"{"lead_id":"L-000123","source_id":"AUT01","sub_id":"x","vertical":"auto","state":"TX","postal_code":"75001","sale_type":"shared","max_sells":4,"price":12.5,"received_at":1714564800,"first_name":"Ana","last_name":"García","phone":"5551234567","email":"a@example.com","city":"Dallas"}"#,
            #"{"lead_id":"L9","outcome":"converted","revenue":540}"#,
            #"{"outcome":{"kind":"returned","lead":{"bought_at":1714564800,"mode":"exclusive","price":31.25,"source_id":"S1","sub_id":"default","vertical":"solar"},"lead_id":"L1","reason":"wrong number","refund":31.25,"time":1714568400},"type":"outcome"}"#,
            #"[1, -2, 0.5, -0.25, 1e3, 2E-2, 123456789, 9007199254740993, "\u00e9\ud83d\ude00\n\"", [], {}, [[null]], true, false]"#,
            #"{"a b":{"c":[{"d":"\u0041\u0000z"}]},"":"empty key","東京":"\t"}"#,
        ]
        for sample in samples {
            let mine = try parse(sample)
            let theirs = try JSONSerialization.jsonObject(with: Data(sample.utf8), options: [])
            #expect(same(mine, theirs), "\(sample)")
        }
        // The comparison itself can tell values apart.
        let other = try JSONSerialization.jsonObject(with: Data(#"[2,"a",{"k":true}]"#.utf8), options: [])
        #expect(same(try parse(#"[2,"a",{"k":true}]"#), other))
        #expect(!same(try parse(#"[1,"a",{"k":true}]"#), other))
        #expect(!same(try parse(#"[2,"b",{"k":true}]"#), other))
        #expect(!same(try parse(#"[2,"a",{"k":false}]"#), other))
        #expect(!same(try parse(#"[2,"a",{"j":true}]"#), other))
    }

    // MARK: Errors: keys

    @Test func duplicateKeys() {
        expectError(#"{"a":1,"a":2}"#, #"duplicate key "a""#, column: 8)
        expectError(#"{"a":{"b":1,"c":2,"b":3}}"#, #"duplicate key "b""#, column: 19)
        // Columns count characters, not bytes.
        expectError(#"{"é":1,"é":2}"#, #"duplicate key "é""#, column: 8)
        // The duplicate comes before a later syntax error in its value, so it is what is reported.
        expectError(#"{"a":1,"a":[1,}"#, #"duplicate key "a""#, column: 8)
        // Escapes make the same key.
        expectError(#"{"a":1,"\u0061":2}"#, #"duplicate key "a""#, column: 8)
        let e = failure(Array(#"{"price":1,"price":2}"#.utf8))
        #expect(e?.description == #"line 1, column 12: duplicate key "price""#)
        #expect(e?.offset == 11)
    }

    @Test func duplicateKeyIsMadeSafeAndShort() {
        let hostile = #"{"x\u001b[31m\u202Ey\u0085\u2066\u200F\u061C\u007f\n":1,"x\u001b[31m\u202Ey\u0085\u2066\u200F\u061C\u007f\n":2}"#
        expectError(hostile, #"duplicate key "x?[31m?y??????""#, column: 57)
        let long = String(repeating: "k", count: 60)
        guard let e = failure(Array("{\"\(long)\":1,\"\(long)\":2}".utf8)) else { Issue.record("accepted"); return }
        #expect(e.message == "duplicate key \"" + String(repeating: "k", count: 39) + "\u{2026}\"")
        #expect(strictJSONSafeKey(String(repeating: "k", count: 40)) == String(repeating: "k", count: 40))
    }

    @Test func keysMustBeDoubleQuotedStrings() {
        expectError(#"{a:1}"#, "expected a key in double quotes but found 'a'", column: 2)
        expectError(#"{'a':1}"#, "double quotes, not single quotes", column: 2)
        expectError(#"{"a" 1}"#, "expected ':' after the key but found '1'", column: 6)
        expectError(#"{"a":1 "b":2}"#, "expected ',' or '}' but found '\"'", column: 8)
        expectError(#"{1:2}"#, "expected a key in double quotes", column: 2)
    }

    // MARK: Errors: grammar

    @Test func trailingCommas() {
        expectError("[1,]", "trailing comma before ']'", column: 3)
        expectError(#"{"a":1,}"#, "trailing comma before '}'", column: 7)
        expectError("[1 , \n ]", "trailing comma", column: 4)
        expectError("[,1]", "expected a value but found ','", column: 2)
        expectError("[1,,2]", "expected a value but found ','", column: 4)
    }

    @Test func commentsAndSingleQuotes() {
        expectError("// note\n{}", "comments are not allowed", column: 1)
        expectError(#"{"a":1 /* c */}"#, "comments are not allowed", column: 8)
        expectError("[1, /* c */ 2]", "comments are not allowed", column: 5)
        expectError("['a']", "double quotes, not single quotes", column: 2)
    }

    @Test func literalsNaNAndInfinity() {
        expectError("NaN", "NaN and Infinity are not allowed", column: 1)
        expectError("[Infinity]", "NaN and Infinity are not allowed", column: 2)
        expectError("[1, -Infinity]", "NaN and Infinity are not allowed", column: 5)
        expectError("True", "lowercase", "'true'", column: 1)
        expectError("[nul]", "unexpected word 'nul'", column: 2)
        expectError("[truex]", "unexpected word 'truex'", column: 2)
        expectError("undefined", "unexpected word 'undefined'", column: 1)
        expectError("tru", "unexpected end of input", "expected 'true'", column: 4)
        expectError("[fals", "unexpected end of input", "expected 'false'", column: 6)
    }

    @Test func numberSyntax() {
        expectError("01", "leading zeros", column: 1)
        expectError("[-012]", "leading zeros", column: 3)
        expectError("+1", "cannot start with '+'", column: 1)
        expectError(".5", "digit before the decimal point", column: 1)
        expectError("1.", "unexpected end of input", "expected a digit after the decimal point", column: 3)
        expectError("[1.]", "expected a digit after the decimal point but found ']'", column: 4)
        expectError("[1.e5]", "expected a digit after the decimal point but found 'e'", column: 4)
        expectError("1e", "unexpected end of input", "digit in the exponent", column: 3)
        expectError("[1e+]", "expected a digit in the exponent but found ']'", column: 5)
        expectError("-", "unexpected end of input", "digit after '-'", column: 2)
        expectError("[- 1]", "expected a digit after '-' but found a space", column: 3)
        expectError("0x1F", "unexpected text after the JSON value", column: 2)
        expectError("1e999", "number out of range", column: 1)
        expectError(#"{"p":-1e400}"#, "number out of range", column: 6)
        expectError("[1.5e309]", "number out of range", column: 2)
        expectError("[" + String(repeating: "9", count: 400) + "]", "number out of range", column: 2)
    }

    @Test func onlyFourWhitespaceCharacters() {
        expectError("[1,\u{C}2]", "found U+000C", "only space, tab, CR and LF", column: 4)
        expectError("[\u{A0}1]", "found U+00A0", "only space, tab, CR and LF", column: 2)
        expectError(bytes: [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], "byte order mark", column: 1)
    }

    @Test func trailingText() {
        expectError(#"{"a":1} x"#, "unexpected text after the JSON value", column: 9)
        expectError("{} {}", "unexpected text after the JSON value", column: 4)
        expectError("[1]]", "unexpected text after the JSON value", column: 4)
        expectError("1 2", "unexpected text after the JSON value", column: 3)
        expectError("\"a\"\"b\"", "unexpected text after the JSON value", column: 4)
        expectError("null\n\u{0}", "unexpected text after the JSON value", "U+0000", column: 1, line: 2)
    }

    @Test func emptyAndTruncatedInput() {
        expectError("", "empty input", column: 1)
        expectError(" \r\n\t ", "empty input", column: 3, line: 2)
        expectError(#"{"a":1"#, "unexpected end of input", "expected ',' or '}'", column: 7)
        expectError("[1", "unexpected end of input", "expected ',' or ']'", column: 3)
        expectError("[1,", "unexpected end of input", "expected a value", column: 4)
        expectError("{", "unexpected end of input", "expected a key in double quotes or '}'", column: 2)
        expectError("[", "unexpected end of input", "expected a value or ']'", column: 2)
        expectError(#"{"a""#, "unexpected end of input", "expected ':'", column: 5)
        expectError(#"{"a":"#, "unexpected end of input", "expected a value", column: 6)
        expectError(#"["abc"#, "unexpected end of input", "close the string that starts at line 1, column 2", column: 6)
        expectError(#""a\"#, "unexpected end of input", "escape character", column: 4)
        expectError(#""\u12"#, "unexpected end of input", "four hex digits", column: 6)
    }

    @Test func nestingLimit() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try parse(ok) }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        expectError(deep, "nested deeper than 64 levels", column: 65)
        let objects = String(repeating: #"{"a":"#, count: 64) + "1" + String(repeating: "}", count: 64)
        #expect(throws: Never.self) { try parse(objects) }
        let deepObjects = String(repeating: #"{"a":["#, count: 33) + "1" + String(repeating: "]}", count: 33)
        expectError(deepObjects, "nested deeper than 64 levels", column: 32 * 6 + 1)
        // Far deeper input fails the same way, without exhausting the stack.
        expectError(String(repeating: "[", count: 100_000), "nested deeper than 64 levels", column: 65)
    }

    // MARK: Errors: strings

    @Test func controlCharactersInStrings() {
        expectError("{\"n\":\"a\tb\"}", "control character U+0009", "escape it as \\t", column: 8)
        expectError("\"a\nb\"", "control character U+000A", "escape it as \\n", column: 3)
        expectError("\"a\rb\"", "control character U+000D", "escape it as \\r", column: 3)
        expectError("\"\u{1}\"", "control character U+0001", "escape it as \\u0001", column: 2)
        expectError(bytes: [0x22, 0x61, 0x00, 0x22], "control character U+0000", "\\u0000", column: 3)
        expectError("\"\u{1F}\"", "control character U+001F", "\\u001F", column: 2)
        // Also after an escape has been seen (the slower path).
        expectError("\"\\n\u{1B}[31m\"", "control character U+001B", "\\u001B", column: 4)
        // And far into a long string (the eight-bytes-at-a-time path).
        expectError("\"" + String(repeating: "a", count: 37) + "\t\"", "control character U+0009", column: 39)
    }

    @Test func escapes() {
        expectError(#""\x41""#, "unknown escape '\\x'", column: 2)
        expectError(#"["ok", "\a"]"#, "unknown escape '\\a'", column: 9)
        expectError(#""\'""#, "unknown escape '\\''", column: 2)
        expectError("\"\\\t\"", "unknown escape", "U+0009", column: 2)
        expectError(#""\u12G4""#, "\\u must be followed by four hex digits", column: 2)
        expectError(#""\U0041""#, "unknown escape '\\U'", column: 2)
    }

    @Test func loneSurrogates() {
        expectError(#""\uD800""#, "lone surrogate \\uD800", column: 2)
        expectError(#""ab\udc00""#, "lone surrogate \\uDC00", column: 4)
        expectError(#""\uD800\u0041""#, "lone surrogate \\uD800", column: 2)
        expectError(#""\uD800\uD800""#, "lone surrogate \\uD800", column: 2)
        expectError(#""\uD83Dx""#, "lone surrogate \\uD83D", column: 2)
        expectError(#""x\uDE00\uD83D""#, "lone surrogate \\uDE00", column: 3)
    }

    // MARK: Errors: UTF-8

    @Test func invalidUTF8InsideStrings() throws {
        // "a" 0xC3 "(" : a two-byte lead followed by ASCII.
        expectError(bytes: [0x22, 0x61, 0xC3, 0x28, 0x22], "not valid UTF-8 (byte 0xC3", "cut short by byte 0x28", column: 3)
        #expect(failure([0x22, 0x61, 0xC3, 0x28, 0x22])?.offset == 2)
        expectError(bytes: [0x22, 0xC0, 0xAF, 0x22], "not valid UTF-8 (byte 0xC0", "overlong", column: 2)
        expectError(bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], "not valid UTF-8 (byte 0xE0", "overlong", column: 2)
        expectError(bytes: [0x22, 0xF0, 0x82, 0x82, 0xAC, 0x22], "not valid UTF-8 (byte 0xF0", "overlong", column: 2)
        expectError(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], "not valid UTF-8 (byte 0xED", "surrogate", column: 2)
        expectError(bytes: [0x22, 0xED, 0xBF, 0xBF, 0x22], "not valid UTF-8 (byte 0xED", "surrogate", column: 2)
        expectError(bytes: [0x22, 0xE2, 0x82], "not valid UTF-8 (byte 0xE2", "cut short by the end of the input", column: 2)
        expectError(bytes: [0x22, 0xE2, 0x82, 0x22], "not valid UTF-8 (byte 0xE2", "cut short by byte 0x22", column: 2)
        expectError(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "not valid UTF-8 (byte 0xF4", "above U+10FFFF", column: 2)
        expectError(bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], "not valid UTF-8 (byte 0xF5", column: 2)
        expectError(bytes: [0x22, 0xFF, 0x22], "not valid UTF-8 (byte 0xFF", column: 2)
        expectError(bytes: [0x22, 0x61, 0x80, 0x22], "not valid UTF-8 (byte 0x80", "continuation", column: 3)
        // After valid multi-byte characters: the column counts characters.
        expectError(bytes: Array("\"é東😀".utf8) + [0xC3, 0x22], "not valid UTF-8 (byte 0xC3", column: 5)
        // After an escape (the slower path), and deep in a long string.
        expectError(bytes: Array(#""\n"#.utf8) + [0xC3, 0x22], "not valid UTF-8 (byte 0xC3", column: 4)
        expectError(bytes: [0x22] + Array(repeating: 0x61, count: 20) + [0xE2, 0x82, 0x41, 0x22], "byte 0xE2", column: 22)
        // Never replaced by U+FFFD: a valid U+FFFD passes, a broken sequence does not.
        #expect(try parse("\"\u{FFFD}\"") == .string("\u{FFFD}"))
    }

    @Test func invalidUTF8OutsideStrings() {
        expectError(bytes: [0x5B, 0xFF, 0x5D], "not valid UTF-8 (byte 0xFF", column: 2)
        expectError(bytes: [0x5B, 0x31, 0x2C, 0xC3, 0x5D], "not valid UTF-8 (byte 0xC3", column: 4)
        expectError(bytes: [0x7B, 0x7D, 0x20, 0xC0, 0xAF], "not valid UTF-8 (byte 0xC0", column: 4)
        expectError(bytes: [0x31, 0xED, 0xA0, 0x80], "not valid UTF-8 (byte 0xED", column: 2)
        expectError(bytes: [0x7B, 0x22, 0x61, 0x22, 0xE2, 0x82], "not valid UTF-8 (byte 0xE2", column: 5)
        // A valid non-ASCII character where it does not belong is named, not called invalid.
        expectError("[é]", "expected a value but found U+00E9", column: 2)
    }

    // MARK: Positions

    @Test func linesAndColumns() {
        expectError("{\n  \"a\": 1,\n  \"a\": 2\n}", #"duplicate key "a""#, column: 3, line: 3)
        expectError("{\r\n\"a\":1,\r\n\"a\":2}", #"duplicate key "a""#, column: 1, line: 3)
        expectError("[\n1,\n2,\n]", "trailing comma", column: 2, line: 3)
        expectError("[\"東京\", 1 2]", "expected ',' or ']' but found '2'", column: 10)
        let e = failure(Array("[\n\n  tru".utf8))
        #expect(e?.line == 3)
        #expect(e?.column == 6)
        #expect(e?.offset == 8)
    }
}
