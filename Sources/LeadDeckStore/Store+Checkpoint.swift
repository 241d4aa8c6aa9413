import Foundation
import LeadDeckCore

extension Store {
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
        var leadBytes = [UInt8](try! encoder.encode(leads))
        leadBytes.append(10)
        try withWriteLock { () throws(StoreError) in
            try io { () throws(FileSystemError) in
                try fs.replaceAtomically(leadsCheckpointPath, with: leadBytes)
                try fs.replaceAtomically(checkpointPath, with: bytes)
            }
        }
    }
}
