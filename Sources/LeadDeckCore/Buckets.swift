/// One slice's counters per bucket (a local day, or a 5-minute slot), kept in ascending bucket order: the recent
/// history of a `MetricsBook.Series`.
///
/// Reads like a dictionary (`buckets[day]`, `for (day, counters) in buckets`), but the fold finds the bucket an
/// event lands in (nearly always the newest) without hashing, and dropping the buckets that fall out of what is
/// kept (every 5 minutes, in every series) moves nothing most of the time. Two values are equal when they hold
/// the same counters under the same buckets. Each bucket's counters are kept as `BucketCounters` (32-bit counts)
/// and read as `Counters`.
public struct Buckets: Sendable, Sequence {
    /// Bucket numbers, ascending, and each one's counters at the same index, from `live` on: the entries before
    /// it were dropped, and are cleared away when the arrays are full or the dropped outnumber the rest.
    private var numbers: [Int64] = []
    private var counters: [BucketCounters] = []
    private var live = 0

    /// How many buckets the arrays grow to hold before they stop doubling (the buckets a book keeps, plus one):
    /// doubling past it would leave up to half the room unused, 64 days' counters for the 35 kept in every series.
    /// Dropped buckets are cleared away when the arrays are full, so what is kept fits.
    private var room = Int.max

    public init() {}

    /// Buckets that grow to hold `room` at most before doubling again.
    public init(room: Int) { self.room = Swift.max(1, room) }

    /// Room in the arrays, held or not (for tests of the growth).
    var storageCapacity: Int { Swift.min(numbers.capacity, counters.capacity) }

    /// How many buckets hold counters.
    public var count: Int { numbers.count - live }
    public var isEmpty: Bool { numbers.count == live }

    /// The buckets holding counters, oldest first.
    public var keys: [Int64] { Array(numbers[live...]) }

    /// Where `key` is (an index of both arrays), or where it would go to keep the order.
    @inline(__always)
    private func index(of key: Int64) -> (at: Int, found: Bool) {
        // The newest bucket first: where nearly every event lands.
        guard let last = numbers.last, live < numbers.count else { return (numbers.count, false) }
        if key == last { return (numbers.count - 1, true) }
        if key > last { return (numbers.count, false) }
        var low = live, high = numbers.count - 1
        while low < high {
            let mid = (low + high) / 2
            if numbers[mid] < key { low = mid + 1 } else { high = mid }
        }
        return (low, numbers[low] == key)
    }

    /// The bucket's counters; setting nil removes the bucket.
    public subscript(key: Int64) -> Counters? {
        get {
            let i = index(of: key)
            return i.found ? counters[i.at].counters : nil
        }
        set {
            let i = index(of: key)
            switch (i.found, newValue.map(BucketCounters.init)) {
            case (true, let v?): counters[i.at] = v
            case (true, nil):
                numbers.remove(at: i.at)
                counters.remove(at: i.at)
            case (false, let v?): counters[add(key, at: i.at)] = v
            case (false, nil): break
            }
        }
    }

    /// `body` applied to the bucket's counters where they lie (the subscript widens them into `Counters`), or nil
    /// when the bucket holds none.
    public func read<R>(_ key: Int64, _ body: (borrowing BucketCounters) -> R) -> R? {
        let i = index(of: key)
        guard i.found else { return nil }
        return counters.withUnsafeBufferPointer { body($0[i.at]) }
    }

    /// Applies one change of the fold to the bucket's counters in place, starting from zero when it has none.
    public mutating func apply(_ change: CounterChange, at key: Int64) {
        apply(BucketCounters.Delta(change), at: key)
    }

    /// `apply(_:at:)` with the change worked out once for all the buckets it goes to.
    @inline(__always)
    mutating func apply(_ delta: BucketCounters.Delta, at key: Int64) {
        let i = index(of: key)
        counters[i.found ? i.at : add(key, at: i.at)].apply(delta)
    }

    /// Changes the bucket's counters, starting from zero when it has none.
    public mutating func modify(_ key: Int64, _ body: (inout Counters) -> Void) {
        let i = index(of: key)
        let at = i.found ? i.at : add(key, at: i.at)
        var c = counters[at].counters
        body(&c)
        counters[at] = BucketCounters(c)
    }

    /// Puts empty counters for `key` where `index(of:)` said it goes, and says where that is now.
    @inline(never)
    private mutating func add(_ key: Int64, at: Int) -> Int {
        guard at == numbers.count else {
            growWithinRoom()
            numbers.insert(key, at: at)
            counters.insert(BucketCounters(), at: at)
            return at
        }
        if live > 0 && (numbers.count == numbers.capacity || counters.count == counters.capacity) {
            // Full: the dropped buckets make room rather than the arrays growing.
            compact()
        } else {
            growWithinRoom()
        }
        numbers.append(key)
        counters.append(BucketCounters())
        return numbers.count - 1
    }

    /// Before one more bucket goes in: when the arrays are full, they grow by doubling up to `room` rather than past
    /// it (an insert or append that finds them full would double them).
    private mutating func growWithinRoom() {
        guard counters.count == counters.capacity || numbers.count == numbers.capacity, counters.count < room else { return }
        let grown = Swift.min(Swift.max(4, counters.count * 2), room)
        numbers.reserveCapacity(grown)
        counters.reserveCapacity(grown)
    }

    /// Drops every bucket before `key`. Their space is reused when the arrays are next full, or when the
    /// dropped outnumber those left.
    public mutating func removeAll(before key: Int64) {
        guard live < numbers.count, numbers[live] < key else { return }
        live = index(of: key).at
        if live == numbers.count {
            numbers.removeAll(keepingCapacity: true)
            counters.removeAll(keepingCapacity: true)
            live = 0
        } else if live >= numbers.count - live {
            compact()
        }
    }

    /// Moves the buckets left down over the dropped ones.
    private mutating func compact() {
        numbers.removeFirst(live)
        counters.removeFirst(live)
        live = 0
    }

    /// Adds the buckets of `other` this one does not hold (where both hold one, this one's counters stay).
    public mutating func merge(_ other: Buckets) {
        if !other.isEmpty, let last = other.numbers.last, isEmpty || last < numbers[live] {
            // All older (a checkpoint's days read in two halves): one move, not an insert per bucket.
            numbers = Array(other.numbers[other.live...]) + numbers[live...]
            counters = Array(other.counters[other.live...]) + counters[live...]
            live = 0
            return
        }
        for (k, v) in other where self[k] == nil { self[k] = v }
    }

    public struct Iterator: IteratorProtocol {
        fileprivate let buckets: Buckets
        fileprivate var i: Int
        public mutating func next() -> (key: Int64, value: Counters)? {
            guard i < buckets.numbers.count else { return nil }
            defer { i += 1 }
            return (buckets.numbers[i], buckets.counters[i].counters)
        }
    }

    public func makeIterator() -> Iterator { Iterator(buckets: self, i: live) }
}

extension Buckets: Hashable {
    public static func == (a: Buckets, b: Buckets) -> Bool {
        a.numbers[a.live...] == b.numbers[b.live...] && a.counters[a.live...] == b.counters[b.live...]
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(numbers[live...])
        hasher.combine(counters[live...])
    }
}
