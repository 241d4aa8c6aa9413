import Foundation
import LeadDeckCore

/// What `leaddeck check` found.
public struct CheckReport: Sendable {
    /// Facts about a healthy store ("events.jsonl: 12,345 records, seq 1-12345").
    public var facts: [String] = []
    /// Things not wrong with the data but worth fixing (others can read the store, a stale checkpoint,
    /// leftover temp files); `check --repair` fixes each.
    public var warnings: [String] = []
    /// Problems, each one line naming the file (and line and byte). Damage in the log is reported alone,
    /// as the root problem, without the follow-on mismatches it causes.
    public var problems: [String] = []
    public var isClean: Bool { problems.isEmpty }
}

extension Store {
    /// The files of a store that hold data (everything but the lock files).
    var dataFileNames: [String] {
        ["store.json", "sources.json", "policy.json", "events.jsonl", "checkpoint.json", "checkpoint-leads.bin",
         "checkpoint-leads.json",
         "policy-intent.json", "damage.json", "keys.json"]
    }

    /// Verifies every file of the store without changing any: schema versions, the whole log's checksums and
    /// sequence (up to where the log ended when the check began, so a running writer is no problem), a torn
    /// tail, that the checkpoint and policy fit the log, permissions, symbolic links and leftovers.
    /// - Parameter deep: also decode every event (the framing, checksum and sequence checks do not need to).
    public func check(chunk: Int = 8 << 20, deep: Bool = false) -> CheckReport {
        var report = CheckReport()
        func attempt(_ body: () throws(StoreError) -> Void) {
            do { try body() } catch { report.problems.append(error.description) }
        }
        checkFiles(&report)
        attempt { () throws(StoreError) in
            _ = try Self.readDocument(StoreManifest.self, manifestPath, current: StoreManifest.current, fs: fs)
            report.facts.append("store.json: ok")
        }
        attempt { () throws(StoreError) in
            let doc = try Self.readDocument(CatalogDocument.self, catalogPath, current: CatalogDocument.current, fs: fs)
            let errors = doc.catalog.validationErrors()
            report.problems += errors.map { "\(catalogPath): \($0)" }
            if errors.isEmpty { report.facts.append("sources.json: ok, \(doc.sources.count) sources") }
        }
        var policySeq: Int64 = 0
        attempt { () throws(StoreError) in
            let doc = try loadPolicyDocument()
            policySeq = doc.lastChangeSeq
            report.facts.append("policy.json: ok")
        }
        if fs.status(keysPath) != nil {
            attempt { () throws(StoreError) in
                let ring = try apiKeys()
                let active = ring.keys.filter(\.isActive).count
                report.facts.append("keys.json: ok, \(active) active API key(s), \(ring.keys.count - active) revoked")
            }
        }
        var checkpoint: CheckpointDocument? = nil
        if fs.exists(checkpointPath) {
            do {
                checkpoint = try readCheckpoint()
            } catch {
                report.warnings.append("\(error.description); the state is rebuilt from the log on next open (`leaddeck check --repair` rebuilds it now)")
            }
        }
        attempt { () throws(StoreError) in
            let head = try io { () throws(FileSystemError) in try fs.read(logPath, from: 0, maxCount: EventLogCodec.header.count) }
            guard head.elementsEqual(EventLogCodec.header) else {
                throw StoreError("\(logPath) line 1: missing or damaged header", kind: .damaged)
            }
            let end = try logEndBetweenWrites()
            var count = 0
            var checkpointFits = false
            func visit(seq: Int64, line: Int64) {
                count += 1
                if let cp = checkpoint, seq == cp.position.seq, line == cp.position.line { checkpointFits = true }
            }
            let scan = deep
                ? try scanLog(from: .afterHeader, allowPartialTail: false, chunk: chunk, limit: end) { visit(seq: $0.seq, line: $0.line) }
                : try scanFramed(from: .afterHeader, allowPartialTail: false, chunk: chunk, limit: end) { visit(seq: $0.seq, line: $0.line) }
            if let d = scan.damage {
                // The root problem only: what follows from it (a checkpoint or policy beyond the damage) is noise.
                _ = damaged(d)
                report.problems.append(d)
                return
            }
            if let t = scan.torn {
                report.problems.append("\(logPath) line \(t.line) (byte \(t.offset)): torn last record (\(t.reason), \(t.length) bytes); `leaddeck check --repair` keeps a copy in torn/ and cuts it")
            }
            report.facts.append("events.jsonl: \(count) records, last seq \(scan.end.seq), \(scan.end.offset) bytes"
                + (deep ? ", every event decoded" : " (framing, checksums and sequence; --deep also decodes every event)"))
            if let note = recordedDamage() {
                report.problems.append("\(damagePath): the log was found damaged (\(note)) but checks whole now (restored?); `leaddeck check --repair` clears the mark so writing resumes")
            }
            if let cp = checkpoint {
                let fits = cp.position == .afterHeader || checkpointFits
                if !fits || cp.position.offset > scan.end.offset {
                    report.warnings.append("\(checkpointPath): points at seq \(cp.position.seq) byte \(cp.position.offset), which is not a record boundary of the log; the state is rebuilt from the log on next open (`leaddeck check --repair` rebuilds it now)")
                } else {
                    report.facts.append("checkpoint.json: ok, at seq \(cp.position.seq)")
                    let rebuild = "writers rebuild the state from the log on next open (`leaddeck check --repair` rebuilds it now)"
                    switch Result(catching: { () throws(StoreError) in try readLeadsCheckpoint() }) {
                    case .success(let leads) where leads.position != cp.position:
                        report.warnings.append("\(leadsCheckpointPath): not at the checkpoint's position (a crash between the two saves?); \(rebuild)")
                    case .failure(let error):
                        report.warnings.append("\(error.description); \(rebuild)")
                    case .success:
                        break
                    }
                }
            }
            if policySeq > scan.end.seq {
                report.problems.append("\(policyPath): lastChangeSeq \(policySeq) is beyond the end of the log (seq \(scan.end.seq))")
            }
        }
        return report
    }

