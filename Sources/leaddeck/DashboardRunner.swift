import Foundation
import LeadDeckCore
import LeadDeckStore
import LeadDeckTUI

/// Where the dashboard's data comes from: the engine it runs itself, or the log another process writes.
enum DeskSource {
    case engine(EngineSession)
    case follower(Store, LoadedState)
}

/// The dashboard's main loop: one owner of all mutable state, single-threaded. It reads keys with a 100 ms
/// timeout, advances the simulated exchange (or follows the log) four times a second, and redraws on change
/// or once a second.
final class DashboardRunner {
    let store: Store
    var source: DeskSource
    var model: AppModel
    var feed = LiveFeed()
    let terminal: Terminal
    let speed: Double
    let user = currentUser()
    var statusWall: Date?
    var info: DashboardInfo

    // Simulated time runs from an anchor at `speed` times the wall clock.
    var simAnchor: Timestamp = Timestamp(seconds: 0)
    var wallAnchor = Date()
    var lastCheckpoint = Date()
    /// Policy changes already noticed, so changes from other processes can be announced.
    var changesSeen = 0
    /// Set when the engine failed and no state could be reloaded: nothing more is read, written or saved.
    var stopped = false

    /// Whether this dashboard may run the engine (not `--read-only` or `--no-engine`).
    let mayRunEngine: Bool

    init(store: Store, source: DeskSource, terminal: Terminal, speed: Double, readOnly: Bool, mayRunEngine: Bool) {
        self.mayRunEngine = mayRunEngine
        self.store = store
        self.source = source
        self.terminal = terminal
        self.speed = speed
        let (w, h) = terminal.size
        model = AppModel(width: w, height: h, readOnly: readOnly, ascii: terminal.ascii)
        model.colors = terminal.colors
        // The feed starts with the latest leads already recorded, so nothing looks empty after a restart.
        for r in (try? store.lastRecords(600))?.records ?? [] { feed.add(r.event) }
        info = DashboardInfo(storePath: store.directory, engine: "")
        if case .engine(let session) = source {
            // A new store starts a day in the past and catches up, so history is there from the first minutes.
            simAnchor = session.isNew ? wallNow() : session.now
            info.engine = "live sim x\(Self.speedText(speed))"
        } else {
            info.engine = readOnly ? "read-only, following" : "following other engine"
        }
        // The highlight starts on the first source and stays with it, not with the first row.
        model.selected = model.sourceRows(desk).first?.key
        changesSeen = desk.changeCount
    }

    static func speedText(_ s: Double) -> String { s == s.rounded() ? "\(Int(s))" : String(format: "%.1f", s) }

    var desk: Desk {
        switch source {
        case .engine(let s): return s.state.desk
        case .follower(_, let st): return st.desk
        }
    }

    func run() throws {
        var dirty = true
        var lastTick = Date.distantPast
        var lastDraw = Date.distantPast
        while !quitRequested.load(ordering: .relaxed) {
            if let key = terminal.readKey() {
                if key == .resize {
                    let (w, h) = terminal.size
                    model.width = w
                    model.height = h
                }
                let effects = model.handle(key, desk: desk, feed: feed)
                if effects.contains(.quit) { break }
                for e in effects { perform(e) }
                if model.status != nil && statusWall == nil { statusWall = Date() }
                dirty = true
            }
            let now = Date()
            if now.timeIntervalSince(lastTick) >= 0.25 {
                lastTick = now
                if tick() { dirty = true }
                announceOthersChanges()
            }
            if let shown = statusWall, now.timeIntervalSince(shown) > 5 {
                model.status = nil
                statusWall = nil
                dirty = true
            }
            if dirty || now.timeIntervalSince(lastDraw) >= 1 {
                terminal.draw(Renderer.render(model, desk: desk, feed: feed, info: info))
                lastDraw = now
                dirty = false
            }
        }
        finish()
    }

    /// Advances the engine or follows the log. Returns whether anything new arrived.
    func tick() -> Bool {
        if stopped { return false }
        do {
            switch source {
            case .engine(let session):
                let elapsed = Date().timeIntervalSince(wallAnchor) * speed
                let target = simAnchor + Int64(elapsed)
                // Catch up in steps of at most two simulated hours, so the screen stays responsive.
                let step = min(target, session.now + 7200)
                guard step > session.now else { return try absorbForeign(session) }
                let events = try session.advance(to: step)
                for e in events { feed.add(e) }
                info.clock = session.now
                info.engine = step < target ? "catching up, \((target.seconds - step.seconds + 1799) / 3600)h behind" : "live sim x\(Self.speedText(speed))"
                if Date().timeIntervalSince(lastCheckpoint) > 60 {
                    try session.checkpoint()
                    lastCheckpoint = Date()
                }
                return !events.isEmpty
            case .follower(let store, var state):
                let (records, end) = try store.readNew(after: state.position)
                state.position = end
                state.absorb(records)
                source = .follower(store, state)
                for r in records { feed.add(r.event) }
                // When the engine's process has gone, take over so the market keeps running. The lock is the
                // authority (a pid in engine.lock may have been reused), tried every couple of seconds.
                if mayRunEngine, !engineFailedHere, Date().timeIntervalSince(lastTakeoverTry) > 2 {
                    lastTakeoverTry = Date()
                    if try takeOverEngine() { return true }
                }
                if !model.readOnly && !store.engineIsRunning() { info.engine = "following, no engine" }
                return !records.isEmpty
            }
        } catch {
            engineFailed(error)
            return true
        }
    }

