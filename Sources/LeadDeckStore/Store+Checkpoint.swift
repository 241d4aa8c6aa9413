import Synchronization
import Foundation
import LeadDeckCore

extension Store {
    /// `checkpoint-leads.json`, read by its own codec, or by `JSONDecoder` (with the usual version checks) when
    /// the file is not in the codec's exact shape.
    func readLeadsCheckpoint() throws(StoreError) -> LeadsCheckpointDocument {
        try Self.readLeadsCheckpoint(leadsCheckpointPath, fs: fs)
    }

    /// `readLeadsCheckpoint()` on both cores: the file is read now and its lead index decoded on a thread of its
    /// own; `finish()` decodes the dedupe memory on the caller's core (after its own work) and joins them.
    func startLeadsCheckpointRead() -> LeadsCheckpointRead { LeadsCheckpointRead(path: leadsCheckpointPath, fs: fs) }

    private static func readLeadsCheckpoint(_ path: String, fs: FileSystem) throws(StoreError) -> LeadsCheckpointDocument {
        let bytes = try readLeadsBytes(path, fs: fs)
        if let doc = LeadsCheckpointCodec.decode(bytes), doc.schemaVersion == LeadsCheckpointDocument.current { return doc }
        return try plainLeadsCheckpoint(bytes, path: path)
    }

    fileprivate static func readLeadsBytes(_ path: String, fs: FileSystem) throws(StoreError) -> [UInt8] {
        guard fs.exists(path) else { throw StoreError("\(path): file missing", kind: .damaged) }
        do { return try fs.read(path) } catch { throw StoreError(error.description) }
    }

    /// The leads checkpoint through `JSONDecoder`, with the usual version checks and error wording.
    fileprivate static func plainLeadsCheckpoint(_ bytes: [UInt8], path: String) throws(StoreError) -> LeadsCheckpointDocument {
        try JSONFile.decode(LeadsCheckpointDocument.self, from: bytes, path: path, current: LeadsCheckpointDocument.current, strict: false)
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
        // Both cores at once: the lead index on a thread of its own; the main file, then the dedupe memory
        // (encoded apart and appended to the lead index's bytes) on this one.
        let room = leads.recentConsumers.count * 30 + 64
        let leadWork = OffThread { LeadsCheckpointCodec.encodeHead(leads, room: room) }
        let bytes = CheckpointCodec.encode(doc)
        var tail: [UInt8] = []
        tail.reserveCapacity(room)
        LeadsCheckpointCodec.encodeTail(leads, into: &tail)
        var leadBytes = leadWork.value()
        leadBytes += tail
        try withWriteLock { () throws(StoreError) in
            try io { () throws(FileSystemError) in
                try fs.replaceAtomically(leadsCheckpointPath, with: leadBytes)
                try fs.replaceAtomically(checkpointPath, with: bytes)
            }
        }
    }
}

/// `checkpoint-leads.json` being read on both cores (`Store.startLeadsCheckpointRead()`): a thread of its own
/// reads the file, hands its bytes over, then decodes the lead index (the head of the file); `finish()` decodes
/// the dedupe memory (the tail) on the caller's core, after the caller's own work. Either half out of the codec's
/// shape sends the whole file to `JSONDecoder`, as a plain read would.
struct LeadsCheckpointRead {
    private typealias Read = (bytes: Result<[UInt8], StoreError>, split: Int?)
    private final class Handoff: Sendable {
        let value = Mutex<Read?>(nil)
        let ready = DispatchSemaphore(value: 0)
    }
    private let path: String
    private let handoff = Handoff()
    private let head: OffThread<LeadsCheckpointCodec.Head?>

    init(path: String, fs: FileSystem) {
        self.path = path
        let handoff = self.handoff
        head = OffThread {
            let bytes = Result { () throws(StoreError) in try Store.readLeadsBytes(path, fs: fs) }
            let split = (try? bytes.get()).flatMap { LeadsCheckpointCodec.tailStart($0) }
            handoff.value.withLock { $0 = (bytes, split) }
            handoff.ready.signal()
            guard case .success(let b) = bytes, let split else { return nil }
            return LeadsCheckpointCodec.decodeHead(b, end: split)
        }
    }

    /// The document. Call it once.
    func finish() throws(StoreError) -> LeadsCheckpointDocument {
        handoff.ready.wait()
        let read = handoff.value.withLock { $0! }
        // The tail here while the head is decoded there.
        let tail = (try? read.bytes.get()).flatMap { b in read.split.flatMap { LeadsCheckpointCodec.decodeTail(b, from: $0) } }
        let head = self.head.value()
        let b = try read.bytes.get()
        if let h = head, let tail, tail.version == LeadsCheckpointDocument.current {
            return LeadsCheckpointDocument(schemaVersion: tail.version, position: h.position, leads: h.index, recentConsumers: tail.consumers)
        }
        return try Store.plainLeadsCheckpoint(b, path: path)
    }
}