    /// The log's size at a moment no writer is mid-append (taken under a shared write lock).
    func logEndBetweenWrites() throws(StoreError) -> Int64 {
        // On a read-only copy of a store the lock cannot be taken; nobody writes there either.
        let fd = try? fs.lock(writeLockPath, exclusive: false, wait: true)
        defer { if let fd { fs.unlock(fd) } }
        return try io { () throws(FileSystemError) in try fs.size(logPath) }
    }

    /// Permissions, symbolic links and leftover temp files.
    func checkFiles(_ report: inout CheckReport) {
        if let st = fs.status(directory), st.permissions & 0o077 != 0 {
            report.warnings.append("\(directory): other users can open this folder (mode \(String(st.permissions, radix: 8))); it holds consumers' names, phones and e-mails; `leaddeck check --repair` makes it 0700 and its files 0600")
        }
        var exposed: [String] = []
        for name in dataFileNames + ["write.lock", "engine.lock"] {
            guard let st = fs.status("\(directory)/\(name)") else { continue }
            if st.isSymbolicLink {
                report.problems.append("\(directory)/\(name): is a symbolic link; LeadDeck never follows links for store files (replace it with the real file)")
            } else if st.permissions & 0o077 != 0 {
                exposed.append("\(name) (\(String(st.permissions, radix: 8)))")
            }
        }
        for name in fs.listDirectory(tornDirectory) {
            if let st = fs.status("\(tornDirectory)/\(name)"), st.permissions & 0o077 != 0 { exposed.append("torn/\(name)") }
        }
        if !exposed.isEmpty {
            report.warnings.append("\(directory): readable by other users: \(exposed.prefix(5).joined(separator: ", "))\(exposed.count > 5 ? " and \(exposed.count - 5) more" : ""); `leaddeck check --repair` makes them 0600")
        }
        let leftovers = leftoverTempFiles()
        if !leftovers.isEmpty {
            report.warnings.append("\(leftovers.count) temp file(s) left by a killed writer: \(leftovers.prefix(3).joined(separator: ", "))\(leftovers.count > 3 ? ", ..." : ""); removed by the next write or `leaddeck check --repair`")
        }
    }

