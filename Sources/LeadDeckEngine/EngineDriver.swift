import LeadDeckCore
import LeadDeckStore

/// Runs the engine on a store, the one loop every front end shares (the dashboard, `simulate`, `ingest`,
/// and an HTTP server): it owns the engine session (or follows another process's log when that process
/// runs the engine), paces the simulated exchange against an injected monotonic clock, folds in others'
/// changes before deciding, checkpoints on a schedule, takes the engine over when its owner goes, and falls
/// back to following the log when a write fails. Single owner: call it from one thread.
public final class EngineDriver {
    /// What this driver does now.
    public enum Role: Sendable, Hashable {
        /// Runs the engine (holds the lease).
        case engine
        /// Follows the log another process writes (or nobody writes).
        case follower
        /// Nothing more can be read or written (the store could not be reloaded after a failure).
        case stopped
    }

    /// How the driver runs.
    public struct Options: Sendable {
        /// Simulated seconds per second of the monotonic clock.
        public var speed: Double = 10
        /// Whether this driver may run the engine (not a read-only viewer).
        public var mayRunEngine = true
        /// Largest stretch of simulated time decided in one batch while catching up, so a viewer stays responsive
        /// and a batch's events and records stay small (a quarter of an hour is about 300 events; half an hour
        /// made a new store's dashboard peak 0.3 MB higher, two hours 2 MB).
        public var catchUpStep: Int64 = 900
        /// Checkpoint after this many new records, or after `checkpointSeconds` with at least
        /// `checkpointMinEvents`, or after `checkpointMaxSeconds` with any.
        public var checkpointEvents = 250_000
        public var checkpointSeconds: Double = 60
        /// Records a timed checkpoint waits for: a checkpoint writes every figure of the whole history (at 720
        /// hours, 1 MB of figures and a 4 MB lead file, a tenth of the dashboard's CPU when saved every minute),
        /// while what it saves a restart is replaying the records since the last one, a few milliseconds for
        /// thousands. Zero: every `checkpointSeconds` with any record.
        public var checkpointMinEvents = 0
        public var checkpointMaxSeconds: Double = .infinity
        /// How often a follower tries to take the engine over.
        public var takeoverSeconds: Double = 2
        /// A pause between ticks longer than this (a suspended laptop, a stopped process) is skipped by the
        /// market: no offers for it, so the engine never buys through missed hours in a burst.
        public var maxGapSeconds: Double = 5
        /// Random seed and start time for a new store's simulation.
        public var seed: UInt64?
        public var start: Timestamp?
        /// On a new store, pace from the wall clock's now, so a simulation started in the past (`start`)
        /// catches up to the present (the dashboard); otherwise pace from `start`.
        public var catchUpToWallClock = false
        /// What runs the engine, for other processes' headers ("simulated exchange x10").
        public var engineLabel = ""
        /// Whether the engine takes its lead index and dedupe memory back from each checkpoint it saves, read in
        /// place (`EngineSession.leadsOnDisk`): for a process that runs all day (the dashboard, `serve`), so a
        /// month's tables are not held in memory. Batch runs (`simulate`, `ingest`) look them up faster in memory.
        public var leadsOnDisk = false

        /// Set for a process that runs all day (the dashboard, `serve`): a month's lead tables stay in the
        /// checkpoint's file (`leadsOnDisk`), and a timed checkpoint waits for 5,000 records, ten minutes at most.
        public mutating func runAllDay() {
            leadsOnDisk = true
            checkpointMinEvents = 5_000
            checkpointMaxSeconds = 600
        }

        public init() {}
    }

    /// Something the person watching should be told.
    public struct Notice: Sendable, Hashable {
        public var text: String
        public var isError: Bool
    }

