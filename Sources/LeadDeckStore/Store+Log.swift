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
}

extension Store {
    /// Loads the desk: the checkpoint, then every record after it. A torn last record is ignored here (it is
    /// cut aside by the next writer); damage in the middle is an error.
    public func loadState() throws(StoreError) -> LoadedState {
        let policyDoc = try loadPolicyDocument()
        var checkpoint: CheckpointDocument? = nil
        if fs.exists(checkpointPath) {
            do {
                checkpoint = try Self.readDocument(CheckpointDocument.self, checkpointPath, current: CheckpointDocument.current, fs: fs)
            } catch {
                noteOnce("\(error.description); rebuilding the state from the whole log")
            }
        }
        var position = checkpoint?.position ?? .afterHeader
        var desk: Desk
        if let cp = checkpoint {
            desk = Desk(catalog: catalog, policy: policyDoc.policy, ledger: cp.ledger, metrics: cp.metrics, leads: cp.leads)
        } else {
            desk = Desk(catalog: catalog, policy: policyDoc.policy)
        }
        var scan = try readScan(from: position, allowPartialTail: true)
        if scan.damage != nil, checkpoint != nil, scan.records.isEmpty {
            // The checkpoint does not fit this log (restored or replaced log): rebuild from the start.
            noteOnce("\(checkpointPath): does not match \(logPath) (\(scan.damage!)); rebuilding from the whole log")
            checkpoint = nil
            position = .afterHeader
            desk = Desk(catalog: catalog, policy: policyDoc.policy)
            scan = try readScan(from: position, allowPartialTail: true)
        }
        if let damage = scan.damage { throw StoreError(damage) }
        if let t = scan.torn {
            noteOnce("\(logPath) line \(t.line): ignoring a torn last record (\(t.reason)); the next write keeps a copy in torn/ and cuts it")
        } else if let size = try? fs.size(logPath), size > scan.end.offset, !writerIsActive() {
            // An unfinished last line with no writer at work is a torn write, not one in progress.
            noteOnce("\(logPath) line \(scan.end.line + 1): ignoring a torn last record (incomplete, \(size - scan.end.offset) bytes); the next write keeps a copy in torn/ and cuts it")
        }
        var policySeq = policyDoc.lastChangeSeq
        for r in scan.records {
            if case .policy = r.event, r.seq <= policyDoc.lastChangeSeq { continue }
            if case .policy = r.event { policySeq = r.seq }
            desk.apply(r.event)
        }
        return LoadedState(desk: desk, simulator: checkpoint?.simulator, position: scan.end, policySeq: policySeq,
                           replayed: scan.records.count)
    }

    /// Whether some process holds the write lock right now.
    func writerIsActive() -> Bool {
        guard let fd = try? fs.lock(writeLockPath, exclusive: false, wait: false) else { return true }
        fs.unlock(fd)
        return false
    }

    func noteOnce(_ s: String) { if !notices.contains(s) { notices.append(s) } }

    func readScan(from position: LogPosition, allowPartialTail: Bool) throws(StoreError) -> LogScan {
        let size = try io { () throws(FileSystemError) in try fs.size(logPath) }
        if size < position.offset {
            throw StoreError("\(logPath): the log is shorter (\(size) bytes) than the position read before (\(position.offset)); it was truncated or replaced by another program")
        }
        if size == position.offset { return LogScan(end: position) }
        let bytes = try io { () throws(FileSystemError) in try fs.read(logPath, from: position.offset) }
        return EventLogCodec.scan(bytes, from: position, path: logPath, allowPartialTail: allowPartialTail)
    }

    /// Records appended after `position` by anyone; a record still being written is left for next time.
    public func readNew(after position: LogPosition) throws(StoreError) -> (records: [LogRecord], end: LogPosition) {
        let scan = try readScan(from: position, allowPartialTail: true)
        if let damage = scan.damage { throw StoreError(damage) }
        return (scan.records, scan.end)
    }

    /// Appends events in one write and one fsync (group commit), after catching up with what other processes
    /// appended since `position`. Returns those other records, for the caller to fold in.
    @discardableResult
    public func append(_ events: [Event], at position: inout LogPosition) throws(StoreError) -> [LogRecord] {
        try withWriteLock { () throws(StoreError) in try appendLocked(events, at: &position) }
    }