    /// The engine could not record what it decided (disk full, damaged log): stop it without saving a
    /// checkpoint (its desk holds events that never reached the log), and follow the log as it stands.
    func engineFailed(_ error: Error) {
        engineFailedHere = true
        info.clock = nil
        if case .engine(let session) = source {
            session.close()
            if let state = try? store.loadState(leads: false) {
                source = .follower(store, state)
            } else {
                stopped = true
            }
        }
        info.engine = "engine stopped"
        info.engineOK = false
        setStatus("engine stopped: \(error); following the log", error: true)
    }

    /// Shows changes made by another process (another terminal, a CLI command) in the bottom bar.
    func announceOthersChanges() {
        let total = desk.changeCount
        guard total > changesSeen else { return }
        let fresh = desk.recentChanges.suffix(min(total - changesSeen, desk.recentChanges.count))
        changesSeen = total
        let others = fresh.filter { e in !ownChanges.contains(e) }
        ownChanges.removeAll { fresh.contains($0) }
        guard let last = others.last else { return }
        setStatus("changed elsewhere by \(last.actor): \(last.change.summary)" + (others.count > 1 ? " (and \(others.count - 1) more)" : ""), error: false)
    }

    /// Changes this dashboard saved, not yet seen coming back from the log (they are not news).
    var ownChanges: [PolicyEvent] = []
    /// Set once this process's engine failed: it does not take the engine again.
    var engineFailedHere = false
    var lastTakeoverTry = Date()

    /// Becomes the engine when no other process runs it. Returns whether it did.
    func takeOverEngine() throws -> Bool {
        guard let lease = try store.tryAcquireEngine() else { return false }
        let session = try EngineSession(store: store, lease: lease, seed: nil, start: nil)
        source = .engine(session)
        simAnchor = session.now
        wallAnchor = Date()
        lastCheckpoint = Date()
        info.engine = "live sim x\(Self.speedText(speed))"
        info.engineOK = true
        changesSeen = desk.changeCount
        setStatus("the other engine stopped; this dashboard now runs the simulated exchange", error: false)
        return true
    }

    /// Picks up other processes' records when the engine had nothing to append.
    func absorbForeign(_ session: EngineSession) throws -> Bool {
        let records = try session.poll()
        for r in records { feed.add(r.event) }
        return !records.isEmpty
    }

    func setStatus(_ text: String, error: Bool) {
        model.status = StatusMessage(text: text, isError: error)
        statusWall = Date()
    }

    func perform(_ effect: Effect) {
        switch effect {
        case .quit: break
        case .change(let change): apply(change, origin: .user)
        case .undo:
            guard let last = model.undoStack.popLast() else { setStatus("nothing to undo", error: false); return }
            // Undo only what is still as this user left it; never overwrite someone's later change.
            guard last.isInForce(in: desk.policy) else {
                setStatus("cannot undo \(last.summary): it was changed since (see the source's history)", error: true)
                return
            }
            if !apply(last.inverse, origin: .undo, describing: last) { model.undoStack.append(last) }
        case .redo:
            guard let next = model.redoStack.popLast() else { setStatus("nothing to redo", error: false); return }
            guard next.inverse.isInForce(in: desk.policy) else {
                setStatus("cannot redo \(next.summary): it was changed since", error: true)
                return
            }
            if !apply(next, origin: .redo, describing: next) { model.redoStack.append(next) }
        }
    }

    /// Saves a policy change (as an event with who and when) and folds it into the desk at once.
    /// `describing` is the change the user thinks of (for undo, the one undone). Returns whether it was saved.
    @discardableResult
    func apply(_ change: PolicyChange, origin: AppModel.Origin, describing: PolicyChange? = nil) -> Bool {
        let event: PolicyEvent?
        do {
            event = try store.changePolicy(actor: user, time: wallNow()) { p throws(StoreError) in
                if let s = change.source, p.sources[s] == nil, !self.desk.knows(source: s) {
                    throw StoreError("unknown source id \(s)")
                }
                return change.rebased(on: p)
            }
        } catch {
            setStatus("not saved: \(error)", error: true)
            return false
        }
        if let event { ownChanges.append(event) }
        // The change is saved; reading it back is separate, and a failure there is the engine's problem.
        switch source {
        case .engine(let session):
            do { _ = try absorbForeign(session) } catch { engineFailed(error) }
        case .follower:
            _ = tick()
        }
        guard let event else {
            setStatus("no change: \(change.summary) is already in force", error: false)
            return true
        }
        model.applied(event.change, origin: origin)
        let shown = describing ?? event.change
        switch origin {
        case .user: setStatus("\(shown.summary) (saved as \(user))", error: false)
        case .undo: setStatus("undone: \(shown.summary) (saved as \(user))", error: false)
        case .redo: setStatus("redone: \(shown.summary) (saved as \(user))", error: false)
        }
        return true
    }

    func finish() {
        if !stopped, case .engine(let session) = source {
            try? session.checkpoint()
            session.close()
        }
        terminal.close()
    }
}
