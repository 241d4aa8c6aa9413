import Foundation
import Synchronization

/// Work started at once on a thread of its own, whose result is taken later, waiting for it if needed. Start-up
/// and checkpoints read and write their two large files this way, one on each core, and the log's scans read
/// the next chunk while the caller goes through the current one.
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
        Workers.shared.start {
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

/// Threads that wait for more work once theirs is done, for `OffThread`. A scan of the log hands a chunk to the
/// other core about every millisecond; a thread started and ended for each cost more than the chunk's checks (by
/// `perf`, `clone3`, `madvise` of the dead thread's stack and the cross-core TLB flush it causes). A thread is
/// taken when one is idle and started otherwise, so work never waits for other work (an `OffThread` may wait for
/// another); at most `keep` idle threads are kept, the others end.
final class Workers: Sendable {
    static let shared = Workers(keep: 4)
    private let idle = Mutex<[Worker]>([])
    private let keep: Int

    init(keep: Int) { self.keep = keep }

    /// Runs `work` on an idle thread, or a new one.
    func start(_ work: @escaping @Sendable () -> Void) {
        if let w = idle.withLock({ $0.popLast() }) {
            w.hand(work)
        } else {
            _ = Worker(self, work)
        }
    }

    /// Starts a thread that waits idle for work, unless one already does: called just before work is handed out
    /// that should start at once (the checkpoint's days), so the thread's start-up overlaps what comes first.
    func prestart() {
        guard idleCount == 0 else { return }
        _ = Worker(self) {}
    }

    /// Whether `worker`, its work done, is kept for more (false: its thread ends).
    fileprivate func rest(_ worker: Worker) -> Bool {
        idle.withLock { list in
            guard list.count < keep else { return false }
            list.append(worker)
            return true
        }
    }

    /// How many threads are idle now.
    var idleCount: Int { idle.withLock { $0.count } }
}

/// One thread of `Workers`: runs the work it is handed, then offers itself back.
private final class Worker: Sendable {
    private let job: Mutex<(@Sendable () -> Void)?>
    private let wake = DispatchSemaphore(value: 0)

    init(_ pool: Workers, _ first: @escaping @Sendable () -> Void) {
        job = Mutex(first)
        wake.signal()
        Thread { [self] in
            while true {
                wake.wait()
                // Taken out, so what the work captured is let go when it has run, before the thread waits again.
                var work = job.withLock { j in
                    let taken = j
                    j = nil
                    return taken
                }
                work?()
                work = nil
                if !pool.rest(self) { return }
            }
        }.start()
    }

    func hand(_ work: @escaping @Sendable () -> Void) {
        job.withLock { $0 = work }
        wake.signal()
    }
}
