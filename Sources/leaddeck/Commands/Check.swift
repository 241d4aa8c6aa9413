import ArgumentParser
import LeadDeckCore
import LeadDeckStore

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify the store: schema versions, every record's checksum and sequence, a torn tail, the checkpoint, permissions.",
        discussion: """
            Changes nothing unless --repair is given, which cuts an unfinished last record (keeping a copy in torn/), \
            makes the store private again (folder 0700, files 0600), removes temp files left by killed writers, \
            rebuilds a stale checkpoint, and clears a damage mark once the log checks whole. Damage in the log (a \
            complete record that fails its checksum) is never cut: restore the log from a backup. \
            Exit status 1 when a problem remains; warnings alone exit 0.
            """)

    @OptionGroup var options: StoreOptions
    @Flag(help: "Repair what can be repaired without losing anything (see above).") var repair = false
    @Flag(help: "Also decode every event (slower; framing, checksums and sequence numbers are checked either way).") var deep = false

    func run() throws {
        try guarded {
            let store = try options.open()
            if repair {
                let result = try Failure.wrap { () throws(StoreError) in try store.repair() }
                for line in result.done { writeOut("repaired: \(Sanitizer.clean(line))\n") }
            }
            let report = store.check(deep: deep)
            for f in report.facts { writeOut("ok: \(Sanitizer.clean(f))\n") }
            for w in report.warnings { writeOut("WARNING: \(Sanitizer.clean(w))\n") }
            for p in report.problems { writeOut("PROBLEM: \(Sanitizer.clean(p))\n") }
            if report.isClean {
                writeOut("store \(store.directory) is clean" + (report.warnings.isEmpty ? "\n" : " (\(report.warnings.count) warning(s))\n"))
            } else {
                writeOut("store \(store.directory): \(report.problems.count) problem(s)\n")
            }
            if !report.isClean { throw ExitCode(1) }
        }
    }
}
