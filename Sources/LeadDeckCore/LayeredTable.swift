/// A value with a time (seconds) a table can forget it by (`LayeredTable.removeAll(timeAtOrBefore:)`).
public protocol TimedImage: FixedWidthImage, Equatable {
    var imageTime: Int64 { get }
}

extension Int64: TimedImage {
    public var imageTime: Int64 { self }
}

/// The lead index's and the dedupe memory's table: the entries of the last checkpoint read in place from its file
/// (`DiskTable`, the base), and what changed since in memory (`BytesTable`, the changes). It behaves exactly as one
/// `BytesTable` would: a key set since the base was saved hides the base's entry for good (even once dropped
/// again), and dropping by time hides the base's entries as it drops the changes'. An engine that saves a
/// checkpoint and takes the file back as its base (`EngineSession.leadsOnDisk`) holds only the minutes since.
struct LayeredTable<Value: TimedImage>: Sendable {
    private var base: DiskTable<Value>?
    /// The base's entries at or before this time are gone.
    private var baseHiddenThrough: Int64 = .min
    private var changes = BytesTable<Value>()
    /// Keys of the base's entries set since and then dropped: gone from the base too.
    private var replaced = BytesTable<Bool>()

    init() {}

    /// The table a checkpoint's file holds.
    init(base: DiskTable<Value>) { self.base = base }

    /// A table held in memory.
    init(memory: BytesTable<Value>) { changes = memory }

    /// Whether part of the table is read from a file.
    var readsInPlace: Bool { base != nil }

    /// How many entries there are (counted: for tests and sizes).
    var count: Int {
        guard base != nil else { return changes.count }
        var n = 0
        forEach { _, _ in n += 1 }
        return n
    }

    mutating func reserveCapacity(_ n: Int) { changes.reserveCapacity(n) }

    subscript(id: String) -> Value? {
        var id = id
        return id.withUTF8 { self[bytes: $0] }
    }

    subscript(bytes key: UnsafeBufferPointer<UInt8>) -> Value? {
        if let v = changes[bytes: key] { return v }
        return baseValue(key)
    }

    /// The base's live entry for a key not changed since.
    private func baseValue(_ key: UnsafeBufferPointer<UInt8>) -> Value? {
        guard let base, let v = base[bytes: key], v.imageTime > baseHiddenThrough, replaced[bytes: key] == nil else { return nil }
        return v
    }

    mutating func set(_ id: String, _ value: Value) { changes.set(id, value) }

    mutating func set(_ key: UnsafeBufferPointer<UInt8>, _ value: Value) { changes.set(key, value) }

    /// Changes the value under this key in place, if there is one (a base entry is copied into the changes).
    mutating func modify(_ id: String, _ body: (inout Value) -> Void) {
        var id = id
        id.withUTF8 { key in
            if changes[bytes: key] != nil {
                changes.modify(bytes: key, body)
            } else if var v = baseValue(key) {
                body(&v)
                changes.set(key, v)
            }
        }
    }

    /// Drops the entries whose time is at or before `horizon`.
    mutating func removeAll(timeAtOrBefore horizon: Int64) {
        if let base {
            // A dropped change that replaced a base entry must not bring the base's back.
            var newlyReplaced: [[UInt8]] = []
            changes.forEach { key, v in
                if v.imageTime <= horizon, base[bytes: key] != nil { newlyReplaced.append(Array(key)) }
            }
            for key in newlyReplaced { key.withUnsafeBufferPointer { replaced.set($0, true) } }
            baseHiddenThrough = max(baseHiddenThrough, horizon)
        }
        changes.removeAll { $0.imageTime <= horizon }
    }

    /// Every entry with its key's bytes (valid only during the call): the base's still live, in the order they
    /// were saved, then the changes, in the order they came.
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, Value) -> Void) {
        base?.forEach { key, v in
            guard v.imageTime > baseHiddenThrough, changes[bytes: key] == nil, replaced[bytes: key] == nil else { return }
            body(key, v)
        }
        changes.forEach(body)
    }

    /// Writes the table as a `DiskTable`'s records to `stream` and returns what was written (their trailer): in the hash order of the
    /// base's basis (or a new table's, the process's), so the base's records, which are in that order already, are
    /// merged with the changes in one pass without hashing their keys again. Nil when the base could not be read
    /// to the end (what was written is then not the table).
    func write(to stream: inout ByteImage.Stream) -> DiskTable<Value>.Written? {
        let basis = base?.basis ?? ByteHash.processBasis
        var writer = DiskTable<Value>.Writer(basis: basis)
        var order: [(hash: UInt64, row: Int)] = []
        order.reserveCapacity(changes.count)
        changes.forEachRow { row, key, _ in order.append((ByteHash.hash(key, basis: basis), row)) }
        order.sort { $0.hash < $1.hash }
        var next = 0
        if let base {
            var records = base.records()
            // Runs of base records kept as they are are copied in one piece (from the file again, by the page cache).
            var run = 0..<0
            func copyRun() {
                guard !run.isEmpty else { return }
                writer.add(raw: run, of: base, to: &stream)
                run = 0..<0
            }
            while let r = records.next() {
                // The changes that come first.
                while next < order.count, order[next].hash < r.hash {
                    copyRun()
                    changes.withRow(order[next].row) { key, v in writer.add(order[next].hash, key, v, to: &stream) }
                    next += 1
                }
                var gone = r.value.imageTime <= baseHiddenThrough
                // Set since (a change with this hash and key), or set and dropped since: not the base's any more.
                let key = records.key(r)
                var i = next
                while !gone, i < order.count, order[i].hash == r.hash {
                    gone = changes.withRow(order[i].row) { k, _ in k.elementsEqual(key) }
                    i += 1
                }
                if !gone, replaced.count > 0, replaced[bytes: key] != nil { gone = true }
                if gone {
                    copyRun()
                } else if run.upperBound == r.offset, !run.isEmpty {
                    run = run.lowerBound..<(r.offset + r.count)
                    writer.counted(r)
                } else {
                    copyRun()
                    run = r.offset..<(r.offset + r.count)
                    writer.counted(r)
                }
            }
            copyRun()
            if records.failed || writer.failed { return nil }
        }
        while next < order.count {
            changes.withRow(order[next].row) { key, v in writer.add(order[next].hash, key, v, to: &stream) }
            next += 1
        }
        return writer.written
    }

    /// Whether both hold the same keys with the same values, whatever order they came in and wherever they are kept.
    func hasSameEntries(as other: LayeredTable) -> Bool {
        guard count == other.count else { return false }
        var same = true
        forEach { key, value in
            guard same else { return }
            same = other[bytes: key] == value
        }
        return same
    }
}
