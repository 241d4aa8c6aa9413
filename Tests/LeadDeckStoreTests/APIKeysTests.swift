import Foundation
import LeadDeckCore
@testable import LeadDeckStore
import Testing

/// API keys: the ring's rules, the constant-time lookup, and how both stores keep them (hashes only, 0600,
/// a damaged file refused and left alone).
@Suite("APIKeys")
struct APIKeysTests {
    let t0 = Timestamp(seconds: 1_793_600_000)

    func kind(_ body: () throws -> Void) -> StoreError.Kind? {
        do { try body() } catch { return (error as? StoreError)?.kind }
        return nil
    }

    func message(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return (error as? StoreError)?.description }
        return nil
    }

    @Test func newSecretsAreLdkAnd256BitsOfHex() {
        let a = KeyRing.newSecret(), b = KeyRing.newSecret()
        for s in [a, b] {
            #expect(s.wholeMatch(of: /ldk_[0-9a-f]{64}/) != nil, "\(s)")
        }
        #expect(a != b)
        var rng = FixedRandom(value: 0x0102030405060708)
        #expect(KeyRing.newSecret(using: &rng) == "ldk_" + String(repeating: "0807060504030201", count: 4))
    }

    @Test func addThenVerifyThenRevoke() throws {
        var ring = KeyRing()
        let secret = KeyRing.newSecret()
        try ring.add(name: "acme", secret: secret, at: t0, by: "ann")
        #expect(ring.keys.count == 1)
        #expect(ring.keys[0].hash == SHA256.hexDigest(secret))
        #expect(ring.keys[0].createdBy == "ann" && ring.keys[0].createdAt == t0 && ring.keys[0].isActive)
        #expect(ring.exchange(forBearer: secret) == "acme")
        #expect(ring.exchange(forBearer: secret + "x") == nil)
        #expect(ring.exchange(forBearer: "") == nil)
        try ring.revoke(name: "acme", at: t0 + 60, by: "bob")
        #expect(ring.keys[0].revokedAt == t0 + 60 && ring.keys[0].revokedBy == "bob")
        #expect(ring.exchange(forBearer: secret) == nil)
    }

    @Test func aRevokedNameMayBeReusedAsANewEntry() throws {
        var ring = KeyRing()
        let old = KeyRing.newSecret(), new = KeyRing.newSecret()
        try ring.add(name: "acme", secret: old, at: t0, by: "ann")
        try ring.revoke(name: "acme", at: t0 + 1, by: "ann")
        try ring.add(name: "acme", secret: new, at: t0 + 2, by: "ann")
        #expect(ring.keys.count == 2)
        #expect(ring.exchange(forBearer: new) == "acme")
        #expect(ring.exchange(forBearer: old) == nil)
        #expect(ring.validationErrors().isEmpty)
    }

    @Test func aSecondActiveKeyOfOneNameIsAConflict() throws {
        var ring = KeyRing()
        try ring.add(name: "acme", secret: KeyRing.newSecret(), at: t0, by: "ann")
        let before = ring
        #expect(kind { try ring.add(name: "acme", secret: KeyRing.newSecret(), at: t0, by: "ann") } == .conflict)
        #expect(message { try ring.add(name: "acme", secret: KeyRing.newSecret(), at: t0, by: "ann") } == "key acme exists; revoke it first")
        #expect(ring == before)
    }

    @Test(arguments: ["", "has space", "slash/no", String(repeating: "x", count: 41), "tab\there", "esc\u{1B}[31m", "ünï", "new\nline"])
    func badNamesAreRefusedInOneSafeLine(_ name: String) {
        var ring = KeyRing()
        let error = #expect(throws: StoreError.self) { try ring.add(name: name, secret: "ldk_x", at: t0, by: "ann") }
        #expect(error?.kind == .badInput)
        #expect(error?.description.contains("is not valid") == true)
        #expect(error?.description.contains("\n") == false)
        #expect(error?.description.unicodeScalars.contains { Sanitizer.isUnsafe($0) } == false)
        #expect(ring.keys.isEmpty)
    }

    @Test(arguments: ["a", "acme", "Acme-2.east_1", String(repeating: "x", count: 40), "..", "-"])
    func goodNames(_ name: String) throws {
        var ring = KeyRing()
        try ring.add(name: name, secret: KeyRing.newSecret(), at: t0, by: "ann")
        #expect(ring.keys.map(\.name) == [name])
    }

    @Test func revokingAnUnknownOrRevokedNameIsBadInput() throws {
        var ring = KeyRing()
        #expect(kind { try ring.revoke(name: "ghost", at: t0, by: "ann") } == .badInput)
        #expect(message { try ring.revoke(name: "ghost", at: t0, by: "ann") } == "no key named ghost")
        try ring.add(name: "acme", secret: KeyRing.newSecret(), at: t0, by: "ann")
        try ring.revoke(name: "acme", at: t0, by: "ann")
        let before = ring
        #expect(kind { try ring.revoke(name: "acme", at: t0 + 5, by: "ann") } == .badInput)
        #expect(message { try ring.revoke(name: "acme", at: t0 + 5, by: "ann") }?.contains("already revoked") == true)
        #expect(ring == before)
    }

    @Test func theLookupFindsTheRightKeyAmongSeveral() throws {
        var ring = KeyRing()
        var secrets: [String: String] = [:]
        for name in ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"] {
            let s = KeyRing.newSecret()
            secrets[name] = s
            try ring.add(name: name, secret: s, at: t0, by: "ann")
        }
        try ring.revoke(name: "delta", at: t0, by: "ann")
        for (name, s) in secrets {
            #expect(ring.exchange(forBearer: s) == (name == "delta" ? nil : name))
        }
        // Near misses: one character changed at the start, the middle and the end; a prefix; the hash itself.
        let s = secrets["charlie"]!
        for i in [4, 30, s.count - 1] {
            var chars = Array(s)
            chars[i] = chars[i] == "0" ? "1" : "0"
            #expect(ring.exchange(forBearer: String(chars)) == nil)
        }
        #expect(ring.exchange(forBearer: String(s.dropLast())) == nil)
        #expect(ring.exchange(forBearer: ring.keys[2].hash) == nil)
    }

    @Test func theSameKeyTextCannotServeTwoNames() throws {
        var ring = KeyRing()
        try ring.add(name: "acme", secret: "ldk_same", at: t0, by: "ann")
        #expect(kind { try ring.add(name: "beta", secret: "ldk_same", at: t0, by: "ann") } == .badInput)
    }

    // MARK: Stores

    @Test func theFileStoreKeepsOnlyHashesInAPrivateFile() throws {
        let old = umask(0o022)
        defer { umask(old) }
        let store = try StoreFixture.newStore()
        #expect(try store.apiKeys() == KeyRing())
        #expect(store.keysStamp() == nil)
        #expect(!FileManager.default.fileExists(atPath: store.keysPath))
        let secret = KeyRing.newSecret()
        let ring = try store.changeKeys { ring throws(StoreError) in try ring.add(name: "acme", secret: secret, at: t0, by: "ann") }
        #expect(ring.exchange(forBearer: secret) == "acme")
        #expect(PosixFileSystem().status(store.keysPath)?.permissions == 0o600)
        let text = try String(contentsOfFile: store.keysPath, encoding: .utf8)
        #expect(!text.contains(secret))
        #expect(!text.contains(String(secret.dropFirst(4).prefix(16))))
        #expect(text.contains(SHA256.hexDigest(secret)))
        // Another process sees the same ring.
        let other = try Store.open(store.directory, seedDirectory: nil)
        #expect(try other.apiKeys() == ring)
        #expect(store.check().isClean)
        #expect(store.check().facts.contains { $0.hasPrefix("keys.json: ok, 1 active") })
    }

    @Test func theStampChangesWithEverySaveAndOnlyThen() throws {
        let store = try StoreFixture.newStore()
        try store.changeKeys { ring throws(StoreError) in try ring.add(name: "a", secret: KeyRing.newSecret(), at: t0, by: "ann") }
        let first = try #require(store.keysStamp())
        #expect(store.keysStamp() == first)
        _ = try store.apiKeys()
        #expect(store.keysStamp() == first)
        // A change that changes nothing saves nothing.
        try store.changeKeys { _ throws(StoreError) in }
        #expect(store.keysStamp() == first)
        let other = try Store.open(store.directory, seedDirectory: nil)
        try other.changeKeys { ring throws(StoreError) in try ring.revoke(name: "a", at: t0, by: "bob") }
        #expect(store.keysStamp() != first)
        #expect(try store.apiKeys().keys[0].revokedBy == "bob")
    }

    @Test func aFailedChangeWritesNothing() throws {
        let store = try StoreFixture.newStore()
        try store.changeKeys { ring throws(StoreError) in try ring.add(name: "a", secret: KeyRing.newSecret(), at: t0, by: "ann") }
        let before = try Data(contentsOf: URL(fileURLWithPath: store.keysPath))
        let stamp = store.keysStamp()
        #expect(kind { try store.changeKeys { ring throws(StoreError) in try ring.revoke(name: "zzz", at: t0, by: "ann") } } == .badInput)
        #expect(kind { try store.changeKeys { ring throws(StoreError) in try ring.add(name: "a", secret: "ldk_2", at: t0, by: "ann") } } == .conflict)
        // A body that breaks the rules by hand is refused too.
        #expect(kind { try store.changeKeys { ring throws(StoreError) in ring.keys.append(ring.keys[0]) } } == .badInput)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.keysPath)) == before)
        #expect(store.keysStamp() == stamp)
    }

    @Test func aMalformedKeysFileIsDamagedNamedAndLeftAlone() throws {
        let store = try StoreFixture.newStore()
        let bad = Data("{\"schemaVersion\":1,\n \"keys\": [ {\"name\": \"a\",, } ]}\n".utf8)
        try bad.write(to: URL(fileURLWithPath: store.keysPath))
        let read = #expect(throws: StoreError.self) { try store.apiKeys() }
        #expect(read?.kind == .damaged)
        #expect(read?.description.hasPrefix(store.keysPath) == true)
        #expect(read?.description.contains("line 2, column") == true, "\(read?.description ?? "")")
        let change = #expect(throws: StoreError.self) {
            try store.changeKeys { ring throws(StoreError) in try ring.add(name: "b", secret: KeyRing.newSecret(), at: t0, by: "ann") }
        }
        #expect(change?.kind == .damaged)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.keysPath)) == bad)
        #expect(store.check().problems.contains { $0.hasPrefix(store.keysPath) })
    }

    @Test func aKeysFileThatBreaksTheRulesIsDamaged() throws {
        let store = try StoreFixture.newStore()
        let h = SHA256.hexDigest("x")
        for doc in [
            "{\"schemaVersion\":1,\"keys\":[{\"name\":\"a b\",\"hash\":\"\(h)\",\"createdAt\":1,\"createdBy\":\"u\"}]}",
            "{\"schemaVersion\":1,\"keys\":[{\"name\":\"a\",\"hash\":\"XYZ\",\"createdAt\":1,\"createdBy\":\"u\"}]}",
            "{\"schemaVersion\":1,\"keys\":[{\"name\":\"a\",\"hash\":\"\(h)\",\"createdAt\":1,\"createdBy\":\"u\"},{\"name\":\"a\",\"hash\":\"\(h)\",\"createdAt\":2,\"createdBy\":\"u\"}]}",
            "{\"schemaVersion\":1,\"keys\":[{\"name\":\"a\",\"hash\":\"\(h)\",\"createdAt\":1,\"createdBy\":\"u\",\"secret\":\"ldk_\"}]}",
            "{\"schemaVersion\":2,\"keys\":[]}",
            "{\"keys\":[]}",
        ] {
            try Data(doc.utf8).write(to: URL(fileURLWithPath: store.keysPath))
            #expect(kind { _ = try store.apiKeys() } == .damaged, "\(doc)")
        }
    }

    @Test func theMemoryStoreKeepsTheSameRules() throws {
        let seed = try StoreFixture.newStore()
        let store = MemoryStore(catalog: seed.catalog, policy: try seed.loadPolicyDocument().policy)
        #expect(try store.apiKeys() == KeyRing())
        #expect(store.keysStamp() == nil)
        let secret = KeyRing.newSecret()
        try store.changeKeys { ring throws(StoreError) in try ring.add(name: "acme", secret: secret, at: t0, by: "ann") }
        let stamp = try #require(store.keysStamp())
        #expect(try store.apiKeys().exchange(forBearer: secret) == "acme")
        #expect(kind { try store.changeKeys { ring throws(StoreError) in try ring.add(name: "acme", secret: "ldk_2", at: t0, by: "ann") } } == .conflict)
        #expect(kind { try store.changeKeys { ring throws(StoreError) in try ring.revoke(name: "ghost", at: t0, by: "ann") } } == .badInput)
        try store.changeKeys { _ throws(StoreError) in }
        #expect(store.keysStamp() == stamp)
        try store.changeKeys { ring throws(StoreError) in try ring.revoke(name: "acme", at: t0, by: "ann") }
        #expect(store.keysStamp() != stamp)
        #expect(try store.apiKeys().exchange(forBearer: secret) == nil)
    }

    /// Both stores answer the same sequence of changes the same way.
    @Test func theFileAndMemoryStoresAgree() throws {
        let file = try StoreFixture.newStore()
        let memory = MemoryStore(catalog: file.catalog, policy: try file.loadPolicyDocument().policy)
        let a = KeyRing.newSecret(), b = KeyRing.newSecret(), c = KeyRing.newSecret()
        // (name, the key to add, or nil to revoke)
        let steps: [(String, String?)] = [("a", a), ("b", b), ("a", c), ("a", nil), ("a", nil), ("a", c), ("ghost", nil)]
        let stores: [any EventStore] = [file, memory]
        for (i, (name, secret)) in steps.enumerated() {
            let kinds = stores.map { store in
                kind {
                    try store.changeKeys { ring throws(StoreError) in
                        if let secret { try ring.add(name: name, secret: secret, at: t0, by: "u") } else { try ring.revoke(name: name, at: t0, by: "u") }
                    }
                }
            }
            #expect(kinds[0] == kinds[1], "step \(i)")
            #expect(try file.apiKeys() == memory.apiKeys(), "step \(i)")
        }
        for s in [a, b, c, "ldk_none"] {
            #expect(try file.apiKeys().exchange(forBearer: s) == memory.apiKeys().exchange(forBearer: s))
        }
    }
}

/// A random source that always gives one value, to pin down how a key is spelled.
struct FixedRandom: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}
