import Foundation
import Synchronization

/// Work started at once on a thread of its own, whose result is taken later, waiting for it if needed. Start-up
/// and checkpoints read and write their two large files this way, one on each core.
struct OffThread<T: Sendable>: Sendable {
    private final class Box: Sendable {
        let work: Mutex<(@Sendable () -> T)?>
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        init(_ work: @escaping @Sendable () -> T) { self.work = Mutex(work) }
    }
    private let box: Box

    init(_ work: @escaping @Sendable () -> T) {
        let box = Box(work)
        self.box = box
        let thread = Thread {
            // The work (and what it captured, e.g. the desk's lead index) is let go before the result is
            // handed over, so the caller's next change to the desk does not copy what the work shared.
            var work = box.work.withLock { w in
                let taken = w
                w = nil
                return taken
            }
            let value = work?()
            work = nil
            box.result.withLock { $0 = value }
            box.done.signal()
        }
        thread.start()
    }

    /// The work's result, once it has finished, handed over (not kept here, so the caller holds the only
    /// reference to what it shares). Call it once.
    func value() -> T {
        box.done.wait()
        return box.result.withLock { r in
            let v = r!
            r = nil
            return v
        }
    }
}