    /// What one tick brought.
    public struct Update: Sendable {
        /// New records in log order (others' and this engine's), for live views.
        public var events: [Event] = []
        /// Policy changes made by others (another terminal, a CLI command), oldest first.
        public var othersChanges: [PolicyEvent] = []
        public var notices: [Notice] = []
        /// Whether anything a viewer shows may have changed.
        public var changed: Bool { !events.isEmpty || !notices.isEmpty }
    }

    public let store: any EventStore
    public let clock: DriverClock
    public let options: Options
    public private(set) var role: Role
    private var session: EngineSession?
    private var followed: LoadedState
    /// Set once this process's engine failed: it does not take the engine again.
    public private(set) var engineFailedHere = false

    // Simulated time runs from an anchor at `speed` times the monotonic clock.
    private var simAnchor = Timestamp(seconds: 0)
    private var monoAnchor = 0.0
    private var lastTick: Double
    private var lastCheckpointAt: Double
    private var lastTakeoverTry: Double
    /// Changes this driver saved, not yet seen coming back from the log (they are not news).
    private var ownChanges: [PolicyEvent] = []

    /// Opens the store: runs the engine when allowed and no other process does, else follows the log.
    public init(store: any EventStore, clock: DriverClock, options: Options) throws(StoreError) {
        self.store = store
        self.clock = clock
        self.options = options
        let now = clock.monotonicSeconds()
        lastTick = now
        lastCheckpointAt = now
        lastTakeoverTry = now
        if options.mayRunEngine, let lease = try store.tryAcquireEngine(label: options.engineLabel) {
            let s = try EngineSession(store: store, lease: lease, seed: options.seed, start: options.start)
            s.leadsOnDisk = options.leadsOnDisk
            session = s
            // Not `s.state`: a second reference to the engine's desk would make its first change of every
            // part (56,000 bought leads on a month's store) a copy, and keep the loaded copy in memory for good.
            followed = .placeholder(catalog: s.state.desk.catalog, policy: s.state.desk.policy, at: s.state.position,
                                    policySeq: s.state.policySeq)
            role = .engine
            // A new store starts at `start` and catches up to it as the clock runs; a resumed one runs from its clock.
            simAnchor = s.isNew && options.catchUpToWallClock ? max(s.now, clock.wallNow()) : s.now
            monoAnchor = now
        } else {
            followed = try store.loadState(leads: false)
            role = .follower
        }
    }

    /// Opens the engine for a batch command (`simulate`, `ingest`): the lease is required.
    /// - Throws: `StoreError` of kind `.busy` when another process runs the engine.
    public static func engine(store: any EventStore, clock: DriverClock, options: Options) throws(StoreError) -> EngineDriver {
        var o = options
        o.mayRunEngine = true
        let d = try EngineDriver(store: store, clock: clock, options: o)
        guard d.role == .engine else {
            throw StoreError("\(store.location): another leaddeck process is running the engine on this store (engine.lock is held)", kind: .busy)
        }
        return d
    }

    /// The desk as recorded (never ahead of the log).
    public var desk: Desk { session?.state.desk ?? followed.desk }

    /// The loaded state (desk and cursor).
    public var state: LoadedState { session?.state ?? followed }

    /// Simulated time the engine reached; nil when not running the engine.
    public var simulatedNow: Timestamp? { session?.now }

    /// How far simulated time is behind where the pace says it should be (catching up), in seconds.
    public var behindSeconds: Int64 {
        guard let s = session else { return 0 }
        return max(0, target(at: clock.monotonicSeconds()).seconds - s.now.seconds)
    }

    /// Records appended since the last checkpoint (engine only).
    public var sinceCheckpoint: Int { session?.sinceCheckpoint ?? 0 }

    private func target(at mono: Double) -> Timestamp {
        simAnchor + Int64(((mono - monoAnchor) * options.speed).rounded(.down))
    }

    // MARK: The loop

