import Foundation
import LeadDeckCore

/// A LeadDeck store: a folder of JSON documents and an append-only event log.
///
/// Layout: `store.json` (manifest), `sources.json` (catalog), `policy.json` (policy in force),
/// `events.jsonl` (the log), `checkpoint.json` (state at a log position), `write.lock` and `engine.lock`
/// (flock'd, never renamed), `torn/` (cut-off torn records, kept).
///
/// Several processes may open one store. Appends and policy changes happen under an exclusive flock on
/// `write.lock`; a writer first reads what others appended since its last position, so nobody's write is
/// lost. Only one process at a time runs the engine (`engine.lock`).
public final class Store {
    public let directory: String
    let fs: FileSystem
    public private(set) var catalog: Catalog

    public var manifestPath: String { "\(directory)/store.json" }
    public var catalogPath: String { "\(directory)/sources.json" }
    public var policyPath: String { "\(directory)/policy.json" }
    public var logPath: String { "\(directory)/events.jsonl" }
    public var checkpointPath: String { "\(directory)/checkpoint.json" }
    public var leadsCheckpointPath: String { "\(directory)/checkpoint-leads.json" }
    var writeLockPath: String { "\(directory)/write.lock" }
    var engineLockPath: String { "\(directory)/engine.lock" }
    var tornDirectory: String { "\(directory)/torn" }

    /// Messages about things the store noticed and handled (a torn record cut aside, a stale checkpoint).
    public internal(set) var notices: [String] = []

    init(directory: String, fs: FileSystem, catalog: Catalog) {
        self.directory = directory
        self.fs = fs
        self.catalog = catalog
    }

    /// Opens the store in `directory`. A missing or empty folder is created from the seed files in
    /// `seedDirectory` (`sources.json`, `policy.json`) when one is given.
    /// - Throws: `StoreError` naming the file that is missing, malformed or too new.
    public static func open(_ directory: String, seedDirectory: String?, fs: FileSystem = PosixFileSystem()) throws(StoreError) -> Store {
        let manifest = "\(directory)/store.json"
        if !fs.exists(manifest) {
            let existing = fs.listDirectory(directory).filter { !$0.hasPrefix(".") }
            if !existing.isEmpty {
                throw StoreError("\(directory): not a LeadDeck store (no store.json) and not empty; refusing to touch it")
            }
            guard let seed = seedDirectory else {
                throw StoreError("\(directory): no store here (store.json missing); pass --store with an existing store")
            }
            try create(directory, seed: seed, fs: fs)
        }
        _ = try readDocument(StoreManifest.self, manifest, current: StoreManifest.current, fs: fs)
        let catalogDoc = try readDocument(CatalogDocument.self, "\(directory)/sources.json", current: CatalogDocument.current, fs: fs)
        let catalog = catalogDoc.catalog
        let problems = catalog.validationErrors()
        if let first = problems.first { throw StoreError("\(directory)/sources.json: \(first)") }
        let store = Store(directory: directory, fs: fs, catalog: catalog)
        guard fs.exists(store.logPath) else { throw StoreError("\(store.logPath): missing; the event log is gone") }
        let head = try store.io { () throws(FileSystemError) in try fs.read(store.logPath, from: 0, maxCount: EventLogCodec.header.count) }
        if !head.elementsEqual(EventLogCodec.header) {
            let firstLine = try store.io { () throws(FileSystemError) in try fs.read(store.logPath, from: 0, maxCount: 200) }
            if let version = headerVersion(firstLine), version > EventLogCodec.schemaVersion {
                throw StoreError("\(store.logPath): schemaVersion \(version) is newer than this leaddeck understands (\(EventLogCodec.schemaVersion)); upgrade leaddeck")
            }
            throw StoreError("\(store.logPath) line 1: missing or damaged header (expected {\"kind\":\"leaddeck-events\",\"schemaVersion\":1})")
        }
        return store
    }

    static func headerVersion(_ bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let r = text.range(of: "\"schemaVersion\":") else { return nil }
        return Int(text[r.upperBound...].prefix { $0.isNumber })
    }

