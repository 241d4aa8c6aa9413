import LeadDeckCore
import Synchronization

/// The one process running the engine on a store: holds the engine lease, the desk and the simulated
/// exchange. Every batch is decided under the store's write lock after folding in what others appended, and
/// becomes visible (in `state` and `simulator`) only once it is durable; a failed write leaves both as they
/// were recorded. A batch run may let a batch's fsync overlap the next batch (`syncsBehind`): a failed fsync
/// then takes both back to what is recorded. `EngineDriver` (LeadDeckEngine) runs it on a schedule; tests and
/// benchmarks drive it directly.
public final class EngineSession {
    public let store: any EventStore
    public private(set) var state: LoadedState
    public private(set) var simulator: MarketSimulator
    private let lease: any EngineLease
    /// Events appended since the last checkpoint.
    public private(set) var sinceCheckpoint = 0

    /// A fresh store's simulation starts here: Monday 2026-11-02, midnight US Eastern.
    public static let defaultStart = Timestamp(seconds: 1_793_595_600)

    /// Takes the engine lease and loads the store.
    /// - Parameters:
    ///   - seed: restarts the random sequence; a store without simulator state starts with seed 1 otherwise.
    ///   - start: where simulated time begins on a new store (no simulation yet, no leads); ignored otherwise.
    public convenience init(store: any EventStore, seed: UInt64?, start: Timestamp?) throws(StoreError) {
        try self.init(store: store, lease: try store.acquireEngine(), seed: seed, start: start)
    }

