import CNcursesw
import Foundation
import LeadDeckTUI

/// Mouse reporting. ncurses' `mousemask` turns reporting on (xterm mode 1000: presses, releases, wheel), and
/// off at `endwin` and on again after it. The encoding is always xterm's SGR (mode 1006), decoded here by
/// `RawMouse.sgr`: terminfo entries disagree on it (xterm-256color names SGR, tmux-256color and screen only the
/// old X10 encoding, which stops at column 223), so the dashboard asks for SGR itself and reads `ESC [ <` as a
/// key of its own. A terminal that ignores mode 1006 still sends X10 reports, which ncurses decodes as KEY_MOUSE.
extension Terminal {
    static let sgrOn = "\u{1B}[?1006h"
    static let sgrOff = "\u{1B}[?1006l"

    /// Turns mouse reporting on, SGR encoded.
    func enableMouse() {
        mousemask(ld_mouse_events(), nil)
        // Presses and releases as they come: ncurses would otherwise hold a press back to see whether a click
        // follows. `ClickCounter` finds double clicks.
        mouseinterval(0)
        if sgrMouseCode <= 0 { sgrMouseCode = ld_define_private_key("\u{1B}[<") }
        writeRaw(Self.sgrOn)
    }

    /// Asks for the old encoding again (after `endwin`, which turns reporting itself off), so a shell or
    /// program that runs next is not sent reports it cannot read.
    func disableSGRMouse() { writeRaw(Self.sgrOff) }

    /// The first press behind a KEY_MOUSE (X10 reports decoded by ncurses); later ones wait in `pending`.
    /// Releases and other events give nothing.
    func ncursesMouse() -> Key? {
        var kinds = [Int32](repeating: 0, count: 16), xs = kinds, ys = kinds
        let n = Int(ld_take_mouse_events(&kinds, &xs, &ys, Int32(kinds.count)))
        for i in 0..<max(0, n) {
            let kind: RawMouse.Kind
            switch kinds[i] {
            case 1: kind = .leftPress
            case 2: kind = .leftRelease
            case 3: kind = .wheelUp
            case 4: kind = .wheelDown
            default: continue
            }
            if let key = counted(RawMouse(kind, x: Int(xs[i]), y: Int(ys[i]))) { pending.append(key) }
        }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    /// Reads the rest of an SGR report after `ESC [ <` (`Cb;Cx;Cy` then `M` or `m`); nil for a release, a
    /// button the dashboard does not use, or a report cut short (its bytes are dropped).
    func sgrMouse() -> Key? {
        let win = ld_stdscr()
        // The report arrives in one write; a short wait is enough and keeps a cut report from stalling keys.
        wtimeout(win, 20)
        defer { wtimeout(win, Self.keyTimeoutMS) }
        var body = ""
        while body.count < 20 {
            var ch: wint_t = 0
            guard wget_wch(win, &ch) == OK, let u = Unicode.Scalar(UInt32(ch)) else { return nil }
            let c = Character(u)
            body.append(c)
            if c == "M" || c == "m" { return RawMouse.sgr(body).flatMap(counted) }
            guard c == ";" || ("0"..."9").contains(c) else { return nil }
        }
        return nil
    }

    private func counted(_ raw: RawMouse) -> Key? {
        clicks.event(raw, at: ProcessInfo.processInfo.systemUptime).map(Key.mouse)
    }
}
