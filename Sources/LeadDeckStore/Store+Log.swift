import Foundation
import LeadDeckCore

extension Store {
    func readScan(from position: LogPosition, allowPartialTail: Bool) throws(StoreError) -> LogScan {
        var records: [LogRecord] = []
        var scan = try scanLog(from: position, allowPartialTail: allowPartialTail) { records.append($0) }
        scan.records = records
        return scan
    }

    /// Reads the log from `position` in chunks of a few megabytes, handing each record to `visit` (so a long
    /// history is never all in memory). The result's `records` is empty; `end`, `torn` and `damage` are set.
    /// - Parameter limit: read no further than this offset (the end of the log when a check began), so
    ///   records a writer appends meanwhile are not mistaken for torn ones.
    /// - Parameter figuresOnly: offers come without what no figure reads (`EventLogCodec.scan`), for `visit`s that
    ///   fold them with `leadState: false` and keep nothing.
    func scanLog(from position: LogPosition, allowPartialTail: Bool, chunk: Int = 8 << 20, limit: Int64? = nil,
                 figuresOnly: Bool = false, _ visit: (LogRecord) -> Void) throws(StoreError) -> LogScan {
        try scanLog(from: position, allowPartialTail: allowPartialTail, chunk: chunk, limit: limit, decode: true,
                    figuresOnly: figuresOnly, visit, { _ in })
    }

    /// Reads the log checking every record's framing, checksum and sequence number without decoding events
    /// (`check`, `log --json`): `visit` sees each record's stored event bytes.
    public func scanFramed(from position: LogPosition = .afterHeader, allowPartialTail: Bool, chunk: Int = 8 << 20, limit: Int64? = nil,
                           _ visit: (FramedRecord) -> Void) throws(StoreError) -> LogScan {
        try scanLog(from: position, allowPartialTail: allowPartialTail, chunk: chunk, limit: limit, decode: false,
                    figuresOnly: false, { _ in }, visit)
    }

