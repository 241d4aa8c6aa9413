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
    /// - Parameter leads: also load the bought-lead index and dedupe memory (writers need them; reports and
    ///   followers do not, and open faster without).
    public func loadState(leads withLeads: Bool = true) throws(StoreError) -> LoadedState {
        var policyDoc = try loadPolicyDocument()
        if let (seq, change) = try pendingIntentChange(policyDoc) {
            policyDoc = PolicyDocument(policy: (try? change.apply(to: policyDoc.policy)) ?? policyDoc.policy, lastChangeSeq: seq)
        }
        var checkpoint: CheckpointDocument? = nil
        if fs.exists(checkpointPath) {
            do {
                checkpoint = try Self.readDocument(CheckpointDocument.self, checkpointPath, current: CheckpointDocument.current, fs: fs, strict: false)
            } catch {
                noteOnce("\(error.description); rebuilding the state from the whole log")
            }
        }
        var leadsDoc: LeadsCheckpointDocument? = nil
        if withLeads, let cp = checkpoint {
            leadsDoc = try? Self.readDocument(LeadsCheckpointDocument.self, leadsCheckpointPath, current: LeadsCheckpointDocument.current, fs: fs, strict: false)
            if leadsDoc?.position != cp.position {
                noteOnce("\(leadsCheckpointPath): missing or not at the checkpoint's position; rebuilding the state from the whole log")
                checkpoint = nil
            }
        }
        if let cp = checkpoint, let size = try? fs.size(logPath), size < cp.position.offset {
            noteOnce("\(checkpointPath): points past the end of \(logPath) (\(cp.position.offset) > \(size) bytes; the log was cut or replaced); rebuilding from the whole log")
            checkpoint = nil
        }
        var position = checkpoint?.position ?? .afterHeader
        var desk: Desk
        if let cp = checkpoint {
            desk = Desk(catalog: catalog, policy: policyDoc.policy, ledger: cp.ledger, metrics: cp.metrics, leads: LeadIndex(),
                        recentChanges: cp.recentChanges ?? [])
            if let l = leadsDoc { desk.restoreLeadState(leads: l.leads, consumers: l.recentConsumers) }
        } else {
            desk = Desk(catalog: catalog, policy: policyDoc.policy)
        }
        var policySeq = policyDoc.lastChangeSeq
        var replayed = 0
        func replay(_ r: LogRecord) {
            replayed += 1
            if case .policy(let e) = r.event {
                if r.seq <= policyDoc.lastChangeSeq {
                    desk.recordChange(e)  // already in policy.json; kept for history
                    return
                }
                policySeq = r.seq
            }
            desk.apply(r.event)
        }
        var scan = try scanLog(from: position, allowPartialTail: true, replay)
        if scan.damage != nil, checkpoint != nil, replayed == 0 {
            // The checkpoint does not fit this log (restored or replaced log): rebuild from the start.
            noteOnce("\(checkpointPath): does not match \(logPath) (\(scan.damage!)); rebuilding from the whole log")
            checkpoint = nil
            position = .afterHeader
            desk = Desk(catalog: catalog, policy: policyDoc.policy)
            scan = try scanLog(from: position, allowPartialTail: true, replay)
        }
        if let damage = scan.damage { throw StoreError(damage) }
        if let t = scan.torn {
            noteOnce("\(logPath) line \(t.line): ignoring a torn last record (\(t.reason)); the next write keeps a copy in torn/ and cuts it")
        } else if let size = try? fs.size(logPath), size > scan.end.offset, let torn = tornAfterWriters(scan.end) {
            noteOnce("\(logPath) line \(torn.line): ignoring a torn last record (\(torn.reason), \(torn.length) bytes); the next write keeps a copy in torn/ and cuts it")
        }
        return LoadedState(desk: desk, simulator: checkpoint?.simulator, position: scan.end, policySeq: policySeq,
                           replayed: replayed)
    }

    /// An unfinished last line may be a write in progress. Waits for writers (shared lock), then looks again:
    /// what is still unfinished is torn.
    func tornAfterWriters(_ end: LogPosition) -> TornTail? {
        guard let fd = try? fs.lock(writeLockPath, exclusive: false, wait: true) else { return nil }
        defer { fs.unlock(fd) }
        return (try? readScan(from: end, allowPartialTail: false))?.torn
    }

    func noteOnce(_ s: String) { if !notices.contains(s) { notices.append(s) } }

    func readScan(from position: LogPosition, allowPartialTail: Bool) throws(StoreError) -> LogScan {
        var records: [LogRecord] = []
        var scan = try scanLog(from: position, allowPartialTail: allowPartialTail) { records.append($0) }
        scan.records = records
        return scan
    }

    /// Reads the log from `position` in chunks of a few megabytes, handing each record to `visit` (so a long
    /// history is never all in memory). The result's `records` is empty; `end`, `torn` and `damage` are set.
    func scanLog(from position: LogPosition, allowPartialTail: Bool, chunk: Int = 8 << 20,
                 _ visit: (LogRecord) -> Void) throws(StoreError) -> LogScan {
        let size = try io { () throws(FileSystemError) in try fs.size(logPath) }
        if size < position.offset {
            throw StoreError("\(logPath): the log is shorter (\(size) bytes) than the position read before (\(position.offset)); it was truncated or replaced by another program")
        }
        var pos = position
        var chunkSize = chunk
        while pos.offset < size {
            let bytes = try io { () throws(FileSystemError) in try fs.read(logPath, from: pos.offset, maxCount: chunkSize) }
            // A short read means the end of the file (which a writer may just have cut back).
            if bytes.isEmpty { return LogScan(end: pos) }
            let atEnd = bytes.count < chunkSize || pos.offset + Int64(bytes.count) >= size
            let s = EventLogCodec.scan(bytes, from: pos, path: logPath, allowPartialTail: atEnd ? allowPartialTail : true)
            s.records.forEach(visit)
            if s.damage != nil { return LogScan(end: s.end, torn: nil, damage: s.damage) }
            if let t = s.torn {
                if atEnd { return LogScan(end: s.end, torn: t, damage: nil) }
                return LogScan(end: s.end, torn: nil, damage: "\(logPath) line \(t.line) (byte \(t.offset)): \(t.reason); later records follow, so this is damage, not a torn write")
            }
            if atEnd { return LogScan(end: s.end) }
            if s.end.offset == pos.offset { chunkSize *= 2 } else { pos = s.end }
        }
        return LogScan(end: pos)
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
        let encoder = EventEncoder()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events.count * 440)
        var seq = position.seq
        for e in events {
            seq += 1
            EventLogCodec.encode(e, seq: seq, encoder: encoder, into: &bytes)
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
            let scan = try scanLog(from: .afterHeader, allowPartialTail: false) { _ in }
            if let damage = scan.damage { throw StoreError(damage) }
            if let t = scan.torn { try cutTornTail(t) }
            return scan.torn
        }
    }

    /// Changes the policy: under the write lock, reads the saved policy, lets `make` compute the change from
    /// it (nil for none), appends the change as an event with who and when, then saves the new policy.
    /// Returns the recorded event, or nil when nothing changed. Costs the same however long the log is.
    ///
    /// Crash safety: an intent file (`policy-intent.json`) names the event's sequence number and offset before
    /// the event is appended; if a crash comes before `policy.json` is saved, the next change (or load) finds
    /// the logged event through the intent and applies it.
    @discardableResult
    public func changePolicy(actor: String, time: Timestamp,
                             _ make: (Policy) throws(StoreError) -> PolicyChange?) throws(StoreError) -> PolicyEvent? {
        try withWriteLock { () throws(StoreError) -> PolicyEvent? in
            var position = try tailPositionLocked()
            var doc = try loadPolicyDocument()
            if let (seq, change) = try pendingIntentChange(doc) {
                doc = PolicyDocument(policy: (try? change.apply(to: doc.policy)) ?? doc.policy, lastChangeSeq: seq)
                try io { () throws(FileSystemError) in try fs.replaceAtomically(policyPath, with: JSONFile.encodePretty(doc)) }
            }
            fs.remove(intentPath)
            let policy = doc.policy
            guard let change = try make(policy) else { return nil }
            let newPolicy: Policy
            do throws(PolicyError) { newPolicy = try change.apply(to: policy) } catch { throw StoreError(error.description) }
            guard newPolicy != policy else { return nil }
            let event = PolicyEvent(time: time, actor: actor, change: change)
            let intent = PolicyIntent(schemaVersion: PolicyIntent.current, seq: position.seq + 1, offset: position.offset, change: change)
            try io { () throws(FileSystemError) in try fs.replaceAtomically(intentPath, with: JSONFile.encodePretty(intent)) }
            _ = try appendLocked([.policy(event)], at: &position)
            // From here the change is durable (logged, and found through the intent on the next load), so a
            // failure to save policy.json is a warning, not a failed change.
            let newDoc = PolicyDocument(policy: newPolicy, lastChangeSeq: position.seq)
            do throws(FileSystemError) {
                try fs.replaceAtomically(policyPath, with: JSONFile.encodePretty(newDoc))
                fs.remove(intentPath)
            } catch {
                noteOnce("\(error.description); the change is logged and takes effect, and policy.json is brought up to date by the next change or load")
            }
            return event
        }
    }

    var intentPath: String { "\(directory)/policy-intent.json" }

    /// A change logged by an interrupted `changePolicy` but not yet in `policy.json`, found through the intent.
    func pendingIntentChange(_ doc: PolicyDocument) throws(StoreError) -> (Int64, PolicyChange)? {
        guard fs.exists(intentPath),
              let intent = try? Self.readDocument(PolicyIntent.self, intentPath, current: PolicyIntent.current, fs: fs),
              intent.seq > doc.lastChangeSeq,
              let bytes = try? fs.read(logPath, from: intent.offset, maxCount: 1 << 20),
              let nl = bytes.prefix(1 << 20).firstIndex(of: 10),
              case .success(let (seq, event)) = EventLogCodec.parse(bytes[0..<nl], decoder: JSONDecoder()),
              seq == intent.seq, case .policy(let e) = event, e.change == intent.change
        else { return nil }
        return (seq, intent.change)
    }

    /// The position after the last whole record, found from the end of the log (cost independent of its
    /// length). A torn last record is cut aside first. Call holding the write lock.
    func tailPositionLocked() throws(StoreError) -> LogPosition {
        let headerLength = Int64(EventLogCodec.header.count)
        var window: Int64 = 64 * 1024
        while true {
            let size = try io { () throws(FileSystemError) in try fs.size(logPath) }
            if size <= headerLength { return .afterHeader }
            let start = max(headerLength, size - window)
            let bytes = try io { () throws(FileSystemError) in try fs.read(logPath, from: start) }
            // Lines wholly inside the window: skip a partial first line unless the window starts after the header.
            var lineStart = 0
            if start > headerLength {
                guard let first = bytes.firstIndex(of: 10) else { window *= 4; continue }
                lineStart = first + 1
            }
            var lines: [(Int, Int)] = []
            var i = lineStart
            while i < bytes.count {
                guard let nl = bytes[i...].firstIndex(of: 10) else { break }
                lines.append((i, nl))
                i = nl + 1
            }
            let decoder = JSONDecoder()
            func parsed(_ n: Int) throws(StoreError) -> Int64? {
                switch EventLogCodec.parse(bytes[lines[n].0..<lines[n].1], decoder: decoder) {
                case .success(let (seq, _)): return seq
                case .failure(let e) where e.intact:
                    throw StoreError("\(logPath) byte \(start + Int64(lines[n].0)): \(e.description); not cutting it")
                case .failure: return nil
                }
            }
            func position(afterLine n: Int, seq: Int64) throws(StoreError) -> LogPosition {
                let end = start + Int64(lines[n].1 + 1)
                if end < size {
                    try cutTornTail(TornTail(offset: end, line: seq + 2, length: size - end,
                                             reason: n == lines.count - 1 ? "incomplete record (no newline)" : "unreadable last record"))
                }
                return LogPosition(offset: end, seq: seq, line: seq + 1)
            }
            // The same rule as reading: the last good record ends the log; whatever follows it (unreadable
            // lines, none intact, and perhaps an unfinished one) is a torn tail to cut.
            var k = lines.count - 1
            while k >= 0 {
                if let seq = try parsed(k) { return try position(afterLine: k, seq: seq) }
                k -= 1
            }
            if start == headerLength {
                // Nothing good after the header: all that is there is a torn record.
                try cutTornTail(TornTail(offset: headerLength, line: 2, length: size - headerLength,
                                         reason: lines.isEmpty ? "incomplete record (no newline)" : "unreadable last record"))
                return .afterHeader
            }
            window *= 4
        }
    }

    /// Saves the desk at `position` as the checkpoint: the lead index first, then the main file (each
    /// atomically), so a crash in between leaves files that disagree and are rebuilt, never a wrong state.
    public func saveCheckpoint(_ desk: Desk, simulator: MarketSimulator?, at position: LogPosition) throws(StoreError) {
        let doc = CheckpointDocument(schemaVersion: CheckpointDocument.current, position: position, ledger: desk.ledger,
                                     metrics: desk.metrics, recentChanges: desk.recentChanges, simulator: simulator)
        let leads = LeadsCheckpointDocument(schemaVersion: LeadsCheckpointDocument.current, position: position,
                                            leads: desk.leads, recentConsumers: desk.ledger.recentConsumers)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = [UInt8](try! encoder.encode(doc))
        bytes.append(10)
        var leadBytes = [UInt8](try! encoder.encode(leads))
        leadBytes.append(10)
        try withWriteLock { () throws(StoreError) in
            try io { () throws(FileSystemError) in
                try fs.replaceAtomically(leadsCheckpointPath, with: leadBytes)
                try fs.replaceAtomically(checkpointPath, with: bytes)
            }
        }
    }
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

