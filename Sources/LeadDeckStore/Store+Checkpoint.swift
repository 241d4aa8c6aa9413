import Foundation
import LeadDeckCore

/// The lead checkpoint being read on a thread of its own.
typealias LeadsCheckpointRead = OffThread<Result<LeadsCheckpointDocument, StoreError>>

extension Store {
    /// The lead checkpoint: `checkpoint-leads.bin`, or, in a store saved before it, `checkpoint-leads.json`.
    func readLeadsCheckpoint() throws(StoreError) -> LeadsCheckpointDocument {
        try Self.readLeadsCheckpoint(leadsCheckpointPath, legacy: legacyLeadsCheckpointPath, fs: fs)
    }

    /// `readLeadsCheckpoint()` on a thread of its own, started now: a writer's start-up reads `checkpoint.json`
    /// meanwhile.
    func startLeadsCheckpointRead() -> LeadsCheckpointRead { Self.startLeadsCheckpointRead(self.directory, fs: fs) }

    /// `startLeadsCheckpointRead()` for the store in `directory`, before the store is open (`open(...forWriting:)`).
    static func startLeadsCheckpointRead(_ directory: String, fs: FileSystem) -> LeadsCheckpointRead {
        let (path, legacy) = leadsCheckpointPaths(directory)
        return OffThread { Result { () throws(StoreError) in try Self.readLeadsCheckpoint(path, legacy: legacy, fs: fs) } }
    }

    /// The read `open(...forWriting: true)` started, if it is still there: the first writer's `loadState` takes it.
    func takePrefetchedLeads() -> LeadsCheckpointRead? { leadsPrefetch.withLock { p in defer { p = nil }; return p } }

    private static func readLeadsCheckpoint(_ path: String, legacy: String, fs: FileSystem) throws(StoreError) -> LeadsCheckpointDocument {
        if !fs.exists(path), fs.exists(legacy) {
            // Read once, by `JSONDecoder`: the next save writes the image and removes it.
            return try JSONFile.decode(LeadsCheckpointDocument.self, from: try readBytes(legacy, fs: fs), path: legacy, current: LeadsCheckpointDocument.current,
                                       strict: false)
        }
        guard fs.exists(path) else { throw StoreError("\(path): file missing", kind: .damaged) }
        let source: any ByteSource
        do { source = try fs.openForReading(path) } catch { throw StoreError(error.description) }
        return try LeadsCheckpointImage.open(source, path: path)
    }

    private static func readBytes(_ path: String, fs: FileSystem) throws(StoreError) -> [UInt8] {
        guard fs.exists(path) else { throw StoreError("\(path): file missing", kind: .damaged) }
        do { return try fs.read(path) } catch { throw StoreError(error.description) }
    }

    /// `checkpoint.json`, read by its own codec, or by `JSONDecoder` (with the usual version checks and error
    /// wording) when the file is not in the codec's layout.
    /// - Parameter simulator: also read the simulated market's state (writers); without it `simulator` may be nil.
    func readCheckpoint(simulator: Bool = true) throws(StoreError) -> CheckpointDocument {
        guard fs.exists(checkpointPath) else { throw StoreError("\(checkpointPath): file missing", kind: .damaged) }
        // The days are read on another core: its thread starts while the file is read.
        Workers.shared.prestart()
        let bytes: [UInt8]
        do { bytes = try fs.read(checkpointPath) } catch { throw StoreError(error.description) }
        if let doc = CheckpointCodec.decode(bytes, simulator: simulator) { return doc }
        return try JSONFile.decode(CheckpointDocument.self, from: bytes, path: checkpointPath,
                                   current: CheckpointDocument.current, strict: false)
    }

    /// Saves the desk at `position` as the checkpoint: the lead checkpoint and the main file, each atomically and
    /// both at once (the lead checkpoint encoded and written on a thread of its own). A crash between the two
    /// leaves files at different positions, which the next open notices and rebuilds from the log, never a
    /// wrong state.
    public func saveCheckpoint(_ desk: Desk, simulator: MarketSimulator?, at position: LogPosition) throws(StoreError) {
        let doc = CheckpointDocument(schemaVersion: CheckpointDocument.current, position: position, ledger: desk.ledger,
                                     metrics: desk.metrics, recentChanges: desk.recentChanges, simulator: simulator,
                                     recentAlerts: desk.recentAlerts)
        let leads = LeadsCheckpointDocument(schemaVersion: LeadsCheckpointDocument.current, position: position,
                                            leads: desk.leads, recentConsumers: desk.ledger.recentConsumers)
        // A checkpoint never refers to records that are not yet durable.
        try finishSync()
        try withWriteLock { () throws(StoreError) in
            let (fs, leadsPath) = (fs, leadsCheckpointPath)
            let leadWork = OffThread {
                Result { () throws(FileSystemError) -> LeadsCheckpointImage.Saved? in
                    var saved: LeadsCheckpointImage.Saved? = nil
                    try fs.replaceAtomically(leadsPath) { emit in
                        saved = withoutActuallyEscaping(emit) { LeadsCheckpointImage.write(leads, to: $0) }
                        return saved?.patch
                    }
                    return saved
                }
            }
            let main = Result { () throws(FileSystemError) in
                try fs.replaceAtomically(checkpointPath) { emit in
                    CheckpointCodec.encode(doc, emit: emit)
                    return (0, [])
                }
            }
            let lead = leadWork.value()
            lastLeadsSave.withLock { $0 = nil }
            try io { () throws(FileSystemError) in
                let saved = try lead.get()
                try main.get()
                lastLeadsSave.withLock { $0 = saved }
            }
            // A store saved before the image kept the lead index as JSON; the image replaces it.
            if fs.exists(legacyLeadsCheckpointPath) { fs.remove(legacyLeadsCheckpointPath) }
        }
    }

    /// The lead checkpoint's tables, read in place, when the checkpoint is at `cursor` (after `saveCheckpoint`): the
    /// file this process just saved, opened without reading its records again (they are what it wrote), or else
    /// read and checked as at start-up.
    public func savedLeadState(at cursor: LogPosition) -> (leads: LeadIndex, consumers: ConsumerMemory)? {
        if let saved = lastLeadsSave.withLock({ $0 }), saved.position == cursor,
           let source = try? fs.openForReading(leadsCheckpointPath), let doc = LeadsCheckpointImage.reopen(source, saved) {
            return (doc.leads, doc.recentConsumers)
        }
        guard let doc = try? readLeadsCheckpoint(), doc.position == cursor, doc.leads.readsInPlace else { return nil }
        return (doc.leads, doc.recentConsumers)
    }
}