    /// Does what is due: as the engine, runs the market up to where the pace says (at most `catchUpStep` at a
    /// time) or picks up others' records; as a follower, reads new records and takes the engine over when
    /// its owner has gone; checkpoints when due. Never throws: failures become notices and a change of role.
    public func tick() -> Update {
        var update = Update()
        let now = clock.monotonicSeconds()
        defer { lastTick = now }
        switch role {
        case .stopped:
            return update
        case .engine:
            guard let s = session else { return update }
            let gap = now - lastTick
            if gap > options.maxGapSeconds {
                // The process was stopped or the machine slept: the market skips the gap.
                let skipped = Int64((gap * options.speed).rounded(.down))
                s.skip(to: min(target(at: now), s.now + skipped))
            }
            let goal = target(at: now)
            do throws(StoreError) {
                if goal > s.now {
                    let batch = try s.advance(to: min(goal, s.now + options.catchUpStep))
                    take(batch.others, into: &update)
                    update.events += batch.own
                } else {
                    take(try s.poll(), into: &update)
                }
            } catch {
                fail(error, into: &update)
                return update
            }
            checkpointIfDue(now: now, into: &update)
        case .follower:
            do throws(StoreError) {
                try follow(into: &update)
                if options.mayRunEngine, !engineFailedHere, now - lastTakeoverTry >= options.takeoverSeconds {
                    lastTakeoverTry = now
                    try takeOver(into: &update)
                }
            } catch {
                stop(error, into: &update)
            }
        }
        return update
    }

    private func take(_ records: [LogRecord], into update: inout Update) {
        for r in records {
            update.events.append(r.event)
            guard case .policy(let e) = r.event else { continue }
            if let i = ownChanges.firstIndex(of: e) {
                ownChanges.remove(at: i)
            } else {
                update.othersChanges.append(e)
            }
        }
    }

    /// Becomes the engine when no other process runs it (the lease is the authority, tried now and then).
    private func takeOver(into update: inout Update) throws(StoreError) {
        guard let lease = try store.tryAcquireEngine(label: options.engineLabel) else { return }
        let s = try EngineSession(store: store, lease: lease, seed: nil, start: nil)
        s.leadsOnDisk = options.leadsOnDisk
        session = s
        followed = .placeholder(catalog: s.state.desk.catalog, policy: s.state.desk.policy, at: s.state.position,
                                policySeq: s.state.policySeq)  // the follower's desk is not needed any more
        role = .engine
        simAnchor = s.now
        monoAnchor = clock.monotonicSeconds()
        lastCheckpointAt = monoAnchor
        update.notices.append(Notice(text: "the other engine stopped; this dashboard now runs the simulated exchange", isError: false))
    }

    /// The engine could not record what it decided (disk full, damaged log): its session already went back
    /// to what is recorded; give up the lease and follow the log as it stands.
    private func fail(_ error: StoreError, into update: inout Update) {
        engineFailedHere = true
        session?.close()
        session = nil
        do throws(StoreError) {
            followed = try store.loadState(leads: false)
            role = .follower
            update.notices.append(Notice(text: "engine stopped: \(error); following the log", isError: true))
        } catch {
            role = .stopped
            update.notices.append(Notice(text: "engine stopped: \(error)", isError: true))
        }
    }

    private func stop(_ error: StoreError, into update: inout Update) {
        role = .stopped
        update.notices.append(Notice(text: "stopped following the log: \(error)", isError: true))
    }

    private func checkpointDue(now: Double) -> Bool {
        guard let s = session, s.sinceCheckpoint > 0 else { return false }
        let elapsed = now - lastCheckpointAt
        return s.sinceCheckpoint >= options.checkpointEvents
            || (elapsed >= options.checkpointSeconds && s.sinceCheckpoint >= options.checkpointMinEvents)
            || elapsed >= options.checkpointMaxSeconds
    }

    private func checkpointIfDue(now: Double, into update: inout Update) {
        guard let s = session, checkpointDue(now: now) else { return }
        lastCheckpointAt = now
        if let problem = s.saveCheckpoint() {
            update.notices.append(Notice(text: "checkpoint not saved (\(problem)); every event is in the log, the next start replays more", isError: true))
        }
    }

