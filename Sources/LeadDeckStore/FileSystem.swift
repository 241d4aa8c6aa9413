import LeadDeckCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file operation: which call, on which path, and the system's reason.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var errno: Int32
    public init(_ operation: String, _ path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }
    public var description: String {
        if errno == ELOOP {
            return "\(path): is a symbolic link; LeadDeck never follows links for store files (replace it with the real file)"
        }
        return "\(path): \(operation) failed: \(String(cString: strerror(errno)))"
    }
}

/// Every file operation the store performs goes through this seam, so tests can inject failures
/// (the Nth write fails, a full disk) and check that the store stays whole.
public protocol FileSystem: Sendable {
    func exists(_ path: String) -> Bool
    /// Creates the folder and any missing parents, each new one private to its owner (0700).
    func makeDirectory(_ path: String) throws(FileSystemError)
    /// Removes an empty folder.
    func removeDirectory(_ path: String) throws(FileSystemError)
    /// The permission bits and kind of a path, without following a symbolic link; nil when it does not exist.
    func status(_ path: String) -> FileStatus?
    /// Sets the permission bits (for `check --repair` on a store made by an older leaddeck).
    func setPermissions(_ path: String, _ mode: UInt32) throws(FileSystemError)
    /// The whole file.
    func read(_ path: String) throws(FileSystemError) -> [UInt8]
    /// Bytes from `offset` to the end of the file, or at most `maxCount` of them.
    func read(_ path: String, from offset: Int64, maxCount: Int) throws(FileSystemError) -> [UInt8]
    /// Reads bytes from `offset` into `buffer` (as many as fit, fewer at the end of the file) and returns how
    /// many: for a reader that goes through a long file in chunks with one buffer.
    func read(_ path: String, from offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int
    /// `read(_:from:into:)` through one opening of the file, kept until the reader is let go: a scan of the log
    /// reads it a piece at a time (opening it for every piece cost an `openat` and a `close` each).
    func openReader(_ path: String) throws(FileSystemError) -> any FileReader
    func size(_ path: String) throws(FileSystemError) -> Int64
    /// Opens for writing (creating it private to its owner, 0600, whatever the umask; never through a
    /// symbolic link); `append` positions every write at the end.
    func openForWriting(_ path: String, append: Bool, truncate: Bool) throws(FileSystemError) -> Int32
    /// Writes all of `bytes` at the file's position (in place: a caller's buffer is not copied).
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileSystemError)
    /// Writes bytes at `offset` of an open file, leaving its position alone (a checksum set once the rest is written).
    func write(_ fd: Int32, at offset: Int64, _ bytes: [UInt8], path: String) throws(FileSystemError)
    /// Opens a file for reading in place, at any offset (`ByteSource`), for as long as the source is kept; what it
    /// reads stays the file as it was opened even when the path is replaced meanwhile.
    func openForReading(_ path: String) throws(FileSystemError) -> any ByteSource
    func fsync(_ fd: Int32, path: String) throws(FileSystemError)
    func close(_ fd: Int32)
    func truncate(_ path: String, to length: Int64) throws(FileSystemError)
    func rename(_ from: String, _ to: String) throws(FileSystemError)
    func remove(_ path: String)
    /// fsyncs a directory, so a rename or create in it is durable.
    func syncDirectory(_ path: String) throws(FileSystemError)
    /// Opens (creating) a lock file and takes an flock on it; nil when `wait` is false and it is held.
    func lock(_ path: String, exclusive: Bool, wait: Bool) throws(FileSystemError) -> Int32?
    func unlock(_ fd: Int32)
    func listDirectory(_ path: String) -> [String]
}

/// What `FileSystem.status` tells about a path.
public struct FileStatus: Sendable, Hashable {
    /// The permission bits (0o777 mask).
    public var permissions: UInt32
    public var isDirectory: Bool
    public var isSymbolicLink: Bool
    /// Size in bytes, inode number, and the last modification and status change in nanoseconds since the
    /// epoch: together they change whenever the file is replaced, so a reader can notice another process's
    /// change without reading the file.
    public var size: Int64
    public var inode: UInt64
    public var modifiedNanoseconds: Int64
    public var changedNanoseconds: Int64
    public init(permissions: UInt32, isDirectory: Bool, isSymbolicLink: Bool, size: Int64 = 0, inode: UInt64 = 0,
                modifiedNanoseconds: Int64 = 0, changedNanoseconds: Int64 = 0) {
        self.permissions = permissions
        self.isDirectory = isDirectory
        self.isSymbolicLink = isSymbolicLink
        self.size = size
        self.inode = inode
        self.modifiedNanoseconds = modifiedNanoseconds
        self.changedNanoseconds = changedNanoseconds
    }
}

