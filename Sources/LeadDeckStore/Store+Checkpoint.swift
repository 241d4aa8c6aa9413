import Foundation
import LeadDeckCore

extension Store {
    /// `checkpoint-leads.json`, read by its own codec, or by `JSONDecoder` (with the usual version checks) when
    /// the file is not in the codec's exact shape.
    func readLeadsCheckpoint() throws(StoreError) -> LeadsCheckpointDocument {
        try Self.readLeadsCheckpoint(leadsCheckpointPath, fs: fs)
    }

    /// `readLeadsCheckpoint()` started on a thread of its own, to be taken with `value()` later.
    func readLeadsCheckpointOffThread() -> OffThread<Result<LeadsCheckpointDocument, StoreError>> {
        let (path, fs) = (leadsCheckpointPath, fs)
        return OffThread { Result { () throws(StoreError) in try Self.readLeadsCheckpoint(path, fs: fs) } }
    }

    private static func readLeadsCheckpoint(_ path: String, fs: FileSystem) throws(StoreError) -> LeadsCheckpointDocument {
        guard fs.exists(path) else { throw StoreError("\(path): file missing", kind: .damaged) }
        let bytes: [UInt8]
        do { bytes = try fs.read(path) } catch { throw StoreError(error.description) }
        if let doc = LeadsCheckpointCodec.decode(bytes), doc.schemaVersion == LeadsCheckpointDocument.current { return doc }
        return try JSONFile.decode(LeadsCheckpointDocument.self, from: bytes, path: path,
                                   current: LeadsCheckpointDocument.current, strict: false)
    }

    /// `checkpoint.json`, read by its own codec, or by `JSONDecoder` (with the usual version checks and error
    /// wording) when the file is not in the codec's layout.
    /// - Parameter simulator: also read the simulated market's state (writers); without it `simulator` may be nil.
    func readCheckpoint(simulator: Bool = true) throws(StoreError) -> CheckpointDocument {
        guard fs.exists(checkpointPath) else { throw StoreError("\(checkpointPath): file missing", kind: .damaged) }
        let bytes: [UInt8]
        do { bytes = try fs.read(checkpointPath) } catch { throw StoreError(error.description) }
        if let doc = CheckpointCodec.decode(bytes, simulator: simulator) { return doc }
        return try JSONFile.decode(CheckpointDocument.self, from: bytes, path: checkpointPath,
                                   current: CheckpointDocument.current, strict: false)
    }

    /// Saves the desk at `position` as the checkpoint: the lead index first, then the main file (each
    /// atomically), so a crash in between leaves files that disagree and are rebuilt, never a wrong state.
    public func saveCheckpoint(_ desk: Desk, simulator: MarketSimulator?, at position: LogPosition) throws(StoreError) {
        let doc = CheckpointDocument(schemaVersion: CheckpointDocument.current, position: position, ledger: desk.ledger,
                                     metrics: desk.metrics, recentChanges: desk.recentChanges, simulator: simulator,
                                     recentAlerts: desk.recentAlerts)
        let leads = LeadsCheckpointDocument(schemaVersion: LeadsCheckpointDocument.current, position: position,
                                            leads: desk.leads, recentConsumers: desk.ledger.recentConsumers)
        // The two files are encoded at once, one on each core.
        let leadWork = OffThread { LeadsCheckpointCodec.encode(leads) }
        let bytes = CheckpointCodec.encode(doc)
        let leadBytes = leadWork.value()
        try withWriteLock { () throws(StoreError) in
            try io { () throws(FileSystemError) in
                try fs.replaceAtomically(leadsCheckpointPath, with: leadBytes)
                try fs.replaceAtomically(checkpointPath, with: bytes)
            }
        }
    }
}
