import Foundation
import Synchronization
import LeadDeckCore

/// Reads and writes `checkpoint.json` with its large parts by hand: the metrics' counters (every slice's all-time,
/// per-day and per-slot figures, which grow with history up to the 35 days kept), the per-source breakdowns and
/// sale lags (`BreakdownsCodec`), and the simulated market's pending outcomes. `JSONDecoder`/`JSONEncoder` spent
/// most of a writer's or a report's start-up on them. The recent alerts are read by hand too (`AlertsCodec`) and
/// written by `JSONEncoder`. The small parts (ledger, position, changes, the metrics' clock, the market's arrival
/// times and random state) still go through `JSONDecoder`/`JSONEncoder`, one part at a time.
///
/// The file is the same JSON, byte for byte, as `JSONEncoder` with sorted keys writes it (slashes escaped), so
/// older versions read it and `JSONDecoder` stays the reference. `decode` is strict about the layout it expects
/// (no whitespace, known keys, each once); anything else gives nil and the caller falls back to `JSONDecoder`,
/// which also words the error when the file is damaged.
enum CheckpointCodec {
    // MARK: Writing

    static func encode(_ doc: CheckpointDocument) -> [UInt8] {
        var all: [UInt8] = []
        encode(doc) { piece in
            all.append(contentsOf: piece)
            return true
        }
        return all
    }

