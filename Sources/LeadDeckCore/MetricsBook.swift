/// Which slice of the business a set of counters describes.
public enum Dimension: String, Sendable, Hashable, Codable, CaseIterable {
    case total, source, subid, vertical, mode
    /// A source in one purchase mode ("S01|exclusive"), for comparing what each mode earns.
    case sourcemode
}

/// A slice: a dimension and the value in it ("source" "S01", "subid" "S01/a", "mode" "shared").
public struct MetricKey: Sendable, Hashable, Codable, Comparable {
    public var dimension: Dimension
    public var value: String
    public init(_ dimension: Dimension, _ value: String) {
        self.dimension = dimension
        self.value = value
    }
    public static let total = MetricKey(.total, "all")
    public static func < (a: MetricKey, b: MetricKey) -> Bool {
        (a.dimension.rawValue, a.value) < (b.dimension.rawValue, b.value)
    }
}

/// The time span a report covers, relative to a given "now".
public enum Window: String, Sendable, Hashable, Codable, CaseIterable {
    /// Leads bought in the last 60 minutes (in 5-minute steps).
    case hour
    /// Leads bought since local midnight.
    case today
    /// Everything.
    case all
}

/// Running aggregates of every event: all-time totals, per local day (35 days kept) and per 5-minute slot
/// (the last 2 hours kept), for every slice. Memory stays flat however long the history.
public struct MetricsBook: Sendable, Hashable, Codable {
    public static let slotSeconds: Int64 = 300
    public static let slotsKept: Int64 = 24
    public static let daysKept: Int64 = 35

    public var clock: LocalClock
    public private(set) var allTime: [MetricKey: Counters] = [:]
    public private(set) var days: [Int64: [MetricKey: Counters]] = [:]
    public private(set) var slots: [Int64: [MetricKey: Counters]] = [:]
    /// The latest event time seen: the book's "now".
    public private(set) var latest = Timestamp(seconds: 0)

    public init(clock: LocalClock) { self.clock = clock }

    static func keys(source: String, subID: String, vertical: Vertical, mode: PurchaseMode?) -> [MetricKey] {
        var k = [MetricKey.total, MetricKey(.source, source), MetricKey(.subid, "\(source)/\(subID)"),
                 MetricKey(.vertical, vertical.rawValue)]
        if let mode {
            k.append(MetricKey(.mode, mode.rawValue))
            k.append(MetricKey(.sourcemode, "\(source)|\(mode.rawValue)"))
        }
        return k
    }

    /// Folds one event into the aggregates.
    public mutating func apply(_ event: Event) {
        switch event {
        case .offer, .outcome:
            if event.time > latest { latest = event.time }
        case .policy, .note:
            break
        }
        switch event {
        case .offer(let e):
            let mode: PurchaseMode? = { if case .bought(let m) = e.decision { return m } else { return nil } }()
            let o = e.offer
            update(at: o.receivedAt, keys: Self.keys(source: o.sourceID, subID: o.subID, vertical: o.vertical, mode: mode)) {
                $0.count(e.decision, price: o.price)
            }
            pruneIfNeeded()
        case .outcome(let e):
            let l = e.lead
            update(at: l.boughtAt, keys: Self.keys(source: l.sourceID, subID: l.subID, vertical: l.vertical, mode: l.mode)) {
                $0.count(e)
            }
        case .policy, .note:
            break
        }
    }

    private mutating func update(at t: Timestamp, keys: [MetricKey], _ f: (inout Counters) -> Void) {
        let day = clock.day(t)
        let slot = floorDiv(t.seconds, Self.slotSeconds)
        let latestSlot = floorDiv(latest.seconds, Self.slotSeconds)
        let keepDay = day > clock.day(latest) - Self.daysKept
        let keepSlot = slot > latestSlot - Self.slotsKept
        for k in keys {
            f(&allTime[k, default: Counters()])
            if keepDay { f(&days[day, default: [:]][k, default: Counters()]) }
            if keepSlot { f(&slots[slot, default: [:]][k, default: Counters()]) }
        }
    }