extension Store {
    /// Hands every whole record after `position` to `visit`, reading in chunks (memory stays flat however long
    /// the log), and returns the position after the last one. Damage is an error; a torn tail is left alone.
    @discardableResult
    public func forEachRecord(after position: LogPosition, _ visit: (LogRecord) -> Void) throws(StoreError) -> LogPosition {
        let scan = try scanLog(from: position, allowPartialTail: true, visit)
        if let damage = scan.damage { throw StoreError(damage) }
        return scan.end
    }

    /// The last `count` records (oldest first) and the position after the last whole record, read backwards
    /// from the end of the log in growing chunks, so the cost depends on `count`, not on the log's length.
    /// An unreadable whole line is an error (damage is reported, never skipped); an unfinished last line is left.
    public func lastRecords(_ count: Int) throws(StoreError) -> (records: [LogRecord], end: LogPosition) {
        let header = Int64(EventLogCodec.header.count)
        var window: Int64 = 256 * 1024
        let decoder = JSONDecoder()
        while true {
            let size = try io { () throws(FileSystemError) in try fs.size(logPath) }
            let start = max(header, size - window)
            let bytes = try io { () throws(FileSystemError) in try fs.read(logPath, from: start, maxCount: Int(size - start)) }
            var i = 0
            if start > header {
                guard let nl = bytes.firstIndex(of: 10) else { window *= 4; continue }
                i = nl + 1
            }
            var lines: [Range<Int>] = []
            while i < bytes.count, let nl = bytes[i...].firstIndex(of: 10) {
                lines.append(i..<nl)
                i = nl + 1
            }
            if lines.count <= count && start > header { window *= 4; continue }
            guard let lastLine = lines.last else { return ([], .afterHeader) }
            // As everywhere: unreadable lines at the very end (none of them intact) are a torn tail, left for
            // the next writer to cut; an unreadable line followed by a good one is damage.
            var parsed: [(Range<Int>, Result<(Int64, Event), EventLogCodec.RecordError>)] = []
            for r in lines.suffix(max(1, count) + 4) { parsed.append((r, EventLogCodec.parse(bytes[r], decoder: decoder))) }
            while let last = parsed.last, case .failure(let e) = last.1, !e.intact { parsed.removeLast() }
            var records: [LogRecord] = []
            for (r, result) in parsed {
                switch result {
                case .success(let (seq, event)): records.append(LogRecord(seq: seq, line: seq + 1, event: event))
                case .failure(let e): throw StoreError("\(logPath) byte \(start + Int64(r.lowerBound)): \(e.description); run `leaddeck check`")
                }
            }
            guard let lastGood = parsed.last, let lastSeq = records.last?.seq else {
                if start > header { window *= 4; continue }
                return ([], .afterHeader)
            }
            _ = lastLine
            let end = LogPosition(offset: start + Int64(lastGood.0.upperBound + 1), seq: lastSeq, line: lastSeq + 1)
            return (Array(records.suffix(count)), end)
        }
    }
}
