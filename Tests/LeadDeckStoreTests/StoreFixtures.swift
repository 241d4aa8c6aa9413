import LeadDeckTestSupport
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
        let dir = TestFolder.make("test") + "/\(name)"
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
        // The damage mark (damage.json) is not data: it only stops writers.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where !name.hasSuffix(".lock") && name != "damage.json" {
            out[name] = FileManager.default.contents(atPath: dir + "/" + name)
        }
        return out
    }

    static func note(_ i: Int) -> Event { .note(time: Timestamp(seconds: 1_793_600_000 + Int64(i)), text: "note \(i)") }
}

/// A file system that fails chosen operations, to check the store stays whole.
///
/// Counts the operations of the kinds in `plan.kinds`; the one numbered `plan.failAt` fails with `plan.errno`
/// (and, when `plan.sticky`, every later one of those kinds too, like a disk that stays full). A failing write
/// first writes half its bytes, as a full disk does.
final class FaultyFileSystem: FileSystem {
    enum Kind: String, CaseIterable, Sendable { case open, write, fsync, rename, truncate, mkdir, syncDirectory }
    struct Plan: Sendable {
        var kinds: Set<Kind> = [.write, .fsync]
        var failAt: Int? = nil
        var sticky = false
        var errno: Int32 = ENOSPC
        /// Only operations on paths containing this count (all when nil).
        var path: String? = nil
    }
    let real = PosixFileSystem()
    let state = Mutex<(count: Int, plan: Plan, injected: [String])>((0, Plan(), []))

    /// Fails the write-or-fsync after `skipping` more successful ones (on paths containing `path`, when given).
    func failNext(skipping: Int = 0, errno: Int32 = ENOSPC, path: String? = nil) {
        state.withLock { s in
            if path != nil { s.count = 0 }
            s.plan = Plan(kinds: [.write, .fsync], failAt: s.count + 1 + skipping, sticky: false, errno: errno, path: path)
        }
    }
    /// Counts from zero again under a new plan.
    func reset(_ plan: Plan) { state.withLock { s in s = (0, plan, []) } }
    /// Operations of the plan's kinds so far.
    var count: Int { state.withLock { $0.count } }
    /// Descriptions of the failures injected so far.
    var injected: [String] { state.withLock { $0.injected } }

    func shouldFail(_ kind: Kind, _ path: String) -> Int32? {
        state.withLock { s in
            guard s.plan.kinds.contains(kind), s.plan.path.map({ path.contains($0) }) ?? true else { return nil }
            s.count += 1
            guard let at = s.plan.failAt, s.count == at || (s.plan.sticky && s.count > at) else { return nil }
            s.injected.append("\(kind.rawValue) #\(s.count) \(path)")
            return s.plan.errno
        }
    }

    func exists(_ path: String) -> Bool { real.exists(path) }
    func makeDirectory(_ path: String) throws(FileSystemError) {
        if let e = shouldFail(.mkdir, path) { throw FileSystemError("mkdir", path, errno: e) }
        try real.makeDirectory(path)
    }
    func removeDirectory(_ path: String) throws(FileSystemError) { try real.removeDirectory(path) }
    func status(_ path: String) -> FileStatus? { real.status(path) }
    func setPermissions(_ path: String, _ mode: UInt32) throws(FileSystemError) { try real.setPermissions(path, mode) }
    func read(_ path: String) throws(FileSystemError) -> [UInt8] { try real.read(path) }
    func read(_ path: String, from offset: Int64, maxCount: Int) throws(FileSystemError) -> [UInt8] {
        try real.read(path, from: offset, maxCount: maxCount)
    }
    func size(_ path: String) throws(FileSystemError) -> Int64 { try real.size(path) }
    func openForWriting(_ path: String, append: Bool, truncate: Bool) throws(FileSystemError) -> Int32 {
        if let e = shouldFail(.open, path) { throw FileSystemError("open", path, errno: e) }
        return try real.openForWriting(path, append: append, truncate: truncate)
    }
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileSystemError) {
        if let e = shouldFail(.write, path) {
            // A full disk often takes part of the write before failing.
            try? real.write(fd, UnsafeRawBufferPointer(rebasing: bytes.prefix(bytes.count / 2)), path: path)
            throw FileSystemError("write", path, errno: e)
        }
        try real.write(fd, bytes, path: path)
    }
    func write(_ fd: Int32, at offset: Int64, _ bytes: [UInt8], path: String) throws(FileSystemError) {
        if let e = shouldFail(.write, path) { throw FileSystemError("write", path, errno: e) }
        try real.write(fd, at: offset, bytes, path: path)
    }
    func openForReading(_ path: String) throws(FileSystemError) -> any ByteSource { try real.openForReading(path) }
    func fsync(_ fd: Int32, path: String) throws(FileSystemError) {
        if let e = shouldFail(.fsync, path) { throw FileSystemError("fsync", path, errno: e) }
        try real.fsync(fd, path: path)
    }
    func close(_ fd: Int32) { real.close(fd) }
    func truncate(_ path: String, to length: Int64) throws(FileSystemError) {
        if let e = shouldFail(.truncate, path) { throw FileSystemError("truncate", path, errno: e) }
        try real.truncate(path, to: length)
    }
    func rename(_ from: String, _ to: String) throws(FileSystemError) {
        if let e = shouldFail(.rename, to) { throw FileSystemError("rename", from, errno: e) }
        try real.rename(from, to)
    }
    func remove(_ path: String) { real.remove(path) }
    func syncDirectory(_ path: String) throws(FileSystemError) {
        if let e = shouldFail(.syncDirectory, path) { throw FileSystemError("fsync directory", path, errno: e) }
        try real.syncDirectory(path)
    }
    func lock(_ path: String, exclusive: Bool, wait: Bool) throws(FileSystemError) -> Int32? {
        try real.lock(path, exclusive: exclusive, wait: wait)
    }
    func unlock(_ fd: Int32) { real.unlock(fd) }
    func listDirectory(_ path: String) -> [String] { real.listDirectory(path) }
}
