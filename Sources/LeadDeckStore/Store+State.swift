import Foundation
import LeadDeckCore

/// The desk as loaded from a store, with where in the log it stands.
public struct LoadedState: Sendable {
    public var desk: Desk
    public var simulator: MarketSimulator?
    public var position: LogPosition
    /// Sequence number of the last policy change folded into the desk's policy.
    public var policySeq: Int64
    /// Records replayed after the checkpoint.
    public var replayed: Int

    /// A state with an empty desk at `position`: a placeholder that shares nothing with a desk in use.
    public static func placeholder(catalog: Catalog, policy: Policy, at position: LogPosition, policySeq: Int64) -> LoadedState {
        LoadedState(desk: Desk(catalog: catalog, policy: policy), simulator: nil, position: position, policySeq: policySeq, replayed: 0)
    }
}

extension Store {
    /// Before a long replay (more than `promiseBytes` of log after `position`): tells the desk's metrics the latest
    /// time the replay will reach, the latest of the last records' (`MetricsBook.willReach`), so the days and
    /// slots that would be dropped by then are not filled on the way. A log whose end cannot be read is replayed
    /// without the promise; the replay itself reports what is wrong with it.
    private func promiseLastTime(after position: LogPosition, to desk: inout Desk) {
        guard let size = try? fs.size(logPath), size - position.offset > Self.promiseBytes,
              let last = try? lastRecords(8).records else { return }
        let times = last.compactMap { r -> Timestamp? in
            switch r.event {
            case .offer, .outcome, .ping: return r.event.time
            case .policy, .note, .alert: return nil
            }
        }
        if let t = times.max() { desk.willReach(t) }
    }

    /// A replay longer than this promises its last time (`promiseLastTime`): reading the end first costs about as
    /// much as replaying this much.
    static let promiseBytes: Int64 = 1 << 20

    /// Loads the desk: the checkpoint, then every record after it. A torn last record is ignored here (it is
    /// cut aside by the next writer); damage in the middle is an error.
    /// - Parameter leads: also load the bought-lead index, the dedupe memory and the simulated market's state
    ///   (writers need them; reports and followers do not, and open faster without: their `simulator` is nil,
    ///   and records replayed after the checkpoint, or the whole log without one, leave the index and the
    ///   dedupe memory out too; a follower indexes what it follows from then on).
    public func loadState(leads withLeads: Bool = true) throws(StoreError) -> LoadedState {
        var policyDoc = try loadPolicyDocument()
        if let (seq, change) = try pendingIntentChange(policyDoc) {
            policyDoc = PolicyDocument(policy: (try? change.apply(to: policyDoc.policy)) ?? policyDoc.policy, lastChangeSeq: seq)
        }
        var checkpoint: CheckpointDocument? = nil
        // The lead index (the larger file) is read on the other core meanwhile.
        let prefetched = takePrefetchedLeads()
        let leadsRead = withLeads && fs.exists(checkpointPath) ? prefetched ?? startLeadsCheckpointRead() : nil
        if fs.exists(checkpointPath) {
            do {
                checkpoint = try readCheckpoint(simulator: withLeads)
            } catch {
                noteOnce("\(error.description); rebuilding the state from the whole log")
            }
        }
        var leadsDoc: LeadsCheckpointDocument? = nil
        if withLeads, let cp = checkpoint {
            var leads = leadsRead?.value()
            if prefetched != nil, (try? leads?.get())?.position != cp.position {
                // Read at open: another writer may have saved since; once more before rebuilding.
                leads = Result { () throws(StoreError) in try readLeadsCheckpoint() }
            }
            switch leads {
            case .success(let doc)? where doc.position == cp.position:
                leadsDoc = doc
            case .failure(let error)?:
                noteOnce("\(error.description); rebuilding the state from the whole log")
                checkpoint = nil
            default:
                noteOnce("\(leadsCheckpointPath): not at the checkpoint's position (a crash between the two saves?); rebuilding the state from the whole log")
                checkpoint = nil
            }
        }
        if let cp = checkpoint, let size = try? fs.size(logPath), size < cp.position.offset {
            noteOnce("\(checkpointPath): points past the end of \(logPath) (\(cp.position.offset) > \(size) bytes; the log was cut or replaced); rebuilding from the whole log")
            checkpoint = nil
        }
        var position = checkpoint?.position ?? .afterHeader
        var simulator = checkpoint?.simulator
        var fromCheckpoint = checkpoint != nil
        var desk: Desk
        if let cp = checkpoint {
            desk = Desk(catalog: catalog, policy: policyDoc.policy, ledger: cp.ledger, metrics: cp.metrics, leads: LeadIndex(),
                        recentChanges: cp.recentChanges ?? [], recentAlerts: cp.recentAlerts ?? [])
            if let l = leadsDoc { desk.restoreLeadState(leads: l.leads, consumers: l.recentConsumers) }
            leadsDoc = nil  // the desk holds the only reference, so replaying the tail changes it in place, not a copy
        } else {
            desk = Desk(catalog: catalog, policy: policyDoc.policy)
        }
        checkpoint = nil  // likewise for the metrics and the ledger
        var policySeq = policyDoc.lastChangeSeq
        // Not counted as they go (each access to a captured variable is checked at run time, for every record):
        // records follow one another by sequence number, so the count is where the scan ended less where it began.
        func replay(_ r: LogRecord) {
            if case .policy(let e) = r.event {
                if r.seq <= policyDoc.lastChangeSeq {
                    desk.recordChange(e)  // already in policy.json; kept for history
                    return
                }
                policySeq = r.seq
            }
            desk.apply(r.event, leadState: withLeads)
        }
        /// Every record from `position` into the desk, its metrics told where the log ends (`promiseLastTime`).
        /// Without the lead state, every record is folded into figures and dropped: offers are read without what no
        /// figure reads (lead ids, contact details, cities, postal codes).
        func replayLog() throws(StoreError) -> LogScan {
            promiseLastTime(after: position, to: &desk)
            defer { desk.keepPromiseOrForget() }
            return try scanLog(from: position, allowPartialTail: true, figuresOnly: !withLeads, replay)
        }
        var scan = try replayLog()
        if scan.damage != nil, fromCheckpoint, scan.end.seq == position.seq {
            // The checkpoint does not fit this log (restored or replaced log): rebuild from the start.
            noteOnce("\(checkpointPath): does not match \(logPath) (\(scan.damage!)); rebuilding from the whole log")
            fromCheckpoint = false
            simulator = nil
            position = .afterHeader
            desk = Desk(catalog: catalog, policy: policyDoc.policy)
            scan = try replayLog()
        }
        if let damage = scan.damage { throw damaged(damage) }
        if let t = scan.torn {
            noteOnce("\(logPath) line \(t.line): ignoring a torn last record (\(t.reason)); the next write keeps a copy in torn/ and cuts it")
        } else if let size = try? fs.size(logPath), size > scan.end.offset, let torn = tornAfterWriters(scan.end) {
            noteOnce("\(logPath) line \(torn.line): ignoring a torn last record (\(torn.reason), \(torn.length) bytes); the next write keeps a copy in torn/ and cuts it")
        }
        return LoadedState(desk: desk, simulator: simulator, position: scan.end, policySeq: policySeq,
                           replayed: Int(scan.end.seq - position.seq))
    }

