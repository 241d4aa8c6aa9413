import Foundation
import LeadDeckCore
import LeadDeckEngine
import LeadDeckStore
import Testing

/// The driver's pacing rules, with a clock the test moves (no sleeping).
@Suite struct PacingTests {
    @Test func aNewStoreCatchesUpInStepsThenRunsAtItsSpeed() throws {
        let store = try EngineFixture.memoryStore()
        let clock = ManualDriverClock(wall: EngineFixture.monday9am + 86_400)
        var o = EngineFixture.options(speed: 10)
        o.catchUpToWallClock = true
        let driver = try EngineDriver(store: store, clock: clock, options: o)
        #expect(driver.role == .engine)
        #expect(driver.behindSeconds == 86_400)
        var steps = 0
        while driver.behindSeconds > 0 {
            let before = driver.simulatedNow!
            clock.monotonic += 0.25
            _ = driver.tick()
            #expect(driver.simulatedNow!.seconds - before.seconds <= o.catchUpStep + 3, "one catch-up step is at most catchUpStep")
            steps += 1
            #expect(steps < 86_400 / Int(o.catchUpStep) + 10)
        }
        #expect(steps >= 86_400 / Int(o.catchUpStep))
        // Live: a second of the clock is ten simulated seconds.
        let live = driver.simulatedNow!
        clock.monotonic += 1
        _ = driver.tick()
        #expect(driver.simulatedNow!.seconds - live.seconds == 10)
    }

    @Test func aSuspendIsSkippedNotBoughtThroughInABurst() throws {
        let store = try EngineFixture.memoryStore()
        let clock = ManualDriverClock()
        let driver = try EngineDriver(store: store, clock: clock, options: EngineFixture.options(speed: 60))
        for _ in 0..<8 {
            clock.monotonic += 0.25
            _ = driver.tick()
        }
        let before = driver.simulatedNow!
        // The laptop sleeps for an hour of the monotonic clock: sixty simulated hours at this speed.
        clock.monotonic += 3600
        let update = driver.tick()
        #expect(driver.simulatedNow!.seconds - before.seconds >= 60 * 3600 - 60, "the market's clock still follows the pace")
        let offers = update.events.compactMap(\.offer)
        #expect(offers.count < 20, "no burst of sixty hours of offers after a suspend (got \(offers.count))")
        #expect(offers.allSatisfy { $0.offer.receivedAt >= driver.simulatedNow! - 600 })
    }

    @Test func simulatedTimeNeverRunsAheadOfThePace() throws {
        let store = try EngineFixture.memoryStore()
        let clock = ManualDriverClock()
        let driver = try EngineDriver(store: store, clock: clock, options: EngineFixture.options(speed: 100))
        let start = driver.simulatedNow!
        for i in 1...40 {
            clock.monotonic += 0.25
            _ = driver.tick()
            #expect(driver.simulatedNow!.seconds - start.seconds == Int64(Double(i) * 25), "tick \(i)")
        }
    }
}

@Suite struct CheckpointScheduleTests {
    @Test func checkpointsAfterEnoughEventsOrTimeAndNotWhenIdle() throws {
        let store = try EngineFixture.memoryStore()
        let clock = ManualDriverClock()
        var o = EngineFixture.options(speed: 3600)
        o.checkpointEvents = 300
        o.checkpointSeconds = 60
        let driver = try EngineDriver(store: store, clock: clock, options: o)
        // Each tick of a quarter second is fifteen simulated minutes: a few hundred events every few ticks.
        var saved: [Int64] = []
        for _ in 0..<12 {
            clock.monotonic += 0.25
            _ = driver.tick()
            if let seq = store.checkpointSeq, saved.last != seq { saved.append(seq) }
        }
        #expect(saved.count >= 2, "\(saved)")
        #expect(driver.sinceCheckpoint < 300 + 400)
        // Time alone: a few events, then a minute later a checkpoint; with no events, none.
        let count = store.checkpointsSaved
        o.speed = 1
        let slow = driver
        _ = slow.finish()
        #expect(store.checkpointsSaved == count + 1, "finishing saves one")
    }