    private func scanLog(from position: LogPosition, allowPartialTail: Bool, chunk: Int, limit: Int64?, decode: Bool,
                         figuresOnly: Bool, _ visit: (LogRecord) -> Void, _ visitFramed: (FramedRecord) -> Void) throws(StoreError) -> LogScan {
        var size = try io { () throws(FileSystemError) in try fs.size(logPath) }
        if let limit { size = min(size, limit) }
        if size < position.offset { throw logShorter(size, than: position) }
        var pos = position
        var chunkSize = chunk
        /// Reading and scanning one chunk (decoding its events, or checking them), on whichever thread runs it.
        let (files, path, end) = (fs, logPath, size)
        @Sendable func scanned(_ bytes: [UInt8], from at: LogPosition, _ want: Int) -> ScannedChunk {
            let atEnd = bytes.count < want || at.offset + Int64(bytes.count) >= end
            let s = bytes.isEmpty ? LogScan(end: at)
                : EventLogCodec.scan(bytes, from: at, path: path, allowPartialTail: atEnd ? allowPartialTail : true, decode: decode,
                                     figuresOnly: figuresOnly)
            return ScannedChunk(empty: bytes.isEmpty, atEnd: atEnd, scan: s, from: at, want: want)
        }
        @Sendable func readAndScan(_ at: LogPosition, _ want: Int) -> Result<ScannedChunk, StoreError> {
            Result { () throws(StoreError) -> ScannedChunk in
                do throws(FileSystemError) {
                    return scanned(try files.read(path, from: at.offset, maxCount: want), from: at, want)
                } catch {
                    throw StoreError(error.description)
                }
            }
        }
        /// The chunk after the one starting at `previous`, found without waiting for that one's scan: it starts
        /// after the last newline before `previous + chunk`, where that scan will end if all its records are good,
        /// and its first record says its sequence number (and so its line). A guess, used only when the scan before
        /// it ends exactly there (`from`); nil when there is nothing to guess from.
        @Sendable func readAndScanAfter(_ previous: Int64, chunk: Int) -> Result<ScannedChunk, StoreError>? {
            let boundary = previous + Int64(chunk)
            guard boundary < end else { return nil }
            let window = min(Int64(64 << 10), boundary - previous)
            guard let tail = try? files.read(path, from: boundary - window, maxCount: Int(window)), tail.count == Int(window),
                  let lastNewline = tail.lastIndex(of: 10) else { return nil }
            let start = boundary - window + Int64(lastNewline) + 1
            guard start < end else { return nil }
            let want = Int(min(Int64(chunk), end - start))
            guard let bytes = try? files.read(path, from: start, maxCount: want),
                  let firstNewline = bytes.firstIndex(of: 10),
                  case .success(let (seq, _)) = EventLogCodec.frame(bytes[..<firstNewline]), seq > 0 else { return nil }
            return .success(scanned(bytes, from: LogPosition(offset: start, seq: seq - 1, line: seq), want))
        }
        // A long read scans the next two chunks on other threads while this one's records are visited: a rebuild
        // decodes and folds on both cores, the folding thread decoding when it would wait. A read of one chunk (a
        // follower's) starts no thread.
        var ahead: [OffThread<Result<ScannedChunk, StoreError>?>] = []
        if size - pos.offset > Int64(chunkSize) {
            // Longer than a chunk: this thread folds from the start while two others decode.
            let (at, want) = (pos, chunkSize)
            ahead = [OffThread { readAndScan(at, want) }, OffThread { readAndScanAfter(at.offset, chunk: want) }]
        }
        while pos.offset < size {
            let want = Int(min(Int64(chunkSize), size - pos.offset))
            var early: Result<ScannedChunk, StoreError>? = nil
            if !ahead.isEmpty {
                // Taken only when read from exactly here, the same way; otherwise every guess after it is wrong too.
                let r = ahead.removeFirst().value()
                if case .success(let c)? = r, c.from == pos, c.want == want { early = r } else { ahead = [] }
            }
            let chunkResult = early ?? readAndScan(pos, want)
            early = nil  // its copy of the records let go, so `chunkResult` is their one owner
            // Consumed, so the records array has one owner and is handed over in place, not copied first.
            var c = try (consume chunkResult).get()
            // A short read means the end of the file (which a writer may just have cut back).
            if c.empty { return LogScan(end: pos) }
            let records = c.scan.records
            c.scan.records = []
            let s = c.scan
            let progressed = s.end.offset != pos.offset
            if !c.atEnd, s.damage == nil, s.torn == nil, progressed, s.end.offset < size {
                let (at, nextWant, chunkNow) = (s.end, Int(min(Int64(chunkSize), size - s.end.offset)), chunkSize)
                if ahead.isEmpty { ahead.append(OffThread { readAndScan(at, nextWant) }) }
                ahead.append(OffThread { readAndScanAfter(at.offset, chunk: chunkNow) })
            }
            LogRecord.handOver(records, to: visit)
            s.framed.withUnsafeBufferPointer { for i in $0.indices { visitFramed($0[i]) } }
            if s.damage != nil { return LogScan(end: s.end, torn: nil, damage: s.damage) }
            if let t = s.torn {
                if c.atEnd { return LogScan(end: s.end, torn: t, damage: nil) }
                return LogScan(end: s.end, torn: nil, damage: "\(logPath) line \(t.line) (byte \(t.offset)): \(t.reason); later records follow, so this is damage, not a torn write")
            }
            if c.atEnd { return LogScan(end: s.end) }
            if progressed { pos = s.end } else { chunkSize *= 2 }
        }
        return LogScan(end: pos)
    }

    func logShorter(_ size: Int64, than position: LogPosition) -> StoreError {
        StoreError("\(logPath): the log is shorter (\(size) bytes) than the position read before (\(position.offset)); it was truncated or replaced by another program", kind: .damaged)
    }

    /// Records appended after `position` by anyone; a record still being written is left for next time.
    public func readNew(after position: LogPosition) throws(StoreError) -> (records: [LogRecord], end: LogPosition) {
        let scan = try readScan(from: position, allowPartialTail: true)
        if let damage = scan.damage { throw damaged(damage) }
        return (scan.records, scan.end)
    }

    /// Appends events in one write and one fsync (group commit), after catching up with what other processes
    /// appended since `position`. Returns those other records, for the caller to fold in.
    @discardableResult
    public func append(_ events: [Event], at position: inout LogPosition) throws(StoreError) -> [LogRecord] {
        try withWriteLock { () throws(StoreError) in try appendLocked(events, at: &position) }
    }

    /// Under the write lock: `append(_:at:)`.
    func appendLocked(_ events: [Event], at position: inout LogPosition) throws(StoreError) -> [LogRecord] {
        try appendLocked(count: events.count, encoded: nil, at: &position) { events }
    }