    /// What `check --repair` did, one line each.
    public struct RepairResult: Sendable {
        public var done: [String] = []
    }

    /// Repairs what can be repaired without losing anything: cuts an unfinished last record (a copy goes to
    /// torn/), clears a damage mark once the log checks whole, makes the store private again, removes
    /// leftover temp files, and rebuilds a stale checkpoint (unless an engine runs; it saves its own).
    /// Damage in the log is never cut: it is reported by `check`.
    public func repair() throws(StoreError) -> RepairResult {
        var result = RepairResult()
        if let t = try repairTornTail() {
            result.done.append("cut a torn record at line \(t.line) (\(t.length) bytes, \(t.reason)); copy kept in \(tornDirectory)/")
        }
        var fixed = 0
        if let st = fs.status(directory), st.permissions & 0o077 != 0 {
            try io { () throws(FileSystemError) in try fs.setPermissions(directory, 0o700) }
            fixed += 1
        }
        let files = (dataFileNames + ["write.lock", "engine.lock"]).map { "\(directory)/\($0)" }
            + fs.listDirectory(tornDirectory).map { "\(tornDirectory)/\($0)" }
        for path in files {
            guard let st = fs.status(path), !st.isSymbolicLink, st.permissions & 0o077 != 0 else { continue }
            try io { () throws(FileSystemError) in try fs.setPermissions(path, st.isDirectory ? 0o700 : 0o600) }
            fixed += 1
        }
        if let st = fs.status(tornDirectory), st.permissions & 0o077 != 0 {
            try io { () throws(FileSystemError) in try fs.setPermissions(tornDirectory, 0o700) }
            fixed += 1
        }
        if fixed > 0 { result.done.append("made \(fixed) file(s) and folder(s) private to their owner (0600/0700)") }
        let leftovers = try withWriteLock { () throws(StoreError) -> [String] in
            let found = leftoverTempFiles()
            for path in found { fs.remove(path) }
            return found
        }
        if !leftovers.isEmpty { result.done.append("removed \(leftovers.count) leftover temp file(s)") }
        if checkpointIsStale() {
            if let lease = try tryAcquireEngine() {
                defer { lease.release() }
                let state = try loadState()
                try saveCheckpoint(state.desk, simulator: state.simulator, at: state.position)
                result.done.append("rebuilt the checkpoint at seq \(state.position.seq)")
            } else {
                result.done.append("the checkpoint is stale, but an engine runs on this store and saves its own; left it")
            }
        }
        return result
    }

    /// Whether the checkpoint pair is missing a part or disagrees with itself or the log's end.
    func checkpointIsStale() -> Bool {
        guard fs.exists(checkpointPath) || fs.exists(leadsCheckpointPath) || fs.exists(legacyLeadsCheckpointPath) else { return false }
        guard let cp = try? readCheckpoint(),
              let leads = try? readLeadsCheckpoint(),
              leads.position == cp.position else { return true }
        guard let size = try? fs.size(logPath), cp.position.offset <= size else { return true }
        if cp.position == .afterHeader { return false }
        return recordSeq(endingAt: cp.position.offset) != cp.position.seq
    }

    /// The sequence number of the record that ends (with its newline) just before `offset`, if one does.
    func recordSeq(endingAt offset: Int64) -> Int64? {
        let header = Int64(EventLogCodec.header.count)
        guard offset > header else { return nil }
        var window: Int64 = 4096
        while true {
            let start = max(header, offset - window)
            guard let bytes = try? fs.read(logPath, from: start, maxCount: Int(offset - start)),
                  bytes.count == Int(offset - start), bytes.last == 10 else { return nil }
            let body = bytes.dropLast()
            guard let nl = body.lastIndex(of: 10) else {
                if start > header { window *= 4; continue }
                if case .success(let (seq, _)) = EventLogCodec.frame(body) { return seq }
                return nil
            }
            // Framing and checksum are what tell a damaged record; the event need not be decoded.
            if case .success(let (seq, _)) = EventLogCodec.frame(body[(nl + 1)...]) { return seq }
            return nil
        }
    }
}
