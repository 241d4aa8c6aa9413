import Foundation
import LeadDeckCore
@testable import LeadDeckStore
import Synchronization

/// Temporary stores for tests, seeded from the repository's demo data.
enum StoreFixture {
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let seed = repoRoot + "/data"

    /// A fresh, empty folder under the system temp directory.
    static func tempDir(_ name: String = "store") -> String {
        let dir = NSTemporaryDirectory() + "leaddeck-test-\(UUID().uuidString.prefix(8))/\(name)"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A new store created from the demo seed.
    static func newStore(fs: FileSystem = PosixFileSystem()) throws -> Store {
        try Store.open(tempDir(), seedDirectory: seed, fs: fs)
    }

    /// Every file of a store and its bytes, to prove nothing changed.
    static func snapshot(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where !name.hasSuffix(".lock") {
            out[name] = FileManager.default.contents(atPath: dir + "/" + name)
        }
        return out
    }

    static func note(_ i: Int) -> Event { .note(time: Timestamp(seconds: 1_793_600_000 + Int64(i)), text: "note \(i)") }
}

/// A file system that fails chosen operations, to check the store stays whole.
final class FaultyFileSystem: FileSystem {
    let real = PosixFileSystem()
    /// Counts writes/fsyncs; fails the ones whose number is in `failing`.
    let state = Mutex<(count: Int, failing: Set<Int>, errno: Int32)>((0, [], ENOSPC))

    /// Fails the write-or-fsync after `skipping` more successful ones.
    func failNext(skipping: Int = 0, errno: Int32 = ENOSPC) {
        state.withLock { s in
            s.failing = [s.count + 1 + skipping]
            s.errno = errno
        }
    }
    func shouldFail() -> Int32? {
        state.withLock { s in
            s.count += 1
            return s.failing.contains(s.count) ? s.errno : nil
        }
    }

    func exists(_ path: String) -> Bool { real.exists(path) }
    func makeDirectory(_ path: String) throws(FileSystemError) { try real.makeDirectory(path) }
    func read(_ path: String) throws(FileSystemError) -> [UInt8] { try real.read(path) }
    func read(_ path: String, from offset: Int64, maxCount: Int) throws(FileSystemError) -> [UInt8] {
        try real.read(path, from: offset, maxCount: maxCount)
    }
    func size(_ path: String) throws(FileSystemError) -> Int64 { try real.size(path) }
    func openForWriting(_ path: String, append: Bool, truncate: Bool) throws(FileSystemError) -> Int32 {
        try real.openForWriting(path, append: append, truncate: truncate)
    }
    func write(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileSystemError) {
        if let e = shouldFail() {
            // A full disk often takes part of the write before failing.
            try? real.write(fd, Array(bytes.prefix(bytes.count / 2)), path: path)
            throw FileSystemError("write", path, errno: e)
        }
        try real.write(fd, bytes, path: path)
    }
    func fsync(_ fd: Int32, path: String) throws(FileSystemError) {
        if let e = shouldFail() { throw FileSystemError("fsync", path, errno: e) }
        try real.fsync(fd, path: path)
    }
    func close(_ fd: Int32) { real.close(fd) }
    func truncate(_ path: String, to length: Int64) throws(FileSystemError) { try real.truncate(path, to: length) }
    func rename(_ from: String, _ to: String) throws(FileSystemError) { try real.rename(from, to) }
    func remove(_ path: String) { real.remove(path) }
    func syncDirectory(_ path: String) throws(FileSystemError) { try real.syncDirectory(path) }
    func lock(_ path: String, exclusive: Bool, wait: Bool) throws(FileSystemError) -> Int32? {
        try real.lock(path, exclusive: exclusive, wait: wait)
    }
    func unlock(_ fd: Int32) { real.unlock(fd) }
    func listDirectory(_ path: String) -> [String] { real.listDirectory(path) }
}
