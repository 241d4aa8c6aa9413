import CNcursesw
import Foundation
import LeadDeckTUI
import Synchronization

/// Set by SIGINT/SIGTERM; the loop sees it and leaves through `endwin`, so the terminal is restored.
let quitRequested = Atomic<Bool>(false)

/// The ncurses backend: checks there is a usable terminal, draws buffers, reads keys and mouse presses.
final class Terminal {
    private let screen: OpaquePointer
    private let useColor: Bool
    var colors: Bool { useColor }
    private var pairs: [Color: Int16] = [:]
    let ascii: Bool
    /// Whether mouse reporting is on (off with `--no-mouse`, leaving the mouse to the terminal's selection).
    let mouse: Bool
    /// The key code wget_wch returns for the start of an SGR mouse report, `ESC [ <` (see Terminal+Mouse).
    var sgrMouseCode: Int32 = -1
    var clicks = ClickCounter()
    /// Mouse presses decoded together with an earlier one, handed out by the next `readKey` calls.
    var pending: [Key] = []
    /// The frame drawn last, so the next draw writes only the rows that changed.
    private var lastFrame: Buffer?
    /// Set when the screen may hold anything (after a stop or a repaint request): the next draw writes every row.
    var forceFullDraw = false

    /// Why the dashboard cannot start on this terminal, or nil when it can.
    static func unusableReason() -> String? {
        if isatty(STDOUT_FILENO) == 0 { return "the dashboard needs a terminal, but stdout is not one (piped or redirected); use `leaddeck report` or `leaddeck log` for pipes" }
        if isatty(STDIN_FILENO) == 0 { return "the dashboard needs a terminal, but stdin is not one" }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        if term.isEmpty { return "the dashboard needs a terminal, but TERM is not set" }
        if term == "dumb" { return "TERM=dumb cannot move the cursor; the dashboard needs a terminal like xterm-256color" }
        return nil
    }

