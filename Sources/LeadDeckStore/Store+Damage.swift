import Foundation
import LeadDeckCore

/// `damage.json`: written when any process finds the event log damaged, so every writer refuses to append
/// to it (appending after damage would bury the problem under new records) until `check --repair` finds the
/// log whole again (restored from a backup, say) and removes it.
struct DamageNote: Codable, Sendable {
    static let current = 1
    var schemaVersion: Int
    var problem: String
    var foundAt: Timestamp
}

extension Store {
    var damagePath: String { "\(directory)/damage.json" }

    /// Records damage found in the log (in this process and in `damage.json` for the others) and returns it as
    /// the error to throw.
    func damaged(_ problem: String) -> StoreError {
        if knownDamage == nil { knownDamage = problem }
        if !fs.exists(damagePath) {
            let note = DamageNote(schemaVersion: DamageNote.current, problem: problem,
                                  foundAt: Timestamp(seconds: Int64(Date().timeIntervalSince1970)))
            try? fs.replaceAtomically(damagePath, with: JSONFile.encodePretty(note))
        }
        return StoreError(problem, kind: .damaged)
    }

    /// The damage known to this process or recorded in `damage.json`, if any.
    public func recordedDamage() -> String? {
        if let knownDamage { return knownDamage }
        guard fs.exists(damagePath) else { return nil }
        if let note = try? Self.readDocument(DamageNote.self, damagePath, current: DamageNote.current, fs: fs, strict: false) {
            return "\(note.problem) (found \(note.foundAt.iso8601))"
        }
        return "\(damagePath) says the log is damaged"
    }

    /// Throws when the log is known to be damaged: nothing is appended after damage.
    func refuseIfDamaged() throws(StoreError) {
        guard let problem = recordedDamage() else { return }
        throw StoreError("\(problem); the log is damaged, so nothing more is written to it (reads still work); restore events.jsonl from a backup, then `leaddeck check --repair`")
    }

    /// Forgets recorded damage once a whole scan of the log found none.
    func clearDamageMark() {
        knownDamage = nil
        if fs.exists(damagePath) {
            fs.remove(damagePath)
            try? fs.syncDirectory(directory)
        }
    }

    /// Temp files (`NAME.tmp-PID`) left by writers that were killed mid-replace, in the store and in torn/.
    public func leftoverTempFiles() -> [String] {
        var found: [String] = []
        for dir in [directory, tornDirectory] {
            for name in fs.listDirectory(dir) {
                guard let r = name.range(of: ".tmp-", options: .backwards),
                      let pid = Int32(name[r.upperBound...]) else { continue }
                // A live process (this one included) may be mid-replace; a dead one's file is garbage.
                if processIsAlive(pid) { continue }
                found.append("\(dir)/\(name)")
            }
        }
        return found
    }

    /// Removes leftover temp files; call holding the write lock (every replace happens under it, so none is
    /// in progress). Once per process.
    func removeLeftoversOnce() {
        guard !leftoversRemoved else { return }
        leftoversRemoved = true
        for path in leftoverTempFiles() { fs.remove(path) }
    }
}
