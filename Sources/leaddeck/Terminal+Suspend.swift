import CNcursesw
import Foundation
import Synchronization

/// Set by SIGTSTP (Ctrl-Z); the loop then calls `Terminal.suspend()`, outside the signal handler, so the
/// terminal is restored before the process stops.
let suspendRequested = Atomic<Bool>(false)

/// Set by SIGCONT: the process was stopped (by Ctrl-Z or by someone's SIGSTOP) and the screen may hold
/// anything now, so the next frame repaints every cell.
let repaintRequested = Atomic<Bool>(false)

/// Ctrl-Z like vim and tig: leave curses mode, stop, and come back whole on `fg`.
extension Terminal {
    /// Replaces ncurses' own SIGTSTP handler (which does the same work inside the signal handler) with a flag.
    static func catchSuspend() {
        signal(SIGTSTP) { _ in suspendRequested.store(true, ordering: .relaxed) }
        signal(SIGCONT) { _ in repaintRequested.store(true, ordering: .relaxed) }
    }

    /// Unblocks the signals the dashboard acts on. A blocked mask is inherited through fork and exec, and some
    /// parents leave one (a test runner's worker thread blocks nearly all): Ctrl-C, Ctrl-Z, resizes and
    /// `kill` would then wait forever.
    static func unblockSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT, SIGWINCH] { sigaddset(&set, s) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Gives the terminal back to the shell (normal screen, cooked mode, no mouse reporting) and stops the
    /// process; returns once it is continued (`fg`), back in curses mode with the next frame repainted in full.
    /// When nothing can resume the process (its process group is orphaned: no shell with job control), the
    /// stop is discarded by the system and this returns at once.
    func suspend() {
        endwin()
        if mouse { disableSGRMouse() }
        signal(SIGTSTP, SIG_DFL)
        raise(SIGTSTP)
        // Stopped here until SIGCONT.
        Self.catchSuspend()
        suspendRequested.store(false, ordering: .relaxed)
        // What the person set with stty while stopped is what they get back when the dashboard quits.
        def_shell_mode()
        flushinp()
        repaint()
        if mouse { enableMouse() }
    }

    /// Back to the dashboard's terminal modes, with the whole screen redrawn by the next frame.
    func repaint() {
        repaintRequested.store(false, ordering: .relaxed)
        reset_prog_mode()
        clearok(ld_stdscr(), true)
        forceFullDraw = true
    }
}
