import Foundation
import Testing

/// The real dashboard in tmux, used as a person would.
@Suite("Dashboard end to end (tmux)", .serialized, .enabled(if: Tmux.available, "tmux is not installed"))
struct DashboardTests {
    func command(_ store: String, _ extra: String = "") -> String {
        "cd '\(Binary.repoRoot)' && '\(Binary.path)' --store '\(store)' --speed 60 \(extra)"
    }

    @Test func blockASourceFromTheKeyboardAndSeeItEverywhere() throws {
        let store = Binary.tempStore()
        let admin = try Tmux(command(store))
        let first = admin.wait(for: "of 36 sources")
        #expect(first.found, "\(first.screen)")
        #expect(admin.wait(for: "live sim x60").found)

        // Filter to one source, block it, confirm.
        try admin.keys("/")
        try admin.type("HOM08")
        try admin.keys("Enter")
        #expect(admin.wait(for: "1 of 36 sources").found)
        try admin.keys("b")
        // Both parts of the dialog: a screen read mid-draw can hold its title without its buttons yet.
        let dialog = admin.wait { $0.contains("Block source HOM08") && $0.contains("[ Cancel ]") }
        #expect(dialog.found, "\(dialog.screen)")
        try admin.keys("y")
        let done = admin.wait(for: "blocked HOM08 (saved as")
        #expect(done.found, "\(done.screen)")
        #expect(admin.wait(for: "BLK HOM08").found)

        let sources = try Binary.run(["sources", "--json", "--store", store])
        let list = try JSONSerialization.jsonObject(with: Data(sources.stdout.utf8)) as! [[String: Any]]
        #expect(list.first { $0["id"] as? String == "HOM08" }?["status"] as? String == "blocked")

        // A second terminal on the same store follows the first one's engine and can change the policy.
        let buyer = try Tmux(command(store))
        #expect(buyer.wait(for: "following dashboard sim").found)
        #expect(buyer.wait(for: "BLK HOM08").found)
        try buyer.keys("/")
        try buyer.type("AUT03")
        try buyer.keys("Enter", "+")
        #expect(buyer.wait(for: "priority of AUT03 3 -> 2").found)
        // The engine's terminal sees it within a second or so.
        try admin.keys("Escape", "/")
        try admin.type("AUT03")
        try admin.keys("Enter")
        #expect(admin.wait(for: "changed elsewhere by", seconds: 15).found)
        let seen = admin.wait(for: " 2 prt AUT03 Vista", seconds: 15)  // priority 2; "prt" (partial): one of its sub-IDs is blocked in the seed policy
        #expect(seen.found, "\(seen.screen)")

        // Undo in the first terminal puts the block back off.
        try admin.keys("Escape", "u")
        #expect(admin.wait(for: "undone: blocked HOM08").found)

        // When the engine's terminal quits, the other one takes over the market.
        try admin.keys("q")
        #expect(admin.wait(for: "[exited with 0]").found)
        // The header says it runs the market now (the notice saying so may have come and gone on a slow machine).
        let takeover = buyer.wait(for: "live sim x60", seconds: 10)
        #expect(takeover.found, "\(takeover.screen)")
        try buyer.keys("q")
        #expect(buyer.wait(for: "[exited with 0]").found)
        #expect(try Binary.run(["check", "--store", store]).status == 0)
    }

    @Test func screensHelpResizeAndQuit() throws {
        let store = Binary.tempStore()
        let t = try Tmux(command(store), width: 100, height: 30)
        #expect(t.wait(for: "of 36 sources").found)
        try t.keys("2")
        #expect(t.wait(for: "offers/min").found)
        try t.keys("3")
        #expect(t.wait(for: "Shared vs exclusive").found)
        // Tab is the next screen: Detail. Its funnel is on screen whatever the history (the what-if panel below it
        // may be scrolled off at 100x30 when the source has many rejection rows).
        try t.keys("Tab")
        let detail = t.wait(for: "Funnel  step %")
        #expect(detail.found, "\(detail.screen)")
        try t.keys("?")
        #expect(t.wait(for: "Keys (this list is the key table").found)
        try t.keys("Escape")
        try t.resize(70, 20)
        #expect(t.wait(for: "terminal too small: need 80x24, have 70x20").found)
        try t.resize(100, 30)
        #expect(t.wait(for: "4 Detail").found)
        try t.keys("C-c")
        let end = t.wait(for: "[exited with 0]")
        #expect(end.found, "\(end.screen)")
    }