/// A file opened for reads at any offset (`FileSystem.openReader`), each returning how many bytes it read.
public protocol FileReader: AnyObject, Sendable {
    /// Reads bytes from `offset` into `buffer` (as many as fit, fewer at the end of the file) and returns how many.
    func read(from offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int
}

/// A `FileReader` that goes through its file system's `read(_:from:into:)` each time (for file systems that
/// keep nothing open).
final class PathReader: FileReader {
    let fs: any FileSystem
    let path: String
    init(fs: any FileSystem, path: String) {
        self.fs = fs
        self.path = path
    }
    func read(from offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        try fs.read(path, from: offset, into: buffer)
    }
}

/// `pread` until `buffer` is full or the file ends; how many bytes it read.
func preadAll(_ fd: Int32, from offset: Int64, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(FileSystemError) -> Int {
    guard let base = buffer.baseAddress else { return 0 }
    var done = 0
    while done < buffer.count {
        let n = pread(fd, base + done, buffer.count - done, off_t(offset) + off_t(done))
        if n < 0 { if errno == EINTR { continue }; throw FileSystemError("read", path, errno: errno) }
        if n == 0 { break }
        done += n
    }
    return done
}

/// A file opened for reading in place (`FileSystem.openForReading`, as a `ByteSource` of the size it had when
/// opened; `FileSystem.openReader`, as a `FileReader` of whatever it holds at each read), closed when the last
/// reference goes.
final class FileBytes: ByteSource, FileReader {
    let fd: Int32
    let count: Int
    let path: String

    init(fd: Int32, count: Int, path: String) {
        self.fd = fd
        self.count = count
        self.path = path
    }

    deinit { _ = Glibc.close(fd) }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard offset >= 0, buffer.count <= count - offset else { return false }
        return (try? preadAll(fd, from: Int64(offset), into: buffer, path: path)) == buffer.count
    }

    func read(from offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        try preadAll(fd, from: offset, into: buffer, path: path)
    }
}

/// The real file system, through POSIX calls. Store files are private to their owner (folders 0700, files
/// 0600, whatever the umask) and never opened through a symbolic link (`O_NOFOLLOW`).
public struct PosixFileSystem: FileSystem {
    public init() {}

    public func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public func makeDirectory(_ path: String) throws(FileSystemError) {
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            parts.append(p)
            let partial = (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
            if mkdir(partial, 0o700) == 0 {
                // The umask may have taken bits away; a store folder is exactly 0700.
                _ = chmod(partial, 0o700)
            } else if errno != EEXIST {
                throw FileSystemError("mkdir", partial, errno: errno)
            }
        }
    }

    public func removeDirectory(_ path: String) throws(FileSystemError) {
        guard rmdir(path) == 0 else { throw FileSystemError("rmdir", path, errno: errno) }
    }

    public func status(_ path: String) -> FileStatus? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        let kind = st.st_mode & S_IFMT
        #if canImport(Glibc)
        let modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        let changed = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
        #else
        let modified = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
        let changed = Int64(st.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(st.st_ctimespec.tv_nsec)
        #endif
        return FileStatus(permissions: UInt32(st.st_mode & 0o777), isDirectory: kind == S_IFDIR, isSymbolicLink: kind == S_IFLNK,
                          size: Int64(st.st_size), inode: UInt64(st.st_ino), modifiedNanoseconds: modified, changedNanoseconds: changed)
    }

    public func setPermissions(_ path: String, _ mode: UInt32) throws(FileSystemError) {
        guard chmod(path, mode_t(mode)) == 0 else { throw FileSystemError("chmod", path, errno: errno) }
    }

    public func read(_ path: String) throws(FileSystemError) -> [UInt8] { try read(path, from: 0, maxCount: .max) }

    public func read(_ path: String, from offset: Int64, maxCount: Int) throws(FileSystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw FileSystemError("open", path, errno: errno) }
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileSystemError("stat", path, errno: errno) }
        let total = min(maxCount, Int(max(0, Int64(st.st_size) - offset)))
        // Read into memory never zeroed first: only the bytes read are kept.
        var failure: Int32? = nil
        let out = [UInt8](unsafeUninitializedCapacity: total) { buf, count in
            var done = 0
            while done < total {
                let n = pread(fd, buf.baseAddress! + done, total - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                done += n
            }
            count = done
        }
        if let failure { throw FileSystemError("read", path, errno: failure) }
        return out
    }