    /// Saves a checkpoint now when one is due by the schedule; returns the failure's message, if any.
    public func checkpointIfDue() -> String? {
        var u = Update()
        checkpointIfDue(now: clock.monotonicSeconds(), into: &u)
        return u.notices.first?.text
    }

    // MARK: Batch work

    /// Hours of market one batch of `run(to:)` decides at most: one durable write and one wait for the other
    /// core per batch, the batch held in memory until then (about 1,200 offers an hour on the demo catalog).
    static let stepsPerBatch = 6

    /// Runs the simulated market to `t` as fast as it goes, in steps of an hour (the alert rules run after each)
    /// and batches of up to `stepsPerBatch` steps, checkpointing on the schedule. `each` sees every batch's own
    /// events as it is written, in order, in pieces (the batch's chunks, not copied); a batch's fsync runs on the
    /// other core while the next one is decided (`EngineSession.syncsBehind`), and every batch is durable when this
    /// returns.
    /// - Throws: the first failure; what was recorded before it stays recorded.
    public func run(to t: Timestamp, each: ([Event]) -> Void = { _ in }) throws(StoreError) {
        guard let s = session else { throw notEngine() }
        s.syncsBehind = true
        defer { s.syncsBehind = false }
        while s.now < t {
            let batch = try s.advance(toward: t, steps: Self.stepsPerBatch)
            for chunk in batch.ownChunks { each(chunk) }
            // A failed fsync is the run's failure, not a checkpoint's (one reading of the clock for both).
            let now = clock.monotonicSeconds()
            if checkpointDue(now: now) { try s.finishSync() }
            var update = Update()
            checkpointIfDue(now: now, into: &update)
        }
        try s.finishSync()
    }

    /// Runs the simulated market to where the pace says now (real-time runs), in one batch.
    public func runPaced(until end: Timestamp) throws(StoreError) -> [Event] {
        guard let s = session else { throw notEngine() }
        let goal = min(end, target(at: clock.monotonicSeconds()))
        guard goal > s.now else { return [] }
        let batch = try s.advance(to: goal)
        _ = checkpointIfDue()
        return batch.own
    }

    /// Starts the pace from the engine's current simulated time.
    public func restartPace() {
        if let s = session { simAnchor = s.now }
        monoAnchor = clock.monotonicSeconds()
    }

    /// Decides offers from outside in one durable batch (see `EngineSession.submit`).
    public func submit(_ offers: [Offer]) throws(StoreError) -> [EngineSession.Answer] {
        guard let s = session else { throw notEngine() }
        let (answers, _) = try s.submit(offers)
        _ = checkpointIfDue()
        return answers
    }

    /// Appends events built from the caught-up desk in one durable batch (an HTTP server's requests; see
    /// `EngineSession.commit`), then checkpoints when due. Returns others' records folded in first.
    @discardableResult
    public func commit(_ body: (inout Desk) throws(StoreError) -> [Event]) throws(StoreError) -> [LogRecord] {
        guard let s = session else { throw notEngine() }
        let others = try s.commit(body)
        _ = checkpointIfDue()
        return others
    }

    /// Picks up records others appended (a block from another terminal) and checkpoints when due, without
    /// running the simulated market: for an engine fed from outside, between requests.
    @discardableResult
    public func refresh() throws(StoreError) -> [LogRecord] {
        guard let s = session else { throw notEngine() }
        let records = try s.poll()
        _ = checkpointIfDue()
        return records
    }

    /// Saves the checkpoint now (engine only); the failure's message, if any.
    public func saveCheckpoint() -> String? {
        guard let s = session, s.sinceCheckpoint > 0 else { return nil }
        lastCheckpointAt = clock.monotonicSeconds()
        return s.saveCheckpoint()
    }

