/// A 64-bit hash of bytes for the engine's own tables (`BytesTable`): FNV-1a from a basis drawn at random once per process
/// (so ids a traffic source makes up cannot be chosen to collide in advance), finished with MurmurHash3's mixer so
/// the low bits pick slots evenly. Much cheaper than `Hasher` on the short ids and names it serves.
/// Each table keeps the basis it was made with; an image of a table (`BytesTable.appendImage`) holds no hash, so it
/// reads back in a process with another basis.
public enum ByteHash {
    /// The basis new tables take.
    static let processBasis = UInt64.random(in: .min ... .max) | 1

    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 { hash(bytes, basis: processBasis) }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, basis: UInt64) -> UInt64 {
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
    /// passes other keys without reading their rows; a power of two, at least 4/3 of the rows (or empty): filled to
    /// three quarters at most, as linear probing over 8-byte slots stays a cache line or two at that load, and the
    /// slots of a month's lead index and dedupe memory take half the memory they took at half full.
    private var slots: [UInt64] = []
    /// The hash's basis (`ByteHash`): the process's for a new table, the saved one for a table read back.
    private var basis = ByteHash.processBasis

    public init() {}

    /// An empty table hashing from `basis` (tests: a table made by another process).
    init(basis: UInt64) { self.basis = basis }

    public var count: Int { rows.count }

    public mutating func reserveCapacity(_ n: Int) {
        rows.reserveCapacity(n)
        keyBytes.reserveCapacity(n * 8)
        let size = Self.slotCount(for: n)
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
        if 4 * (rows.count + 1) > 3 * slots.count { rehash(max(16, slots.count * 2)) }
        rows.append(Row(keyStart: UInt32(keyBytes.count), keyCount: UInt32(id.count), value: value))
        keyBytes.append(contentsOf: id)
        place(rows.count - 1, hash: ByteHash.hash(id, basis: basis))
    }

    /// Changes the value under this key in place, if there is one.
    public mutating func modify(_ id: String, _ body: (inout Value) -> Void) {
        var id = id
        id.withUTF8 { modify(bytes: $0, body) }
    }

    /// Changes the value under a key given as its UTF-8 bytes in place, if there is one.
    public mutating func modify(bytes id: UnsafeBufferPointer<UInt8>, _ body: (inout Value) -> Void) {
        guard let r = find(id) else { return }
        body(&rows[r].value)
    }

    /// Drops the entries whose values `remove` picks, keeping the others in their order. In place, and nothing
    /// is rehashed when nothing is dropped (the daily pruning of a store younger than the keeping time).
    public mutating func removeAll(where remove: (Value) -> Bool) {
        guard let first = rows.firstIndex(where: { remove($0.value) }) else { return }
        var kept = first
        var keyEnd = first == 0 ? 0 : Int(rows[first - 1].keyStart + rows[first - 1].keyCount)
        for r in first..<rows.count where !remove(rows[r].value) {
            var row = rows[r]
            let start = Int(row.keyStart), count = Int(row.keyCount)
            if start != keyEnd {
                keyBytes.withUnsafeMutableBufferPointer { b in
                    for k in 0..<count { b[keyEnd + k] = b[start + k] }
                }
            }
            row.keyStart = UInt32(keyEnd)
            rows[kept] = row
            kept += 1
            keyEnd += count
        }
        rows.removeSubrange(kept...)
        keyBytes.removeSubrange(keyEnd...)
        let size = Self.slotCount(for: rows.count)
        // The slots shrink only when far too many, so a table that drops and refills a little each day keeps its size.
        rehash(slots.count >= 4 * size ? size : max(size, slots.count))
    }

    /// Every value with its key's bytes, in the order they came.
    public func forEach(_ body: (UnsafeBufferPointer<UInt8>, Value) -> Void) {
        keyBytes.withUnsafeBufferPointer { bytes in
            for row in rows {
                body(UnsafeBufferPointer(rebasing: bytes[Int(row.keyStart)..<Int(row.keyStart + row.keyCount)]), row.value)
            }
        }
    }

    /// Every value with its row number and key's bytes, in the order they came.
    func forEachRow(_ body: (Int, UnsafeBufferPointer<UInt8>, Value) -> Void) {
        keyBytes.withUnsafeBufferPointer { bytes in
            for (i, row) in rows.enumerated() {
                body(i, UnsafeBufferPointer(rebasing: bytes[Int(row.keyStart)..<Int(row.keyStart + row.keyCount)]), row.value)
            }
        }
    }

    /// `body` of the key's bytes and the value of row `row` (a number `forEachRow` gave).
    func withRow<R>(_ row: Int, _ body: (UnsafeBufferPointer<UInt8>, Value) -> R) -> R {
        let r = rows[row]
        return keyBytes.withUnsafeBufferPointer { bytes in
            body(UnsafeBufferPointer(rebasing: bytes[Int(r.keyStart)..<Int(r.keyStart + r.keyCount)]), r.value)
        }
    }

    /// The value under a key given as its UTF-8 bytes.
    public subscript(bytes id: UnsafeBufferPointer<UInt8>) -> Value? { find(id).map { rows[$0].value } }

    private func find(_ id: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !slots.isEmpty else { return nil }
        return find(id, hash: ByteHash.hash(id, basis: basis))
    }

    private func find(_ id: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        let mask = slots.count - 1
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

    /// The slots for `n` rows: the smallest power of two (at least 16) of which they fill at most three quarters.
    static func slotCount(for n: Int) -> Int {
        var size = 16
        while 3 * size < 4 * n { size *= 2 }
        return size
    }

    /// Fresh slots of `size` for every row.
    private mutating func rehash(_ size: Int) { _ = placeRows(size, refusingDuplicates: false) }

    /// Fresh slots of `size` for every row; false, when asked, as soon as two rows have the same key (an image
    /// that does not hold together).
    private mutating func placeRows(_ size: Int, refusingDuplicates: Bool) -> Bool {
        slots = [UInt64](repeating: 0, count: size)
        for row in rows.indices {
            let r = rows[row]
            let (hash, seen) = keyBytes.withUnsafeBufferPointer { bytes -> (UInt64, Bool) in
                let key = UnsafeBufferPointer(rebasing: bytes[Int(r.keyStart)..<Int(r.keyStart + r.keyCount)])
                let hash = ByteHash.hash(key, basis: basis)
                return (hash, refusingDuplicates && find(key, hash: hash) != nil)
            }
            guard !seen else { return false }
            place(row, hash: hash)
        }
        return true
    }
}

/// A value a `BytesTable` image holds in a fixed number of bytes.
public protocol FixedWidthImage: Sendable {
    /// How many bytes `storeImage(to:)` writes.
    static var imageWidth: Int { get }
    /// Writes the value's `imageWidth` bytes at `p`, little-endian.
    func storeImage(to p: UnsafeMutableRawPointer)
    /// The value from its `imageWidth` bytes at `p`; nil when they cannot be one.
    init?(image p: UnsafeRawPointer)
}

extension Int64: FixedWidthImage {
    public static var imageWidth: Int { 8 }
    public func storeImage(to p: UnsafeMutableRawPointer) { p.storeBytes(of: littleEndian, as: Int64.self) }
    public init?(image p: UnsafeRawPointer) { self.init(littleEndian: p.loadUnaligned(as: Int64.self)) }
}

extension BytesTable where Value: FixedWidthImage {
    /// Appends the table as it stands in memory: the counts, the keys' bytes back to back, and each row's key
    /// length and value, in the order they came. `init(image:)` copies them back as they are and only rehashes
    /// the keys into fresh slots (not saved: they are a third of the table and cheaper to rebuild than to read),
    /// so a writer's start-up takes tens of thousands of leads and consumers in a few milliseconds.
    public func appendImage(to w: inout ByteImage.Writer) {
        w.u64(UInt64(rows.count))
        w.u64(UInt64(keyBytes.count))
        keyBytes.withUnsafeBytes { w.raw($0) }
        let width = 4 + Value.imageWidth
        w.space(rows.count * width) { p in
            rows.withUnsafeBufferPointer { rows in
                for i in rows.indices {
                    let q = p + i * width
                    q.storeBytes(of: rows[i].keyCount.littleEndian, as: UInt32.self)
                    rows[i].value.storeImage(to: q + 4)
                }
            }
        }
    }

    /// The table an image (`appendImage(to:)`) holds, read from `r`; nil, with `r` anywhere, when the image is
    /// cut short or does not hold together: counts that do not fit, key lengths that do not add up to the keys'
    /// bytes, a value out of range. A key that comes twice keeps its last value, as `set` would.
    public init?(image r: inout ByteImage.Reader) {
        guard let rowCount = r.count(), let keyCount = r.count(), rowCount < Int(UInt32.max), keyCount <= Int(UInt32.max),
              let keys = r.raw(keyCount) else { return nil }
        let width = 4 + Value.imageWidth
        guard let rowBytes = r.raw(rowCount * width) else { return nil }
        self.init()
        keyBytes = [UInt8](unsafeUninitializedCapacity: keyCount) { buf, n in
            if keyCount > 0 { UnsafeMutableRawBufferPointer(buf).copyMemory(from: keys) }
            n = keyCount
        }
        rows.reserveCapacity(rowCount)
        var keyEnd: UInt64 = 0
        for i in 0..<rowCount {
            let q = rowBytes.baseAddress! + i * width
            let length = UInt32(littleEndian: q.loadUnaligned(as: UInt32.self))
            guard let value = Value(image: q + 4) else { return nil }
            rows.append(Row(keyStart: UInt32(keyEnd), keyCount: length, value: value))
            keyEnd += UInt64(length)
            guard keyEnd <= UInt64(keyCount) else { return nil }
        }
        guard keyEnd == UInt64(keyCount) else { return nil }
        guard placeRows(Self.slotCount(for: rowCount), refusingDuplicates: true) else { return nil }
    }
}
