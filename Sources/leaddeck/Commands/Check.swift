import ArgumentParser
import LeadDeckCore
import LeadDeckStore

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the store: schema versions, every record's checksum and sequence, a torn tail, the checkpoint.",
        discussion: "Changes nothing unless --repair is given, which keeps a copy of a torn last record in torn/ and cuts it from the log. Exit status 1 when a problem remains.")

    @OptionGroup var options: StoreOptions
    @Flag(help: "Cut a torn last record (a copy is kept in torn/).") var repair = false

    func run() throws {
        try guarded {
            let store = try options.open()
            if repair {
                if let t = try Failure.wrap({ () throws(StoreError) in try store.repairTornTail() }) {
                    writeOut("repaired: cut a torn record at line \(t.line) (\(t.length) bytes, \(t.reason)); copy kept in \(store.directory)/torn/\n")
                }
            }
            let report = store.check()
            for f in report.facts { writeOut("ok: \(Sanitizer.clean(f))\n") }
            for p in report.problems { writeOut("PROBLEM: \(Sanitizer.clean(p))\n") }
            writeOut(report.isClean ? "store \(store.directory) is clean\n" : "store \(store.directory): \(report.problems.count) problem(s)\n")
            if !report.isClean { throw ExitCode(1) }
        }
    }
}
