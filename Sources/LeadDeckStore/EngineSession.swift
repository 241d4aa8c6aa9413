import LeadDeckCore

/// The one process running the engine on a store: owns the desk, the simulated exchange and the engine
/// lock; advances the market, appends what happened in batches, and folds in what others appended.
public final class EngineSession {
    public let store: Store
    public private(set) var state: LoadedState
    public private(set) var simulator: MarketSimulator
    private let lease: Store.EngineLease
    /// Events appended since the last checkpoint.
    public private(set) var sinceCheckpoint = 0

    /// A fresh store's simulation starts here: Monday 2026-11-02, midnight US Eastern.
    public static let defaultStart = Timestamp(seconds: 1_793_595_600)

    /// Takes the engine lock and loads the store.
    /// - Parameters:
    ///   - seed: restarts the random sequence; a store without simulator state starts with seed 1 otherwise.
    ///   - start: where simulated time begins on a new store (no simulation yet, no leads); ignored otherwise.
    public convenience init(store: Store, seed: UInt64?, start: Timestamp?) throws(StoreError) {
        try self.init(store: store, lease: try store.acquireEngine(), seed: seed, start: start)
    }

    /// Loads the store for an engine lease already taken (see `Store.tryAcquireEngine`).
    public init(store: Store, lease: Store.EngineLease, seed: UInt64?, start: Timestamp?) throws(StoreError) {
        self.store = store
        self.lease = lease
        state = try store.loadState()
        let latest = state.desk.metrics.latest
        isNew = state.simulator == nil && latest.seconds == 0
        var sim = state.simulator ?? MarketSimulator(seed: seed ?? 1, start: isNew ? (start ?? Self.defaultStart) : latest)
        if state.simulator != nil, let seed { sim.reseed(seed) }
        sim.jump(to: max(sim.now, latest))
        // Lead ids stay unique even if the simulator state was lost (a crash before a checkpoint): there are
        // never more leads than records, so numbering after the last sequence number cannot collide.
        sim.numberLeads(after: state.position.seq)
        simulator = sim
    }

    /// Whether the store had no simulation and no leads when the session began.
    public let isNew: Bool

    /// Simulated time reached.
    public var now: Timestamp { simulator.now }

    /// Runs the market to `t`, appends everything in one batch, and folds in others' records.
    /// - Returns: the events this call produced, in order.
    @discardableResult
    public func advance(to t: Timestamp) throws(StoreError) -> [Event] {
        var events: [Event] = []
        simulator.advance(to: t, catalog: state.desk.catalog, desk: &state.desk) { events.append($0) }
        try appendAndAbsorb(events)
        return events
    }

    /// Decides an offer from outside the simulator (ingest) and books it; append the result with `appendAndAbsorb`.
    public func process(_ offer: Offer) -> OfferEvent { state.desk.process(offer) }

    /// Appends events already folded into the desk, and folds in what others appended.
    public func appendAndAbsorb(_ events: [Event]) throws(StoreError) {
        let foreign = try store.append(events, at: &state.position)
        state.absorb(foreign)
        sinceCheckpoint += events.count
    }

    /// Picks up records others appended (policy changes) without appending anything.
    @discardableResult
    public func poll() throws(StoreError) -> [LogRecord] {
        let (records, end) = try store.readNew(after: state.position)
        state.position = end
        state.absorb(records)
        return records
    }

    /// Saves the desk and the simulator as the checkpoint.
    public func checkpoint() throws(StoreError) {
        try store.saveCheckpoint(state.desk, simulator: simulator, at: state.position)
        sinceCheckpoint = 0
        lastCheckpointAt = ContinuousClock.now
    }

    /// When a long run checkpoints on its own: after this many events, or this much wall time with events.
    public var checkpointEvery: (events: Int, seconds: Int) = (250_000, 60)
    private var lastCheckpointAt = ContinuousClock.now

    /// Saves a checkpoint when enough has happened since the last one, so a crash in a long run does not make
    /// every later start replay it all. Returns what went wrong instead of throwing: every event is already
    /// durable in the log, only the start-up shortcut is missing.
    public func checkpointIfDue() -> String? {
        guard sinceCheckpoint > 0,
              sinceCheckpoint >= checkpointEvery.events
                || ContinuousClock.now - lastCheckpointAt >= .seconds(checkpointEvery.seconds) else { return nil }
        return saveCheckpoint()
    }

    /// Saves the checkpoint; returns the failure's message instead of throwing (see `checkpointIfDue`).
    public func saveCheckpoint() -> String? {
        do {
            try checkpoint()
            return nil
        } catch {
            lastCheckpointAt = ContinuousClock.now
            return error.description
        }
    }

    /// Gives up the engine lock.
    public func close() { lease.release() }
}
