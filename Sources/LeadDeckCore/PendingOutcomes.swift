/// The simulated market's outcomes waiting for their time, taken in the order they come due: by time, then in
/// the order they were scheduled (`PendingOutcome.<`).
///
/// Kept in buckets of 4,096 seconds of due time (about an hour), each sorted, rather than in one binary heap: the
/// engine keeps the simulator as it was before every batch (to go back to it if the batch is not written), so a
/// run's first change copies what it shares with that copy. A heap's one array meant every outcome and its strings
/// copied on every dashboard tick (1,300 of them, 128 KB, for the minute of market a tick plays); here a run copies
/// the list of buckets and the few buckets it takes from or adds to. Two values are equal when they hold the same
/// outcomes; the `Codable` form is the plain list, soonest first.
public struct PendingOutcomes: Sendable, Hashable, Codable {
    /// Each bucket's number (due time in seconds, shifted right by `shift`), ascending, and its outcomes at the
    /// same index, sorted latest first: the next one due is the last of the first bucket.
    private var keys: [Int64] = []
    private var buckets: [[PendingOutcome]] = []
    /// How many outcomes wait.
    public private(set) var count = 0

    private static let shift: Int64 = 12

    public init() {}

    /// The outcomes, in any order.
    public init(_ outcomes: [PendingOutcome]) {
        for o in outcomes.sorted(by: >) {
            let key = Self.key(o)
            if keys.last != key {
                keys.append(key)
                buckets.append([])
            }
            buckets[buckets.count - 1].append(o)
        }
        keys.reverse()
        buckets.reverse()
        count = outcomes.count
    }

    private static func key(_ o: borrowing PendingOutcome) -> Int64 { o.event.time.seconds >> shift }

    public var isEmpty: Bool { count == 0 }

    /// When the next outcome is due, nil when none waits.
    public var firstTime: Timestamp? {
        guard !buckets.isEmpty else { return nil }
        return buckets[0][buckets[0].count - 1].event.time
    }

    /// Takes the next outcome due. There must be one.
    public mutating func removeFirst() -> PendingOutcome {
        let next = buckets[0].removeLast()
        if buckets[0].isEmpty {
            keys.removeFirst()
            buckets.removeFirst()
        }
        count -= 1
        return next
    }

    /// Adds an outcome in its place.
    public mutating func insert(_ o: PendingOutcome) {
        let key = Self.key(o)
        count += 1
        var low = 0, high = keys.count
        // Most outcomes are due within days, so a binary search over a few hundred buckets.
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < key { low = mid + 1 } else { high = mid }
        }
        guard low < keys.count, keys[low] == key else {
            keys.insert(key, at: low)
            buckets.insert([o], at: low)
            return
        }
        // Latest first: past every outcome after `o`.
        var from = 0, to = buckets[low].count
        while from < to {
            let mid = (from + to) / 2
            if o < buckets[low][mid] { from = mid + 1 } else { to = mid }
        }
        buckets[low].insert(o, at: from)
    }

    /// Every outcome, soonest first.
    public var inOrder: [PendingOutcome] {
        var all: [PendingOutcome] = []
        all.reserveCapacity(count)
        for b in buckets { all.append(contentsOf: b.reversed()) }
        return all
    }

    public init(from decoder: any Decoder) throws {
        self.init(try [PendingOutcome](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try inOrder.encode(to: encoder)
    }
}
