/// One slice's counters per bucket (a local day, or a 5-minute slot), kept in ascending bucket order: the recent
/// history of a `MetricsBook.Series`.
///
/// Reads like a dictionary (`buckets[day]`, `for (day, counters) in buckets`), but the fold finds the bucket an
/// event lands in (nearly always the newest) without hashing, and dropping the buckets that fall out of what is
/// kept (every 5 minutes, in every series) moves nothing most of the time. Two values are equal when they hold
/// the same counters under the same buckets. Each bucket's counters are kept as `BucketCounters` (32-bit counts)
/// and read as `Counters`.
public struct Buckets: Sendable, Sequence {
    /// The newest bucket, held in the value itself: where nearly every event lands, so the fold changes it
    /// without reaching into the arrays (a series' head buckets lie together in the book's table). Every bucket
    /// in the arrays is older.
    private var headKey: Int64 = 0
    private var head = BucketCounters()
    private var hasHead = false
    /// The older buckets' numbers, ascending, and each one's counters at the same index, from `live` on: the
    /// entries before it were dropped, and are cleared away when the arrays are full or the dropped outnumber
    /// the rest.
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
    public var count: Int { numbers.count - live + (hasHead ? 1 : 0) }
    public var isEmpty: Bool { !hasHead }

    /// The buckets holding counters, oldest first.
    public var keys: [Int64] { hasHead ? Array(numbers[live...]) + [headKey] : [] }

    /// Where `key` is in the arrays (an index of both), or where it would go to keep the order; for a key older
    /// than the head.
    @inline(__always)
    private func index(of key: Int64) -> (at: Int, found: Bool) {
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

    /// Where a bucket is.
    private enum Place {
        case head, newHead, array(Int), newInArray(Int)
    }

    private func place(of key: Int64) -> Place {
        guard hasHead else { return .newHead }
        if key == headKey { return .head }
        if key > headKey { return .newHead }
        let i = index(of: key)
        return i.found ? .array(i.at) : .newInArray(i.at)
    }

    /// The bucket's counters; setting nil removes the bucket.
    public subscript(key: Int64) -> Counters? {
        get {
            switch place(of: key) {
            case .head: return head.counters
            case .array(let i): return counters[i].counters
            case .newHead, .newInArray: return nil
            }
        }
        set {
            guard let v = newValue.map(BucketCounters.init) else {
                remove(key)
                return
            }
            switch place(of: key) {
            case .head: head = v
            case .array(let i): counters[i] = v
            case .newHead: pushHead(key, v)
            case .newInArray(let i): counters[add(key, at: i)] = v
            }
        }
    }

    /// Removes the bucket (the newest in the arrays becomes the head when the head goes).
    private mutating func remove(_ key: Int64) {
        switch place(of: key) {
        case .head:
            if live < numbers.count {
                headKey = numbers.removeLast()
                head = counters.removeLast()
            } else {
                hasHead = false
                numbers.removeAll(keepingCapacity: true)
                counters.removeAll(keepingCapacity: true)
                live = 0
            }
        case .array(let i):
            numbers.remove(at: i)
            counters.remove(at: i)
        case .newHead, .newInArray: break
        }
    }

    /// `body` applied to the bucket's counters where they lie (the subscript widens them into `Counters`), or nil
    /// when the bucket holds none.
    public func read<R>(_ key: Int64, _ body: (borrowing BucketCounters) -> R) -> R? {
        switch place(of: key) {
        case .head: return body(head)
        case .array(let i): return counters.withUnsafeBufferPointer { body($0[i]) }
        case .newHead, .newInArray: return nil
        }
    }

    /// Applies one change of the fold to the bucket's counters in place, starting from zero when it has none.
    public mutating func apply(_ change: CounterChange, at key: Int64) {
        apply(BucketCounters.Delta(change), at: key)
    }

    /// `apply(_:at:)` with the change worked out once for all the buckets it goes to.
    @inline(__always)
    mutating func apply(_ delta: BucketCounters.Delta, at key: Int64) {
        if hasHead && key == headKey {
            head.apply(delta)
        } else {
            applyBeforeOrAfterHead(delta, at: key)
        }
    }

    @inline(never)
    private mutating func applyBeforeOrAfterHead(_ delta: BucketCounters.Delta, at key: Int64) {
        switch place(of: key) {
        case .head: head.apply(delta)
        case .array(let i): counters[i].apply(delta)
        case .newHead:
            pushHead(key, BucketCounters())
            head.apply(delta)
        case .newInArray(let i): counters[add(key, at: i)].apply(delta)
        }
    }

    /// Changes the bucket's counters, starting from zero when it has none.
    public mutating func modify(_ key: Int64, _ body: (inout Counters) -> Void) {
        var c = self[key] ?? Counters()
        body(&c)
        self[key] = c
    }

    /// Makes `key` the head with `value`, the head before it going to the end of the arrays.
    private mutating func pushHead(_ key: Int64, _ value: BucketCounters) {
        if hasHead { counters[add(headKey, at: numbers.count)] = head }
        headKey = key
        head = value
        hasHead = true
    }

    /// Puts empty counters for `key` in the arrays where `index(of:)` said it goes, and says where that is now.
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
        guard hasHead else { return }
        guard headKey >= key else {
            hasHead = false
            numbers.removeAll(keepingCapacity: true)
            counters.removeAll(keepingCapacity: true)
            live = 0
            return
        }
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
        guard other.hasHead else { return }
        guard hasHead else {
            let kept = room
            self = other
            room = kept
            return
        }
        if other.headKey < (live < numbers.count ? numbers[live] : headKey) {
            // All older (a checkpoint's days read in two halves): one move, not an insert per bucket.
            numbers = Array(other.numbers[other.live...]) + [other.headKey] + numbers[live...]
            counters = Array(other.counters[other.live...]) + [other.head] + counters[live...]
            live = 0
            return
        }
        for (k, v) in other where self[k] == nil { self[k] = v }
    }

    public struct Iterator: IteratorProtocol {
        fileprivate let buckets: Buckets
        fileprivate var i: Int
        public mutating func next() -> (key: Int64, value: Counters)? {
            guard let (k, v) = buckets.stored(at: i) else { return nil }
            i += 1
            return (k, v.counters)
        }
    }

    public func makeIterator() -> Iterator { Iterator(buckets: self, i: live) }

    /// The bucket at `i` counting from the arrays' `live` on, the head last; nil past the head.
    fileprivate func stored(at i: Int) -> (Int64, BucketCounters)? {
        if i < numbers.count { return (numbers[i], counters[i]) }
        return i == numbers.count && hasHead ? (headKey, head) : nil
    }
}

extension Buckets: Hashable {
    public static func == (a: Buckets, b: Buckets) -> Bool {
        guard a.count == b.count else { return false }
        var i = a.live, j = b.live
        while let x = a.stored(at: i), let y = b.stored(at: j) {
            guard x.0 == y.0 && x.1 == y.1 else { return false }
            i += 1
            j += 1
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        var i = live
        while let (k, v) = stored(at: i) {
            hasher.combine(k)
            hasher.combine(v)
            i += 1
        }
    }
}
