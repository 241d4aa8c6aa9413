/// The dedupe memory: when a lead of each consumer (phone digits or lowercased e-mail, `Offer.consumerKey`) was
/// last bought, in seconds. Tens of thousands of entries in a month's store, kept in a `BytesTable` so loading
/// and saving them costs no `String` and no `Hasher` each, or read in place from the lead checkpoint with the
/// changes since in memory (`LayeredTable`). Keys match byte for byte.
///
/// In JSON an object of key -> seconds, as the `[String: Int64]` it replaced.
public struct ConsumerMemory: Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral {
    private var table = LayeredTable<Int64>()

    public init() {}

    public init(dictionaryLiteral elements: (String, Int64)...) {
        for (key, at) in elements { table.set(key, at) }
    }

    /// The memory a checkpoint saved as a `BytesTable` image (`checkpoint-leads.bin` version 1), read from `r`
    /// into memory; nil when the image is damaged.
    public init?(image r: inout ByteImage.Reader) {
        guard let t = BytesTable<Int64>(image: &r) else { return nil }
        table = LayeredTable(memory: t)
    }

    /// The memory a checkpoint saved as the `DiskTable` records at `offset` in `source` that `trailer` describes
    /// (version 2), read in place. Nil when the records are damaged.
    public init?(in source: any ByteSource, at offset: Int, _ trailer: DiskTable<Int64>.Trailer) {
        guard let t = DiskTable<Int64>.open(source, at: offset, trailer) else { return nil }
        table = LayeredTable(base: t)
    }

    /// The memory over a table read in place, checked already or just written by this process.
    public init(table: DiskTable<Int64>) { self.table = LayeredTable(base: table) }

    /// Writes the memory as `DiskTable` records and returns what was written (with their trailer); nil when the
    /// file it is read from could not be read to the end.
    public func write(to stream: inout ByteImage.Stream) -> DiskTable<Int64>.Written? { table.write(to: &stream) }

    /// Whether the memory is read in place from a checkpoint's file (with the changes since in memory).
    public var readsInPlace: Bool { table.readsInPlace }

    public var count: Int { table.count }
    public var isEmpty: Bool { table.count == 0 }

    /// When a lead of this consumer was last bought.
    public subscript(key: String) -> Int64? { table[key] }

    /// Notes that a lead of this consumer was bought at `at`.
    public mutating func remember(_ key: String, at: Int64) { table.set(key, at) }

    /// Forgets the consumers last bought at or before `horizon` (seconds).
    public mutating func forget(atOrBefore horizon: Int64) { table.removeAll(timeAtOrBefore: horizon) }

    /// Every consumer with its key's bytes (valid only during the call): those of the file read in place in the order
    /// they were saved, then those in memory in the order they were first remembered.
    public func forEach(_ body: (UnsafeBufferPointer<UInt8>, Int64) -> Void) { table.forEach(body) }

    /// The entries as a dictionary (for tests and the plain JSON form).
    public var dictionary: [String: Int64] {
        var out: [String: Int64] = [:]
        out.reserveCapacity(count)
        forEach { key, at in out[String(decoding: key, as: UTF8.self)] = at }
        return out
    }

    public static func == (a: ConsumerMemory, b: ConsumerMemory) -> Bool { a.table.hasSameEntries(as: b.table) }

    public func hash(into hasher: inout Hasher) { hasher.combine(count) }

    public init(from decoder: Decoder) throws {
        for (key, at) in try decoder.singleValueContainer().decode([String: Int64].self) { table.set(key, at) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(dictionary)
    }
}