    /// As `appendLocked(_:at:)`, for `count` events.
    /// - Parameters:
    ///   - encoded: the events' records already encoded, numbered after the sequence number given; used when that
    ///     is still the last one in the log (it is, under the write lock).
    ///   - streamed: the sink the records were written to as they were encoded (`streamingSink(after:)`, at
    ///     `position`): only their fsync is left.
    ///   - events: the events, asked for only when they must be encoded here.
    func appendLocked(count: Int, encoded: (bytes: [UInt8], after: Int64)?, streamed: LogSink? = nil,
                      at position: inout LogPosition, events: () -> [Event]) throws(StoreError) -> [LogRecord] {
        if let streamed {
            try finishStreamed(streamed, count: count, at: &position)
            return []
        }
        try finishSyncLocked()
        try refuseIfDamaged()
        removeLeftoversOnce()
        let foreign = try catchUpLocked(&position)
        guard count > 0 else { return foreign }
        try checkStillFollows(position)
        let bytes = encoded.flatMap { $0.after == position.seq ? $0.bytes : nil } ?? EventLogCodec.encode(events(), after: position.seq)
        let seq = position.seq + Int64(count)
        try io { () throws(FileSystemError) in
            let fd = try fs.openForWriting(logPath, append: true, truncate: false)
            do throws(FileSystemError) {
                try fs.write(fd, bytes, path: logPath)
            } catch {
                fs.close(fd)
                // Do not leave half a batch behind: cut back to where this batch began.
                try? fs.truncate(logPath, to: position.offset)
                throw error
            }
            try syncWritten(fd, from: position.offset, end: position.offset + Int64(bytes.count))
        }
        position = LogPosition(offset: position.offset + Int64(bytes.count), seq: seq, line: position.line + Int64(count))
        return foreign
    }

    /// Under the write lock, before a batch run's records are written as they are encoded: the checks `appendLocked`
    /// makes before it writes (the log is not known to be damaged, and the record the batch follows is still the
    /// one written), then a sink for the records.
    func streamingSink(after position: LogPosition) throws(StoreError) -> LogSink {
        try refuseIfDamaged()
        removeLeftoversOnce()
        try checkStillFollows(position)
        return LogSink(fs: fs, path: logPath)
    }

    /// The record a batch follows must still be the one written: if it was damaged since (a flipped byte),
    /// appending would bury the damage and a reader would take the batch for a later sequence.
    private func checkStillFollows(_ position: LogPosition) throws(StoreError) {
        guard position.seq > 0, recordSeq(endingAt: position.offset) != position.seq else { return }
            throw damaged("\(logPath) line \(position.line) (the record ending at byte \(position.offset), seq \(position.seq)): no longer a good record; it was damaged after it was written")
    }

    /// A group just written through `fd` (bytes `from` to `end` of the log): its fsync started on another thread
    /// (`syncsBehind`), or done now and `fd` closed; a failed fsync cuts the group back and is thrown.
    private func syncWritten(_ fd: Int32, from: Int64, end: Int64) throws(FileSystemError) {
        if syncsBehind {
            pendingSync = syncBehind(fd, from: from, end: end)
            return
        }
        defer { fs.close(fd) }
        do throws(FileSystemError) {
            try fs.fsync(fd, path: logPath)
        } catch {
            try? fs.truncate(logPath, to: from)
            throw error
        }
    }

    /// Under the write lock, once a streamed batch's last record is written: its fsync (behind, for a batch run)
    /// and the position after it. A batch the sink could not write whole is cut back to `position`.
    func finishStreamed(_ sink: LogSink, count: Int, at position: inout LogPosition) throws(StoreError) {
        let (written, fd, failure) = sink.finish()
        guard failure == nil, count == 0 || written > 0, let fd else {
            if let fd { fs.close(fd) }
            try? fs.truncate(logPath, to: position.offset)
            throw StoreError(failure?.description ?? "\(logPath): a batch of \(count) records was not written", kind: .io)
        }
        let end = position.offset + written
        try io { () throws(FileSystemError) in try syncWritten(fd, from: position.offset, end: end) }
        position = LogPosition(offset: end, seq: position.seq + Int64(count), line: position.line + Int64(count))
    }

    /// Under the write lock, for a transaction given up: cuts what its sink wrote so far.
    func dropStreamed(_ sink: LogSink, from position: LogPosition) throws(StoreError) {
        guard let fd = sink.finish().fd else { return }  // nothing written
        fs.close(fd)
        try io { () throws(FileSystemError) in try fs.truncate(logPath, to: position.offset) }
    }

