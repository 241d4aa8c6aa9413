import LeadDeckCore

/// The cursor a reader or writer keeps in a store's history; opaque outside the store that made it.
public typealias StoreCursor = LogPosition

/// The store as the engine, its viewers and the commands use it, whatever keeps the data: the JSON file
/// store today (`Store`), a database later, an in-memory store in tests (`MemoryStore`). Every failure is a
/// `StoreError` with a `kind`.
///
/// The rules every implementation keeps:
/// - Records are appended in groups after a cursor, each group durable before the call returns, with
///   sequence numbers that never repeat; readers see only durable records. The one exception is a batch run
///   that asks for it (`syncsBehind`): a group's fsync then overlaps the deciding of the next group, and is
///   waited for before anything else is written or checkpointed.
/// - `transaction` folds in what others appended before the caller decides, so the order of the records is
///   the order in which things took effect.
/// - One process at a time holds the engine lease.
public protocol EventStore: AnyObject {
    /// The traffic sources the store knows.
    var catalog: Catalog { get }
    /// Where the store is, for messages to a person (a folder, a database URL).
    var location: String { get }
    /// Notices raised while working (a torn record cut aside, a checkpoint rebuilt), for the caller to show.
    var notices: [String] { get }

    /// The desk as recorded: the last checkpoint, then every record after it.
    /// - Parameter leads: also load the bought-lead index and dedupe memory (writers need them).
    func loadState(leads: Bool) throws(StoreError) -> LoadedState

    /// Records appended after `cursor` by anyone, and the cursor after them.
    func readNew(after cursor: StoreCursor) throws(StoreError) -> (records: [LogRecord], end: StoreCursor)

    /// The last `count` records, oldest first, and the cursor after them.
    func lastRecords(_ count: Int) throws(StoreError) -> (records: [LogRecord], end: StoreCursor)

    /// Holding the write lock: folds what others appended into `state`, lets `body` build events from the
    /// caught-up desk (folding them in as it goes), and appends them durably in one group. Returns the
    /// others' records. If it throws after `body` ran, `state.desk` holds events that are not recorded: the
    /// caller must not show it, and reloads it (`loadState`).
    /// `body` adds the events to `batch` as it builds them (a file store encodes them on the other core
    /// meanwhile).
    @discardableResult
    func transaction(_ state: inout LoadedState,
                     appending body: (inout Desk, inout EventBatch) throws(StoreError) -> Void) throws(StoreError) -> [LogRecord]

    /// Changes the policy: `make` computes the change from the policy in force (nil for none); the change is
    /// recorded with who and when, and returned (nil when nothing changed).
    @discardableResult
    func changePolicy(actor: String, time: Timestamp,
                      _ make: (Policy) throws(StoreError) -> PolicyChange?) throws(StoreError) -> PolicyEvent?

    /// Whether a group's fsync may run on another core while the caller decides the next group (a batch run
    /// such as `simulate`, where nobody waits on a single group). `transaction` then returns once the group is
    /// written; its fsync is waited for before the next group or a policy change is written, before a
    /// checkpoint, and by `finishSync()`. A process that stops early loses at most that group on a power cut,
    /// never anything a checkpoint refers to. Others may read the group before its fsync ends; if the fsync fails
    /// it is cut again, and a follower that read it stops with "the log is shorter than the position read
    /// before" (reopening shows the log as it is). Off by default.
    var syncsBehind: Bool { get set }

    /// Waits for the fsync of the last group appended while `syncsBehind`. If it failed, that group is cut from
    /// the log again (when nothing was appended after it) and the error is thrown: the caller reloads its state.
    func finishSync() throws(StoreError)

    /// Saves the desk and the simulator at `cursor` as the start-up shortcut.
    func saveCheckpoint(_ desk: Desk, simulator: MarketSimulator?, at cursor: StoreCursor) throws(StoreError)

    /// The lead index and the dedupe memory of the checkpoint saved at `cursor`, read in place from the store's
    /// file rather than held in memory (`EngineSession.leadsOnDisk`); nil when the store keeps them otherwise or
    /// its checkpoint is not at `cursor`.
    func savedLeadState(at cursor: StoreCursor) -> (leads: LeadIndex, consumers: ConsumerMemory)?

    /// Takes the engine lease if no other process holds it; nil when one does.
    /// - Parameter label: what runs the engine, for others to show ("simulated exchange", "serve :8080").
    func tryAcquireEngine(label: String) throws(StoreError) -> EngineLease?

    /// What runs the engine, when a live process holds the lease ("" when it gave no label); nil when none does.
    func runningEngine() -> String?

    /// The API keys exchanges present (`Authorization: Bearer KEY`), hashes only; empty when none was added.
    /// Never writes.
    /// - Throws: `StoreError` of kind `.damaged` naming the keys file when it is unreadable.
    func apiKeys() throws(StoreError) -> KeyRing

    /// Changes the API keys under the write lock, as one step against what others saved: `body` sees the
    /// ring in force and changes it; the result is saved durably (nothing is saved when `body` throws) and
    /// returned.
    @discardableResult
    func changeKeys(_ body: (inout KeyRing) throws(StoreError) -> Void) throws(StoreError) -> KeyRing

    /// A fingerprint of the saved keys that changes whenever any process changes them (nil when none were
    /// ever saved), cheap enough to compare on every request before deciding to call `apiKeys()` again.
    func keysStamp() -> String?
}

extension EventStore {
    /// Kept in memory: nothing to read in place.
    public func savedLeadState(at cursor: StoreCursor) -> (leads: LeadIndex, consumers: ConsumerMemory)? { nil }

    /// A transaction whose `body` returns the events to append (see `transaction(_:appending:)`).
    @discardableResult
    public func transaction(_ state: inout LoadedState,
                            _ body: (inout Desk) throws(StoreError) -> [Event]) throws(StoreError) -> [LogRecord] {
        try transaction(&state) { (desk: inout Desk, batch: inout EventBatch) throws(StoreError) in
            batch.append(contentsOf: try body(&desk))
        }
    }

    /// Takes the engine lease, without saying what runs it.
    public func tryAcquireEngine() throws(StoreError) -> EngineLease? { try tryAcquireEngine(label: "") }

    /// Whether some live process holds the engine lease.
    public func engineIsRunning() -> Bool { runningEngine() != nil }

    /// The desk as recorded, with the bought-lead index.
    public func loadState() throws(StoreError) -> LoadedState { try loadState(leads: true) }

    /// Takes the engine lease.
    /// - Throws: `StoreError` of kind `.busy` when another process holds it.
    public func acquireEngine(label: String = "") throws(StoreError) -> EngineLease {
        guard let lease = try tryAcquireEngine(label: label) else {
            let who = runningEngine().map { $0.isEmpty ? "" : " (\(Sanitizer.clean($0)))" } ?? ""
            throw StoreError("\(location): another leaddeck process is running the engine on this store\(who); engine.lock is held", kind: .busy)
        }
        return lease
    }
}

/// The right to run the engine on a store, held until `release()` (or the process ends).
public protocol EngineLease: AnyObject {
    /// Gives the lease up; harmless when called twice.
    func release()
}