    /// The same bytes as `encode(_:)`, handed to `emit` in pieces of about `pieceSize` as they are made, so the
    /// file is saved without being held whole in memory (a dashboard's first checkpoint was its peak).
    static func encode(_ doc: CheckpointDocument, pieceSize: Int = 64 << 10, emit: (UnsafeRawBufferPointer) -> Bool) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func piece<T: Encodable>(_ v: T, _ out: inout [UInt8]) { out += try! encoder.encode(v) }
        var out: [UInt8] = []
        out.reserveCapacity(pieceSize + 4096)
        /// Hands what is made so far to `emit` once it is a piece's worth.
        func spill(_ out: inout [UInt8]) {
            guard out.count >= pieceSize else { return }
            _ = out.withUnsafeBytes(emit)
            out.removeAll(keepingCapacity: true)
        }
        out += Array(#"{"ledger":"#.utf8)
        piece(doc.ledger, &out)
        out += Array(#","metrics":"#.utf8)
        metrics(doc.metrics, &out, piece: { piece($0, &$1) }, spill: spill)
        out += Array(#","position":"#.utf8)
        piece(doc.position, &out)
        if let alerts = doc.recentAlerts {
            out += Array(#","recentAlerts":"#.utf8)
            piece(alerts, &out)
        }
        if let changes = doc.recentChanges {
            out += Array(#","recentChanges":"#.utf8)
            piece(changes, &out)
        }
        out += Array(#","schemaVersion":"#.utf8)
        JSONBytes.int(Int64(doc.schemaVersion), &out)
        if let simulator = doc.simulator {
            out += Array(#","simulator":"#.utf8)
            self.simulator(simulator, &out, piece: { piece($0, &$1) }, spill: spill)
        }
        out += [125, 10]
        _ = out.withUnsafeBytes(emit)
    }

    /// The metrics object as `MetricsBook.encode` lays it out: slices named "dimension:value", grouped by day and
    /// by slot, every key in byte order.
    private static func metrics(_ book: MetricsBook, _ out: inout [UInt8],
                                piece: (any Encodable, inout [UInt8]) -> Void, spill: (inout [UInt8]) -> Void) {
        // Each slice's name is escaped once, as `"name":`, and the slices put in the order of their names' bytes.
        let named = book.series.map { key, series -> (raw: [UInt8], name: [UInt8], series: MetricsBook.Series) in
            var name: [UInt8] = []
            JSONBytes.string(key.name, &name, escapingSlashes: true)
            name.append(58)
            return (Array(key.name.utf8), name, series)
        }.sorted { $0.raw.lexicographicallyPrecedes($1.raw) }
        // `[n,n,...]` written on the stack and appended at once: most of the file is counters.
        let room = Counters.fieldOrder.count * 21 + 2
        func counters(_ c: Counters) {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: room) { buf in
                buf[0] = 91
                var i = 1
                c.forEachField { v in
                    if i > 1 {
                        buf[i] = 44
                        i += 1
                    }
                    i = JSONBytes.int(v, into: buf, at: i)
                }
                buf[i] = 93
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[...i]))
            }
        }
        /// `{"<bucket>":{"<slice>":[...],...},...}` for the days or the slots.
        func buckets(_ keys: (MetricsBook.Series) -> [Int64],
                     _ value: (MetricsBook.Series, Int64) -> Counters?) {
            var all = Set<Int64>()
            for s in named { all.formUnion(keys(s.series)) }
            let ordered = all.map { (text: Array(String($0).utf8), key: $0) }.sorted { $0.text.lexicographicallyPrecedes($1.text) }
            out.append(123)
            for (n, bucket) in ordered.enumerated() {
                if n > 0 { out.append(44) }
                out.append(34)
                out += bucket.text
                out += [34, 58, 123]
                var first = true
                for s in named {
                    guard let c = value(s.series, bucket.key) else { continue }
                    if !first { out.append(44) }
                    first = false
                    out += s.name
                    counters(c)
                    spill(&out)
                }
                out.append(125)
            }
            out.append(125)
        }
        out += Array(#"{"allTime":{"#.utf8)
        for (n, s) in named.enumerated() {
            if n > 0 { out.append(44) }
            out += s.name
            counters(s.series.allTime)
            spill(&out)
        }
        out += Array(#"},"breakdowns":"#.utf8)
        BreakdownsCodec.encode(book.breakdowns, into: &out)
        out += Array(#","clock":"#.utf8)
        piece(book.clock, &out)
        out += Array(#","days":"#.utf8)
        buckets({ $0.days.keys }, { $0.days[$1] })
        out += Array(#","latest":"#.utf8)
        piece(book.latest, &out)
        out += Array(#","saleLags":"#.utf8)
        BreakdownsCodec.encode(book.saleLags, into: &out)
        out += Array(#","slots":"#.utf8)
        buckets({ $0.slots.keys }, { $0.slots[$1] })
        out.append(125)
    }

    /// The simulated market as `Codable` lays it out, its pending outcomes (most of it) by hand.
    private static func simulator(_ sim: MarketSimulator, _ out: inout [UInt8], piece: (any Encodable, inout [UInt8]) -> Void,
                                  spill: (inout [UInt8]) -> Void) {
        let p = sim.parts
        out += Array(#"{"nextArrival":"#.utf8)
        piece(p.nextArrival, &out)
        out += Array(#","nextLeadNumber":"#.utf8)
        JSONBytes.int(p.nextLeadNumber, &out)
        out += Array(#","nextOrder":"#.utf8)
        JSONBytes.int(p.nextOrder, &out)
        out += Array(#","now":"#.utf8)
        JSONBytes.int(p.now.seconds, &out)
        out += Array(#","pending":["#.utf8)
        for (n, pending) in p.pending.enumerated() {
            if n > 0 { out.append(44) }
            out += Array(#"{"event":{"#.utf8)
            EventEncoder.outcomeFields(pending.event, escapingSlashes: true, into: &out)
            out += Array(#"},"order":"#.utf8)
            JSONBytes.int(pending.order, &out)
            out.append(125)
            spill(&out)
        }
        out += Array(#"],"recentPhoneCursor":"#.utf8)
        JSONBytes.int(Int64(p.recentPhoneCursor), &out)
        out += Array(#","recentPhones":["#.utf8)
        for (n, phone) in p.recentPhones.enumerated() {
            if n > 0 { out.append(44) }
            JSONBytes.string(phone, &out, escapingSlashes: true)
        }
        out += Array(#"],"rng":"#.utf8)
        piece(p.rng, &out)
        out.append(125)
    }

    // MARK: Reading

    /// The document, or nil when the bytes are not in the layout `encode` (and `JSONEncoder`) write.
    /// - Parameter simulator: read the simulated market's state too (only the engine needs it; reports and
    ///   followers open faster without). Without it, the document's `simulator` is nil.
    static func decode(_ bytes: [UInt8], simulator withSimulator: Bool = true) -> CheckpointDocument? {
        bytes.withUnsafeBufferPointer { buf -> CheckpointDocument? in
            var r = JSONBytes.Reader(buf)
            var parts: [String: Range<Int>] = [:]
            var pending: PendingMetrics?
            // The days may be being read on another core: joined before `buf` goes, whatever happens.
            defer { pending?.abandon() }
            let ok = r.object { key, r in
                guard parts[key] == nil, pending == nil || key != "metrics" else { return false }
                if key == "metrics" {
                    pending = decodeMetrics(&r)
                    return pending != nil
                }
                guard topLevelKeys.contains(key) else { return false }
                let start = r.i
                guard r.skipValue() else { return false }
                parts[key] = start..<r.i
                return true
            }
            guard ok, r.atEndOrNewline, pending != nil else { return nil }
            let decoder = JSONDecoder()
            func part<T: Decodable>(_ key: String, _ type: T.Type) -> T?? { Self.part(parts[key], of: buf, as: type, decoder) }
            guard case let version?? = part("schemaVersion", Int.self), version == CheckpointDocument.current,
                  case let ledger?? = part("ledger", Ledger.self), case let position?? = part("position", LogPosition.self),
                  let alerts = byHand(parts["recentAlerts"], of: buf, AlertsCodec.alerts) ?? part("recentAlerts", [AlertEvent].self),
                  let changes = part("recentChanges", [PolicyEvent].self),
                  let simulator = withSimulator ? Self.simulator(parts["simulator"], of: buf, decoder) : .some(nil),
                  let metricsRead = pending else { return nil }
            pending = nil  // joined here, once
            guard let metrics = metricsRead.finish(buf) else { return nil }
            return CheckpointDocument(schemaVersion: version, position: position, ledger: ledger, metrics: metrics,
                                      recentChanges: changes, simulator: simulator, recentAlerts: alerts)
        }
    }

    /// How many runs the days of a checkpoint are found in, for tests: one per day in the encoder's layout, one
    /// for all of them in another; nil without days.
    static func dayRunCount(_ bytes: [UInt8]) -> Int? {
        let key = Array(#""days":"#.utf8)
        guard let at = bytes.indices.first(where: { bytes[$0...].starts(with: key) }) else { return nil }
        return bytes.withUnsafeBufferPointer { buf in
            var r = JSONBytes.Reader(buf)
            r.i = at + key.count
            return MetricsReader.dayRuns(&r)?.count
        }
    }

    /// The value at `range` decoded by `JSONDecoder`: `.some(nil)` when the key was absent, nil when it does not
    /// decode (the caller then leaves the whole file to `JSONDecoder`, which words the error).
    private static func part<T: Decodable>(_ range: Range<Int>?, of buf: UnsafeBufferPointer<UInt8>, as type: T.Type,
                                           _ decoder: JSONDecoder) -> T?? {
        guard let range else { return .some(nil) }
        guard let v = try? decoder.decode(type, from: Data(UnsafeBufferPointer(rebasing: buf[range]))) else { return nil }
        return .some(v)
    }

    /// The part at `range` read by `read` when it is there and in the codec's layout (nil otherwise: absent, or for
    /// `JSONDecoder`).
    private static func byHand<T>(_ range: Range<Int>?, of buf: UnsafeBufferPointer<UInt8>,
                                  _ read: (inout JSONBytes.Reader) -> T?) -> T?? {
        guard let range else { return nil }
        var r = JSONBytes.Reader(UnsafeBufferPointer(rebasing: buf[range]))
        guard let v = read(&r), r.i == r.p.count else { return nil }
        return .some(v)
    }

    /// The simulated market at `range` as `simulator(_:_:piece:)` (and `JSONEncoder`) write it, or by
    /// `JSONDecoder` when it is laid out otherwise; `.some(nil)` when absent, nil when it does not decode.
    private static func simulator(_ range: Range<Int>?, of buf: UnsafeBufferPointer<UInt8>, _ decoder: JSONDecoder) -> MarketSimulator?? {
        guard let range else { return .some(nil) }
        var r = JSONBytes.Reader(UnsafeBufferPointer(rebasing: buf[range]))
        func small<T: Decodable>(_ type: T.Type) -> T? {
            let start = r.i
            guard r.skipValue() else { return nil }
            return try? decoder.decode(type, from: Data(UnsafeBufferPointer(rebasing: r.p[start..<r.i])))
        }
        func read() -> MarketSimulator? {
            guard r.literal(#"{"nextArrival":"#), let arrival = small([String: Double].self),
                  r.literal(#","nextLeadNumber":"#), let leadNumber = r.int64(), r.literal(#","nextOrder":"#), let order = r.int64(),
                  r.literal(#","now":"#), let now = r.int64(), r.literal(#","pending":"#) else { return nil }
            var pending: [PendingOutcome] = []
            var phones: [String] = []
            guard r.list({ r in
                guard r.literal(#"{"event":{"#), let event = r.outcomeFields(), r.literal(#"},"order":"#),
                      let n = r.int64(), r.take(125) else { return false }
                pending.append(PendingOutcome(order: n, event: event))
                return true
            }), r.literal(#","recentPhoneCursor":"#), let cursor = r.int(), r.literal(#","recentPhones":"#), r.list({ r in
                guard let phone = r.string() else { return false }
                phones.append(phone)
                return true
            }) else { return nil }
            guard r.literal(#","rng":"#), let rng = small(SeededRandom.self), r.take(125), r.i == r.p.count else { return nil }
            return MarketSimulator(parts: MarketSimulator.Parts(
                rng: rng, now: Timestamp(seconds: now), nextLeadNumber: leadNumber, nextOrder: order, nextArrival: arrival,
                pending: pending, recentPhones: phones, recentPhoneCursor: cursor))
        }
        if let sim = read() { return .some(sim) }
        return part(range, of: buf, as: MarketSimulator.self, decoder)
    }

    private static let topLevelKeys: Set<String> = ["ledger", "position", "recentAlerts", "recentChanges", "schemaVersion", "simulator"]
    private static let metricsKeys: Set<String> = ["allTime", "breakdowns", "clock", "days", "latest", "saleLags", "slots"]

    /// The metrics object, read but for the days, which are read on another core meanwhile (the part that grows
    /// with history: a month's store holds 6,900 days of counters); `PendingMetrics.finish` reads what that core
    /// has not taken yet and joins the rest.
    private static func decodeMetrics(_ r: inout JSONBytes.Reader) -> PendingMetrics? {
        var m = MetricsReader()
        var parts: [String: Range<Int>] = [:]
        var seen = Set<String>()
        var days: DaysRead?
        let ok = r.object { key, r in
            guard metricsKeys.contains(key), seen.insert(key).inserted else { return false }
            switch key {
            case "allTime": return m.allTime(&r)
            case "days":
                // Only where the days end, and where each begins, is looked for here: they are read (and checked)
                // later, shared out between another core and this one.
                guard let runs = MetricsReader.dayRuns(&r) else { return false }
                days = DaysRead(m, runs: runs, of: r.p)
                return true
            case "slots": return m.buckets(&r, days: false)
            default:
                let start = r.i
                guard r.skipValue() else { return false }
                parts[key] = start..<r.i
                return true
            }
        }
        guard ok, seen.isSuperset(of: ["allTime", "days", "slots"]), let days else {
            days?.abandon()
            return nil
        }
        let buf = r.p
        let decoder = JSONDecoder()
        func part<T: Decodable>(_ key: String, _ type: T.Type) -> T?? { Self.part(parts[key], of: buf, as: type, decoder) }
        guard case let clock?? = part("clock", LocalClock.self), case let latest?? = part("latest", Timestamp.self),
              let lags = byHand(parts["saleLags"], of: buf, BreakdownsCodec.saleLags) ?? part("saleLags", SaleLags.self),
              let breakdowns = byHand(parts["breakdowns"], of: buf, BreakdownsCodec.breakdowns) ?? part("breakdowns", SourceBreakdowns.self)
        else {
            days.abandon()
            return nil
        }
        return PendingMetrics(reader: m, days: days, clock: clock, latest: latest, saleLags: lags, breakdowns: breakdowns)
    }
}

/// Values handed to a thread that the handing code keeps alive and does not touch until it has joined the thread:
/// the file's bytes (and a reader's pointers into them) while its days are read on another core.
private struct Handed<T>: @unchecked Sendable {
    let value: T
}

/// The days of the metrics being read on a thread of their own, from a copy of the reader as it stood after the
/// all-time figures (which name every slice), while the caller reads the rest of the file. The days are shared
/// out as they go: the thread takes runs of them from the first on, the caller (once done with the rest) from the
/// last back, until they meet; so neither waits long for the other, however busy the machine or large the rest.
private struct DaysRead {
    private let work: OffThread<[Buckets]?>
    /// Runs of `"<day>":{...}` entries, one after another with commas between, in the file's order.
    let runs: [Range<Int>]
    let claims: RunClaims

    init(_ reader: MetricsReader, runs: [Range<Int>], of buf: UnsafeBufferPointer<UInt8>) {
        self.runs = runs
        let claims = RunClaims(count: runs.count)
        self.claims = claims
        let handed = Handed(value: (reader, buf))
        work = OffThread {
            var (m, buf) = handed.value
            let named = m.keys.count
            while let k = claims.first() {
                // A slice named only in the days (not what the encoder writes) would number slices apart from
                // the caller's: the runs this thread took are left to the caller (as is one it cannot read).
                guard m.bucketRun(runs[k], of: buf, days: true), m.keys.count == named else { return nil }
            }
            return m.values.map(\.days)
        }
    }

    /// The thread's days by slice position, or nil when it gave up: then the runs it took (`claims.taken`, the first
    /// ones) are still to be read. Call it (or `abandon`) once.
    func value() -> [Buckets]? { work.value() }

    /// Waits for the thread, dropping what it read (the file is given up).
    func abandon() {
        claims.stop()
        _ = work.value()
    }
}

/// Which runs of days are taken: from the first on by the thread, from the last back by the caller.
private final class RunClaims: Sendable {
    /// The first run nobody has taken, and one past the last.
    private let open: Mutex<(first: Int, end: Int)>

    init(count: Int) { open = Mutex((0, count)) }

    /// The first run left, taken; nil when none is.
    func first() -> Int? {
        open.withLock { o in
            guard o.first < o.end else { return nil }
            o.first += 1
            return o.first - 1
        }
    }

    /// The last run left, taken; nil when none is.
    func last() -> Int? {
        open.withLock { o in
            guard o.first < o.end else { return nil }
            o.end -= 1
            return o.end
        }
    }

    /// Leaves every run still open untaken.
    func stop() { open.withLock { $0.end = $0.first } }

    /// How many runs were taken from the first on.
    var taken: Int { open.withLock { $0.first } }
}

/// The metrics, read but for the days being read on another core (`decodeMetrics`).
private struct PendingMetrics {
    var reader: MetricsReader
    let days: DaysRead
    let clock: LocalClock
    let latest: Timestamp
    let saleLags: SaleLags?
    let breakdowns: SourceBreakdowns?

    /// The book, with the days joined in: those the thread has not taken are read here, from the last back, then
    /// the thread's joined in (or read here too when it gave up). Call it (or `abandon`) once.
    func finish(_ buf: UnsafeBufferPointer<UInt8>) -> MetricsBook? {
        var m = reader
        var here = true
        while here, let k = days.claims.last() {
            here = m.bucketRun(days.runs[k], of: buf, days: true)
        }
        if !here { days.claims.stop() }
        var read = days.value()
        guard here else { return nil }
        if var theirs = read.take() {
            // Each slice's days from there (all older than those read here) are let go as soon as they are joined
            // in, so both sets and the joined days are not all held at once (a month's days are a megabyte or two).
            for position in theirs.indices where !theirs[position].isEmpty {
                m.values[position].days.merge(theirs[position])
                theirs[position] = Buckets()
            }
        } else {
            for k in 0..<days.claims.taken {
                guard m.bucketRun(days.runs[k], of: buf, days: true) else { return nil }
            }
        }
        // Two names for one slice ("source:a\/b" and "source:a/b") are not what JSONEncoder writes: left to it.
        guard let table = SeriesTable(keys: m.keys, values: m.values) else { return nil }
        return MetricsBook(clock: clock, latest: latest, series: table, saleLags: saleLags, breakdowns: breakdowns)
    }

    func abandon() { days.abandon() }
}

/// Reads the metrics' counters (all-time, per day, per slot) into slices, for `CheckpointCodec`.
private struct MetricsReader {
    /// The slices by position, in the order their names first came.
    var keys: [MetricKey] = []
    var values: [MetricsBook.Series] = []
    private var byName: [String: Int] = [:]
    /// Each slice's name as written (escapes and all), by position: a bucket lists its slices in the order the
    /// all-time figures do, so a name is found by comparing bytes a little ahead of the last one found.
    private var written: [UnsafeBufferPointer<UInt8>] = []
    init() {}

    /// `{"<slice>":[...],...}` as the all-time figures.
    mutating func allTime(_ r: inout JSONBytes.Reader) -> Bool {
        slices(&r) { values, position, c in values[position].allTime = c }
    }

    /// `{"<day or slot>":{"<slice>":[...],...},...}`.
    mutating func buckets(_ r: inout JSONBytes.Reader, days: Bool) -> Bool {
        guard r.take(123) else { return false }
        if r.take(125) { return true }
        while true {
            guard bucket(&r, days: days) else { return false }
            if r.take(125) { return true }
            guard r.take(44) else { return false }
        }
    }

    /// The days' object at the reader, moving past it, as runs of its `"<day>":{...}` entries (each without the
    /// commas and braces around it), one per day; nil when it is not an object.
    ///
    /// The days are not read here, only their closing braces looked for (a slice's counters are a list, so outside
    /// strings a brace closes a day or the days): one followed by `,"latest":` (the key the encoder writes next)
    /// ends the days, one after a list and followed by `,"` and a digit ends a day. Both are checked when the runs
    /// are read, which fails (and leaves the file to `JSONDecoder`) unless each run is a whole number of entries, end
    /// to end. (Those bytes cannot come from inside a string, where every quote is escaped, but a damaged file is
    /// caught by the reading all the same.) A file laid out otherwise is walked bracket by bracket, and read as one
    /// run.
    static func dayRuns(_ r: inout JSONBytes.Reader) -> [Range<Int>]? {
        let p = r.p
        let open = r.i
        guard open < p.count, p[open] == 123, let base = p.baseAddress else { return nil }
        let latestKey: StaticString = #","latest":"#
        var runs: [Range<Int>] = []
        var start = open + 1
        var from = open + 1
        while from < p.count, let hit = memchr(base + from, 125, p.count - from) {
            let close = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            from = close + 1
            if p.count - from >= latestKey.utf8CodeUnitCount,
               JSONBytes.same(base + from, latestKey.utf8Start, latestKey.utf8CodeUnitCount) {
                if start < close { runs.append(start..<close) }
                r.i = from
                return runs
            }
            if p.count - from >= 3, p[from] == 44, p[from + 1] == 34, p[from + 2] &- 48 < 10, p[close - 1] == 93 {
                runs.append(start..<from)
                start = from + 1
            }
        }
        guard r.skipBalanced() else { return nil }
        return [(open + 1)..<(r.i - 1)]
    }

    /// Reads a run of buckets, `"<day or slot>":{...}` one after another with commas between, at `range` of `buf`;
    /// false when it is not exactly that.
    mutating func bucketRun(_ range: Range<Int>, of buf: UnsafeBufferPointer<UInt8>, days: Bool) -> Bool {
        var r = JSONBytes.Reader(UnsafeBufferPointer(rebasing: buf[range]))
        if r.p.isEmpty { return true }
        while true {
            guard bucket(&r, days: days) else { return false }
            if r.i == r.p.count { return true }
            guard r.take(44) else { return false }
        }
    }

    /// One `"<day or slot>":{"<slice>":[...],...}`.
    private mutating func bucket(_ r: inout JSONBytes.Reader, days: Bool) -> Bool {
        // Written as a quoted whole number (JSON keys are strings).
        guard r.take(34), let bucket = r.int64(), r.take(34), r.take(58) else { return false }
        return days ? slices(&r) { values, position, c in values[position].days[bucket] = c }
                    : slices(&r) { values, position, c in values[position].slots[bucket] = c }
    }

    /// `{"<slice>":[...],...}`, each slice's counters given to `store` with the slices.
    private mutating func slices(_ r: inout JSONBytes.Reader,
                                 _ store: (inout [MetricsBook.Series], Int, Counters) -> Void) -> Bool {
        guard r.take(123) else { return false }
        if r.take(125) { return true }
        var cursor = 0
        while true {
            guard let position = slice(&r, after: cursor), r.take(58), let c = counters(&r) else { return false }
            store(&values, position, c)
            cursor = position + 1
            if r.take(125) { return true }
            guard r.take(44) else { return false }
        }
    }

    /// The position of the slice whose name is at the cursor, moving past the name.
    private mutating func slice(_ r: inout JSONBytes.Reader, after cursor: Int) -> Int? {
        let start = r.i
        guard r.skipString() else { return nil }
        let name = UnsafeBufferPointer(rebasing: r.p[(start + 1)..<(r.i - 1)])
        var k = cursor
        while k < written.count {
            let w = written[k]
            if w.count == name.count, memcmp(w.baseAddress!, name.baseAddress!, name.count) == 0 { return k }
            k += 1
        }
        // Not ahead of the cursor (a file in another order, or another spelling of a name): by its text.
        r.i = start
        guard let text = r.string() else { return nil }
        if let p = byName[text] { return p }
        guard let key = MetricKey(name: text) else { return nil }
        byName[text] = keys.count
        keys.append(key)
        values.append(MetricsBook.Series())
        written.append(name)
        return keys.count - 1
    }

    private func counters(_ r: inout JSONBytes.Reader) -> Counters? {
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: Counters.fieldOrder.count) { fields in
            guard let n = r.int64s(into: fields) else { return nil }
            return Counters(fields: UnsafeBufferPointer(rebasing: fields[..<n]))
        }
    }
}