    private func notEngine() -> StoreError {
        StoreError("\(store.location): this process does not run the engine", kind: .busy)
    }

    // MARK: Policy changes

    /// What became of a policy change.
    public enum ChangeResult: Sendable, Equatable {
        case saved(PolicyEvent)
        /// Already in force: nothing recorded.
        case unchanged
        case refused(StoreError)
    }

    /// Saves a policy change made by `actor`, after the one validation every entry point uses, and folds it
    /// into the desk at once.
    @discardableResult
    public func change(_ change: PolicyChange, actor: String) -> ChangeResult {
        save(actor: actor) { p throws(StoreError) in change.rebased(on: p) }
    }

    /// Undoes `change` (made earlier by this user) only if it is still in force as they left it: someone's
    /// later change is never overwritten.
    public func undo(_ change: PolicyChange, actor: String) -> ChangeResult {
        save(actor: actor) { p throws(StoreError) in
            guard change.isInForce(in: p) else {
                throw StoreError("cannot undo \(change.summary): it was changed since (see the source's history)", kind: .conflict)
            }
            return change.inverse.rebased(on: p)
        }
    }

    /// Makes `change` again after an undo, only if the undo is still in force.
    public func redo(_ change: PolicyChange, actor: String) -> ChangeResult {
        save(actor: actor) { p throws(StoreError) in
            guard change.inverse.isInForce(in: p) else {
                throw StoreError("cannot redo \(change.summary): it was changed since", kind: .conflict)
            }
            return change.rebased(on: p)
        }
    }

    private func save(actor: String, _ make: (Policy) throws(StoreError) -> PolicyChange) -> ChangeResult {
        // The desk's catalog: it has the sub-IDs offers brought that sources.json does not list.
        let catalog = desk.catalog
        let event: PolicyEvent?
        do throws(StoreError) {
            event = try store.changePolicy(actor: actor, time: clock.wallNow()) { p throws(StoreError) -> PolicyChange? in
                let c = try make(p)
                if let problem = Validation.problem(with: c, catalog: catalog, policy: p) {
                    throw StoreError(problem, kind: .badInput)
                }
                return c
            }
        } catch {
            return .refused(error)
        }
        guard let event else { return .unchanged }
        ownChanges.append(event)
        // The change is saved; reading it back is separate, and a failure there is the engine's problem.
        var u = Update()
        refresh(into: &u)
        pendingNotices += u.notices
        return .saved(event)
    }

    /// Notices raised outside `tick` (a failure while reading back a change), handed out by the next call.
    private var pendingNotices: [Notice] = []

    /// Notices raised since the last call, outside `tick`.
    public func takeNotices() -> [Notice] {
        defer { pendingNotices = [] }
        return pendingNotices
    }

    /// As a follower: reads what was appended since, folding it into the followed state in place.
    private func follow(into update: inout Update) throws(StoreError) {
        let (records, end) = try store.readNew(after: followed.position)
        followed.position = end
        followed.absorb(records)
        take(records, into: &update)
    }

    /// Folds in what others appended, without running the market.
    private func refresh(into update: inout Update) {
        switch role {
        case .engine:
            do throws(StoreError) { take(try session!.poll(), into: &update) } catch { fail(error, into: &update) }
        case .follower:
            do throws(StoreError) { try follow(into: &update) } catch { stop(error, into: &update) }
        case .stopped:
            break
        }
    }

    // MARK: Ending

    /// Saves a final checkpoint (engine only) and gives up the lease. Returns the checkpoint failure's
    /// message, if any (every event is durable anyway).
    @discardableResult
    public func finish() -> String? {
        guard let s = session else { return nil }
        s.leadsOnDisk = false  // nothing runs after: reading the file back would be wasted
        let problem = s.saveCheckpoint()
        s.close()
        followed = s.state  // what the engine ended with, for whatever reads the driver after
        session = nil
        role = .follower
        return problem
    }
}
