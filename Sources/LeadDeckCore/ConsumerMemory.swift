/// The dedupe memory: when a lead of each consumer (phone digits or lowercased e-mail, `Offer.consumerKey`) was
/// last bought, in seconds. Tens of thousands of entries in a month's store, kept in a `BytesTable` so loading
/// and saving them costs no `String` and no `Hasher` each. Keys match byte for byte.
///
/// In JSON an object of key -> seconds, as the `[String: Int64]` it replaced.
public struct ConsumerMemory: Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral {
    private var table = BytesTable<Int64>()

    public init() {}

    public init(dictionaryLiteral elements: (String, Int64)...) {
        for (key, at) in elements { table.set(key, at) }
    }

    /// The memory a checkpoint saved with `appendImage(to:)`, read from `r`; nil when the image is damaged.
    public init?(image r: inout ByteImage.Reader) {
        guard let t = BytesTable<Int64>(image: &r) else { return nil }
        table = t
    }

    /// Appends the memory's table as an image (`BytesTable.appendImage(to:)`).
    public func appendImage(to w: inout ByteImage.Writer) { table.appendImage(to: &w) }

    public var count: Int { table.count }
    public var isEmpty: Bool { table.count == 0 }

    /// When a lead of this consumer was last bought.
    public subscript(key: String) -> Int64? { table[key] }

    /// Notes that a lead of this consumer was bought at `at`.
    public mutating func remember(_ key: String, at: Int64) { table.set(key, at) }

    /// Forgets the consumers last bought at or before `horizon` (seconds).
    public mutating func forget(atOrBefore horizon: Int64) { table.removeAll { $0 <= horizon } }

    /// Every consumer with its key's bytes (valid only during the call), in the order they were first remembered.
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
