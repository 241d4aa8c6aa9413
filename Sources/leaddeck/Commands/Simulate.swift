import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckStore

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine on the simulated exchange for N simulated hours, as fast as possible.",
        discussion: "Everything is recorded in the store. Prints the report of the simulated period (leads bought in it and their outcomes so far).")

    @OptionGroup var options: StoreOptions

    @Option(help: "Simulated hours to run (1-8760).")
    var hours: Int

    @Option(help: "Random seed; the same seed on the same store state gives the same result.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Start time for a new store's simulation (ISO 8601).", valueName: "time"))
    var start: String?

    @Option(help: "Report rows: source, subid, vertical or mode.")
    var by: ReportDimension = .source

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard (1...8760).contains(hours) else { throw ValidationError("--hours must be 1-8760, got \(hours)") }
        if let start, Timestamp(iso8601: start) == nil { throw ValidationError("--start: not an ISO 8601 time: \(start)") }
    }

    func run() throws {
        try guarded {
            let store = try options.open()
            let clockStart = Date()
            let session = try Failure.wrap { () throws(StoreError) in
                try EngineSession(store: store, seed: seed, start: start.flatMap(Timestamp.init(iso8601:)))
            }
            defer { session.close() }
            let from = session.now
            let end = from + Int64(hours) * 3600
            var run = MetricsBook(clock: session.state.desk.policy.clock)
            var eventCount = 0
            var t = from
            while t < end {
                t = min(end, t + 3600)
                let events = try Failure.wrap { () throws(StoreError) in try session.advance(to: t) }
                // The run's report is its own cohort: leads bought in it, and their outcomes so far.
                for e in events {
                    if case .outcome(let o) = e, o.lead.boughtAt < from { continue }
                    run.apply(e)
                }
                eventCount += events.count
            }
            try Failure.wrap { () throws(StoreError) in try session.checkpoint() }
            flushNotices(store)
            let elapsed = Date().timeIntervalSince(clockStart)
            let report = Report(metrics: run, catalog: store.catalog, dimension: by, window: .all)
            if json {
                writeOut(report.json())
            } else {
                let clock = session.state.desk.policy.clock
                writeOut("Simulated \(hours)h of the exchange, \(clock.format(from)) to \(clock.format(end)) local: "
                    + "\(eventCount) events recorded in \(String(format: "%.2f", elapsed))s; store \(store.directory).\n\n")
                writeOut(report.table())
            }
        }
    }
}

typealias ReportDimension = LeadDeckCore.Dimension
extension LeadDeckCore.Dimension: ExpressibleByArgument {}
extension Window: ExpressibleByArgument {}
extension ModeSetting: ExpressibleByArgument {}
