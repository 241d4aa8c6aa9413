import LeadDeckCore

/// An `EventStore` kept in memory: the same rules as the file store (durable groups, catch-up before
/// deciding, one engine lease), without files. For tests of the engine and its driver, and for tools that
/// want a throwaway desk. Faults can be injected: `failAppends` makes the next appends fail as a full disk
/// would, recording nothing.
public final class MemoryStore: EventStore {
    public let catalog: Catalog
    public let location: String
    public private(set) var notices: [String] = []
    /// Every record, in order (what a reader could see).
    public private(set) var records: [LogRecord] = []
    private var policy: Policy
    private var policySeq: Int64 = 0
    private var checkpoint: (desk: Desk, simulator: MarketSimulator?, cursor: StoreCursor)?
    private var leaseHeld = false
    private var keys = KeyRing()
    /// How many times the keys changed (the stamp); 0 while none were ever saved.
    private var keysGeneration = 0

    /// How many of the next appends (and policy changes) fail; each failure records nothing.
    public var failAppends = 0
    /// How many of the next checkpoint saves fail.
    public var failCheckpoints = 0
    /// Checkpoints saved so far.
    public private(set) var checkpointsSaved = 0

    public init(catalog: Catalog, policy: Policy, location: String = "memory") {
        self.catalog = catalog
        self.policy = policy
        self.location = location
    }

    private var end: StoreCursor { cursor(after: Int64(records.count)) }

    private func cursor(after seq: Int64) -> StoreCursor { LogPosition(offset: seq, seq: seq, line: seq + 1) }

    public func loadState(leads: Bool) throws(StoreError) -> LoadedState {
        var desk: Desk
        var from: Int64 = 0
        if let cp = checkpoint {
            desk = Desk(catalog: catalog, policy: policy, ledger: cp.desk.ledger, metrics: cp.desk.metrics,
                        leads: leads ? cp.desk.leads : LeadIndex(), recentChanges: cp.desk.recentChanges,
                        recentAlerts: cp.desk.recentAlerts)
            if leads { desk.restoreLeadState(leads: cp.desk.leads, consumers: cp.desk.ledger.recentConsumers) }
            from = cp.cursor.seq
        } else {
            desk = Desk(catalog: catalog, policy: policy)
        }
        var state = LoadedState(desk: desk, simulator: checkpoint?.simulator, position: cursor(after: from),
                                policySeq: policySeq, replayed: 0)
        let rest = Array(records[Int(from)...])
        state.absorb(rest)
        state.replayed = rest.count
        state.position = end
        return state
    }

    public func readNew(after cursor: StoreCursor) throws(StoreError) -> (records: [LogRecord], end: StoreCursor) {
        guard cursor.seq <= Int64(records.count) else {
            throw StoreError("\(location): cursor \(cursor.seq) is past the last record \(records.count)", kind: .conflict)
        }
        return (Array(records[Int(cursor.seq)...]), end)
    }

    public func lastRecords(_ count: Int) throws(StoreError) -> (records: [LogRecord], end: StoreCursor) {
        (Array(records.suffix(max(0, count))), end)
    }

    public func transaction(_ state: inout LoadedState,
                            appending body: (inout Desk, inout EventBatch) throws(StoreError) -> Void) throws(StoreError) -> [LogRecord] {
        let (others, after) = try readNew(after: state.position)
        state.absorb(others)
        state.position = after
        var batch = EventBatch()
        try body(&state.desk, &batch)
        try append(batch.events)
        state.position = end
        return others
    }

    private func append(_ events: [Event]) throws(StoreError) {
        guard !events.isEmpty else { return }
        if failAppends > 0 {
            failAppends -= 1
            throw StoreError("\(location): injected write failure (no space left on device)", kind: .io)
        }
        for e in events {
            let seq = Int64(records.count) + 1
            records.append(LogRecord(seq: seq, line: seq + 1, event: e))
        }
    }

    public func changePolicy(actor: String, time: Timestamp,
                             _ make: (Policy) throws(StoreError) -> PolicyChange?) throws(StoreError) -> PolicyEvent? {
        guard let change = try make(policy) else { return nil }
        let next: Policy
        do throws(PolicyError) { next = try change.apply(to: policy) } catch { throw StoreError(error.description, kind: .badInput) }
        guard next != policy else { return nil }
        let event = PolicyEvent(time: time, actor: actor, change: change, marketTime: records.last?.event.marketTime)
        try append([.policy(event)])
        policy = next
        policySeq = Int64(records.count)
        return event
    }

    /// Kept for the protocol: appends here are whole at once, with nothing to wait for.
    public var syncsBehind = false
    public func finishSync() throws(StoreError) {}

    public func saveCheckpoint(_ desk: Desk, simulator: MarketSimulator?, at cursor: StoreCursor) throws(StoreError) {
        if failCheckpoints > 0 {
            failCheckpoints -= 1
            throw StoreError("\(location): injected checkpoint failure", kind: .io)
        }
        checkpoint = (desk, simulator, cursor)
        checkpointsSaved += 1
    }

    /// The sequence number the last checkpoint was saved at (nil before the first).
    public var checkpointSeq: Int64? { checkpoint?.cursor.seq }

    public func tryAcquireEngine(label: String) throws(StoreError) -> EngineLease? {
        guard !leaseHeld else { return nil }
        leaseHeld = true
        leaseLabel = label
        return MemoryLease { [weak self] in self?.leaseHeld = false }
    }

    private var leaseLabel = ""

    public func runningEngine() -> String? { leaseHeld ? leaseLabel : nil }

    public func apiKeys() throws(StoreError) -> KeyRing { keys }

    @discardableResult
    public func changeKeys(_ body: (inout KeyRing) throws(StoreError) -> Void) throws(StoreError) -> KeyRing {
        var ring = keys
        try body(&ring)
        guard ring != keys else { return ring }
        if let first = ring.validationErrors().first { throw StoreError(first, kind: .badInput) }
        keys = ring
        keysGeneration += 1
        return ring
    }

    public func keysStamp() -> String? { keysGeneration == 0 ? nil : "\(location)-keys-\(keysGeneration)" }
}

/// The engine lease of a `MemoryStore`.
final class MemoryLease: EngineLease {
    private var onRelease: (() -> Void)?
    init(_ onRelease: @escaping () -> Void) { self.onRelease = onRelease }
    func release() {
        onRelease?()
        onRelease = nil
    }
    deinit { release() }
}
