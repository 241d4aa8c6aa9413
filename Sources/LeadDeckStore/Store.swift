import Synchronization
import Foundation
import LeadDeckCore

/// A LeadDeck store: a folder of JSON documents and an append-only event log.
///
/// Layout: `store.json` (manifest), `sources.json` (catalog), `policy.json` (policy in force),
/// `events.jsonl` (the log), `checkpoint.json` (state at a log position), `keys.json` (API key hashes, once a
/// key is added), `write.lock` and `engine.lock` (flock'd, never renamed), `torn/` (cut-off torn records, kept).
///
/// Several processes may open one store. Appends and policy changes happen under an exclusive flock on
/// `write.lock`; a writer first reads what others appended since its last position, so nobody's write is
/// lost. Only one process at a time runs the engine (`engine.lock`).
public final class Store: EventStore {
    /// The store folder, for messages.
    public var location: String { directory }
    public let directory: String
    let fs: FileSystem
    public private(set) var catalog: Catalog

    public var manifestPath: String { "\(directory)/store.json" }
    public var catalogPath: String { "\(directory)/sources.json" }
    public var policyPath: String { "\(directory)/policy.json" }
    public var logPath: String { "\(directory)/events.jsonl" }
    public var checkpointPath: String { "\(directory)/checkpoint.json" }
    public var leadsCheckpointPath: String { Self.leadsCheckpointPaths(directory).image }
    /// Where stores written before `checkpoint-leads.bin` kept the lead index, as JSON; read until the next save
    /// replaces it.
    public var legacyLeadsCheckpointPath: String { Self.leadsCheckpointPaths(directory).legacy }
    /// The lead checkpoint's files in `directory`, for a read started before the store is open.
    static func leadsCheckpointPaths(_ directory: String) -> (image: String, legacy: String) {
        ("\(directory)/checkpoint-leads.bin", "\(directory)/checkpoint-leads.json")
    }
    var writeLockPath: String { "\(directory)/write.lock" }
    var engineLockPath: String { "\(directory)/engine.lock" }
    var tornDirectory: String { "\(directory)/torn" }

    /// Messages about things the store noticed and handled (a torn record cut aside, a stale checkpoint).
    public internal(set) var notices: [String] = []
    /// Damage this process found in the log; from then on it refuses to append (reads still work).
    var knownDamage: String?
    /// Whether leftover temp files of killed writers were already looked for (once per process).
    var leftoversRemoved = false
    /// The lead checkpoint's read, started by `open(...forWriting: true)` while the rest of the store is opened.
    let leadsPrefetch = Mutex<LeadsCheckpointRead?>(nil)
    /// Where the tables of the lead checkpoint this process saved last are (`savedLeadState`).
    let lastLeadsSave = Mutex<LeadsCheckpointImage.Saved?>(nil)
    /// See `EventStore.syncsBehind`.
    public var syncsBehind = false
    /// The last group appended while `syncsBehind`, its fsync still running on another thread.
    var pendingSync: PendingSync?

    init(directory: String, fs: FileSystem, catalog: Catalog) {
        self.directory = directory
        self.fs = fs
        self.catalog = catalog
    }

