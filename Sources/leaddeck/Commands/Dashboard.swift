import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckEngine
import LeadDeckStore

struct Dashboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Open the terminal dashboard (the default when no subcommand is given).",
        discussion: """
            Runs the embedded simulated exchange on the store unless another leaddeck process already runs the \
            engine there, in which case it follows that process's log (both can change the policy). A new store \
            starts a day in the past and catches up in a few seconds, so charts have history. Needs a terminal \
            of at least 80x24; honours NO_COLOR. Takes mouse clicks and the wheel unless --no-mouse; Ctrl-Z \
            suspends it (fg resumes).
            """)

    @OptionGroup var options: StoreOptions

    @Option(parsing: .unconditional, help: "Simulated seconds per wall-clock second.")
    var speed: Double = 10

    @Option(help: "Random seed for a new store's simulation.")
    var seed: UInt64?

    @Flag(help: "Show everything, change nothing: no policy changes, no engine (follows the log).")
    var readOnly = false

    @Flag(help: "Watch the log only; do not run the simulated exchange.")
    var noEngine = false

    @Flag(help: "Draw with ASCII characters only.")
    var ascii = false

    @Flag(help: "Ring the terminal bell when a new alert is raised (off by default).")
    var bell = false

    @Flag(help: "Leave the mouse to the terminal (its own text selection) instead of clicks and the wheel.")
    var noMouse = false

    func validate() throws {
        guard speed > 0 && speed <= 100_000 else { throw ValidationError("--speed must be above 0 and at most 100000") }
    }

    func run() throws {
        try guarded {
            if let reason = Terminal.unusableReason() { throw Failure(description: reason) }
            LeanHeap.apply()
            let store = try options.open(forWriting: !readOnly)
            // The terminal comes up first, so a long load (a store without a checkpoint) shows what it is doing.
            let terminal = try Terminal(noColor: !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty, forceASCII: ascii, mouse: !noMouse)
            terminal.showMessage("LeadDeck: opening \(store.directory)...")
            let driver: EngineDriver
            do {
                driver = try openDriver(store)
            } catch {
                terminal.close()
                throw error
            }
            let runner = DashboardRunner(driver: driver, terminal: terminal, readOnly: readOnly)
            runner.bellOnAlert = bell
            try runner.run()
            flushNotices(store)
        }
    }

    /// Runs the engine on the store if no other process does (and it is allowed), else follows the log.
    func openDriver(_ store: Store) throws -> EngineDriver {
        var o = EngineDriver.Options()
        o.speed = speed
        o.seed = seed
        o.mayRunEngine = !readOnly && !noEngine
        o.start = wallNow() - 86_400  // a new store starts a day back and catches up
        o.catchUpToWallClock = true
        o.runAllDay()
        o.engineLabel = "dashboard sim x\(DashboardRunner.speedText(speed))"
        return try Failure.wrap { () throws(StoreError) in
            try EngineDriver(store: store, clock: SystemDriverClock(), options: o)
        }
    }
}