    private mutating func pruneIfNeeded() {
        let minSlot = floorDiv(latest.seconds, Self.slotSeconds) - Self.slotsKept
        if slots.count > Int(Self.slotsKept) + 1 { slots = slots.filter { $0.key > minSlot } }
        let minDay = clock.day(latest) - Self.daysKept
        if days.count > Int(Self.daysKept) + 1 { days = days.filter { $0.key > minDay } }
    }

    /// The counters of every slice of one dimension over a window ending at `latest`.
    public func table(_ dimension: Dimension, window: Window) -> [MetricKey: Counters] {
        var out: [MetricKey: Counters] = [:]
        func merge(_ m: [MetricKey: Counters]) {
            for (k, c) in m where k.dimension == dimension { out[k, default: Counters()].add(c) }
        }
        switch window {
        case .all: merge(allTime)
        case .today: if let d = days[clock.day(latest)] { merge(d) }
        case .hour:
            let now = floorDiv(latest.seconds, Self.slotSeconds)
            for s in (now - 11)...now { if let m = slots[s] { merge(m) } }
        }
        return out
    }

    /// Totals over a window.
    public func total(window: Window) -> Counters { table(.total, window: window)[.total] ?? Counters() }

    /// Per local day totals for one slice, oldest first, for the days kept.
    public func daily(_ key: MetricKey = .total) -> [(day: Int64, counters: Counters)] {
        days.keys.sorted().map { ($0, days[$0]?[key] ?? Counters()) }
    }

    /// Leads offered per 5-minute slot for one slice over the last two hours, oldest first.
    public func recentVolume(_ key: MetricKey) -> [Int64] {
        let now = floorDiv(latest.seconds, Self.slotSeconds)
        return ((now - Self.slotsKept + 1)...now).map { slots[$0]?[key]?.offered ?? 0 }
    }
}

extension MetricsBook {
    enum CodingKeys: String, CodingKey { case clock, allTime, days, slots, latest }

    /// Slices are keyed "dimension:value" in JSON, so a bucket is a plain object of counter lists.
    static func encodeMap(_ m: [MetricKey: Counters]) -> [String: Counters] {
        Dictionary(uniqueKeysWithValues: m.map { ("\($0.key.dimension.rawValue):\($0.key.value)", $0.value) })
    }

    static func decodeMap(_ m: [String: Counters]) throws -> [MetricKey: Counters] {
        var out: [MetricKey: Counters] = [:]
        out.reserveCapacity(m.count)
        for (k, v) in m {
            guard let colon = k.firstIndex(of: ":"), let d = Dimension(rawValue: String(k[..<colon])) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad metrics key '\(k)'"))
            }
            out[MetricKey(d, String(k[k.index(after: colon)...]))] = v
        }
        return out
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clock = try c.decode(LocalClock.self, forKey: .clock)
        latest = try c.decode(Timestamp.self, forKey: .latest)
        allTime = try Self.decodeMap(try c.decode([String: Counters].self, forKey: .allTime))
        var days: [Int64: [MetricKey: Counters]] = [:]
        for (k, v) in try c.decode([String: [String: Counters]].self, forKey: .days) {
            guard let i = Int64(k) else { throw DecodingError.dataCorruptedError(forKey: .days, in: c, debugDescription: "bad day '\(k)'") }
            days[i] = try Self.decodeMap(v)
        }
        self.days = days
        var slots: [Int64: [MetricKey: Counters]] = [:]
        for (k, v) in try c.decode([String: [String: Counters]].self, forKey: .slots) {
            guard let i = Int64(k) else { throw DecodingError.dataCorruptedError(forKey: .slots, in: c, debugDescription: "bad slot '\(k)'") }
            slots[i] = try Self.decodeMap(v)
        }
        self.slots = slots
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(clock, forKey: .clock)
        try c.encode(latest, forKey: .latest)
        try c.encode(Self.encodeMap(allTime), forKey: .allTime)
        try c.encode(Dictionary(uniqueKeysWithValues: days.map { ("\($0.key)", Self.encodeMap($0.value)) }), forKey: .days)
        try c.encode(Dictionary(uniqueKeysWithValues: slots.map { ("\($0.key)", Self.encodeMap($0.value)) }), forKey: .slots)
    }
}