    public func read(_ path: String, from offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        guard buffer.baseAddress != nil else { return 0 }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw FileSystemError("open", path, errno: errno) }
        defer { Glibc.close(fd) }
        return try preadAll(fd, from: offset, into: buffer, path: path)
    }

    public func openReader(_ path: String) throws(FileSystemError) -> any FileReader { try openFile(path) }

    public func size(_ path: String) throws(FileSystemError) -> Int64 {
        var st = stat()
        guard lstat(path, &st) == 0 else { throw FileSystemError("stat", path, errno: errno) }
        if st.st_mode & S_IFMT == S_IFLNK { throw FileSystemError("stat", path, errno: ELOOP) }
        return Int64(st.st_size)
    }

    public func openForWriting(_ path: String, append: Bool, truncate: Bool) throws(FileSystemError) -> Int32 {
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW
        if append { flags |= O_APPEND }
        if truncate { flags |= O_TRUNC }
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else { throw FileSystemError("open", path, errno: errno) }
        _ = fchmod(fd, 0o600)
        return fd
    }

    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileSystemError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 { if errno == EINTR { continue }; throw FileSystemError("write", path, errno: errno) }
            done += n
        }
    }

    public func write(_ fd: Int32, at offset: Int64, _ bytes: [UInt8], path: String) throws(FileSystemError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done)) }
            if n < 0 { if errno == EINTR { continue }; throw FileSystemError("write", path, errno: errno) }
            done += n
        }
    }

    public func openForReading(_ path: String) throws(FileSystemError) -> any ByteSource { try openFile(path) }

    private func openFile(_ path: String) throws(FileSystemError) -> FileBytes {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw FileSystemError("open", path, errno: errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw FileSystemError("stat", path, errno: e)
        }
        return FileBytes(fd: fd, count: Int(st.st_size), path: path)
    }

    public func fsync(_ fd: Int32, path: String) throws(FileSystemError) {
        guard Glibc.fsync(fd) == 0 else { throw FileSystemError("fsync", path, errno: errno) }
    }

    public func close(_ fd: Int32) { _ = Glibc.close(fd) }

    public func truncate(_ path: String, to length: Int64) throws(FileSystemError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw FileSystemError("open", path, errno: errno) }
        defer { Glibc.close(fd) }
        guard ftruncate(fd, off_t(length)) == 0 else { throw FileSystemError("truncate", path, errno: errno) }
    }

    public func rename(_ from: String, _ to: String) throws(FileSystemError) {
        guard Glibc.rename(from, to) == 0 else { throw FileSystemError("rename to \(to)", from, errno: errno) }
    }

    public func remove(_ path: String) { unlink(path) }

    public func syncDirectory(_ path: String) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError("open directory", path, errno: errno) }
        defer { Glibc.close(fd) }
        guard Glibc.fsync(fd) == 0 else { throw FileSystemError("fsync directory", path, errno: errno) }
    }

    public func lock(_ path: String, exclusive: Bool, wait: Bool) throws(FileSystemError) -> Int32? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw FileSystemError("open lock file", path, errno: errno) }
        _ = fchmod(fd, 0o600)
        let op = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB)
        while flock(fd, op) != 0 {
            if errno == EINTR { continue }
            let e = errno
            Glibc.close(fd)
            if e == EWOULDBLOCK { return nil }
            throw FileSystemError("flock", path, errno: e)
        }
        return fd
    }

    public func unlock(_ fd: Int32) {
        _ = flock(fd, LOCK_UN)
        _ = Glibc.close(fd)
    }

    public func listDirectory(_ path: String) -> [String] {
        guard let d = opendir(path) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            // Read the name in place, up to its NUL: a record is only as long as its name (d_reclen), so copying
            // the whole 256-byte d_name field reads past the end of the last record (AddressSanitizer found it).
            let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            let name = String(cString: UnsafeRawPointer(e).advanced(by: offset).assumingMemoryBound(to: CChar.self))
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

extension FileSystem {
    /// Writes all of `bytes` at the file's position.
    public func write(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileSystemError) {
        // `withUnsafeBytes` rethrows untyped errors: the failure is carried out by hand.
        let failure: FileSystemError? = bytes.withUnsafeBytes { raw in
            do throws(FileSystemError) { try write(fd, raw, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// A reader that goes through `read(_:from:into:)` for every read.
    public func openReader(_ path: String) throws(FileSystemError) -> any FileReader { PathReader(fs: self, path: path) }

    /// Reads through `read(_:from:maxCount:)` and copies (for file systems that do not read in place).
    public func read(_ path: String, from offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        let bytes = try read(path, from: offset, maxCount: buffer.count)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        return bytes.count
    }

    /// Bytes from `offset` to the end of the file.
    public func read(_ path: String, from offset: Int64) throws(FileSystemError) -> [UInt8] {
        try read(path, from: offset, maxCount: .max)
    }

    /// Replaces a file atomically and durably: temp file in the same folder (`NAME.tmp-PID`, 0600), fsync,
    /// rename, fsync folder. A crash at any point leaves either the old or the new content, never a mix.
    /// - Throws: `FileSystemError` naming `path` (not the temp file) and the step that failed; the temp file
    ///   is gone and `path` is untouched, except when only the final folder fsync fails (then the new content
    ///   is in place but may not survive a power loss; the error says so).
    public func replaceAtomically(_ path: String, with bytes: [UInt8]) throws(FileSystemError) {
        try replaceAtomically(path) { emit in
            _ = bytes.withUnsafeBytes { emit($0) }
            return (0, [])
        }
    }

    /// `replaceAtomically(_:with:)` with the new content written in pieces as `body` makes them: `emit` writes one
    /// (false once a write failed: `body` may stop), and `body` returns bytes to set at an offset once all are
    /// written (a checksum in the head; none when empty), or nil when it could not make the content (nothing is
    /// replaced). So a large file is saved without being held whole in memory.
    public func replaceAtomically(_ path: String,
                                  writing body: (_ emit: (UnsafeRawBufferPointer) -> Bool) -> (offset: Int64, bytes: [UInt8])?) throws(FileSystemError) {
        let dir = parentDirectory(of: path)
        let tmp = "\(path).tmp-\(getpid())"
        func named(_ e: FileSystemError, _ step: String) -> FileSystemError {
            FileSystemError("saving a new copy (\(step) of the temp file)", path, errno: e.errno)
        }
        let fd: Int32
        do { fd = try openForWriting(tmp, append: false, truncate: true) } catch { throw named(error, "create") }
        do throws(FileSystemError) {
            var failure: FileSystemError? = nil
            let patch = body { piece in
                guard failure == nil else { return false }
                do throws(FileSystemError) { try write(fd, piece, path: tmp) } catch { failure = error }
                return failure == nil
            }
            if let failure { throw failure }
            guard let patch else { throw FileSystemError("read", "the content to save", errno: EIO) }
            if !patch.bytes.isEmpty { try write(fd, at: patch.offset, patch.bytes, path: tmp) }
        } catch {
            close(fd)
            remove(tmp)
            throw named(error, "write")
        }
        do {
            try fsync(fd, path: tmp)
        } catch {
            close(fd)
            remove(tmp)
            throw named(error, "fsync")
        }
        close(fd)
        do {
            try rename(tmp, path)
        } catch {
            remove(tmp)
            throw FileSystemError("saving a new copy (rename over it)", path, errno: error.errno)
        }
        do { try syncDirectory(dir) } catch {
            throw FileSystemError("saving a new copy (fsync of its folder, after the rename)", path, errno: error.errno)
        }
    }

    /// Removes a folder and the files in it (one level, plus one level of subfolders), for cleaning up a
    /// store that was never finished. Best effort.
    public func removeTree(_ path: String) {
        for name in listDirectory(path) {
            let p = "\(path)/\(name)"
            if let st = status(p), st.isDirectory {
                for inner in listDirectory(p) { remove("\(p)/\(inner)") }
                try? removeDirectory(p)
            } else {
                remove(p)
            }
        }
        try? removeDirectory(path)
    }
}

/// Whether a process with this pid exists (one we may not signal counts too).
func processIsAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

/// "a/b/c" -> "c".
func baseName(of path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

/// "a/b/c.json" -> "a/b"; "c.json" -> ".".
public func parentDirectory(of path: String) -> String {
    guard let i = path.lastIndex(of: "/") else { return "." }
    return i == path.startIndex ? "/" : String(path[..<i])
}
