import Synchronization

/// The log, open for appending, where a batch's records are written from the work queue as each chunk is encoded
/// (`RecordStream`), while the engine goes on deciding the batch: for batch runs (`EventStore.syncsBehind`), whose
/// engine thread otherwise spent a tenth of its time copying each finished batch into the page cache. The
/// transaction holds the write lock all along, so nothing else is appended between; the file is opened at the
/// first write.
final class LogSink: Sendable {
    private struct State {
        var fd: Int32?
        var written: Int64 = 0
        var failure: FileSystemError?
    }
    private let fs: FileSystem
    private let path: String
    private let state = Mutex(State())

    init(fs: FileSystem, path: String) {
        self.fs = fs
        self.path = path
    }

    /// Appends `bytes` (on the work queue, in order). After a failure nothing more is written.
    func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        state.withLock { s in
            guard s.failure == nil else { return }
            do throws(FileSystemError) {
                if s.fd == nil { s.fd = try fs.openForWriting(path, append: true, truncate: false) }
                try fs.write(s.fd!, bytes, path: path)
                s.written += Int64(bytes.count)
            } catch {
                s.failure = error
            }
        }
    }

    /// What was written, the descriptor it went through (nil when nothing was), and the failure that stopped it;
    /// the descriptor is the caller's from then on. Call it once, after the last write.
    func finish() -> (written: Int64, fd: Int32?, failure: FileSystemError?) {
        state.withLock { s in
            defer { s.fd = nil }
            return (s.written, s.fd, s.failure)
        }
    }
}
