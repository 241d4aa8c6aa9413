import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckStore

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine on the simulated exchange for N simulated hours, as fast as possible (or in real time with --speed).",
        discussion: """
            Everything is recorded in the store. Prints the report of the simulated period (leads bought in it and \
            their outcomes so far). With --speed X the market runs at X simulated seconds per second, so a dashboard \
            on the same store (following this engine) shows it live; Ctrl-C ends the run early, saving what ran.
            """)

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

    @Option(parsing: .unconditional, help: "Run in real time: simulated seconds per wall-clock second (default: as fast as possible).")
    var speed: Double?

    func validate() throws {
        guard (1...8760).contains(hours) else { throw ValidationError("--hours must be 1-8760, got \(hours)") }
        if let start, Timestamp(iso8601: start) == nil { throw ValidationError("--start: not an ISO 8601 time: \(start)") }
        if let speed, !(speed > 0 && speed <= 100_000) { throw ValidationError("--speed must be above 0 and at most 100000") }
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
            if speed != nil {
                signal(SIGINT) { _ in quitRequested.store(true, ordering: .relaxed) }
                signal(SIGTERM) { _ in quitRequested.store(true, ordering: .relaxed) }
            }
            while t < end && !quitRequested.load(ordering: .relaxed) {
                if let speed {
                    // Real time: a batch every quarter second, as far as the wall clock has carried the market.
                    usleep(250_000)
                    t = min(end, from + Int64(Date().timeIntervalSince(clockStart) * speed))
                } else {
                    t = min(end, t + 3600)
                }
                let before = session.state.position.seq
                let events: [Event]
                do throws(StoreError) {
                    events = try session.advance(to: t)
                } catch {
                    throw Failure(description: "\(error.description); events up to seq \(before) are durable in \(store.logPath), "
                        + "the batch after it was not recorded (the simulation stopped at \(session.state.desk.policy.clock.format(session.now)))")
                }
                // The run's report is its own cohort: leads bought in it, and their outcomes so far.
                for e in events {
                    if case .outcome(let o) = e, o.lead.boughtAt < from { continue }
                    run.apply(e)
                }
                eventCount += events.count
                // Checkpoint now and then, so a crash in a long run does not make every later start replay it all.
                _ = session.checkpointIfDue()
            }
            saveFinalCheckpoint(session, what: "all \(eventCount) events of this run")
            flushNotices(store)
            let elapsed = Date().timeIntervalSince(clockStart)
            let report = Report(metrics: run, catalog: store.catalog, dimension: by, window: .all)
            if json {
                writeOut(report.json())
            } else {
                let clock = session.state.desk.policy.clock
                writeOut("Simulated \(String(format: "%.1f", Double(t.seconds - from.seconds) / 3600))h of the exchange, \(clock.format(from)) to \(clock.format(t)) local: "
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