    /// Opens the store in `directory`. A missing or empty folder is created from the seed files in
    /// `seedDirectory` (`sources.json`, `policy.json`) when one is given.
    /// - Throws: `StoreError` naming the file that is missing, malformed or too new.
    /// - Parameter forWriting: the caller will load the state as a writer (`loadState()`): the lead checkpoint,
    ///   the largest file, is read on another core from now on, while the rest of the store is opened.
    public static func open(_ directory: String, seedDirectory: String?, fs: FileSystem = PosixFileSystem(),
                            forWriting: Bool = false) throws(StoreError) -> Store {
        if let st = fs.status(directory), !st.isDirectory, !st.isSymbolicLink {
            throw StoreError("\(directory): is a file, not a store folder; pass --store with a folder (an existing store, or a new or empty one)", kind: .badInput)
        }
        let manifest = "\(directory)/store.json"
        if !fs.exists(manifest) {
            if !fs.listDirectory(directory).isEmpty && !isUnfinishedOldStore(directory, fs: fs) {
                throw StoreError("\(directory): not a LeadDeck store (no store.json) and not empty; refusing to touch it", kind: .badInput)
            }
            guard let seed = seedDirectory else {
                throw StoreError("\(directory): no store here (store.json missing); pass --store with an existing store", kind: .badInput)
            }
            try create(directory, seed: seed, fs: fs)
        }
        let prefetch = forWriting && fs.exists("\(directory)/checkpoint.json") ? startLeadsCheckpointRead(directory, fs: fs) : nil
        _ = try readDocument(StoreManifest.self, manifest, current: StoreManifest.current, fs: fs)
        let catalogDoc = try readDocument(CatalogDocument.self, "\(directory)/sources.json", current: CatalogDocument.current, fs: fs)
        let catalog = catalogDoc.catalog
        let problems = catalog.validationErrors()
        if let first = problems.first { throw StoreError("\(directory)/sources.json: \(first)", kind: .damaged) }
        let store = Store(directory: directory, fs: fs, catalog: catalog)
        store.leadsPrefetch.withLock { $0 = prefetch }
        guard fs.exists(store.logPath) else { throw StoreError("\(store.logPath): missing; the event log is gone", kind: .damaged) }
        let head = try store.io { () throws(FileSystemError) in try fs.read(store.logPath, from: 0, maxCount: EventLogCodec.header.count) }
        if !head.elementsEqual(EventLogCodec.header) {
            let firstLine = try store.io { () throws(FileSystemError) in try fs.read(store.logPath, from: 0, maxCount: 200) }
            if let version = headerVersion(firstLine), version > EventLogCodec.schemaVersion {
                throw StoreError("\(store.logPath): schemaVersion \(version) is newer than this leaddeck understands (\(EventLogCodec.schemaVersion)); upgrade leaddeck", kind: .damaged)
            }
            throw StoreError("\(store.logPath) line 1: missing or damaged header (expected {\"kind\":\"leaddeck-events\",\"schemaVersion\":1})", kind: .damaged)
        }
        return store
    }

    static func headerVersion(_ bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let r = text.range(of: "\"schemaVersion\":") else { return nil }
        return Int(text[r.upperBound...].prefix { $0.isNumber })
    }

    /// Files an interrupted `create` of an older leaddeck could leave without `store.json`: nothing of
    /// value, so such a folder is finished rather than refused.
    static let creationFiles: Set<String> = ["sources.json", "policy.json", "events.jsonl", "write.lock", "engine.lock"]

