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

    /// See `EventStore.finishSync`.
    public func finishSync() throws(StoreError) {
        guard let pending = pendingSync else { return }
        pendingSync = nil
        guard let failure = pending.done.value() else { return }
        // The group may not be on disk: cut it, unless another process appended after it meanwhile (its fsync
        // then covered this group too, and cutting would take its records with it).
        let cut = (try? fs.size(logPath)) == pending.end && (try? fs.truncate(logPath, to: pending.from)) != nil
        throw StoreError("\(failure.description); the last batch "
            + (cut ? "(bytes \(pending.from)-\(pending.end) of the log) was cut back" : "was left in place (records follow it)"), kind: .io)
    }
}