    /// Starts ncurses on stdin/stdout, with mouse reporting unless `mouse` is false.
    init(noColor: Bool, forceASCII: Bool, mouse: Bool) throws {
        self.mouse = mouse
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        ascii = forceASCII || codeset.uppercased().replacingOccurrences(of: "-", with: "") != "UTF8"
        guard let out = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
              let s = newterm(nil, out, input) else {
            throw Failure(description: "unknown terminal type TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "") (no terminfo entry)")
        }
        screen = s
        set_term(s)
        cbreak()
        noecho()
        nonl()
        keypad(ld_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        wtimeout(ld_stdscr(), Self.keyTimeoutMS)
        useColor = !noColor && has_colors()
        if useColor {
            start_color()
            use_default_colors()
            let map: [(Color, Int16)] = [(.black, Int16(COLOR_BLACK)), (.red, Int16(COLOR_RED)), (.green, Int16(COLOR_GREEN)),
                                         (.yellow, Int16(COLOR_YELLOW)), (.blue, Int16(COLOR_BLUE)), (.magenta, Int16(COLOR_MAGENTA)),
                                         (.cyan, Int16(COLOR_CYAN)), (.white, Int16(COLOR_WHITE)),
                                         (.gray, ld_colors() >= 16 ? 8 : Int16(COLOR_WHITE))]
            for (i, (c, n)) in map.enumerated() {
                init_pair(Int16(i + 1), n, -1)
                pairs[c] = Int16(i + 1)
            }
        }
        signal(SIGINT) { _ in quitRequested.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in quitRequested.store(true, ordering: .relaxed) }
        signal(SIGHUP) { _ in quitRequested.store(true, ordering: .relaxed) }
        signal(SIGPIPE, SIG_IGN)
        Self.catchSuspend()
        Self.unblockSignals()
        if mouse { enableMouse() }
    }

    /// How long `readKey` waits for a key, in milliseconds.
    static let keyTimeoutMS: Int32 = 100

    var size: (width: Int, height: Int) { (Int(ld_cols()), Int(ld_lines())) }

    /// Draws a frame: only the rows that differ from the frame drawn before (none when nothing changed), and
    /// ncurses sends only the cells that changed within them.
    func draw(_ buf: Buffer) {
        let win = ld_stdscr()
        let previous = lastFrame
        lastFrame = buf
        var touched = false
        for y in 0..<buf.height {
            if let previous, !forceFullDraw, buf.rowEquals(y, previous) { continue }
            touched = true
            var x = 0
            while x < buf.width {
                let style = buf[x, y].style
                var run = ""
                let start = x
                while x < buf.width && buf[x, y].style == style {
                    run += buf[x, y].text
                    x += 1
                }
                var attrs = ld_a_normal()
                if style.bold { attrs |= ld_a_bold() }
                if style.reverse { attrs |= ld_a_reverse() }
                if style.underline { attrs |= ld_a_underline() }
                if style.dim && !useColor { attrs |= ld_a_dim() }
                let pair: Int16 = useColor ? (pairs[style.fg] ?? 0) : 0
                wattr_set(win, attrs, pair, nil)
                // The bottom-right cell cannot be written without scrolling; ncurses reports ERR, which is harmless.
                _ = mvwaddstr(win, Int32(y), Int32(start), run)
            }
        }
        forceFullDraw = false
        guard touched else { return }
        wnoutrefresh(win)
        doupdate()
    }

    /// Waits for the next key at most `milliseconds` (the loop's time to its next tick).
    func readKey(waitingAtMost milliseconds: Int32) -> Key? {
        wtimeout(ld_stdscr(), max(0, min(milliseconds, Self.keyTimeoutMS * 10)))
        defer { wtimeout(ld_stdscr(), Self.keyTimeoutMS) }
        return readKey()
    }

    /// A key already waiting (typed ahead, the second half of a double click), or nil at once. Input that
    /// makes no key (a mouse button release, an unknown sequence) is skipped, so what follows it is still found.
    func readWaitingKey() -> Key? {
        if !pending.isEmpty { return pending.removeFirst() }
        defer { wtimeout(ld_stdscr(), Self.keyTimeoutMS) }
        for _ in 0..<16 {
            wtimeout(ld_stdscr(), 0)  // again each time: reading a mouse report sets its own timeout
            if let k = readKey() { return k }
            if !lastReadTookInput { return nil }
        }
        return nil
    }

    /// Whether the last read consumed input (false: nothing was waiting).
    private(set) var lastReadTookInput = false

    /// The next key, or nil after the timeout.
    func readKey() -> Key? {
        if !pending.isEmpty { return pending.removeFirst() }
        var ch: wint_t = 0
        let r = wget_wch(ld_stdscr(), &ch)
        lastReadTookInput = r != ERR
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case KEY_BACKSPACE: return .backspace
            case KEY_DC: return .delete
            case KEY_ENTER: return .enter
            case ld_key_resize(): return .resize
            case KEY_MOUSE: return ncursesMouse()
            case sgrMouseCode where sgrMouseCode > 0: return sgrMouse()
            default: return nil
            }
        }
        switch ch {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(ch + 96)!))
        default:
            guard let u = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .char(Character(u))
        }
    }

    /// One line in the middle of an otherwise empty screen (while loading).
    func showMessage(_ text: String) {
        let (w, h) = size
        var buf = Buffer(width: w, height: h)
        buf.write(text, x: max(0, (w - text.count) / 2), y: h / 2, style: .bold)
        draw(buf)
    }

    /// Puts `id` on the clipboard of the terminal (OSC 52), if `Clipboard` allows it. Inside tmux the sequence
    /// reaches the outer terminal only with `set -g set-clipboard on`.
    func copyToClipboard(_ id: String) {
        if let sequence = Clipboard.osc52(id) { writeRaw(sequence) }
    }

    /// Writes bytes straight to the terminal, beside ncurses (which has flushed its own output after each
    /// frame); only for sequences that do not move the cursor or change what is on screen.
    func writeRaw(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            bytes = bytes.dropFirst(n)
        }
    }

    /// Restores the terminal.
    /// Rings the terminal bell (for a new alert, with --bell).
    func bell() { beep() }

    func close() {
        endwin()
        if mouse { disableSGRMouse() }
        delscreen(screen)
    }
}
