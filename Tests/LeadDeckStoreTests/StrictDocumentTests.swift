import Foundation
import LeadDeckCore
import Testing
@testable import LeadDeckStore

/// `JSONFile.decode` reads a person-edited document (the catalog, the policy) once with the strict parser and
/// finds unknown fields on that tree. It used to parse it again with Foundation's `JSONSerialization`, and the
/// decoded value's re-encoding too, and walk both as `Any`; these tests hold the one pass to what that found.
@Suite("Strict documents: one parse finds what the Foundation passes found")
struct StrictDocumentTests {
    /// The check as it was: the first key path in `input` that the re-encoded value lacks, on Foundation's trees.
    static func referenceUnknownKey(in input: Any, canonical: Any, path: String) -> String? {
        if let i = input as? [String: Any] {
            let c = canonical as? [String: Any] ?? [:]
            for key in i.keys.sorted() {
                let p = path.isEmpty ? key : "\(path).\(key)"
                guard let cv = c[key] else {
                    if i[key] is NSNull { continue }
                    return p
                }
                if let found = referenceUnknownKey(in: i[key]!, canonical: cv, path: p) { return found }
            }
        } else if let i = input as? [Any], let c = canonical as? [Any] {
            for (n, (a, b)) in zip(i, c).enumerated() {
                if let found = referenceUnknownKey(in: a, canonical: b, path: "\(path)[\(n)]") { return found }
            }
        }
        return nil
    }

    /// Every object in a JSON tree, as a path of keys and indexes from the top.
    static func objectPaths(_ v: Any, _ path: [Any] = []) -> [[Any]] {
        if let o = v as? [String: Any] {
            return [path] + o.keys.sorted().flatMap { objectPaths(o[$0]!, path + [$0]) }
        }
        if let a = v as? [Any] { return a.indices.flatMap { objectPaths(a[$0], path + [$0]) } }
        return []
    }

    /// `v` with `key: value` added to the object at `path`.
    static func inserting(_ key: String, _ value: Any, at path: [Any], in v: Any) -> Any {
        guard let first = path.first else {
            var o = v as! [String: Any]
            o[key] = value
            return o
        }
        if let k = first as? String {
            var o = v as! [String: Any]
            o[k] = inserting(key, value, at: Array(path.dropFirst()), in: o[k]!)
            return o
        }
        var a = v as! [Any]
        a[first as! Int] = inserting(key, value, at: Array(path.dropFirst()), in: a[first as! Int])
        return a
    }

    func check<T: Codable>(_ type: T.Type, file: String, seed: UInt64) throws {
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: StoreFixture.seed + "/" + file)))
        let paths = Self.objectPaths(original)
        var rng = SeededRandom(seed: seed)
        let values: [Any] = [1, "x", NSNull(), [String: Any](), [1, 2], true]
        for round in 0..<60 {
            var doc = original
            // One to three extra keys, some of them null (which count as absent), at random objects.
            for n in 0..<(1 + Int(rng.next() % 3)) {
                let path = paths[Int(rng.next() % UInt64(paths.count))]
                doc = Self.inserting("extra\(round)_\(n)", values[Int(rng.next() % UInt64(values.count))], at: path, in: doc)
            }
            let bytes = [UInt8](try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys]))
            guard let value = try? JSONDecoder().decode(T.self, from: Data(bytes)) else {
                // The key went into a map whose values must be of another type: a type error, not an unknown field.
                #expect(throws: StoreError.self, "round \(round)") { try JSONFile.decode(T.self, from: bytes, path: file, current: 1) }
                continue
            }
            let canonical = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value))
            let expected = Self.referenceUnknownKey(in: doc, canonical: canonical, path: "")
            do {
                _ = try JSONFile.decode(T.self, from: bytes, path: file, current: 1)
                #expect(expected == nil, "round \(round): accepted, but \(expected ?? "") is unknown")
            } catch {
                #expect(expected != nil && error.description == "\(file): unknown field \"\(expected!)\"", "round \(round): \(error.description)")
            }
        }
    }

    @Test func unknownFieldsAreFoundWhereverTheyAreAsBefore() throws {
        try check(CatalogDocument.self, file: "sources.json", seed: 11)
        try check(PolicyDocument.self, file: "policy.json", seed: 12)
    }

    @Test func theSchemaVersionMustBeAWholeNumber() throws {
        let manifest = #"{"schemaVersion":VERSION,"currency":"USD","createdAt":0}"#
        func decode(_ version: String) -> String {
            do {
                _ = try JSONFile.decode(StoreManifest.self, from: Array(manifest.replacingOccurrences(of: "VERSION", with: version).utf8),
                                        path: "store.json", current: 1)
                return "ok"
            } catch {
                return error.description
            }
        }
        #expect(decode("1") == "ok")
        #expect(decode("1.0") == "ok")
        for missing in ["\"1\"", "true", "null", "1.5", "[1]"] {
            #expect(decode(missing) == "store.json: missing \"schemaVersion\" (this leaddeck writes version 1)", "\(missing)")
        }
        #expect(decode("2").contains("schemaVersion 2 is newer"))
        #expect(decode("0").contains("schemaVersion 0 is not valid"))
    }
}
