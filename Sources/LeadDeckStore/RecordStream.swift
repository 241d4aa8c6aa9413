import Dispatch
import LeadDeckCore
import Synchronization

/// The one serial queue on which a batch's records are encoded and its metrics folded while the engine decides:
/// one thread beside the engine's, so on two cores the engine keeps one to itself.
enum EngineWork {
    static let queue = DispatchQueue(label: "leaddeck.engine-work")
}

/// Encodes a batch's log records on the other core while the engine is still deciding the batch: chunks of events
/// go in as they are decided, are encoded in the order given on one serial queue (numbered on from the sequence
/// number the batch follows, known under the write lock), and the bytes are taken when the batch is complete, or
/// written to the log as each chunk is encoded when there is a sink (`LogSink`). The bytes are exactly
/// `EventLogCodec.encode(_:after:)`'s for the same events.
final class RecordStream: Sendable {
    private struct Output: Sendable {
        var bytes: [UInt8] = []
        var seq: Int64
    }
    private let output: Mutex<Output?>
    private let queue = EngineWork.queue
    private let sink: LogSink?

    /// A stream whose first record follows sequence number `seq`, its records written to `sink` as they are
    /// encoded when there is one (and then not kept).
    init(after seq: Int64, sink: LogSink? = nil) {
        output = Mutex(Output(seq: seq))
        self.sink = sink
    }

    /// Encodes `events` after every chunk handed over before them; returns at once.
    func encode(_ events: [Event]) {
        guard !events.isEmpty else { return }
        queue.async { [self] in encodeNow(events) }
    }

