import Foundation
import Testing

/// The real dashboard in tmux: the mouse as a terminal reports it (xterm SGR sequences), `--no-mouse`, the
/// clipboard, and Ctrl-Z / `fg` from an interactive shell.
@Suite("Dashboard mouse, clipboard and Ctrl-Z (tmux)", .serialized, .enabled(if: Tmux.available, "tmux is not installed"))
struct DashboardMouseTests {
    func command(_ store: String, _ extra: String = "") -> String {
        "cd '\(Binary.repoRoot)' && '\(Binary.path)' --store '\(store)' --speed 60 \(extra)"
    }

    /// A press and release of the left button at (x, y), 0-based, as an xterm in SGR mode (1006) sends it.
    func click(_ x: Int, _ y: Int) -> String { "\u{1B}[<0;\(x + 1);\(y + 1)M\u{1B}[<0;\(x + 1);\(y + 1)m" }

    func wheel(down: Bool) -> String { "\u{1B}[<\(down ? 65 : 64);40;12M" }

    /// The screen column where `text` starts on `line` (a CJK character takes two columns), or nil.
    func column(of text: String, in line: String) -> Int? {
        guard let r = line.range(of: text) else { return nil }
        return line[..<r.lowerBound].unicodeScalars.reduce(0) { n, u in
            let wide = (0x1100...0x115F).contains(u.value) || (0x2E80...0xA4CF).contains(u.value) || (0xAC00...0xD7A3).contains(u.value)
                || (0xF900...0xFAFF).contains(u.value) || (0xFE30...0xFE4F).contains(u.value) || (0xFF00...0xFF60).contains(u.value)
                || (0xFFE0...0xFFE6).contains(u.value)
            return n + (wide ? 2 : 1)
        }
    }

    /// The 0-based screen line `y`.
    func line(_ screen: String, _ y: Int) -> String {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        return y < lines.count ? String(lines[y]) : ""
    }

    @Test func clicksAndTheWheelAsTheTerminalSendsThem() throws {
        let store = Binary.tempStore()
        let t = try Tmux(command(store))
        let first = t.wait(for: "of 36 sources")
        #expect(first.found, "\(first.screen)")
        // The dashboard asked for button reports in the SGR encoding, whatever the terminfo entry says.
        #expect(t.format("#{mouse_standard_flag} #{mouse_sgr_flag}") == "1 1")

        try t.type(click(15, 1))  // the "2 Live flow" tab
        #expect(t.wait(for: "offers/min").found)
        try t.type(click(3, 1))
        #expect(t.wait(for: "of 36 sources").found)

        // Sort by the source column (a stable order while the market runs), then reverse it.
        let header = line(t.screen(), 3)
        let sourceX = try #require(column(of: "source", in: header))
        try t.type(click(sourceX + 1, 3))
        #expect(t.wait(for: "sorted by name (low to high)").found)
        try t.type(click(sourceX + 1, 3))
        let reversed = t.wait(for: "sorted by name (high to low)")
        #expect(reversed.found, "\(reversed.screen)")

        // A click selects a row; the wheel moves the selection three rows.
        try t.type(click(30, 6))
        #expect(t.wait(for: " 3/36").found)
        try t.type(wheel(down: true) + wheel(down: true))
        #expect(t.wait(for: " 9/36").found)
        try t.type(wheel(down: false))
        #expect(t.wait(for: " 6/36").found)

        // A double click opens the row's source.
        let row = line(t.screen(), 7)
        let words = row.split(separator: " ").map(String.init)
        let id = try #require(words.first { $0.count == 5 && $0.allSatisfy { $0.isUppercase || $0.isNumber } })
        try t.type(click(30, 7) + click(30, 7))
        let detail = t.wait(for: "\n \(id) ")  // the detail's first line names the source
        #expect(detail.found, "\(id) \(row) \(detail.screen)")

        // Behind a confirmation nothing reacts to a click; its [ Cancel ] cancels.
        try t.keys("Escape", "b")
        let dialog = t.wait(for: "[ Cancel ]")
        #expect(dialog.found)
        try t.type(click(15, 1) + click(30, 10))
        Thread.sleep(forTimeInterval: 0.5)
        #expect(t.screen().contains("[ Cancel ]") && t.screen().contains("of 36 sources"))
        let cancelY = try #require(t.screen().split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("[ Cancel ]") })
        let cancelX = try #require(column(of: "[ Cancel ]", in: line(t.screen(), cancelY)))
        try t.type(click(cancelX + 2, cancelY))
        #expect(t.wait(for: "cancelled").found)
        #expect(!t.screen().contains("[ Cancel ]"))

        // c puts the selected source's id on the clipboard with OSC 52 (tmux keeps it as a paste buffer).
        try Tmux.spawn(["-L", t.socket, "set-option", "-g", "set-clipboard", "on"])
        try t.keys("c")
        #expect(t.wait(for: "copied source id \(id) to the clipboard").found)
        #expect(t.output(["show-buffer"]) == id)

        try t.keys("q")
        #expect(t.wait(for: "[exited with 0]").found)
        #expect(t.format("#{mouse_standard_flag} #{mouse_sgr_flag}") == "0 0")
    }

    @Test func noMouseLeavesTheMouseToTheTerminal() throws {
        let store = Binary.tempStore()
        let t = try Tmux(command(store, "--no-mouse"))
        #expect(t.wait(for: "of 36 sources").found)
        // No mouse mode at all: the terminal's own selection works.
        #expect(t.format("#{mouse_any_flag} #{mouse_button_flag} #{mouse_standard_flag} #{mouse_sgr_flag}") == "0 0 0 0")
        try t.keys("2")
        #expect(t.wait(for: "offers/min").found)
        try t.keys("q")
        #expect(t.wait(for: "[exited with 0]").found)
        #expect(try Binary.run(["dashboard", "--help"]).stdout.contains("--no-mouse"))
    }

    @Test func ctrlZStopsAndFgRedrawsTheDashboard() throws {
        let store = Binary.tempStore()
        let t = try Tmux.shell()
        #expect(t.wait(for: "$").found)
        try t.type(command(store))
        try t.keys("Enter")
        let up = t.wait(for: "of 36 sources")
        #expect(up.found, "\(up.screen)")
        try t.keys("2")
        #expect(t.wait(for: "offers/min").found)

        try t.keys("C-z")
        let stopped = t.wait(for: "Stopped")
        #expect(stopped.found, "\(stopped.screen)")
        #expect(!stopped.screen.contains("offers/min"))
        // The terminal is the shell's again: normal screen, no mouse reports.
        #expect(t.format("#{alternate_on} #{mouse_standard_flag} #{mouse_sgr_flag}") == "0 0 0")

        try t.type("fg")
        try t.keys("Enter")
        // Everything is drawn again, on the screen it was left on, and keys and the mouse work.
        let back = t.wait(for: "offers/min")
        #expect(back.found, "\(back.screen)")
        #expect(t.wait(for: "LeadDeck").found && t.wait(for: "q quit").found && t.wait(for: "1 Sources").found)
        #expect(t.format("#{alternate_on} #{mouse_standard_flag} #{mouse_sgr_flag}") == "1 1 1")
        try t.type(click(3, 1))
        #expect(t.wait(for: "of 36 sources").found)

        try t.keys("q")
        try t.type("echo \"[status $?]\"")
        try t.keys("Enter")
        let end = t.wait(for: "[status 0]")
        #expect(end.found, "\(end.screen)")
    }
}
