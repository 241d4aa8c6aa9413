/// Every slice's series of a `MetricsBook`, kept in one array in the order the slices were first seen, with an
/// index by key. Slices are never removed, so a position stays valid for the book's life and the fold can reach
/// the slices an event counts in by position (`MetricsBook` remembers them per source, sub-ID, vertical, mode
/// and exchange) instead of hashing six keys per event.
///
/// Reads like a dictionary (`table[key]`, `for (key, value) in table`); two tables are equal when they hold the
/// same series under the same keys, whatever order the slices came in.
public struct SeriesTable: Sendable, Hashable, Sequence {
    private var keys: [MetricKey] = []
    private var values: [MetricsBook.Series] = []
    private var positions: [MetricKey: Int] = [:]

    public init() {}

    /// A table holding these series.
    public init(_ dictionary: [MetricKey: MetricsBook.Series]) {
        keys.reserveCapacity(dictionary.count)
        values.reserveCapacity(dictionary.count)
        positions.reserveCapacity(dictionary.count)
        for (k, v) in dictionary {
            positions[k] = keys.count
            keys.append(k)
            values.append(v)
        }
    }

    /// A table of these slices and their series, in this order; nil when a key comes twice.
    public init?(keys: [MetricKey], values: [MetricsBook.Series]) {
        guard keys.count == values.count else { return nil }
        positions.reserveCapacity(keys.count)
        for (i, k) in keys.enumerated() {
            guard positions.updateValue(i, forKey: k) == nil else { return nil }
        }
        self.keys = keys
        self.values = values
    }

    /// The slice's series, if anything was counted in it.
    public subscript(key: MetricKey) -> MetricsBook.Series? { positions[key].map { values[$0] } }

    /// `body` applied to the slice's series where it lies (not copied out, as the subscript copies it), or nil
    /// when nothing was counted in the slice. The sources table reads every source's series on every frame.
    public func withSeries<R>(_ key: MetricKey, _ body: (borrowing MetricsBook.Series) -> R) -> R? {
        guard let p = positions[key] else { return nil }
        return values.withUnsafeBufferPointer { body($0[p]) }
    }

    /// The slice at `position`, or nil past the end.
    public func key(at position: Int) -> MetricKey? { keys.indices.contains(position) ? keys[position] : nil }

    /// Where the slice's series is, or nil when nothing was counted in it.
    public func position(ofExisting key: MetricKey) -> Int? { positions[key] }

    /// `body` applied to the series at `position` where it lies (see `withSeries(_:_:)`).
    public func withSeries<R>(at position: Int, _ body: (borrowing MetricsBook.Series) -> R) -> R {
        precondition(values.indices.contains(position), "series position \(position) of \(values.count)")
        return values.withUnsafeBufferPointer { body($0[position]) }
    }

    /// How many slices there are.
    public var count: Int { keys.count }

    /// The slices' keys, in the order they were first seen.
    public var allKeys: [MetricKey] { keys }

    /// The table as a dictionary.
    public var dictionary: [MetricKey: MetricsBook.Series] {
        Dictionary(uniqueKeysWithValues: zip(keys, values))
    }

    /// The position of the slice's series, added empty when it is new.
    mutating func position(of key: MetricKey) -> Int {
        if let p = positions[key] { return p }
        positions[key] = keys.count
        keys.append(key)
        values.append(MetricsBook.Series())
        return keys.count - 1
    }

    /// Changes the series at `position` in place.
    mutating func modify(at position: Int, _ body: (inout MetricsBook.Series) -> Void) { body(&values[position]) }

    /// Changes every series in place.
    mutating func modifyAll(_ body: (inout MetricsBook.Series) -> Void) {
        for i in values.indices { body(&values[i]) }
    }

    public struct Iterator: IteratorProtocol {
        fileprivate let table: SeriesTable
        fileprivate var i = 0
        public mutating func next() -> (key: MetricKey, value: MetricsBook.Series)? {
            guard i < table.keys.count else { return nil }
            defer { i += 1 }
            return (table.keys[i], table.values[i])
        }
    }

    public func makeIterator() -> Iterator { Iterator(table: self) }

    public static func == (a: SeriesTable, b: SeriesTable) -> Bool {
        a.count == b.count && a.allSatisfy { b[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)  // order-free, like ==
    }
}
