import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckEngine
import LeadDeckStore

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
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
            let store = try options.open(forWriting: true)
            let clockStart = Date()
            var o = EngineDriver.Options()
            o.seed = seed
            o.start = start.flatMap(Timestamp.init(iso8601:))
            if let speed { o.speed = speed }
            o.engineLabel = "simulate"
            let driver = try Failure.wrap { () throws(StoreError) in
                try EngineDriver.engine(store: store, clock: SystemDriverClock(), options: o)
            }
            defer { driver.finish() }
            let from = driver.simulatedNow!
            let end = from + Int64(hours) * 3600
            let clock = driver.desk.policy.clock
            // Counted on the other core while the engine decides the next batch.
            let run = MetricsFolder(MetricsBook.allTimeTally(clock: clock))
            var eventCount = 0
            // The run's report is its own cohort: leads bought in it, and their outcomes so far.
            func count(_ events: [Event]) {
                run.fold(events) { e in
                    if case .outcome(let o) = e { return o.lead.boughtAt >= from }
                    return true
                }
                eventCount += events.count
            }
            func failed(_ error: StoreError) -> Failure {
                Failure(description: "\(error.description); events up to seq \(driver.state.position.seq) are durable in \(store.logPath), "
                    + "the batch after it was not recorded (the simulation stopped at \(clock.format(driver.simulatedNow ?? from)))")
            }
            if speed != nil {
                signal(SIGINT) { _ in quitRequested.store(true, ordering: .relaxed) }
                signal(SIGTERM) { _ in quitRequested.store(true, ordering: .relaxed) }
                Terminal.unblockSignals()  // a parent's blocked mask would make SIGTERM wait for the end of the run
                driver.restartPace()
                // Real time: a batch every quarter second, as far as the clock has carried the market.
                while driver.simulatedNow! < end && !quitRequested.load(ordering: .relaxed) {
                    usleep(250_000)
                    do throws(StoreError) { count(try driver.runPaced(until: end)) } catch { throw failed(error) }
                }
            } else {
                do throws(StoreError) { try driver.run(to: end, each: count) } catch { throw failed(error) }
            }
            let t = driver.simulatedNow!
            let recordedSeq = driver.state.position.seq
            if let problem = driver.finish() { warnCheckpoint(problem, seq: recordedSeq, store: store, what: "all \(eventCount) events of this run") }
            flushNotices(store)
            let elapsed = Date().timeIntervalSince(clockStart)
            let report = Report(metrics: run.finish(), catalog: store.catalog, dimension: by, window: .all)
            if json {
                writeOut(report.json())
            } else {
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
