import LeadDeckCore

/// One exchange's API key as the store keeps it: the SHA-256 of the key, never the key itself, so a copy of
/// the store (a backup, a leaked disk) holds nothing an attacker can present.
public struct APIKey: Sendable, Hashable, Codable {
    /// The exchange's name, what `KeyRing.exchange(forBearer:)` answers.
    public var name: String
    /// The SHA-256 of the key text, as 64 lowercase hex digits.
    public var hash: String
    public var createdAt: Timestamp
    /// The OS user who made the key.
    public var createdBy: String
    public var revokedAt: Timestamp?
    /// The OS user who revoked the key.
    public var revokedBy: String?

    public init(name: String, hash: String, createdAt: Timestamp, createdBy: String,
                revokedAt: Timestamp? = nil, revokedBy: String? = nil) {
        self.name = name
        self.hash = hash
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
    }

    /// Whether the key still opens the door (not revoked).
    public var isActive: Bool { revokedAt == nil }
}

/// Every API key the store has issued, revoked ones included (kept for the record), oldest first. At most
/// one active key per name; a revoked name may be issued again as a new entry.
public struct KeyRing: Sendable, Hashable, Codable {
    public var keys: [APIKey]

    public init(keys: [APIKey] = []) { self.keys = keys }

    /// What every key starts with, so one is recognisable in a config file or a leaked log.
    public static let secretPrefix = "ldk_"
    /// The longest key name.
    public static let maxNameLength = 40

    /// A new key: "ldk_" and 256 bits from the system's random source (getrandom on Linux) in lowercase hex.
    public static func newSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        return newSecret(using: &rng)
    }

    /// A new key from `rng` (tests pass a seeded one; real keys need `SystemRandomNumberGenerator`).
    public static func newSecret<R: RandomNumberGenerator>(using rng: inout R) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            let word = rng.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return secretPrefix + SHA256.hex(bytes)
    }

    /// Whether `name` is 1-40 letters, digits, '.', '_' or '-' (ASCII).
    public static func isValidName(_ name: String) -> Bool {
        let u = name.utf8
        guard (1...maxNameLength).contains(u.count) else { return false }
        return u.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
        }
    }

    /// Refuses a name that is not 1-40 letters, digits, '.', '_' or '-'.
    /// - Throws: `StoreError` of kind `.badInput`, one line, the name shown safely.
    public static func checkName(_ name: String) throws(StoreError) {
        guard isValidName(name) else {
            throw StoreError("key name \(shown(name)) is not valid: use 1-\(maxNameLength) letters, digits, '.', '_' or '-'", kind: .badInput)
        }
    }

    /// A name for a one-line message: as is when valid, else quoted, control characters made visible, cut short.
    static func shown(_ name: String) -> String {
        if isValidName(name) { return name }
        let cut = name.count > 48 ? String(name.prefix(48)) + "..." : name
        return "'\(Sanitizer.clean(cut))'"
    }

    /// The active key named `name`, if any.
    public func active(named name: String) -> APIKey? { keys.first { $0.name == name && $0.isActive } }

    /// Issues a key: records the hash of `secret` under `name`.
    /// - Throws: `StoreError` of kind `.badInput` for a bad name or an empty secret, `.conflict` when an active
    ///   key has that name already (revoke it first), `.badInput` when the secret is another active key's.
    public mutating func add(name: String, secret: String, at time: Timestamp, by user: String) throws(StoreError) {
        try Self.checkName(name)
        guard !secret.isEmpty else { throw StoreError("key \(Self.shown(name)): the key text is empty", kind: .badInput) }
        if active(named: name) != nil {
            throw StoreError("key \(Self.shown(name)) exists; revoke it first", kind: .conflict)
        }
        if let other = exchange(forBearer: secret) {
            throw StoreError("key \(Self.shown(name)): that key text is already the key of \(other); make a new one", kind: .badInput)
        }
        keys.append(APIKey(name: name, hash: SHA256.hex(SHA256.hash(secret)), createdAt: time, createdBy: user))
    }

    /// Revokes the active key named `name`; it never matches again, and stays listed.
    /// - Throws: `StoreError` of kind `.badInput` when no key has that name or it is already revoked.
    public mutating func revoke(name: String, at time: Timestamp, by user: String) throws(StoreError) {
        guard let i = keys.firstIndex(where: { $0.name == name && $0.isActive }) else {
            if let last = keys.last(where: { $0.name == name }), let when = last.revokedAt {
                throw StoreError("key \(Self.shown(name)) is already revoked (at \(when.iso8601))", kind: .badInput)
            }
            throw StoreError("no key named \(Self.shown(name))", kind: .badInput)
        }
        keys[i].revokedAt = time
        keys[i].revokedBy = user
    }

    /// The name of the active key whose hash is the hash of `secret`; nil when none is.
    ///
    /// Timing tells nothing about the stored hashes: the presented key is hashed first (so an attacker does not
    /// choose the bytes compared), and each comparison runs over all 32 bytes and every key, with no early
    /// exit, revoked keys included (they are compared, then never chosen).
    public func exchange(forBearer secret: String) -> String? {
        let presented = SHA256.hash(secret)
        var found: String? = nil
        for key in keys {
            let stored = SHA256.bytes(hex: key.hash) ?? []
            var difference: UInt8 = stored.count == 32 ? 0 : 1
            for i in 0..<32 {
                difference |= presented[i] ^ (i < stored.count ? stored[i] : 0)
            }
            if difference == 0 && key.isActive { found = key.name }
        }
        return found
    }

    /// Problems that make the ring unusable (a bad name or hash, two active keys of one name), one line each.
    public func validationErrors() -> [String] {
        var problems: [String] = []
        var active: Set<String> = []
        for (i, key) in keys.enumerated() {
            if !Self.isValidName(key.name) {
                problems.append("keys[\(i)].name: \(Self.shown(key.name)) is not 1-\(Self.maxNameLength) letters, digits, '.', '_' or '-'")
            }
            let hex = key.hash.utf8
            if hex.count != 64 || !hex.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) {
                problems.append("keys[\(i)].hash: must be 64 lowercase hex digits (a SHA-256)")
            }
            if key.isActive {
                if active.contains(key.name) { problems.append("keys[\(i)]: a second active key named \(Self.shown(key.name))") }
                active.insert(key.name)
            }
        }
        return problems
    }
}