    /// Creates a new store from seed files. Validates the seeds first, so a bad seed creates nothing.
    static func create(_ directory: String, seed: String, fs: FileSystem) throws(StoreError) {
        let seedCatalog = "\(seed)/sources.json", seedPolicy = "\(seed)/policy.json"
        guard fs.exists(seedCatalog) else {
            throw StoreError("\(seedCatalog): seed catalog not found; run from the LeadDeck folder or set --store to an existing store")
        }
        let catalogDoc = try readDocument(CatalogDocument.self, seedCatalog, current: CatalogDocument.current, fs: fs)
        if let first = catalogDoc.catalog.validationErrors().first { throw StoreError("\(seedCatalog): \(first)") }
        var policyDoc = try readDocument(PolicyDocument.self, seedPolicy, current: PolicyDocument.current, fs: fs)
        if let first = policyDoc.policy.validationErrors().first { throw StoreError("\(seedPolicy): \(first)") }
        policyDoc.lastChangeSeq = 0
        let manifest = StoreManifest(schemaVersion: StoreManifest.current, currency: Money.currencyCode,
                                     createdAt: Timestamp(seconds: Int64(Date().timeIntervalSince1970)))
        do {
            try fs.makeDirectory(directory)
            try fs.replaceAtomically("\(directory)/sources.json", with: JSONFile.encodePretty(catalogDoc))
            try fs.replaceAtomically("\(directory)/policy.json", with: JSONFile.encodePretty(policyDoc))
            if !fs.exists("\(directory)/events.jsonl") {
                try fs.replaceAtomically("\(directory)/events.jsonl", with: EventLogCodec.header)
            }
            // The manifest goes last: a store is complete only once it exists.
            try fs.replaceAtomically("\(directory)/store.json", with: JSONFile.encodePretty(manifest))
        } catch {
            throw StoreError(error.description)
        }
    }

    static func readDocument<T: Codable>(_ t: T.Type, _ path: String, current: Int, fs: FileSystem, strict: Bool = true) throws(StoreError) -> T {
        guard fs.exists(path) else { throw StoreError("\(path): file missing") }
        let bytes: [UInt8]
        do { bytes = try fs.read(path) } catch { throw StoreError(error.description) }
        return try JSONFile.decode(t, from: bytes, path: path, current: current, strict: strict)
    }

    func io<T>(_ body: () throws(FileSystemError) -> T) throws(StoreError) -> T {
        do { return try body() } catch { throw StoreError(error.description) }
    }

    // MARK: Policy

    /// The policy document as saved.
    public func loadPolicyDocument() throws(StoreError) -> PolicyDocument {
        let doc = try Self.readDocument(PolicyDocument.self, policyPath, current: PolicyDocument.current, fs: fs)
        if let first = doc.policy.validationErrors().first { throw StoreError("\(policyPath): \(first)") }
        return doc
    }

    // MARK: Locks

    /// Runs `body` holding the exclusive write lock.
    public func withWriteLock<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        guard let fd = try io({ () throws(FileSystemError) in try fs.lock(writeLockPath, exclusive: true, wait: true) }) else {
            throw StoreError("\(writeLockPath): could not lock")
        }
        defer { fs.unlock(fd) }
        return try body()
    }

    /// The right to run the engine on this store, held until `release()` or process exit. While held,
    /// `engine.lock` holds the owner's pid, so others can tell an engine runs without touching the lock.
    public final class EngineLease {
        let fs: FileSystem
        let path: String
        var fd: Int32?
        init(fs: FileSystem, path: String, fd: Int32) {
            self.fs = fs
            self.path = path
            self.fd = fd
        }
        public func release() {
            if let fd {
                try? fs.truncate(path, to: 0)
                fs.unlock(fd)
            }
            fd = nil
        }
        deinit { release() }
    }

    /// Takes the engine lock without waiting.
    /// - Throws: `StoreError` when another process runs the engine on this store.
    public func acquireEngine() throws(StoreError) -> EngineLease {
        guard let lease = try tryAcquireEngine() else {
            throw StoreError("\(directory): another leaddeck process is running the engine on this store (engine.lock is held)")
        }
        return lease
    }

    /// Takes the engine lock if it is free; nil when another process holds it.
    public func tryAcquireEngine() throws(StoreError) -> EngineLease? {
        let fd = try io { () throws(FileSystemError) in try fs.lock(engineLockPath, exclusive: true, wait: false) }
        guard let fd else { return nil }
        try? fs.truncate(engineLockPath, to: 0)
        try? fs.write(fd, Array("\(getpid())\n".utf8), path: engineLockPath)
        return EngineLease(fs: fs, path: engineLockPath, fd: fd)
    }

    /// Whether some live process runs the engine now: reads the pid in `engine.lock` (never locks, so it
    /// cannot get in the way of a process starting its engine).
    public func engineIsRunning() -> Bool {
        guard let bytes = try? fs.read(engineLockPath, from: 0, maxCount: 32),
              let pid = Int32(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