    func appendLocked(_ events: [Event], at position: inout LogPosition) throws(StoreError) -> [LogRecord] {
        let foreign = try catchUpLocked(&position)
        guard !events.isEmpty else { return foreign }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events.count * 420)
        var seq = position.seq
        for e in events {
            seq += 1
            bytes += EventLogCodec.encode(e, seq: seq, encoder: encoder)
        }
        try io { () throws(FileSystemError) in
            let fd = try fs.openForWriting(logPath, append: true, truncate: false)
            defer { fs.close(fd) }
            do throws(FileSystemError) {
                try fs.write(fd, bytes, path: logPath)
                try fs.fsync(fd, path: logPath)
            } catch {
                // Do not leave half a batch behind: cut back to where this batch began.
                try? fs.truncate(logPath, to: position.offset)
                throw error
            }
        }
        position = LogPosition(offset: position.offset + Int64(bytes.count), seq: seq, line: position.line + Int64(events.count))
        return foreign
    }

    /// Under the write lock: reads what others appended after `position`, cutting a torn tail aside.
    func catchUpLocked(_ position: inout LogPosition) throws(StoreError) -> [LogRecord] {
        let scan = try readScan(from: position, allowPartialTail: false)
        if let damage = scan.damage { throw StoreError(damage) }
        if let torn = scan.torn { try cutTornTail(torn) }
        position = scan.end
        return scan.records
    }

    /// Copies a torn tail into `torn/` and truncates the log before it. Call holding the write lock.
    func cutTornTail(_ torn: TornTail) throws(StoreError) {
        try io { () throws(FileSystemError) in
            let bytes = try fs.read(logPath, from: torn.offset)
            try fs.makeDirectory(tornDirectory)
            let keep = "\(tornDirectory)/events-line\(torn.line)-byte\(torn.offset)-\(Int64(Date().timeIntervalSince1970)).jsonl"
            try fs.replaceAtomically(keep, with: bytes)
            try fs.truncate(logPath, to: torn.offset)
            let fd = try fs.openForWriting(logPath, append: true, truncate: false)
            defer { fs.close(fd) }
            try fs.fsync(fd, path: logPath)
            noteOnce("\(logPath) line \(torn.line): cut a torn last record (\(torn.reason), \(torn.length) bytes); a copy is in \(keep)")
        }
    }

    /// Under the write lock, cuts a torn last record if there is one. Returns what was cut.
    @discardableResult
    public func repairTornTail() throws(StoreError) -> TornTail? {
        try withWriteLock { () throws(StoreError) -> TornTail? in
            let scan = try readScan(from: .afterHeader, allowPartialTail: false)
            if let damage = scan.damage { throw StoreError(damage) }
            if let t = scan.torn { try cutTornTail(t) }
            return scan.torn
        }
    }

    /// Changes the policy: under the write lock, reads the saved policy, lets `make` compute the change from
    /// it (nil for none), appends the change as an event with who and when, then saves the new policy.
    /// Returns the recorded event, or nil when nothing changed.
    @discardableResult
    public func changePolicy(actor: String, time: Timestamp,
                             _ make: (Policy) throws(StoreError) -> PolicyChange?) throws(StoreError) -> PolicyEvent? {
        try withWriteLock { () throws(StoreError) -> PolicyEvent? in
            var position = try lastPositionLocked()
            let doc = try loadPolicyDocument()
            var policy = doc.policy
            // Fold in changes logged but not yet saved to policy.json (a crash between the two writes).
            for r in try replayPolicyTail(after: doc.lastChangeSeq) { policy = (try? r.apply(to: policy)) ?? policy }
            guard let change = try make(policy) else { return nil }
            let newPolicy: Policy
            do throws(PolicyError) { newPolicy = try change.apply(to: policy) } catch { throw StoreError(error.description) }
            guard newPolicy != policy else { return nil }
            let event = PolicyEvent(time: time, actor: actor, change: change)
            _ = try appendLocked([.policy(event)], at: &position)
            let newDoc = PolicyDocument(policy: newPolicy, lastChangeSeq: position.seq)
            try io { () throws(FileSystemError) in try fs.replaceAtomically(policyPath, with: JSONFile.encodePretty(newDoc)) }
            return event
        }
    }

    /// The log position at its end (after the last whole record), scanning from the checkpoint.
    func lastPositionLocked() throws(StoreError) -> LogPosition {
        var position = LogPosition.afterHeader
        if let cp = try? Self.readDocument(CheckpointDocument.self, checkpointPath, current: CheckpointDocument.current, fs: fs),
           let size = try? fs.size(logPath), cp.position.offset <= size {
            position = cp.position
        }
        let scan = try readScan(from: position, allowPartialTail: false)
        if scan.damage != nil && position != .afterHeader {
            position = .afterHeader
            _ = try catchUpLocked(&position)
            return position
        }
        _ = try catchUpLocked(&position)
        return position
    }

    func replayPolicyTail(after seq: Int64) throws(StoreError) -> [PolicyChange] {
        // Policy changes are rare; scanning the log tail from the checkpoint finds any not yet saved.
        let from: LogPosition
        if let cp = try? Self.readDocument(CheckpointDocument.self, checkpointPath, current: CheckpointDocument.current, fs: fs),
           cp.position.seq <= seq {
            from = cp.position
        } else {
            from = .afterHeader
        }
        let scan = try readScan(from: from, allowPartialTail: false)
        return scan.records.compactMap { r in
            if case .policy(let e) = r.event, r.seq > seq { return e.change }
            return nil
        }
    }

    /// Saves the desk at `position` as the checkpoint (atomically).
    public func saveCheckpoint(_ desk: Desk, simulator: MarketSimulator?, at position: LogPosition) throws(StoreError) {
        let doc = CheckpointDocument(schemaVersion: CheckpointDocument.current, position: position, ledger: desk.ledger,
                                     metrics: desk.metrics, leads: desk.leads, simulator: simulator)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = [UInt8](try! encoder.encode(doc))
        bytes.append(10)
        try withWriteLock { () throws(StoreError) in
            try io { () throws(FileSystemError) in try fs.replaceAtomically(checkpointPath, with: bytes) }
        }
    }
}

extension LoadedState {
    /// Folds records appended by others (policy changes from an admin, outcomes) into the desk.
    public mutating func absorb(_ records: [LogRecord]) {
        for r in records {
            if case .policy = r.event {
                guard r.seq > policySeq else { continue }
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
                            _ body: (inout Desk) throws(StoreError) -> [Event]) throws(StoreError) -> [LogRecord] {
        try withWriteLock { () throws(StoreError) -> [LogRecord] in
            let foreign = try catchUpLocked(&state.position)
            state.absorb(foreign)
            let events = try body(&state.desk)
            _ = try appendLocked(events, at: &state.position)
            return foreign
        }
    }
}