    /// Encodes `events` at once, after every chunk encoded before: only on the work queue, in order.
    func encodeNow(_ events: [Event]) {
        let encoder = EventEncoder()
        output.withLock { o in
            for e in events {
                o!.seq += 1
                EventLogCodec.encode(e, seq: o!.seq, encoder: encoder, into: &o!.bytes)
            }
            if let sink {
                sink.write(o!.bytes)
                o!.bytes.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The records of every chunk handed over, once the last is encoded (none when they went to the sink). Call it
    /// once.
    func finish() -> [UInt8] {
        queue.sync {}
        return output.withLock { $0.take()!.bytes }
    }
}

/// The events one transaction appends (`EventStore.transaction`), collected as they are decided. The file store
/// has them encoded into their records on the other core meanwhile (`RecordStream`), so appending the batch waits
/// only for its last chunk; the engine may have them folded into the metrics there too (`folding(into:)`). The
/// events are kept in the chunks handed over, so each is copied once.
public struct EventBatch {
    /// The chunks handed over (or full), in order; the chunk being filled follows them.
    private var sealed: [[Event]] = []
    private var chunk: [Event] = []
    /// How many events the batch holds.
    public private(set) var count = 0
    /// The sequence number the batch's first record follows, for a batch encoded into records (nil: only collected).
    private let encodesAfter: Int64?
    /// Started with the first full chunk: a small batch (a dashboard's second, a request to `serve`) is encoded
    /// when it is complete, on this thread, without a hop to the other core.
    private var stream: RecordStream?
    /// Where the stream writes the records as they are encoded, when the store streams them.
    private let sink: LogSink?
    private var folder: MetricsFolder?
    /// Events made on the work queue (`appendLater`), in order, and the places in `sealed` they take.
    private var later: LaterEvents?
    private var laterPlaces: [Int] = []

    /// Events handed to the other core at a time.
    static let chunkSize = 128

    /// A batch encoded as it grows, its first record following sequence number `seq`; once it is encoded on the
    /// other core (from its first full chunk), the records are written to `sink` as they are encoded, when given.
    init(encodingAfter seq: Int64, sink: LogSink? = nil) {
        encodesAfter = seq
        self.sink = sink
        chunk.reserveCapacity(Self.chunkSize)
    }

    /// A batch only collected (a store that keeps events, not records).
    init() {
        encodesAfter = nil
        sink = nil
    }

    /// Whether the batch holds no event.
    public var isEmpty: Bool { count == 0 }

    /// Every event of the batch, in order (joined from its chunks: a copy).
    public var events: [Event] {
        if sealed.isEmpty { return chunk }
        return Array(chunks.joined())
    }

    /// Every event of the batch, in order, in the pieces it holds them in (no copy).
    public var chunks: [[Event]] { chunk.isEmpty ? sealed : sealed + [chunk] }

    /// Adds an event after those already in the batch.
    public mutating func append(_ event: Event) {
        chunk.append(event)
        count += 1
        if chunk.count == Self.chunkSize { handOver() }
    }

    /// Adds events after those already in the batch.
    public mutating func append(contentsOf more: [Event]) {
        for e in more { append(e) }
    }

    /// From now on (until `stopFolding`), every event added is also folded into `metrics` on the other core, in
    /// order; nothing may be folded into them elsewhere meanwhile.
    mutating func folding(into metrics: MetricsFolder) {
        handOver()
        folder = metrics
    }

    /// Hands the last events over to the folder and detaches it; its `finish()` then has them all.
    mutating func stopFolding() {
        handOver()
        folder = nil
    }

    /// Adds the events `make` makes from the metrics being folded (`folding(into:)`), once every event added
    /// before is folded: made on the work queue, encoded there after those events, and put in their place in the
    /// batch by `settleLater()`. For what must read the metrics (the alert rules) without the engine waiting.
    mutating func appendLater(_ make: @escaping @Sendable (MetricsBook) -> [Event]) {
        guard let folder else { preconditionFailure("appendLater needs the metrics folded apart (folding(into:))") }
        handOver()
        if let after = encodesAfter, stream == nil { stream = RecordStream(after: after, sink: sink) }
        if later == nil { later = LaterEvents() }
        laterPlaces.append(sealed.count)
        sealed.append([])
        let (stream, later) = (stream, later!)
        EngineWork.queue.async {
            let made = folder.reading(make)
            stream?.encodeNow(made)
            later.add(made)
        }
    }

    /// Waits for the events `appendLater` asked for, puts them in their places, and returns them in order.
    mutating func settleLater() -> [Event] {
        guard let later, !laterPlaces.isEmpty else { return [] }
        EngineWork.queue.sync {}
        var all: [Event] = []
        for (place, made) in zip(laterPlaces, later.take()) {
            sealed[place] = made
            count += made.count
            all += made
        }
        laterPlaces = []
        return all
    }

    /// Seals the chunk being filled, handing it to the encoder and the folder when there are.
    private mutating func handOver() {
        guard !chunk.isEmpty else { return }
        if let after = encodesAfter {
            if stream == nil { stream = RecordStream(after: after, sink: sink) }
            stream!.encode(chunk)
        }
        folder?.fold(chunk)
        sealed.append(chunk)
        chunk = []
        chunk.reserveCapacity(Self.chunkSize)
    }

    /// The batch's records and the sequence number they follow, for a batch encoded into records (nil otherwise);
    /// `streamed` when they were written to the sink instead (then `bytes` is empty). Call it once, after the last
    /// event.
    mutating func records() -> (bytes: [UInt8], after: Int64, streamed: Bool)? {
        precondition(laterPlaces.isEmpty, "settleLater() before the records")
        guard let after = encodesAfter else { return nil }
        guard let stream else {
            // Never a full chunk: every event is still here.
            return (EventLogCodec.encode(events, after: after), after, false)
        }
        handOver()
        return (stream.finish(), after, sink != nil)
    }

    /// Waits until nothing of the batch is being encoded or written any more (a transaction given up).
    func settle() {
        if stream != nil || later != nil { EngineWork.queue.sync {} }
    }
}

/// The events an `EventBatch` had made on the work queue, in the order asked for.
private final class LaterEvents: Sendable {
    private let made = Mutex<[[Event]]>([])
    func add(_ events: [Event]) { made.withLock { $0.append(events) } }
    func take() -> [[Event]] { made.withLock { m in defer { m = [] }; return m } }
}