    /// The dashboard's and `serve`'s schedule: a timed checkpoint waits for `checkpointMinEvents` records, and
    /// never longer than `checkpointMaxSeconds` while any record waits.
    @Test func aTimedCheckpointWaitsForEnoughRecords() throws {
        for (minEvents, due) in [(1_000_000, 600.0), (400, 60.0), (0, 60.0)] {
            let store = try EngineFixture.memoryStore()
            let clock = ManualDriverClock()
            var o = EngineFixture.options(speed: 60)
            o.checkpointSeconds = 60
            o.checkpointMinEvents = minEvents
            o.checkpointMaxSeconds = 600
            let driver = try EngineDriver(store: store, clock: clock, options: o)
            let before = store.checkpointsSaved
            var savedAt: [Int] = []
            for second in 1...700 {
                clock.monotonic += 1
                _ = driver.tick()
                if store.checkpointsSaved > before + savedAt.count { savedAt.append(second) }
            }
            // A minute at x60 brings a few hundred records: enough for 400 after one minute or two, never a million.
            let first = try #require(savedAt.first, "min \(minEvents)")
            #expect(Double(first) >= due && Double(first) <= due + (minEvents == 400 ? 120 : 1), "min \(minEvents): \(savedAt)")
            if minEvents == 0 { #expect(savedAt.count >= 10, "\(savedAt)") }
            if minEvents == 1_000_000 { #expect(savedAt.count == 1, "\(savedAt)") }
        }
    }

    @Test func aLongFastRunCheckpointsAsItGoes() throws {
        let store = try EngineFixture.fileStore()
        var o = EngineFixture.options()
        o.checkpointEvents = 300
        let driver = try EngineDriver.engine(store: store, clock: ManualDriverClock(), options: o)
        var seen: Set<Int64> = []
        for _ in 1...12 {
            try driver.run(to: driver.simulatedNow! + 3600)
            if let cp = try? store.loadState(leads: false), cp.replayed == 0 { seen.insert(cp.position.seq) }
        }
        driver.finish()
        #expect(seen.count >= 3, "\(seen)")
        #expect(store.check().isClean)
    }

    /// With `leadsOnDisk` (the dashboard, `serve`) the engine's lead index and dedupe memory are read in place after
    /// each checkpoint, and still hold what the log says; without it (batch runs) they stay in memory.
    @Test func theLeadTablesStayOnDiskOnlyWhenAsked() throws {
        for onDisk in [false, true] {
            let store = try EngineFixture.fileStore()
            var o = EngineFixture.options()
            o.checkpointEvents = 300
            o.leadsOnDisk = onDisk
            let driver = try EngineDriver.engine(store: store, clock: ManualDriverClock(), options: o)
            for _ in 1...6 { try driver.run(to: driver.simulatedNow! + 3600) }
            let desk = driver.desk
            #expect(desk.leads.readsInPlace == onDisk && desk.ledger.recentConsumers.readsInPlace == onDisk)
            driver.finish()
            let fresh = try Store.open(store.directory, seedDirectory: nil)
            try FileManager.default.removeItem(atPath: fresh.checkpointPath)
            let rebuilt = try fresh.loadState()
            #expect(!rebuilt.desk.leads.readsInPlace && rebuilt.desk.leads.count > 0)
            #expect(desk.leads == rebuilt.desk.leads && desk.ledger.recentConsumers == rebuilt.desk.ledger.recentConsumers)
        }
    }

    @Test func aFailedCheckpointIsANoticeNotAFailure() throws {
        let store = try EngineFixture.memoryStore()
        let clock = ManualDriverClock()
        var o = EngineFixture.options(speed: 3600)
        o.checkpointEvents = 1
        let driver = try EngineDriver(store: store, clock: clock, options: o)
        store.failCheckpoints = 1
        clock.monotonic += 1
        let update = driver.tick()
        #expect(update.notices.contains { $0.isError && $0.text.contains("checkpoint not saved") })
        #expect(driver.role == .engine)
    }
}

@Suite struct FailureAndTakeoverTests {
    @Test func aFailedWriteLeavesNothingVisibleAndTheDriverFollowsTheLog() throws {
        let store = try EngineFixture.memoryStore()
        let clock = ManualDriverClock()
        let driver = try EngineDriver(store: store, clock: clock, options: EngineFixture.options(speed: 3600))
        clock.monotonic += 1
        _ = driver.tick()
        let recorded = store.records.count
        let deskBefore = driver.desk
        store.failAppends = 1
        clock.monotonic += 1
        let update = driver.tick()
        #expect(store.records.count == recorded, "nothing of the failed batch was recorded")
        #expect(driver.role == .follower)
        #expect(driver.engineFailedHere)
        #expect(update.notices.contains { $0.isError && $0.text.hasPrefix("engine stopped:") })
        #expect(update.events.isEmpty, "a viewer is handed nothing of the failed batch")
        #expect(driver.desk.metrics.latest == deskBefore.metrics.latest)
        #expect(driver.desk.ledger == deskBefore.ledger)
        #expect(driver.desk.leads == deskBefore.leads)
        #expect(driver.state.position.seq == Int64(recorded))
        #expect(!store.engineIsRunning(), "the lease was given up")
        // It does not take the engine back after failing.
        clock.monotonic += 10
        _ = driver.tick()
        #expect(driver.role == .follower)
    }

    @Test func aSessionWhoseWriteFailsKeepsItsDeskAndClockAsRecorded() throws {
        let store = try EngineFixture.memoryStore()
        let session = try EngineSession(store: store, seed: 3, start: EngineFixture.monday9am)
        try session.advance(to: session.now + 3600)
        let (ledger, now, seq) = (session.state.desk.ledger, session.now, session.state.position.seq)
        store.failAppends = 1
        #expect(throws: StoreError.self) { try session.advance(to: session.now + 3600) }
        #expect(session.state.desk.ledger == ledger)
        #expect(session.now == now, "the simulator's clock did not move")
        #expect(session.state.position.seq == seq)
        // The next batch decides the same hour again, as if the failure had not happened.
        try session.advance(to: session.now + 3600)
        #expect(session.now == now + 3600)
    }

    @Test func aFollowerTakesTheEngineOverWhenItsOwnerStops() throws {
        let store = try EngineFixture.memoryStore()
        let clock = ManualDriverClock()
        let owner = try EngineDriver(store: store, clock: clock, options: EngineFixture.options(speed: 600))
        let follower = try EngineDriver(store: store, clock: clock, options: EngineFixture.options(speed: 600))
        #expect(owner.role == .engine)
        #expect(follower.role == .follower)
        clock.monotonic += 1
        _ = owner.tick()
        let update = follower.tick()
        #expect(!update.events.isEmpty, "the follower sees the owner's records")
        #expect(follower.desk.ledger.spentToday == owner.desk.ledger.spentToday)
        #expect(follower.state.position.seq == owner.state.position.seq)
        owner.finish()
        clock.monotonic += 0.5
        _ = follower.tick()
        #expect(follower.role == .follower, "takeover is tried only every couple of seconds")
        clock.monotonic += 2
        let taken = follower.tick()
        #expect(follower.role == .engine)
        #expect(taken.notices.contains { $0.text.contains("now runs the simulated exchange") })
    }

    @Test func aReadOnlyViewerNeverTakesTheEngine() throws {
        let store = try EngineFixture.memoryStore()
        let clock = ManualDriverClock()
        let viewer = try EngineDriver(store: store, clock: clock, options: EngineFixture.options(mayRunEngine: false))
        #expect(viewer.role == .follower)
        clock.monotonic += 10
        _ = viewer.tick()
        #expect(viewer.role == .follower)
        #expect(!store.engineIsRunning())
    }
}

@Suite struct PolicyChangeTests {
    @Test func undoOnlyWhatIsStillInForce() throws {
        let store = try EngineFixture.memoryStore()
        let clock = ManualDriverClock()
        let a = try EngineDriver(store: store, clock: clock, options: EngineFixture.options())
        let b = try EngineDriver(store: store, clock: clock, options: EngineFixture.options())
        guard case .saved(let mine) = a.change(.priority(source: "AUT02", from: 3, to: 1), actor: "ann") else {
            Issue.record("not saved"); return
        }
        #expect(a.desk.policy.settings(for: "AUT02").priority == 1, "the change is on the desk at once")
        guard case .saved = b.change(.priority(source: "AUT02", from: 1, to: 2), actor: "bob") else {
            Issue.record("not saved"); return
        }
        let undo = a.undo(mine.change, actor: "ann")
        guard case .refused(let e) = undo else { Issue.record("undo overwrote bob's change: \(undo)"); return }
        #expect(e.kind == .conflict)
        #expect(store.records.count == 2)
        // Bob's own undo is still in force, so it goes through.
        guard case .saved = b.undo(.priority(source: "AUT02", from: 1, to: 2), actor: "bob") else {
            Issue.record("bob's undo refused"); return
        }
        #expect(b.desk.policy.settings(for: "AUT02").priority == 1)
    }

    @Test func othersChangesAreNewsOwnChangesAreNot() throws {
        let store = try EngineFixture.memoryStore()
        let clock = ManualDriverClock()
        let a = try EngineDriver(store: store, clock: clock, options: EngineFixture.options())
        let b = try EngineDriver(store: store, clock: clock, options: EngineFixture.options())
        _ = a.change(.block(source: "AUT03", subID: nil), actor: "ann")
        clock.monotonic += 0.25
        #expect(a.tick().othersChanges.isEmpty)
        let seen = b.tick().othersChanges
        #expect(seen.map(\.actor) == ["ann"])
    }

    @Test func everyEntryPointValidatesTheSameWay() throws {
        let store = try EngineFixture.memoryStore()
        let d = try EngineDriver(store: store, clock: ManualDriverClock(), options: EngineFixture.options())
        for change in [PolicyChange.block(source: "NOPE1", subID: nil), .block(source: "AUT01", subID: "zz9"),
                       .priority(source: "NOPE1", from: 3, to: 1)] {
            guard case .refused(let e) = d.change(change, actor: "ann") else { Issue.record("\(change) saved"); continue }
            #expect(e.kind == .badInput)
        }
        #expect(store.records.isEmpty)
        #expect(Validation.problem(with: .block(source: "AUT01", subID: "a91"), catalog: store.catalog, policy: d.desk.policy) == nil)
    }
}