    /// Creates a new store from seed files, crash-safely: the whole store is built in a private temporary
    /// folder beside `directory` and renamed into place, so a crash, a full disk or a kill at any moment
    /// leaves either no store or a complete one. Two processes creating the same store at once both end up
    /// using the one that was renamed into place first. Validates the seeds first, so a bad seed creates nothing.
    static func create(_ directory: String, seed: String, fs: FileSystem) throws(StoreError) {
        let seedCatalog = "\(seed)/sources.json", seedPolicy = "\(seed)/policy.json"
        guard fs.exists(seedCatalog) else {
            throw StoreError("\(seedCatalog): seed catalog not found; run from the LeadDeck folder or set --store to an existing store", kind: .badInput)
        }
        let catalogDoc = try readDocument(CatalogDocument.self, seedCatalog, current: CatalogDocument.current, fs: fs)
        if let first = catalogDoc.catalog.validationErrors().first { throw StoreError("\(seedCatalog): \(first)", kind: .badInput) }
        var policyDoc = try readDocument(PolicyDocument.self, seedPolicy, current: PolicyDocument.current, fs: fs)
        if let first = policyDoc.policy.validationErrors().first { throw StoreError("\(seedPolicy): \(first)", kind: .badInput) }
        policyDoc.lastChangeSeq = 0
        let manifest = StoreManifest(schemaVersion: StoreManifest.current, currency: Money.currencyCode,
                                     createdAt: Timestamp(seconds: Int64(Date().timeIntervalSince1970)))
        // A symbolic link to a folder is the user's choice: build beside the folder it names.
        let target = (fs.status(directory)?.isSymbolicLink ?? false) ? (resolvedPath(directory) ?? directory) : directory
        let parent = parentDirectory(of: target)
        let base = baseName(of: target)
        guard !base.isEmpty, base != ".", base != ".." else {
            throw StoreError("\(directory): give the store folder by name (for example --store ./mystore)", kind: .badInput)
        }
        let building = "\(parent)/.\(base).creating-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try fs.makeDirectory(parent)
            removeAbandonedBuilds(of: base, in: parent, fs: fs)
            try fs.makeDirectory(building)
        } catch {
            throw StoreError(error.description)
        }
        do throws(FileSystemError) {
            try fs.replaceAtomically("\(building)/sources.json", with: JSONFile.encodePretty(catalogDoc))
            try fs.replaceAtomically("\(building)/policy.json", with: JSONFile.encodePretty(policyDoc))
            try fs.replaceAtomically("\(building)/events.jsonl", with: EventLogCodec.header)
            try fs.replaceAtomically("\(building)/store.json", with: JSONFile.encodePretty(manifest))
            finishUnfinishedOldStore(target, fs: fs)
            try fs.rename(building, target)
        } catch {
            fs.removeTree(building)
            // Another process created it first: use theirs.
            if fs.exists("\(target)/store.json") { return }
            if error.errno == ENOTEMPTY || error.errno == EEXIST {
                throw StoreError("\(target): not a LeadDeck store (no store.json) and not empty; refusing to touch it", kind: .badInput)
            }
            throw StoreError(error.description)
        }
        do { try fs.syncDirectory(parent) } catch { throw StoreError(error.description) }
    }

    /// A folder left by an older leaddeck killed while creating a store (seed copies, an event log holding
    /// only its header, no store.json): nothing of value, so it may be finished rather than refused.
    static func isUnfinishedOldStore(_ target: String, fs: FileSystem) -> Bool {
        let names = fs.listDirectory(target)
        guard !names.isEmpty, !fs.exists("\(target)/store.json") else { return false }
        let known = names.allSatisfy { name in
            creationFiles.contains(name) || (name.contains(".tmp-") && creationFiles.contains { name.hasPrefix($0) })
        }
        guard known else { return false }
        if let size = try? fs.size("\(target)/events.jsonl"), size > Int64(EventLogCodec.header.count) { return false }
        return true
    }

    /// Moves an unfinished old store aside (`.NAME.unfinished-PID`, beside it, nothing deleted), so the new
    /// one can be renamed into place.
    static func finishUnfinishedOldStore(_ target: String, fs: FileSystem) {
        guard isUnfinishedOldStore(target, fs: fs) else { return }
        try? fs.rename(target, "\(parentDirectory(of: target))/.\(baseName(of: target)).unfinished-\(getpid())-\(Int64(Date().timeIntervalSince1970))")
    }

    /// Temporary build folders of creators that died (`.NAME.creating-PID-N` whose process is gone).
    static func removeAbandonedBuilds(of base: String, in parent: String, fs: FileSystem) {
        let prefix = ".\(base).creating-"
        for name in fs.listDirectory(parent) where name.hasPrefix(prefix) {
            let pidText = name.dropFirst(prefix.count).prefix { $0 != "-" }
            guard let pid = Int32(pidText), !processIsAlive(pid) else { continue }
            fs.removeTree("\(parent)/\(name)")
        }
    }

    static func resolvedPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func readDocument<T: Codable>(_ t: T.Type, _ path: String, current: Int, fs: FileSystem, strict: Bool = true) throws(StoreError) -> T {
        guard fs.exists(path) else { throw StoreError("\(path): file missing", kind: .damaged) }
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
        if let first = doc.policy.validationErrors().first { throw StoreError("\(policyPath): \(first)", kind: .damaged) }
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
    public final class FileEngineLease: EngineLease {
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

    /// Takes the engine lock if it is free; nil when another process holds it. `engine.lock` then holds the
    /// pid and the label on two lines.
    public func tryAcquireEngine(label: String) throws(StoreError) -> EngineLease? {
        let fd = try io { () throws(FileSystemError) in try fs.lock(engineLockPath, exclusive: true, wait: false) }
        guard let fd else { return nil }
        try? fs.truncate(engineLockPath, to: 0)
        let oneLine = String(Sanitizer.clean(label).prefix(60))
        try? fs.write(fd, Array("\(getpid())\n\(oneLine)\n".utf8), path: engineLockPath)
        return FileEngineLease(fs: fs, path: engineLockPath, fd: fd)
    }

    /// What runs the engine now, if a live process does: reads the pid and label in `engine.lock` (never
    /// locks, so it cannot get in the way of a process starting its engine).
    public func runningEngine() -> String? {
        guard let bytes = try? fs.read(engineLockPath, from: 0, maxCount: 128) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, let pid = Int32(first.trimmingCharacters(in: .whitespaces)), pid > 0,
              processIsAlive(pid) else { return nil }
        return lines.count > 1 ? Sanitizer.clean(String(lines[1])) : ""
    }
}
