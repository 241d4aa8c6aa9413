import LeadDeckCore

/// A group of records written to the log whose fsync runs on another thread (`EventStore.syncsBehind`).
struct PendingSync {
    /// Where the group begins and ends in the log.
    let from: Int64, end: Int64
    /// The fsync, then the close of its descriptor; nil when the group is durable.
    let done: OffThread<FileSystemError?>
}

extension Store {
    /// Starts the fsync of a group just written through `fd` on a thread of its own (which also closes `fd`).
    func syncBehind(_ fd: Int32, from: Int64, end: Int64) -> PendingSync {
        let (fs, path) = (fs, logPath)
        return PendingSync(from: from, end: end, done: OffThread {
            defer { fs.close(fd) }
            do throws(FileSystemError) {
                try fs.fsync(fd, path: path)
                return nil
            } catch {
                return error
            }
        })
    }

    /// See `EventStore.finishSync`. Takes the write lock when a group is still syncing (a failed one is cut under it).
    public func finishSync() throws(StoreError) {
        guard pendingSync != nil else { return }
        try withWriteLock { () throws(StoreError) in try finishSyncLocked() }
    }

    /// `finishSync` holding the write lock (the lock is not re-entrant within a process).
    func finishSyncLocked() throws(StoreError) {
        guard let pending = pendingSync else { return }
        pendingSync = nil
        guard let failure = pending.done.value() else { return }
        // The group may not be on disk: cut it. Not when another process appended after it meanwhile: cutting
        // would take that process's acknowledged records too. Its fsync does not make this group durable (after a
        // failed writeback Linux may have marked the pages clean), so a power cut could still lose it; a later
        // `check` would then find the gap.
        guard (try? fs.size(logPath)) == pending.end else {
            throw StoreError("\(failure.description); the last batch (bytes \(pending.from)-\(pending.end) of the log) may not be on "
                + "disk and was left in place because records follow it; run `leaddeck check`", kind: .io)
        }
        do throws(FileSystemError) {
            try fs.truncate(logPath, to: pending.from)
        } catch {
            throw StoreError("\(failure.description); cutting back the last batch (bytes \(pending.from)-\(pending.end) of the log) "
                + "failed too: \(error.description)", kind: .io)
        }
        throw StoreError("\(failure.description); the last batch (bytes \(pending.from)-\(pending.end) of the log) was cut back", kind: .io)
    }
}
