import Foundation
import Testing

/// `leaddeck keys`: issue, list and revoke API keys through the real binary.
@Suite("leaddeck keys, end to end", .serialized)
struct KeysCommandTests {
    func keysFile(_ store: String) -> Data? { FileManager.default.contents(atPath: store + "/keys.json") }

    /// A failure as the user sees it: non-zero exit, nothing on stdout, one line on stderr.
    func expectOneLineFailure(_ r: Binary.Result, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status != 0, sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, "\(r.stdout)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("leaddeck: ") && r.stderr.hasSuffix("\n"), "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.dropLast().contains("\n") == false, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(text), "\(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test func addListRevoke() throws {
        let store = Binary.tempStore()
        let empty = try Binary.run(["keys", "--store", store])
        #expect(empty.status == 0 && empty.stdout.contains("no API keys"), "\(empty.stdout)\(empty.stderr)")

        let add = try Binary.run(["keys", "add", "acme", "--store", store])
        #expect(add.status == 0, "\(add.stderr)")
        let key = add.stdout.trimmingCharacters(in: .newlines)
        #expect(add.stdout == key + "\n")
        #expect(key.wholeMatch(of: /ldk_[0-9a-f]{64}/) != nil, "\(add.stdout)")
        #expect(add.stderr.contains("save it now: only its hash is stored; exchanges send it as Authorization: Bearer KEY"))
        #expect(!add.stderr.contains(key))

        // The store keeps the hash only, in a private file.
        let text = String(decoding: try #require(keysFile(store)), as: UTF8.self)
        #expect(!text.contains(key) && !text.contains(String(key.dropFirst(4))))
        let mode = try FileManager.default.attributesOfItem(atPath: store + "/keys.json")[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // Store options before the command's name work too.
        let second = try Binary.run(["--store", store, "keys", "add", "beta.east_1"])
        #expect(second.status == 0, "\(second.stderr)")
        let secondKey = second.stdout.trimmingCharacters(in: .newlines)
        #expect(secondKey != key)
        // And between `keys` and its subcommand.
        let third = try Binary.run(["keys", "--store", store, "add", "gamma"])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try Binary.run(["keys", "revoke", "gamma", "--store", store]).status == 0)

        let list = try Binary.run(["keys", "list", "--store", store])
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(list.stdout)")
        #expect(lines[0].hasPrefix("name") && lines[0].contains("created") && lines[0].contains("status"))
        #expect(lines[1].hasPrefix("acme ") && lines[1].hasSuffix(" active") && lines[1].contains("T") && lines[1].contains("Z"))
        #expect(lines[2].hasPrefix("beta.east_1 ") && lines[2].hasSuffix(" active"))
        #expect(!list.stdout.contains(key) && !list.stdout.contains("ldk_"))
        #expect(!list.stdout.contains(try hashOf(store, "acme")))

        let dup = try Binary.run(["keys", "add", "acme", "--store", store])
        expectOneLineFailure(dup, containing: "key acme exists; revoke it first")

        let revoke = try Binary.run(["keys", "revoke", "acme", "--store", store])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(revoke.stdout.hasPrefix("revoked key acme (by "), "\(revoke.stdout)")
        let after = try Binary.run(["keys", "--store", store])
        #expect(after.stdout.split(separator: "\n").contains { $0.hasPrefix("acme ") && $0.contains("revoked 20") }, "\(after.stdout)")

        let json = try Binary.run(["keys", "--json", "--store", store])
        #expect(json.status == 0)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(items.map { $0["name"] as? String } == ["acme", "beta.east_1", "gamma"])
        #expect(items.map { $0["status"] as? String } == ["revoked", "active", "revoked"])
        #expect(items.allSatisfy { $0["hash"] == nil && $0["createdAt"] is String && $0["createdBy"] is String })
        #expect((items[0]["revokedAt"] as? String)?.hasPrefix("20") == true)

        // A revoked name may be given a new key.
        let again = try Binary.run(["keys", "add", "acme", "--store", store])
        #expect(again.status == 0, "\(again.stderr)")

        let check = try Binary.run(["check", "--store", store])
        #expect(check.status == 0 && check.stdout.contains("keys.json: ok, 2 active API key(s), 2 revoked"), "\(check.stdout)")
    }

    @Test func errorsAreOneLineAndChangeNothing() throws {
        let store = Binary.tempStore()
        #expect(try Binary.run(["keys", "add", "acme", "--store", store]).status == 0)
        let before = try #require(keysFile(store))

        expectOneLineFailure(try Binary.run(["keys", "revoke", "nobody", "--store", store]), containing: "no key named nobody")
        #expect(try Binary.run(["keys", "revoke", "acme", "--store", store]).status == 0)
        let revoked = try #require(keysFile(store))
        expectOneLineFailure(try Binary.run(["keys", "revoke", "acme", "--store", store]), containing: "key acme is already revoked")
        #expect(keysFile(store) == revoked)
        #expect(revoked != before)

        let hostile = try Binary.run(["keys", "add", "bad\u{1B}[31mname\nx", "--store", store])
        expectOneLineFailure(hostile, containing: "is not valid")
        #expect(!hostile.stderr.contains("\u{1B}"))
        expectOneLineFailure(try Binary.run(["keys", "add", String(repeating: "x", count: 41), "--store", store]), containing: "is not valid")
        #expect(keysFile(store) == revoked)

        // A bad name creates no store.
        let none = Binary.tempStore()
        expectOneLineFailure(try Binary.run(["keys", "add", "no way", "--store", none]), containing: "is not valid")
        #expect(!FileManager.default.fileExists(atPath: none))
    }

    @Test func aDamagedKeysFileIsReportedAndLeftAlone() throws {
        let store = Binary.tempStore()
        #expect(try Binary.run(["keys", "add", "acme", "--store", store]).status == 0)
        let bad = Data("{\"schemaVersion\":1,\n\"keys\":[\n".utf8)
        try bad.write(to: URL(fileURLWithPath: store + "/keys.json"))
        expectOneLineFailure(try Binary.run(["keys", "--store", store]), containing: "keys.json: not valid JSON")
        expectOneLineFailure(try Binary.run(["keys", "add", "beta", "--store", store]), containing: "keys.json: not valid JSON")
        #expect(keysFile(store) == bad)
        let check = try Binary.run(["check", "--store", store])
        #expect(check.status == 1 && check.stdout.contains("PROBLEM: ") && check.stdout.contains("keys.json"), "\(check.stdout)")
    }

    func hashOf(_ store: String, _ name: String) throws -> String {
        let data = try #require(keysFile(store))
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let keys = try #require(doc["keys"] as? [[String: Any]])
        return try #require(keys.first { $0["name"] as? String == name }?["hash"] as? String)
    }
}
