/// Which slice of the business a set of counters describes.
public enum Dimension: String, Sendable, Hashable, Codable, CaseIterable {
    case total, source, subid, vertical, mode
    /// A source in one purchase mode ("S01|exclusive"), for comparing what each mode earns.
    case sourcemode
    /// The exchange that sent pings, posts and dispositions over HTTP (its API key's name).
    case exchange
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

    /// The slice's name in JSON: "dimension:value" ("source:S01").
    public var name: String { "\(dimension.rawValue):\(value)" }

    /// The slice a JSON name ("source:S01") stands for, or nil when the dimension is unknown or the colon missing.
    public init?(name: String) {
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")),
              let d = Dimension(rawValue: String(name[..<colon])) else { return nil }
        self.init(d, String(name[name.index(after: colon)...]))
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
/// (the last 2 hours kept), for every slice, and each source's all-time breakdowns by return reason, state
/// and hour of day. Memory stays flat however long the history.
public struct MetricsBook: Sendable, Hashable, Codable {
    public static let slotSeconds: Int64 = 300
    public static let slotsKept: Int64 = 24
    public static let daysKept: Int64 = 35

    public var clock: LocalClock {
        didSet { (eventDay, checkedDay, checkedSlot) = (.none, .none, Slot(number: .min)) }
    }
    /// Every slice's counters: all time, per local day (35 kept) and per 5-minute slot (24 kept). One lookup
    /// per slice per event.
    public private(set) var series = SeriesTable()
    /// Where in `series` the slices of each source, sub-ID, vertical, mode and exchange are: an event finds its
    /// six slices with one lookup. Derived, never saved or compared.
    private var routes = Routes()
    /// The latest event time seen: the book's "now".
    public private(set) var latest = Timestamp(seconds: 0)
    /// How long after purchase each vertical's sales come (for marking maturing figures).
    public private(set) var saleLags = SaleLags()
    /// Each source's all time returns by reason, results by state and by local hour of day.
    public private(set) var breakdowns = SourceBreakdowns()
    /// Oldest day and slot still kept (older ones have been dropped from every series).
    private var firstDayKept: Int64 = .min
    private var firstSlotKept: Int64 = .min
    /// The local day of the last event folded, and the day and slot `advance` last dropped up to: remembered so
    /// the clock is asked once per stretch of a day, not for every event (memos, never saved or compared).
    private var eventDay = LocalDaySpan.none
    private var checkedDay = LocalDaySpan.none
    private var checkedSlot = Slot(number: .min)
    /// What a rebuild promised the fold will reach (`willReach`): until then, days and slots that will have fallen
    /// out of what is kept are neither filled nor dropped as time passes. A memo, never saved or compared.
    private var promise = Promise()
    /// False for a tally of all-time counters only (no days, slots, breakdowns or sale lags): a run's own report.
    public private(set) var keepsHistory = true

    /// One slice's counters over time.
    public struct Series: Sendable, Hashable {
        public var allTime = Counters()
        public var days = Buckets(room: Int(MetricsBook.daysKept) + 1)
        public var slots = Buckets(room: Int(MetricsBook.slotsKept) + 1)
        public init() {}
    }

    public init(clock: LocalClock) { self.clock = clock }

    /// A book that counts every slice's all-time figures and nothing else (no days, slots, breakdowns or sale
    /// lags): what a report over `.all` reads, for a fraction of the work. A simulated run's own report uses one.
    public static func allTimeTally(clock: LocalClock) -> MetricsBook {
        var book = MetricsBook(clock: clock)
        book.keepsHistory = false
        return book
    }

    /// Calls `body` with every slice an event of this source, sub-ID, vertical and sale type counts in.
    static func forEachKey(source: String, subID: String, vertical: Vertical, mode: PurchaseMode?, exchange: String?,
                           _ body: (MetricKey) -> Void) {
        if let exchange { body(MetricKey(.exchange, exchange)) }
        body(.total)
        body(MetricKey(.source, source))
        body(MetricKey(.subid, "\(source)/\(subID)"))
        body(MetricKey(.vertical, vertical.rawValue))
        if let mode {
            body(MetricKey(.mode, mode.rawValue))
            body(MetricKey(.sourcemode, "\(source)|\(mode.rawValue)"))
        }
    }

    /// Folds one event into the aggregates.
    public mutating func apply(_ event: Event) {
        switch event {
        case .offer(let e):
            apply(offer: e)
        case .outcome(let e):
            if e.time > latest { advance(to: e.time) }
            let l = e.lead
            if e.kind == .converted && keepsHistory { saleLags.record(l.vertical, lagSeconds: e.time.seconds - l.boughtAt.seconds) }
            update(at: l.boughtAt, source: l.sourceID, subID: l.subID, vertical: l.vertical, mode: l.mode, exchange: e.exchange,
                   CounterChange(e))
            if keepsHistory { breakdowns.count(outcome: e, hour: clock.hourOfDay(l.boughtAt)) }
        case .ping(let e):
            let p = e.ping
            if p.receivedAt > latest { advance(to: p.receivedAt) }
            update(at: p.receivedAt, source: p.sourceID, subID: p.subID, vertical: p.vertical, mode: p.saleType, exchange: p.exchange,
                   .ping(bid: e.decision.price != nil))
        case .policy, .note, .alert:
            break
        }
    }

    /// Folds one decided offer into the aggregates: `apply(.offer(e))`.
    public mutating func apply(offer e: OfferEvent) {
        if e.offer.receivedAt > latest { advance(to: e.offer.receivedAt) }
        // Offers count under their sale type, bought or not, so a mode's row says how many were offered in it.
        let mode: PurchaseMode? = e.offer.saleType
        let forBid = e.offer.pingID != nil
        update(at: e.offer.receivedAt, source: e.offer.sourceID, subID: e.offer.subID, vertical: e.offer.vertical, mode: mode,
               exchange: e.offer.exchange, .offer(e.decision, price: e.offer.price, forBid: forBid))
        if keepsHistory { breakdowns.count(offer: e.offer, decision: e.decision, hour: localDay(e.offer.receivedAt).hourOfDay(e.offer.receivedAt)) }
    }

    /// Where in `series` the slices of this source, sub-ID, vertical, mode and exchange are (added when new).
    private mutating func positions(source: String, subID: String, vertical: Vertical, mode: PurchaseMode?,
                                    exchange: String?) -> [Int] {
        let route = Routes.Key(source: source, subID: subID, vertical: vertical, mode: mode, exchange: exchange)
        if let known = routes.recent.positions(of: route) { return known }
        if let known = routes.positions[route] {
            routes.recent.remember(route, known)
            return known
        }
        var found: [Int] = []
        Self.forEachKey(source: source, subID: subID, vertical: vertical, mode: mode, exchange: exchange) {
            found.append(series.position(of: $0))
        }
        routes.positions[route] = found
        routes.recent.remember(route, found)
        return found
    }

    /// Promises that the fold will reach `t` (events at or after it will be folded) before anyone reads the book:
    /// a rebuild from the log, which reads its last records' times first. Until the book reaches `t`, the days
    /// and 5-minute slots that will have fallen out of what is kept by then are not filled, and nothing is dropped
    /// as time passes: 8,640 passes over every series for a month's log, for slots all dropped in the end. The
    /// book comes out as without the promise when it is kept; `keepPromiseOrForget` settles it either way.
    public mutating func willReach(_ t: Timestamp) {
        guard keepsHistory, t > latest else { return }
        // Two days of margin: a policy change may move the local clock, and so its day numbers, by up to 26 hours.
        promise = Promise(until: t, firstSlot: floorDiv(t.seconds, Self.slotSeconds) - Self.slotsKept + 1,
                          firstDay: clock.day(t) - Self.daysKept - 1)
    }

    /// Ends a promise `willReach` made, kept or not: what fell out of what is kept is dropped now.
    public mutating func keepPromiseOrForget() {
        guard promise.active else { return }
        guard latest.seconds > 0 else {
            promise = Promise()  // nothing folded: nothing to drop
            return
        }
        promise.until = latest
        (checkedDay, checkedSlot) = (.none, Slot(number: .min))
        advance(to: latest)
    }

    /// See `willReach`.
    struct Promise: Sendable, Hashable {
        var until = Timestamp(seconds: .max)
        var firstSlot: Int64 = .min
        var firstDay: Int64 = .min
        var active: Bool { firstSlot != .min }
        static func == (a: Self, b: Self) -> Bool { true }
        func hash(into hasher: inout Hasher) {}
    }

    private mutating func update(at t: Timestamp, source: String, subID: String, vertical: Vertical, mode: PurchaseMode?,
                                 exchange: String?, _ change: CounterChange) {
        guard keepsHistory else {
            for p in positions(source: source, subID: subID, vertical: vertical, mode: mode, exchange: exchange) {
                series.modify(at: p) { $0.allTime.apply(change) }
            }
            return
        }
        let day = localDay(t).day
        let slot = floorDiv(t.seconds, Self.slotSeconds)
        let keepDay = day >= firstDayKept && day >= promise.firstDay
        let keepSlot = slot >= firstSlotKept && slot >= promise.firstSlot
        let delta = BucketCounters.Delta(change)
        func touch(_ s: inout Series) {
            s.allTime.apply(change)
            if keepDay { s.days.apply(delta, at: day) }
            if keepSlot { s.slots.apply(delta, at: slot) }
        }
        for p in positions(source: source, subID: subID, vertical: vertical, mode: mode, exchange: exchange) {
            series.modify(at: p, touch)
        }
    }

    /// Moves "now" forward, dropping the days and slots that fall out of what is kept.
    private mutating func advance(to t: Timestamp) {
        latest = t
        guard keepsHistory else { return }
        let slot = floorDiv(t.seconds, Self.slotSeconds)
        // On the day and in the slot checked last, nothing more falls out of what is kept.
        if slot == checkedSlot.number && checkedDay.holds(t) { return }
        checkedDay = clock.daySpan(at: t)
        checkedSlot = Slot(number: slot)
        var promiseKept = false
        if promise.active {
            // Nothing older than the promise's days and slots was filled; what is older than what is kept now
            // (its day of margin, a checkpoint's buckets) is dropped once the book reaches the promised time.
            guard t >= promise.until else { return }
            promise = Promise()
            promiseKept = true
        }
        let firstDay = checkedDay.day - Self.daysKept + 1
        let firstSlot = slot - Self.slotsKept + 1
        guard promiseKept || firstDay > firstDayKept || firstSlot > firstSlotKept else { return }
        let dropDays = promiseKept || (firstDay > firstDayKept && firstDayKept != .min)
        let dropSlots = promiseKept || (firstSlot > firstSlotKept && firstSlotKept != .min)
        if dropDays || dropSlots {
            series.modifyAll { $0.prune(daysBefore: dropDays ? firstDay : nil, slotsBefore: dropSlots ? firstSlot : nil) }
        }
        firstDayKept = max(firstDayKept, firstDay)
        firstSlotKept = max(firstSlotKept, firstSlot)
    }

    /// The local day of `t` (with its offset), from the span remembered when it holds `t`.
    @inline(__always)
    private mutating func localDay(_ t: Timestamp) -> LocalDaySpan {
        if !eventDay.holds(t) { eventDay = clock.daySpan(at: t) }
        return eventDay
    }

    /// A slot number remembered by `advance` (equal whatever it holds: a memo).
    struct Slot: Sendable, Hashable {
        var number: Int64
        static func == (a: Self, b: Self) -> Bool { true }
        func hash(into hasher: inout Hasher) {}
    }

    /// The counters of every slice of one dimension over a window ending at `latest`.
    public func table(_ dimension: Dimension, window: Window) -> [MetricKey: Counters] {
        var out: [MetricKey: Counters] = [:]
        let span = span(window)
        for (k, s) in series where k.dimension == dimension {
            if let c = counters(s, over: span) { out[k] = c }
        }
        return out
    }

    /// Where a window lies at the book's "now", worked out once for many `counters(_:over:)` lookups.
    public struct WindowSpan: Sendable, Hashable {
        public var window: Window
        /// The local day `.today` reads and the last 5-minute slot `.hour` ends with.
        var today: Int64
        var lastSlot: Int64
    }

    /// The span of `window` ending at `latest`.
    public func span(_ window: Window) -> WindowSpan {
        WindowSpan(window: window, today: clock.day(latest), lastSlot: floorDiv(latest.seconds, Self.slotSeconds))
    }

    /// One slice's counters over a window, as `table(_:window:)` has them; nil when the slice has none in it.
    public func counters(_ key: MetricKey, window: Window) -> Counters? {
        series[key].flatMap { counters($0, over: span(window)) }
    }

    /// One slice's counters over `span`, and its leads bought over `other` (today, say), from one lookup: the
    /// sources table does this for every source on every frame.
    public func counters(_ key: MetricKey, over span: WindowSpan, boughtOver other: WindowSpan) -> (counters: Counters?, bought: Int64) {
        series.withSeries(key) { s in (counters(s, over: span), counters(s, over: other)?.bought ?? 0) } ?? (nil, 0)
    }

    /// `counters(_:over:boughtOver:)` of the slice at `position` in `series` (`Desk.seriesPosition(ofSource:)`).
    public func counters(at position: Int, over span: WindowSpan, boughtOver other: WindowSpan) -> (counters: Counters?, bought: Int64) {
        series.withSeries(at: position) { s in (counters(s, over: span), counters(s, over: other)?.bought ?? 0) }
    }

    /// One series' counters over a span (the series looked up once can serve several windows).
    public func counters(_ s: borrowing Series, over span: WindowSpan) -> Counters? {
        switch span.window {
        case .all: return s.allTime
        case .today: return s.days[span.today]
        case .hour:
            var c = Counters(), any = false
            for slot in (span.lastSlot - 11)...span.lastSlot { if let x = s.slots[slot] { c.add(x); any = true } }
            return any ? c : nil
        }
    }

    /// Totals over a window.
    public func total(window: Window) -> Counters { table(.total, window: window)[.total] ?? Counters() }

    /// Per local day totals for one slice, oldest first, for the days kept.
    public func daily(_ key: MetricKey = .total) -> [(day: Int64, counters: Counters)] {
        let days = series[.total]?.days.keys.sorted() ?? []
        return days.map { ($0, series[key]?.days[$0] ?? Counters()) }
    }

    /// Leads offered per 5-minute slot for one slice over the last two hours, oldest first.
    public func recentVolume(_ key: MetricKey) -> [Int64] {
        let now = floorDiv(latest.seconds, Self.slotSeconds)
        let slots = (now - Self.slotsKept + 1)...now
        // Read in place: the sparkline of every source drawn, on every frame.
        return series.withSeries(key) { s in slots.map { s.slots.read($0) { $0.offered } ?? 0 } }
            ?? Array(repeating: 0, count: slots.count)
    }
}

extension MetricsBook.Series {
    /// Drops the days and slots before the given ones, in place: this runs for every series each time a
    /// 5-minute slot passes.
    mutating func prune(daysBefore day: Int64?, slotsBefore slot: Int64?) {
        if let day { days.removeAll(before: day) }
        if let slot { slots.removeAll(before: slot) }
    }
}

extension MetricsBook {
    /// The slices each source, sub-ID, vertical, mode and exchange count in, by position in `series`.
    struct Routes: Sendable, Hashable {
        struct Key: Sendable, Hashable {
            var source: String
            var subID: String
            var vertical: Vertical
            var mode: PurchaseMode?
            var exchange: String?
        }
        var positions: [Key: [Int]] = [:]
        /// The routes met lately, found by their strings' bits before `positions` hashes them.
        var recent = RecentRoutes()
        // Derived from `series`: two books are equal whatever their caches hold.
        static func == (a: Routes, b: Routes) -> Bool { true }
        func hash(into hasher: inout Hasher) {}
    }
}

extension MetricsBook {
    enum CodingKeys: String, CodingKey { case clock, allTime, days, slots, latest, saleLags, breakdowns }

    /// Slices are keyed "dimension:value" in JSON, so a bucket is a plain object of counter lists.
    static func decodeMap(_ m: [String: Counters]) throws -> [MetricKey: Counters] {
        var out: [MetricKey: Counters] = [:]
        out.reserveCapacity(m.count)
        for (k, v) in m {
            guard let key = MetricKey(name: k) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad metrics key '\(k)'"))
            }
            out[key] = v
        }
        return out
    }

    /// A book as saved, from its parts (what `init(from:)` reads; a checkpoint codec that reads the file by hand
    /// builds it with this). `breakdowns` nil: a checkpoint from before breakdowns were kept.
    public init(clock: LocalClock, latest: Timestamp, series: [MetricKey: Series], saleLags: SaleLags?,
                breakdowns: SourceBreakdowns?) {
        self.init(clock: clock, latest: latest, series: SeriesTable(series), saleLags: saleLags, breakdowns: breakdowns)
    }

    /// A book as saved, its series already in a table.
    public init(clock: LocalClock, latest: Timestamp, series: SeriesTable, saleLags: SaleLags?, breakdowns: SourceBreakdowns?) {
        self.clock = clock
        self.latest = latest
        self.series = series
        self.saleLags = saleLags ?? SaleLags()
        // A checkpoint from before breakdowns were kept: they count from its time on, and say so.
        self.breakdowns = breakdowns ?? SourceBreakdowns(countedSince: latest.seconds > 0 ? latest : nil)
        if latest.seconds > 0 {
            firstDayKept = clock.day(latest) - Self.daysKept + 1
            firstSlotKept = floorDiv(latest.seconds, Self.slotSeconds) - Self.slotsKept + 1
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let clock = try c.decode(LocalClock.self, forKey: .clock)
        let latest = try c.decode(Timestamp.self, forKey: .latest)
        var series: [MetricKey: Series] = [:]
        for (k, v) in try Self.decodeMap(try c.decode([String: Counters].self, forKey: .allTime)) { series[k, default: Series()].allTime = v }
        for (day, m) in try c.decode([String: [String: Counters]].self, forKey: .days) {
            guard let i = Int64(day) else { throw DecodingError.dataCorruptedError(forKey: .days, in: c, debugDescription: "bad day '\(day)'") }
            for (k, v) in try Self.decodeMap(m) { series[k, default: Series()].days[i] = v }
        }
        for (slot, m) in try c.decode([String: [String: Counters]].self, forKey: .slots) {
            guard let i = Int64(slot) else { throw DecodingError.dataCorruptedError(forKey: .slots, in: c, debugDescription: "bad slot '\(slot)'") }
            for (k, v) in try Self.decodeMap(m) { series[k, default: Series()].slots[i] = v }
        }
        self.init(clock: clock, latest: latest, series: series,
                  saleLags: try c.decodeIfPresent(SaleLags.self, forKey: .saleLags),
                  breakdowns: try c.decodeIfPresent(SourceBreakdowns.self, forKey: .breakdowns))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(clock, forKey: .clock)
        try c.encode(latest, forKey: .latest)
        var all: [String: Counters] = [:]
        var days: [String: [String: Counters]] = [:]
        var slots: [String: [String: Counters]] = [:]
        for (k, s) in series {
            let name = k.name
            all[name] = s.allTime
            for (d, v) in s.days { days["\(d)", default: [:]][name] = v }
            for (i, v) in s.slots { slots["\(i)", default: [:]][name] = v }
        }
        try c.encode(all, forKey: .allTime)
        try c.encode(days, forKey: .days)
        try c.encode(slots, forKey: .slots)
        try c.encode(saleLags, forKey: .saleLags)
        try c.encode(breakdowns, forKey: .breakdowns)
    }
}