    @Test func readOnlyChangesNothing() throws {
        let store = Binary.tempStore()
        try Binary.run(["simulate", "--store", store, "--hours", "2", "--seed", "4"])
        let before = try String(contentsOfFile: store + "/policy.json", encoding: .utf8)
        let t = try Tmux(command(store, "--read-only"))
        #expect(t.wait(for: "read-only, no engine running").found, "the header says read-only, and that no engine runs")
        try t.keys("b")
        #expect(t.wait(for: "read-only: changes are disabled").found)
        try t.keys("q")
        #expect(t.wait(for: "[exited with 0]").found)
        #expect(try String(contentsOfFile: store + "/policy.json", encoding: .utf8) == before)
    }

    @Test func noUsableTerminalIsAOneLineError() throws {
        let store = Binary.tempStore()
        let piped = try Binary.run(["--store", store])
        #expect(piped.status == 1)
        #expect(piped.stderr == "leaddeck: the dashboard needs a terminal, but stdout is not one (piped or redirected); use `leaddeck report` or `leaddeck log` for pipes\n")
        #expect(piped.stdout.isEmpty)
        let dumb = try Tmux("TERM=dumb '\(Binary.path)' --store '\(store)'")
        #expect(dumb.wait(for: "TERM=dumb cannot move the cursor").found)
        #expect(dumb.wait(for: "[exited with 1]").found)
        let unset = try Tmux("env -u TERM '\(Binary.path)' --store '\(store)'")
        #expect(unset.wait(for: "TERM is not set").found)
        let unknown = try Tmux("TERM=no-such-terminal '\(Binary.path)' --store '\(store)'")
        #expect(unknown.wait(for: "unknown terminal type TERM=no-such-terminal").found)
    }
}

/// Preferences: kept across a restart in the user's config folder, never in the store; a broken file is
/// reported and left alone.
@Suite("Dashboard preferences (tmux)", .serialized, .enabled(if: Tmux.available, "tmux is not installed"))
struct PreferencesTests {
    func command(_ store: String) -> String { "cd '\(Binary.repoRoot)' && '\(Binary.path)' --store '\(store)' --speed 60" }

    @Test func sortWindowAndColumnsAreKeptAcrossARestart() throws {
        let store = Binary.tempStore()
        let config = Tmux.newConfigHome()
        do {
            let t = try Tmux(command(store), configHome: config)
            #expect(t.wait(for: "of 36 sources").found)
            try t.keys("w")                 // window: today
            try t.keys(">")                 // sort: the column right of "today"
            try t.keys("C")                 // column setup: hide the first column (pri)
            try t.keys("Space")
            try t.keys("Escape")
            #expect(t.wait(for: "metrics: today").found)
            try t.keys("q")
            #expect(t.wait(for: "[exited with 0]").found)
        }
        let saved = try String(contentsOfFile: config + "/leaddeck/config.json", encoding: .utf8)
        #expect(saved.contains("\"window\" : \"today\""), "\(saved)")
        #expect(!FileManager.default.fileExists(atPath: store + "/config.json"), "never in the store")
        let again = try Tmux(command(store), configHome: config)
        let screen = again.wait(for: "metrics: today")
        #expect(screen.found, "\(screen.screen)")
        #expect(!screen.screen.contains("sort: today"), "the sort was kept too")
        #expect(!screen.screen.split(separator: "\n")[3].hasPrefix(" pri"), "the hidden column stays hidden")
        try again.keys("q")
        #expect(again.wait(for: "[exited with 0]").found)
    }

    @Test func aBrokenPreferencesFileIsReportedAndLeftAlone() throws {
        let store = Binary.tempStore()
        let config = Tmux.newConfigHome()
        try FileManager.default.createDirectory(atPath: config + "/leaddeck", withIntermediateDirectories: true)
        let broken = Data("{\"version\": 1, \"window\": ".utf8)
        try broken.write(to: URL(fileURLWithPath: config + "/leaddeck/config.json"))
        let t = try Tmux(command(store), configHome: config)
        let shown = t.wait(for: "not valid preferences")
        #expect(shown.found, "\(shown.screen)")
        try t.keys("w", "q")
        #expect(t.wait(for: "[exited with 0]").found)
        #expect(try Data(contentsOf: URL(fileURLWithPath: config + "/leaddeck/config.json")) == broken, "left as it was")
    }
}
