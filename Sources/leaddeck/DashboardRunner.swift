import Foundation
import LeadDeckCore
import LeadDeckEngine
import LeadDeckStore
import LeadDeckTUI

/// The dashboard's main loop: keys, the screen, and the engine driver that owns the desk (running the
/// simulated exchange, or following the log another process writes). Single-threaded: it sleeps in the
/// terminal's read until a key comes or the driver's next tick is due (once a second when live, back to back
/// while catching up), draws at once after a key and at most four times a second for new data, writing only
/// the rows that changed. Ctrl-Z stops the whole process, engine
/// included; on `fg` the driver skips the time it was stopped.
final class DashboardRunner {
    let driver: EngineDriver
    var model: AppModel
    var feed = LiveFeed()
    let terminal: Terminal
    let user = currentUser()
    /// When the last key came (rows held still while navigating re-sort after a few idle seconds).
    var lastKey = Date()
    /// Where preferences are saved on quit (nil: not saved, e.g. the file could not be read).
    var prefsFile: PreferencesFile?
    var startupNotice: String?
    /// Ring the bell when a new alert arrives (`--bell`).
    var bellOnAlert = false
    var statusWall: Date?
    var info: DashboardInfo

    init(driver: EngineDriver, terminal: Terminal, readOnly: Bool) {
        self.driver = driver
        self.terminal = terminal
        let (w, h) = terminal.size
        model = AppModel(width: w, height: h, readOnly: readOnly, ascii: terminal.ascii)
        model.colors = terminal.colors
        // Remembered preferences (sort, window, columns...), from the user's config folder, never the store.
        prefsFile = PreferencesFile.forUser()
        switch prefsFile?.load() {
        case .success(let prefs?)?: prefs.apply(to: &model)
        case .failure(let problem)?:
            prefsFile = nil  // a file that cannot be read is left as it is
            startupNotice = problem.description
        default: break
        }
        // The feed starts with the latest leads already recorded, so nothing looks empty after a restart.
        for r in (try? driver.store.lastRecords(600))?.records ?? [] { feed.add(r.event) }
        info = DashboardInfo(storePath: driver.store.location, engine: "")
        describeEngine()
        // The highlight starts on the first source and stays with it, not with the first row.
        model.selected = model.sourceRows(driver.desk).first?.key
        if let startupNotice { setStatus(startupNotice, error: true) }
    }

    /// How often the driver runs the market and picks up others' records when live, and so how often new leads
    /// reach the screen (top and htop refresh every 1.5 s). Keys are answered and drawn at once, between ticks.
    static let tickSeconds = 1.0
    /// How soon the next tick comes while the engine is catching up (its market hours behind the clock):
    /// batches run back to back, with keys read between them.
    static let catchUpTickSeconds = 0.005
    /// Redraws for new data come at most this often (while catching up); a key redraws at once.
    static let dataRedrawSeconds = 0.25

    /// Whether the engine is more than two ticks' worth of market time behind the clock.
    var catchingUp: Bool {
        driver.role == .engine && Double(driver.behindSeconds) > driver.options.speed * Self.tickSeconds * 2
    }

    static func speedText(_ s: Double) -> String { s == s.rounded() ? "\(Int(s))" : String(format: "%.1f", s) }

    var desk: Desk { driver.desk }

    /// The header's engine words, from what the driver does now.
    func describeEngine() {
        switch driver.role {
        case .engine:
            info.clock = driver.simulatedNow
            info.engineOK = true
            let behind = driver.behindSeconds
            info.engine = behind > 1800 ? "catching up, \((behind + 1799) / 3600)h behind" : "live sim x\(Self.speedText(driver.options.speed))"
        case .follower:
            info.clock = nil
            if driver.engineFailedHere {
                info.engine = "engine stopped"
                info.engineOK = false
            } else {
                // Which engine runs, as it named itself ("serve :8080", "simulated exchange x10").
                let who = driver.store.runningEngine().map { $0.isEmpty ? "other engine" : $0 }
                if model.readOnly {
                    info.engine = who.map { "read-only, following \($0)" } ?? "read-only, no engine running"
                } else {
                    info.engine = who.map { "following \($0)" } ?? "following, no engine"
                }
            }
        case .stopped:
            info.clock = nil
            info.engine = "engine stopped"
            info.engineOK = false
        }
    }

