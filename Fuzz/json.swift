// libFuzzer entry point for the strict JSON parser (JSONValue.parse in Sources/LeadDeckStore/StrictJSON.swift).
// Built by scripts/fuzz.sh together with the LeadDeckStore sources, so internal symbols are visible.
import Foundation
import LeadDeckCore

/// The call under test, as a Result: adapt here if the parser's signature changes.
private func strict(_ bytes: [UInt8]) -> Result<JSONValue, JSONSyntaxError> {
    result { () throws(JSONSyntaxError) in try JSONValue.parse(bytes) }
}

private func result(_ body: () throws(JSONSyntaxError) -> JSONValue) -> Result<JSONValue, JSONSyntaxError> {
    do { return .success(try body()) } catch { return .failure(error) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parsed = strict(bytes)
    // Every way in reads the same: a slice not starting at 0, a collection without contiguous storage, text.
    let slice = ([0x20] + bytes)[1...]
    fuzzCheck(parsed == result { () throws(JSONSyntaxError) in try JSONValue.parse(slice) }, "ArraySlice overload differs", bytes)
    fuzzCheck(parsed == result { () throws(JSONSyntaxError) in try JSONValue.parse(bytes.lazy.map { $0 }) },
              "generic Collection overload differs", bytes)
    if let text = String(validating: bytes, as: UTF8.self) {
        fuzzCheck(parsed == result { () throws(JSONSyntaxError) in try JSONValue.parse(text) }, "String overload differs", bytes)
    }
    switch parsed {
    case .failure(let e):
        fuzzCheck(e.offset >= 0 && e.offset <= bytes.count && e.line >= 1 && e.column >= 1 && !e.message.isEmpty,
                  "error position out of range: \(e) at offset \(e.offset)", bytes)
        fuzzCheck(e.line <= 1 + bytes.count(where: { $0 == 10 || $0 == 13 }), "error line \(e.line) past the last line", bytes)
        fuzzCheck(fuzzIsTerminalSafe(e.description), "unsafe character in error \(e.description.debugDescription)", bytes)
    case .success(let value):
        fuzzCheck(String(validating: bytes, as: UTF8.self) != nil, "accepted invalid UTF-8", bytes)
        // RFC 8259: whitespace may surround the value; anything else after it is an error.
        fuzzCheck(strict([32, 9, 13, 10] + bytes + [10, 32]) == parsed, "surrounding whitespace changed the value", bytes)
        if case .success = strict(bytes + [125]) { fuzzCheck(false, "accepted a trailing '}'", bytes) }
        // A number alone is read exactly as Swift reads it (correctly rounded).
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if case .number(let d) = value { fuzzCheck(Double(text) == d, "\(text) read as \(d), Swift reads \(Double(text).map { "\($0)" } ?? "nil")", bytes) }
        if case .int(let n) = value { fuzzCheck(Int64(text) == n, "\(text) read as \(n)", bytes) }
        // A strict parser accepts less than Foundation's, never more, and reads the same values. (Not compared
        // when the input holds U+FEFF: JSONSerialization on Linux drops one that starts a string or follows an
        // escape, so `{"a":1,"\u{FEFF}a":2}` is one key to it.)
        if bytes.firstRange(of: [0xEF, 0xBB, 0xBF]) != nil { return 0 }
        do {
            let foundation = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            if let why = differs(value, foundation) { fuzzCheck(false, "JSONSerialization reads it differently: \(why)", bytes) }
        } catch {
            fuzzCheck(false, "accepted what JSONSerialization rejects (\(error)): \(value)", bytes)
        }
    }
    return 0
}

/// Why Foundation's reading `f` of the same text differs from `v`, or nil when it does not.
private func differs(_ v: JSONValue, _ f: Any) -> String? {
    switch v {
    case .null: return f is NSNull ? nil : "null vs \(f)"
    case .bool(let b): return (f as? Bool) == b ? nil : "\(b) vs \(f)"
    case .int(let n): return (f as? NSNumber)?.doubleValue == Double(n) ? nil : "\(n) vs \(f)"
    case .number(let d):
        // Foundation reads long numbers as Decimal, whose doubleValue may be an ulp or so off: compare loosely
        // here (a number alone is compared exactly with Swift's Double(_:) above).
        guard let fd = (f as? NSNumber)?.doubleValue, fd == d || abs(fd - d) <= abs(d) * 1e-12 else { return "\(d) vs \(f)" }
        return nil
    case .string(let s): return (f as? String) == s ? nil : "\(s.debugDescription) vs \(f)"
    case .array(let a):
        guard let fa = f as? [Any], fa.count == a.count else { return "array of \(a.count) vs \(f)" }
        return zip(a, fa).lazy.compactMap { differs($0, $1) }.first
    case .object(let o):
        guard let fo = f as? [String: Any], fo.count == o.count else { return "object of \(o.count) vs \(f)" }
        return o.lazy.compactMap { k, x in fo[k].map { differs(x, $0) } ?? "key \(k.debugDescription) missing" }.first
    }
}


