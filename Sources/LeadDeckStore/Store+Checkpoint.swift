import Foundation
import LeadDeckCore

extension Store {
    /// `checkpoint-leads.json`, read by its own codec, or by `JSONDecoder` (with the usual version checks) when
    /// the file is not in the codec's exact shape.
    func readLeadsCheckpoint() throws(StoreError) -> LeadsCheckpointDocument {
        guard fs.exists(leadsCheckpointPath) else { throw StoreError("\(leadsCheckpointPath): file missing", kind: .damaged) }
        let bytes: [UInt8]
        do { bytes = try fs.read(leadsCheckpointPath) } catch { throw StoreError(error.description) }
        if let doc = LeadsCheckpointCodec.decode(bytes), doc.schemaVersion == LeadsCheckpointDocument.current { return doc }
        return try JSONFile.decode(LeadsCheckpointDocument.self, from: bytes, path: leadsCheckpointPath,
                                   current: LeadsCheckpointDocument.current, strict: false)
    }

    /// Saves the desk at `position` as the checkpoint: the lead index first, then the main file (each
    /// atomically), so a crash in between leaves files that disagree and are rebuilt, never a wrong state.
    public func saveCheckpoint(_ desk: Desk, simulator: MarketSimulator?, at position: LogPosition) throws(StoreError) {
        let doc = CheckpointDocument(schemaVersion: CheckpointDocument.current, position: position, ledger: desk.ledger,
                                     metrics: desk.metrics, recentChanges: desk.recentChanges, simulator: simulator,
                                     recentAlerts: desk.recentAlerts)
        let leads = LeadsCheckpointDocument(schemaVersion: LeadsCheckpointDocument.current, position: position,
                                            leads: desk.leads, recentConsumers: desk.ledger.recentConsumers)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = [UInt8](try! encoder.encode(doc))
        bytes.append(10)
        let leadBytes = LeadsCheckpointCodec.encode(leads)
        try withWriteLock { () throws(StoreError) in
            try io { () throws(FileSystemError) in
                try fs.replaceAtomically(leadsCheckpointPath, with: leadBytes)
                try fs.replaceAtomically(checkpointPath, with: bytes)
            }
        }
    }
}