    /// Loads the store for an engine lease already taken (see `EventStore.tryAcquireEngine`).
    public init(store: any EventStore, lease: any EngineLease, seed: UInt64?, start: Timestamp?) throws(StoreError) {
        self.store = store
        self.lease = lease
        state = try store.loadState(leads: true)
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

    /// What one batch recorded: others' records folded in first (in log order), then this engine's events.
    public struct Batch: Sendable {
        public var others: [LogRecord] = []
        /// This engine's events, in order, in the pieces the batch was built in (no copy).
        public var ownChunks: [[Event]] = []
        /// This engine's events, in order (joined from `ownChunks`).
        public var own: [Event] { ownChunks.count == 1 ? ownChunks[0] : Array(ownChunks.joined()) }
    }

    /// Runs the simulated market to `t` in one step: under the write lock, folds in others' records, decides every
    /// offer the market yields on the caught-up desk, and appends the batch. The desk and the simulator move only
    /// when the batch is durable.
    /// - Returns: what the batch recorded.
    @discardableResult
    public func advance(to t: Timestamp) throws(StoreError) -> Batch {
        try advance(firstStepTo: t, toward: t, steps: 1)
    }

    /// Runs the simulated market toward `t` in steps of an hour from now, several in one durable batch: the log,
    /// the desk and the simulator come out exactly as from one `advance(to:)` per step, but the engine does not
    /// wait at each step's end for the other core. See `advance(firstStepTo:toward:steps:)`.
    /// - Parameter maxSteps: steps in one batch at most (the batch is held in memory until it is written).
    @discardableResult
    public func advance(toward t: Timestamp, steps maxSteps: Int) throws(StoreError) -> Batch {
        try advance(firstStepTo: min(t, simulator.now + 3600), toward: t, steps: maxSteps)
    }

    /// Decides steps of the market in one batch: the first to `firstEnd`, then steps of an hour toward `t`, up to
    /// `maxSteps`. A step long enough has its metrics folded on the other core while it is decided (it must not
    /// need them: `Desk.decidesWithoutMetrics`), and the alert rules run there after it on what it folded
    /// (`AlertWatch`), their alerts encoded after it in order; a step that must be folded in place is a batch
    /// alone, its alerts raised at its end. The batch's own events leave the alerts out.
    private func advance(firstStepTo firstEnd: Timestamp, toward t: Timestamp, steps maxSteps: Int) throws(StoreError) -> Batch {
        var batch = Batch()
        var sim: MarketSimulator?
        let from = simulator.now
        let before = Rollback(simulator: simulator, lastFullAlertCheck: lastFullAlertCheck, sinceCheckpoint: sinceCheckpoint)
        let (foldApart, checkedHour) = (foldApartSeconds, lastFullAlertCheck)
        batch.others = try transact { (desk: inout Desk, events: inout EventBatch) throws(StoreError) -> Int64? in
            var market = simulator
            func foldsApart(_ a: Timestamp, _ b: Timestamp) -> Bool {
                b.seconds - a.seconds >= foldApart && desk.decidesWithoutMetrics(from: a, to: b)
            }
            guard foldsApart(from, firstEnd) else {
                var run = market.run(to: firstEnd, catalog: desk.catalog)
                Engine.play(&run, on: &desk) { events.append($0) }
                sim = run.finished()
                batch.ownChunks = events.chunks
                return nil
            }
            // The metrics are folded on the other core while this one decides (they are not read meanwhile).
            let folder = MetricsFolder(desk.lendMetrics())
            let alerts = AlertsOnFolder(AlertWatch(recent: desk.recentAlerts, lastFullCheck: checkedHour))
            events.folding(into: folder)
            var (start, end, steps) = (from, firstEnd, 0)
            repeat {
                var run = market.run(to: end, catalog: desk.catalog)
                let decided = events.count
                Engine.play(&run, on: &desk, foldingMetrics: false) { events.append($0) }
                market = run.finished()
                if events.count > decided {
                    let inputs = AlertRules.Inputs(desk)
                    events.appendLater { book in alerts.check(inputs, metrics: book).map(Event.alert) }
                }
                (start, end, steps) = (end, min(t, end + 3600), steps + 1)
            } while steps < maxSteps && start < t && foldsApart(start, end)
            events.stopFolding()
            desk.returnMetrics(folder.finish())
            batch.ownChunks = events.chunks.filter { !$0.isEmpty }  // before the alerts take their places
            for alert in events.settleLater() { desk.apply(alert) }
            sim = market
            return alerts.lastFullCheck
        }
        if let sim { simulator = sim }
        if store.syncsBehind, let start = lastBatchStart { unsynced = (start, before) }
        return batch
    }

    /// Whether a batch's fsync runs on the other core while the next batch is decided (`EventStore.syncsBehind`),
    /// for batch runs; `finishSync()` waits for the last one. Turning it off does not wait.
    public var syncsBehind: Bool {
        get { store.syncsBehind }
        set { store.syncsBehind = newValue }
    }

    /// Waits until every batch appended is durable. If the last one's fsync failed, it is cut from the log and
    /// the desk and the simulator go back to what is recorded; the error is rethrown.
    public func finishSync() throws(StoreError) {
        if let broken { throw broken }
        do {
            try store.finishSync()
            unsynced = nil
        } catch {
            reload()
            throw error
        }
    }

    /// What the session held before a batch that `advance` appended, for going back to it.
    private struct Rollback {
        var simulator: MarketSimulator
        var lastFullAlertCheck: Int64
        var sinceCheckpoint: Int
    }

    /// The sequence number before the last batch appended while `syncsBehind`, and what the session held before
    /// it: what the session goes back to if that batch's fsync fails.
    private var unsynced: (seq: Int64, before: Rollback)?

    /// The sequence number the last batch `commit` appended began after; nil when it appended nothing.
    private var lastBatchStart: Int64?

    /// After a failed batch: the state as recorded, and the simulator (and the alert schedule) as they were
    /// before the first batch the log no longer holds.
    private func reload() {
        // A batch whose fsync still runs settles first (cut if it failed), so what is loaded is what stays.
        _ = try? store.finishSync()
        do {
            state = try store.loadState(leads: true)
        } catch let reload {
            broken = reload
        }
        if let u = unsynced, state.position.seq <= u.seq {
            simulator = u.before.simulator
            lastFullAlertCheck = u.before.lastFullAlertCheck
            sinceCheckpoint = u.before.sinceCheckpoint
        }
        unsynced = nil
    }

    /// A batch spanning at least this much market time has its metrics folded on the other core (`MetricsFolder`);
    /// a shorter one (the dashboard's second-by-second steps) is too small to gain from it.
    var foldApartSeconds: Int64 = 600

    /// Moves the simulated clock to `t` without any offers for the gap (the desk was not listening: a
    /// suspended laptop, a stopped process). Outcomes already decided still arrive.
    public func skip(to t: Timestamp) { simulator.jump(to: t) }

    /// What happened to one offer handed in from outside the simulator.
    public enum Answer: Sendable, Hashable {
        /// Decided now and recorded.
        case decided(OfferEvent)
        /// Decided before (a retry of the same lead id): answered the same way, not recorded again.
        case repeated(Decision)
        /// Cannot be decided (unknown source, out of time order); nothing recorded.
        case refused(String)
    }

    /// Decides offers from outside (a file, HTTP requests) in one durable batch, after folding in what others
    /// appended; every offer gets an answer, in order.
    public func submit(_ offers: [Offer]) throws(StoreError) -> (answers: [Answer], others: [LogRecord]) {
        var answers: [Answer] = []
        let others = try commit { (desk: inout Desk, batch: inout EventBatch) throws(StoreError) in
            answers = []
            var events: [Event] = []
            for offer in offers {
                if let earlier = desk.earlierDecision(leadID: offer.leadID) {
                    answers.append(.repeated(earlier))
                } else if let problem = Validation.problem(with: offer, on: desk) {
                    answers.append(.refused(problem))
                } else {
                    let e = desk.process(offer)
                    events.append(.offer(e))
                    answers.append(.decided(e))
                }
            }
            batch.append(contentsOf: events)
        }
        return (answers, others)
    }

    /// Appends events built from the caught-up desk in one durable batch (see `EventStore.transaction`).
    /// On failure the state is reloaded as recorded, so nothing unrecorded stays visible, and the error is
    /// rethrown; if even the reload fails the session is `broken`.
    @discardableResult
    public func commit(_ body: (inout Desk) throws(StoreError) -> [Event]) throws(StoreError) -> [LogRecord] {
        try commit { (desk: inout Desk, batch: inout EventBatch) throws(StoreError) in batch.append(contentsOf: try body(&desk)) }
    }

    /// As `commit(_:)`, with `body` adding the events to the batch as it builds them (the file store encodes them
    /// on the other core meanwhile).
    @discardableResult
    public func commit(_ body: (inout Desk, inout EventBatch) throws(StoreError) -> Void) throws(StoreError) -> [LogRecord] {
        try transact { (desk: inout Desk, batch: inout EventBatch) throws(StoreError) -> Int64? in
            try body(&desk, &batch)
            return nil
        }
    }

    /// As `commit(_:)`, with `body` returning the hour of the alert rules' last full run when it raised the
    /// batch's alerts itself (`advance(toward:steps:)`); nil has them raised after it, at the batch's end.
    private func transact(_ body: (inout Desk, inout EventBatch) throws(StoreError) -> Int64?) throws(StoreError) -> [LogRecord] {
        if let broken { throw broken }
        var appended = 0
        do {
            var checkedHour = lastFullAlertCheck
            let others = try store.transaction(&state) { (desk: inout Desk, batch: inout EventBatch) throws(StoreError) in
                if let raisedThrough = try body(&desk, &batch) {
                    checkedHour = raisedThrough
                } else if !batch.isEmpty {
                    batch.append(contentsOf: Self.raiseAlerts(on: &desk, lastFullCheck: &checkedHour))
                }
                appended = batch.count
            }
            lastFullAlertCheck = checkedHour
            sinceCheckpoint += appended + others.count
            lastBatchStart = appended > 0 ? state.position.seq - Int64(appended) : nil
            return others
        } catch {
            reload()
            throw error
        }
    }

    /// The market hour in which the per-source alert rules last ran (they run once an hour; budget and caps
    /// every batch).
    private var lastFullAlertCheck: Int64 = .min

    /// Alerts the desk calls for after a batch, folded into the desk and returned to be appended with it.
    static func raiseAlerts(on desk: inout Desk, lastFullCheck: inout Int64) -> [Event] {
        var watch = AlertWatch(recent: desk.recentAlerts, lastFullCheck: lastFullCheck)
        let raised = watch.check(AlertRules.Inputs(desk), metrics: desk.metrics)
        lastFullCheck = watch.lastFullCheck
        return raised.map { a in
            let e = Event.alert(a)
            desk.apply(e)
            return e
        }
    }

    /// An `AlertWatch` run on the work queue, after the metrics it reads are folded there.
    private final class AlertsOnFolder: Sendable {
        private let watch: Mutex<AlertWatch>
        init(_ watch: AlertWatch) { self.watch = Mutex(watch) }
        func check(_ inputs: AlertRules.Inputs, metrics: MetricsBook) -> [AlertEvent] {
            watch.withLock { $0.check(inputs, metrics: metrics) }
        }
        var lastFullCheck: Int64 { watch.withLock { $0.lastFullCheck } }
    }

    /// Set when a failed batch could not be undone by reloading the store: the session refuses all work.
    public private(set) var broken: StoreError?

    /// Picks up records others appended (policy changes, outcomes) without appending anything.
    @discardableResult
    public func poll() throws(StoreError) -> [LogRecord] {
        if let broken { throw broken }
        let (records, end) = try store.readNew(after: state.position)
        state.position = end
        state.absorb(records)
        return records
    }

    /// Whether, after each checkpoint, the desk takes the lead index and the dedupe memory back from the file
    /// just saved, read in place (`EventStore.savedLeadState`), so only what changed since stays in memory: for an
    /// engine that runs all day (the dashboard's, `serve`'s). Off for batch runs, whose lookups are faster in memory.
    public var leadsOnDisk = false

    /// Saves the desk and the simulator as the checkpoint.
    public func checkpoint() throws(StoreError) {
        try finishSync()
        try store.saveCheckpoint(state.desk, simulator: simulator, at: state.position)
        sinceCheckpoint = 0
        if leadsOnDisk, let saved = store.savedLeadState(at: state.position) {
            state.desk.restoreLeadState(leads: saved.leads, consumers: saved.consumers)
        }
    }

    /// Saves the checkpoint; returns the failure's message instead of throwing: every event is already
    /// durable in the log, only the start-up shortcut is missing.
    public func saveCheckpoint() -> String? {
        do {
            try checkpoint()
            return nil
        } catch {
            return error.description
        }
    }

    /// Gives up the engine lease.
    public func close() { lease.release() }
}