    func run() throws {
        var dirty = true
        /// New data since the last draw (drawn at most every `dataRedrawSeconds`); `dirty`: draw at once.
        var stale = false
        var lastTick = Date.distantPast
        var lastDraw = Date.distantPast
        while !quitRequested.load(ordering: .relaxed) {
            if suspendRequested.load(ordering: .relaxed) {
                terminal.suspend()
                dirty = true
            }
            if repaintRequested.load(ordering: .relaxed) {
                terminal.repaint()
                dirty = true
            }
            // Asleep in the read until a key comes or the next tick is due: no wake-ups in between.
            let interval = catchingUp ? Self.catchUpTickSeconds : Self.tickSeconds
            let untilTick = Int32(max(0, (interval - Date().timeIntervalSince(lastTick)) * 1000).rounded(.up))
            if let key = terminal.readKey(waitingAtMost: untilTick) {
                // Mouse reports already waiting (both clicks of a double click) are read at once, so their times are
                // close and a slow update never splits a double click. Reading stops after the first key that is not
                // a mouse report: input after a `q` stays for whatever runs next (the shell).
                var keys = [key]
                while keys.count < 64, case .mouse = keys[keys.count - 1], let more = terminal.readWaitingKey() { keys.append(more) }
                var quit = false
                for k in keys where !quit { quit = handleKey(k) }
                if quit { break }
                dirty = true
            }
            let now = Date()
            if now.timeIntervalSince(lastTick) >= interval {
                lastTick = now
                let update = driver.tick()
                for e in update.events { feed.add(e) }
                let alerts = update.events.compactMap { e -> AlertEvent? in if case .alert(let a) = e { return a } else { return nil } }
                if let a = alerts.last {
                    setStatus("ALERT: \(Sanitizer.clean(a.text))", error: true)
                    if bellOnAlert { terminal.bell() }
                }
                show(update.notices)
                announce(update.othersChanges)
                describeEngine()
                if update.changed || !update.othersChanges.isEmpty { stale = true }
                if !alerts.isEmpty || !update.notices.isEmpty { dirty = true }
            }
            // Rows held still while the person navigates follow the sort again after a few idle seconds.
            if model.heldOrder != nil, !model.orderFrozen, now.timeIntervalSince(lastKey) > 3 {
                model.releaseHeldOrder()
                dirty = true
            }
            if let shown = statusWall, now.timeIntervalSince(shown) > 5 {
                model.status = nil
                statusWall = nil
                dirty = true
            }
            let sinceDraw = now.timeIntervalSince(lastDraw)
            if dirty || (stale && sinceDraw >= Self.dataRedrawSeconds) || sinceDraw >= Self.tickSeconds {
                terminal.draw(Renderer.render(model, desk: desk, feed: feed, info: info))
                lastDraw = now
                dirty = false
                stale = false
            }
        }
        finish()
    }

    /// One key (or mouse event) through the model and its effects. Returns whether it asked to quit.
    func handleKey(_ key: Key) -> Bool {
        lastKey = Date()
        if key == .resize {
            let (w, h) = terminal.size
            model.width = w
            model.height = h
        }
        let effects = model.handle(key, desk: desk, feed: feed)
        if effects.contains(.quit) { return true }
        for e in effects { perform(e) }
        show(driver.takeNotices())
        return false
    }

    func show(_ notices: [EngineDriver.Notice]) {
        if let last = notices.last { setStatus(last.text, error: last.isError) }
    }

    /// Shows changes made by another process (another terminal, a CLI command) in the bottom bar.
    func announce(_ others: [PolicyEvent]) {
        guard let last = others.last else { return }
        setStatus("changed elsewhere by \(last.actor): \(last.change.summary)" + (others.count > 1 ? " (and \(others.count - 1) more)" : ""), error: false)
    }

    func setStatus(_ text: String, error: Bool) {
        model.status = StatusMessage(text: text, isError: error)
        statusWall = Date()
    }

    func perform(_ effect: Effect) {
        switch effect {
        case .quit: break
        case .change(let change):
            report(driver.change(change, actor: user), change, origin: .user)
        case .changes(let changes):
            // Each saved (and undoable) on its own; the first refusal stops the rest and says so.
            var saved = 0
            for c in changes {
                guard report(driver.change(c, actor: user), c, origin: .user) else { break }
                saved += 1
            }
            if saved == changes.count, saved > 1 { setStatus("\(saved) changes saved as \(user) (u undoes them one by one)", error: false) }
        case .undo:
            guard let last = model.undoStack.popLast() else { setStatus("nothing to undo", error: false); return }
            if !report(driver.undo(last, actor: user), last, origin: .undo) { model.undoStack.append(last) }
        case .redo:
            guard let next = model.redoStack.popLast() else { setStatus("nothing to redo", error: false); return }
            if !report(driver.redo(next, actor: user), next, origin: .redo) { model.redoStack.append(next) }
        case .suspend:
            terminal.suspend()
        case .copy(let id):
            terminal.copyToClipboard(id)
        }
    }

    /// Tells the person what became of a change and keeps the undo history. `change` is the change the
    /// person thinks of (for undo, the one undone). Returns whether it was saved (or already in force).
    @discardableResult
    func report(_ result: EngineDriver.ChangeResult, _ change: PolicyChange, origin: AppModel.Origin) -> Bool {
        switch result {
        case .refused(let error):
            setStatus(error.kind == .conflict ? error.description : "not saved: \(error)", error: true)
            return false
        case .unchanged:
            setStatus("no change: \(change.summary) is already in force", error: false)
            return true
        case .saved(let event):
            model.applied(event.change, origin: origin)
            let shown = origin == .user ? event.change : change
            switch origin {
            case .user: setStatus("\(shown.summary) (saved as \(user))", error: false)
            case .undo: setStatus("undone: \(shown.summary) (saved as \(user))", error: false)
            case .redo: setStatus("redone: \(shown.summary) (saved as \(user))", error: false)
            }
            return true
        }
    }

    func finish() {
        if let prefsFile {
            do { try prefsFile.save(DashboardPreferences(model)) } catch { printAfterClose = "leaddeck: note: \(error)" }
        }
        driver.finish()
        terminal.close()
        if let printAfterClose { printError(printAfterClose) }
    }

    /// A line for stderr once the terminal is restored.
    var printAfterClose: String?
}
