/// A 64-bit hash of bytes for the engine's own tables (`BytesTable`): FNV-1a from a basis drawn at random once per process
/// (so ids a traffic source makes up cannot be chosen to collide in advance), finished with MurmurHash3's mixer so
/// the low bits pick slots evenly. Much cheaper than `Hasher` on the short ids and names it serves.
public enum ByteHash {
    private static let basis = UInt64.random(in: .min ... .max) | 1

    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = basis ^ 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        return h ^ (h >> 33)
    }
}

/// The bought leads by id (`PackedLeads`): 40 bytes a value plus its id.
typealias LeadTable = BytesTable<PackedLead>

/// Values by a key of bytes (value ids, consumer keys): keys kept as UTF-8 bytes back to back in one array and
/// found by `ByteHash` with open addressing, so an entry costs no `String` and no `Hasher`. Keys match byte for
/// byte: a value id is an opaque token, and a consumer key is digits or a lowercased e-mail address.
public struct BytesTable<Value: Sendable>: Sendable {
    private struct Row: Sendable {
        var keyStart: UInt32
        var keyCount: UInt32
        var value: Value
    }
    private var keyBytes: [UInt8] = []
    /// In the order the keys came (so iteration does not depend on the hash's random basis).
    private var rows: [Row] = []
    /// Row number plus one in the low 32 bits (0 for empty), the key's hash's high 32 bits above them, so a probe
    /// passes other keys without reading their rows; a power of two, at least twice the rows (or empty).
    private var slots: [UInt64] = []

    public init() {}

    public var count: Int { rows.count }

    public mutating func reserveCapacity(_ n: Int) {
        rows.reserveCapacity(n)
        keyBytes.reserveCapacity(n * 8)
        var size = 16
        while size < 2 * n { size *= 2 }
        if size > slots.count { rehash(size) }
    }

    /// The value under this key.
    public subscript(id: String) -> Value? {
        var id = id
        return id.withUTF8 { find($0).map { rows[$0].value } }
    }

    /// Stores a value, replacing the one under the same key.
    public mutating func set(_ id: String, _ value: Value) {
        var id = id
        id.withUTF8 { set($0, value) }
    }

    /// Stores a value under a key given as its UTF-8 bytes, replacing the one under the same key.
    public mutating func set(_ id: UnsafeBufferPointer<UInt8>, _ value: Value) {
        if let r = find(id) {
            rows[r].value = value
            return
        }
        if 2 * (rows.count + 1) > slots.count { rehash(max(16, slots.count * 2)) }
        rows.append(Row(keyStart: UInt32(keyBytes.count), keyCount: UInt32(id.count), value: value))
        keyBytes.append(contentsOf: id)
        place(rows.count - 1, hash: ByteHash.hash(id))
    }

    /// Changes the value under this key in place, if there is one.
    public mutating func modify(_ id: String, _ body: (inout Value) -> Void) {
        var id = id
        guard let r = id.withUTF8({ find($0) }) else { return }
        body(&rows[r].value)
    }

    /// Drops the entries whose values `remove` picks, keeping the others in their order.
    public mutating func removeAll(where remove: (Value) -> Bool) {
        var kept = BytesTable()
        kept.reserveCapacity(rows.count)
        forEach { id, value in if !remove(value) { kept.set(id, value) } }
        self = kept
    }

    /// Every value with its key's bytes, in the order they came.
    public func forEach(_ body: (UnsafeBufferPointer<UInt8>, Value) -> Void) {
        keyBytes.withUnsafeBufferPointer { bytes in
            for row in rows {
                body(UnsafeBufferPointer(rebasing: bytes[Int(row.keyStart)..<Int(row.keyStart + row.keyCount)]), row.value)
            }
        }
    }

    /// The value under a key given as its UTF-8 bytes.
    public subscript(bytes id: UnsafeBufferPointer<UInt8>) -> Value? { find(id).map { rows[$0].value } }

    private func find(_ id: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        let hash = ByteHash.hash(id)
        let fingerprint = hash >> 32
        var i = Int(truncatingIfNeeded: hash) & mask
        return keyBytes.withUnsafeBufferPointer { bytes -> Int? in
            while true {
                let s = slots[i]
                if s == 0 { return nil }
                if s >> 32 == fingerprint {
                    let row = rows[Int(s & 0xffff_ffff) - 1]
                    if Int(row.keyCount) == id.count, Self.same(bytes, from: Int(row.keyStart), id) { return Int(s & 0xffff_ffff) - 1 }
                }
                i = (i + 1) & mask
            }
        }
    }

    private static func same(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ id: UnsafeBufferPointer<UInt8>) -> Bool {
        for k in 0..<id.count where bytes[start + k] != id[k] { return false }
        return true
    }

    private mutating func place(_ row: Int, hash: UInt64) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = (hash >> 32) << 32 | UInt64(row + 1)
    }

    private mutating func rehash(_ size: Int) {
        slots = [UInt64](repeating: 0, count: size)
        let hashes = keyBytes.withUnsafeBufferPointer { bytes in
            rows.map { ByteHash.hash(UnsafeBufferPointer(rebasing: bytes[Int($0.keyStart)..<Int($0.keyStart + $0.keyCount)])) }
        }
        for (row, h) in hashes.enumerated() { place(row, hash: h) }
    }
}
