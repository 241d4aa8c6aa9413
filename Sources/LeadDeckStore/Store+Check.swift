import LeadDeckCore

/// What `leaddeck check` found.
public struct CheckReport: Sendable {
    /// Facts about a healthy store ("events.jsonl: 12,345 records, seq 1-12345").
    public var facts: [String] = []
    /// Problems, each one line naming the file (and line).
    public var problems: [String] = []
    public var isClean: Bool { problems.isEmpty }
}

extension Store {
    /// Verifies every file of the store without changing any: schema versions, the whole log's checksums and
    /// sequence, a torn tail, and that the checkpoint and policy fit the log.
    public func check() -> CheckReport {
        var report = CheckReport()
        func attempt(_ body: () throws(StoreError) -> Void) {
            do { try body() } catch { report.problems.append(error.description) }
        }
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
        var checkpoint: CheckpointDocument? = nil
        if fs.exists(checkpointPath) {
            attempt { () throws(StoreError) in
                checkpoint = try Self.readDocument(CheckpointDocument.self, checkpointPath, current: CheckpointDocument.current, fs: fs, strict: false)
            }
        }
        attempt { () throws(StoreError) in
            let head = try io { () throws(FileSystemError) in try fs.read(logPath, from: 0, maxCount: EventLogCodec.header.count) }
            guard head.elementsEqual(EventLogCodec.header) else {
                throw StoreError("\(logPath) line 1: missing or damaged header")
            }
            var count = 0
            var checkpointFits = false
            let scan = try scanLog(from: .afterHeader, allowPartialTail: false) { r in
                count += 1
                if let cp = checkpoint, r.seq == cp.position.seq, r.line == cp.position.line { checkpointFits = true }
            }
            if let d = scan.damage { report.problems.append(d) }
            if let t = scan.torn {
                report.problems.append("\(logPath) line \(t.line) (byte \(t.offset)): torn last record (\(t.reason), \(t.length) bytes); `leaddeck check --repair` keeps a copy in torn/ and cuts it")
            }
            report.facts.append("events.jsonl: \(count) records, last seq \(scan.end.seq), \(scan.end.offset) bytes")
            if let cp = checkpoint {
                let fits = cp.position == .afterHeader || checkpointFits
                if !fits || cp.position.offset > scan.end.offset {
                    report.problems.append("\(checkpointPath): points at seq \(cp.position.seq) byte \(cp.position.offset), which is not a record boundary of the log; it will be rebuilt on next open")
                } else {
                    report.facts.append("checkpoint.json: ok, at seq \(cp.position.seq)")
                }
                let leads = try? Self.readDocument(LeadsCheckpointDocument.self, leadsCheckpointPath, current: LeadsCheckpointDocument.current, fs: fs, strict: false)
                if leads?.position != cp.position {
                    report.problems.append("\(leadsCheckpointPath): missing, unreadable or not at the checkpoint's position; the state will be rebuilt from the log on next open")
                }
            }
            if policySeq > scan.end.seq {
                report.problems.append("\(policyPath): lastChangeSeq \(policySeq) is beyond the end of the log (seq \(scan.end.seq))")
            }
        }
        return report
    }
}
