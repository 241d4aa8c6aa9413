import Foundation

/// Reading and writing the store's JSON documents: `schemaVersion` checked first, unknown fields and wrong
/// types refused with the file and field named, output stable (sorted keys) so diffs stay readable.
public enum JSONFile {
    struct VersionProbe: Decodable { var schemaVersion: Int? }

    /// An encoder with sorted keys and pretty printing, for files people read.
    public static func prettyEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// Decodes `T` from `bytes` of the file at `path`, requiring `schemaVersion == current`.
    /// - Throws: `StoreError` naming the file: not JSON (with line), missing or newer schema version,
    ///   a missing field, a wrong type, or a field this version does not know.
    /// - Parameter strict: refuse fields this version does not know (for files people edit; the checkpoint,
    ///   written only by LeadDeck and rebuilt when unreadable, skips the extra pass).
    public static func decode<T: Codable>(_ type: T.Type, from input: [UInt8], path: String, current: Int, strict: Bool = true) throws(StoreError) -> T {
        // A byte order mark from a person's editor is not part of the document.
        let bytes = input.starts(with: InputLines.byteOrderMark) ? Array(input.dropFirst(3)) : input
        let data = Data(bytes)
        var parsed = JSONValue.null
        let version: Int
        if strict {
            // The strict parser: it names line and column, and refuses what Foundation lets through (duplicate
            // keys, where two readers could disagree; invalid UTF-8; raw control characters). Its tree also
            // gives the schema version and, below, the fields present, so the document is parsed once here
            // (Foundation's `JSONSerialization`, and casting its `Any` tree, cost more than the decode itself).
            do {
                parsed = try JSONValue.parse(bytes)
            } catch {
                if bytes.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) {
                    throw StoreError("\(path): not valid JSON (the file is empty)", kind: .damaged)
                }
                if error.offset >= bytes.count {
                    throw StoreError("\(path): not valid JSON (the file ends early at line \(error.line), column \(error.column), as if half-written)", kind: .damaged)
                }
                throw StoreError("\(path): not valid JSON (line \(error.line), column \(error.column): \(error.message))", kind: .damaged)
            }
            guard case .object(let top) = parsed else { throw StoreError("\(path): expected a JSON object at the top", kind: .damaged) }
            guard let v = top["schemaVersion"].flatMap(wholeNumber) else {
                throw StoreError("\(path): missing \"schemaVersion\" (this leaddeck writes version \(current))", kind: .damaged)
            }
            version = v
        } else {
            guard let probe = try? JSONDecoder().decode(VersionProbe.self, from: data) else {
                throw StoreError("\(path): not valid JSON (\(syntaxDetail(NSError(domain: "json", code: 0), bytes: bytes)))", kind: .damaged)
            }
            guard let v = probe.schemaVersion else {
                throw StoreError("\(path): missing \"schemaVersion\" (this leaddeck writes version \(current))", kind: .damaged)
            }
            version = v
        }
        if version > current {
            throw StoreError("\(path): schemaVersion \(version) is newer than this leaddeck understands (\(current)); upgrade leaddeck", kind: .damaged)
        }
        if version < 1 { throw StoreError("\(path): schemaVersion \(version) is not valid", kind: .damaged) }
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: data)
        } catch let e as DecodingError {
            throw StoreError("\(path): \(describe(e))", kind: .damaged)
        } catch {
            throw StoreError("\(path): \(error)", kind: .damaged)
        }
        // Unknown fields are refused: a typo like "priorty" must not be silently ignored.
        if strict, let canonical = try? JSONValue.parse(Array(JSONEncoder().encode(value))),
           let unknown = unknownKey(in: parsed, canonical: canonical, path: "") {
            throw StoreError("\(path): unknown field \"\(unknown)\"", kind: .damaged)
        }
        return value
    }

    /// A JSON number that is a whole number, as an `Int` (what `schemaVersion` must be).
    static func wholeNumber(_ v: JSONValue) -> Int? {
        switch v {
        case .int(let n): return Int(exactly: n)
        case .number(let d): return Int(exactly: d)
        default: return nil
        }
    }

    /// The first key path present in `input` but not in `canonical` (its decoded-and-re-encoded form); a key
    /// whose value is `null` counts as absent.
    static func unknownKey(in input: JSONValue, canonical: JSONValue, path: String) -> String? {
        switch (input, canonical) {
        case (.object(let i), _):
            var c: [String: JSONValue] = [:]
            if case .object(let o) = canonical { c = o }
            for key in i.keys.sorted() {
                let p = path.isEmpty ? key : "\(path).\(key)"
                guard let cv = c[key] else {
                    if i[key] == .null { continue }
                    return p
                }
                if let found = unknownKey(in: i[key]!, canonical: cv, path: p) { return found }
            }
        case (.array(let i), .array(let c)):
            for (n, (a, b)) in zip(i, c).enumerated() {
                if let found = unknownKey(in: a, canonical: b, path: "\(path)[\(n)]") { return found }
            }
        default:
            break
        }
        return nil
    }

    /// "sources[3].market.closeRate: expected a number, got a string".
    public static func describe(_ e: DecodingError) -> String {
        func pathText(_ p: [CodingKey]) -> String {
            var s = ""
            for k in p {
                if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
            }
            return s.isEmpty ? "top level" : s
        }
        switch e {
        case .keyNotFound(let k, let c):
            let at = pathText(c.codingPath)
            return "missing field \"\(k.stringValue)\"" + (c.codingPath.isEmpty ? "" : " in \(at)")
        case .typeMismatch(let t, let c):
            return "\(pathText(c.codingPath)): wrong type, expected \(typeName(t))"
        case .valueNotFound(let t, let c):
            return "\(pathText(c.codingPath)): expected \(typeName(t)), got null"
        case .dataCorrupted(let c):
            return "\(pathText(c.codingPath)): \(c.debugDescription)"
        @unknown default:
            return "\(e)"
        }
    }

    static func typeName(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let n = "\(t)"
            if n.hasPrefix("Array") { return "a list" }
            if n.hasPrefix("Dictionary") { return "an object" }
            return "a \(n) value"
        }
    }

    /// Where a JSON syntax error is, as "line L, column C" when it can be found.
    static func syntaxDetail(_ error: Error, bytes: [UInt8]) -> String {
        let text = "\(error)"
        if let r = text.range(of: "line [0-9]+, column [0-9]+", options: .regularExpression) {
            return "syntax error at \(text[r])"
        }
        if bytes.isEmpty { return "the file is empty" }
        // Truncated input: report where the text ends.
        var line = 1, col = 1
        for b in bytes { if b == 10 { line += 1; col = 1 } else { col += 1 } }
        let trimmed = bytes.reversed().drop { $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }
        if let last = trimmed.first, last != UInt8(ascii: "}") {
            return "the file ends early at line \(line), column \(col), as if half-written"
        }
        return "syntax error: \(text.prefix(120))"
    }

    /// Encodes a document for a person to read, ending with a newline.
    public static func encodePretty<T: Encodable>(_ value: T) -> [UInt8] {
        // Encoding our own value types cannot fail.
        var bytes = [UInt8](try! prettyEncoder().encode(value))
        bytes.append(10)
        return bytes
    }
}