    /// Under the write lock: reads what others appended after `position`, cutting a torn tail aside.
    func catchUpLocked(_ position: inout LogPosition) throws(StoreError) -> [LogRecord] {
        let scan = try readScan(from: position, allowPartialTail: false)
        if let damage = scan.damage { throw damaged(damage) }
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
            if let damage = scan.damage { throw damaged(damage) }
            if let t = scan.torn { try cutTornTail(t) }
            clearDamageMark()
            return scan.torn
        }
    }

    /// The position after the last whole record, found from the end of the log (cost independent of its
    /// length). An unfinished last line (no newline) is torn and cut aside first; a complete last line that
    /// is not a good record is damage, never cut. Call holding the write lock.
    func tailPositionLocked() throws(StoreError) -> LogPosition {
        try refuseIfDamaged()
        removeLeftoversOnce()
        let headerLength = Int64(EventLogCodec.header.count)
        var window: Int64 = 64 * 1024
        while true {
            let size = try io { () throws(FileSystemError) in try fs.size(logPath) }
            if size <= headerLength { return .afterHeader }
            let start = max(headerLength, size - window)
            let bytes = try io { () throws(FileSystemError) in try fs.read(logPath, from: start, maxCount: Int(size - start)) }
            guard let lastNewline = bytes.lastIndex(of: 10) else {
                if start > headerLength { window *= 4; continue }
                // Nothing complete after the header: all that is there is an unfinished record.
                try cutTornTail(TornTail(offset: headerLength, line: 2, length: size - headerLength,
                                         reason: "incomplete record (no newline)"))
                return .afterHeader
            }
            let previousNewline = bytes[..<lastNewline].lastIndex(of: 10)
            if previousNewline == nil && start > headerLength { window *= 4; continue }
            let lineStart = previousNewline.map { $0 + 1 } ?? 0
            let end = start + Int64(lastNewline + 1)
            switch EventLogCodec.parse(bytes[lineStart..<lastNewline], decoder: JSONDecoder()) {
            case .success(let (seq, _)):
                if end < size {
                    try cutTornTail(TornTail(offset: end, line: seq + 2, length: size - end, reason: "incomplete record (no newline)"))
                }
                return LogPosition(offset: end, seq: seq, line: seq + 1)
            case .failure(let e):
                throw damaged("\(logPath) byte \(start + Int64(lineStart)): \(e.description) in the last complete record (it ends with a newline, so it is damage, not a torn write)")
            }
        }
    }
}

extension Store {
    /// Hands every whole record after `position` to `visit`, reading in chunks (memory stays flat however long
    /// the log), and returns the position after the last one. Damage is an error; a torn tail is left alone.
    @discardableResult
    public func forEachRecord(after position: LogPosition, _ visit: (LogRecord) -> Void) throws(StoreError) -> LogPosition {
        let scan = try scanLog(from: position, allowPartialTail: true, visit)
        if let damage = scan.damage { throw damaged(damage) }
        return scan.end
    }

    /// Hands every whole record after `position` to `visit` with its event's stored bytes, checked (framing,
    /// checksum, sequence) but not decoded; returns the position after the last one.
    @discardableResult
    public func forEachFramed(after position: LogPosition, _ visit: (FramedRecord) -> Void) throws(StoreError) -> LogPosition {
        let scan = try scanFramed(from: position, allowPartialTail: true, visit)
        if let damage = scan.damage { throw damaged(damage) }
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
            let parsed: [(Range<Int>, Result<(Int64, Event), EventLogCodec.RecordError>)] = lines.suffix(max(1, count) + 4).map {
                ($0, EventLogCodec.parse(bytes[$0], decoder: decoder))
            }
            // Only complete lines are here (an unfinished last line is left for the next writer); any of them
            // that is not a good record is damage, reported, never skipped.
            var records: [LogRecord] = []
            for (r, result) in parsed {
                switch result {
                case .success(let (seq, event)): records.append(LogRecord(seq: seq, line: seq + 1, event: event))
                case .failure(let e):
                    throw damaged("\(logPath) byte \(start + Int64(r.lowerBound)): \(e.description) in a complete record; run `leaddeck check`")
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

/// One chunk of the log read and scanned.
private struct ScannedChunk: Sendable {
    /// Nothing was read: the file ends where the chunk would begin.
    var empty: Bool
    /// The chunk reaches the end of what is read.
    var atEnd: Bool
    var scan: LogScan
    /// Where the chunk was read from, and how many bytes were asked for.
    var from: LogPosition
    var want: Int
}