    /// An unfinished last line may be a write in progress. Waits for writers (shared lock), then looks again:
    /// what is still unfinished is torn.
    func tornAfterWriters(_ end: LogPosition) -> TornTail? {
        guard let fd = try? fs.lock(writeLockPath, exclusive: false, wait: true) else { return nil }
        defer { fs.unlock(fd) }
        return (try? readScan(from: end, allowPartialTail: false))?.torn
    }

    func noteOnce(_ s: String) { if !notices.contains(s) { notices.append(s) } }
}

extension LoadedState {
    /// Folds records appended by others (policy changes from an admin, outcomes) into the desk.
    public mutating func absorb(_ records: [LogRecord]) {
        for r in records {
            if case .policy(let e) = r.event {
                guard r.seq > policySeq else { desk.recordChange(e); continue }
                policySeq = r.seq
            }
            desk.apply(r.event)
        }
    }
}

extension Store {
    /// Under the write lock: catches `state` up with the log, lets `body` build events from the current
    /// desk (folding them in as it goes), and appends them in one batch. Nothing is appended if `body` throws.
    @discardableResult
    public func transaction(_ state: inout LoadedState,
                            appending body: (inout Desk, inout EventBatch) throws(StoreError) -> Void) throws(StoreError) -> [LogRecord] {
        try withWriteLock { () throws(StoreError) -> [LogRecord] in
            // The last batch's fsync, if it still runs, settles first: a failed one is cut before anything is read.
            try finishSyncLocked()
            let foreign = try catchUpLocked(&state.position)
            state.absorb(foreign)
            // Encoded on the other core as `body` adds them: the sequence numbers are known, under the lock. A
            // batch run's records are written there too as they are encoded (the lock is held until the end).
            let sink = syncsBehind ? try streamingSink(after: state.position) : nil
            var batch = EventBatch(encodingAfter: state.position.seq, sink: sink)
            do throws(StoreError) {
                try body(&state.desk, &batch)
            } catch {
                batch.settle()
                if let sink { try dropStreamed(sink, from: state.position) }
                throw error
            }
            let encoded = batch.records()
            _ = try appendLocked(count: batch.count, encoded: encoded.map { ($0.bytes, $0.after) },
                                 streamed: encoded?.streamed == true ? sink : nil, at: &state.position) { batch.events }
            return foreign
        }
    }
}
