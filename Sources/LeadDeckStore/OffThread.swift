import Foundation
import Synchronization

/// Work started at once on a thread of its own, whose result is taken later, waiting for it if needed. Start-up
/// and checkpoints read and write their two large files this way, one on each core.
struct OffThread<T: Sendable>: Sendable {
    private final class Box: Sendable {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
    }
    private let box = Box()

    init(_ work: @escaping @Sendable () -> T) {
        let box = self.box
        let thread = Thread {
            let value = work()
            box.result.withLock { $0 = value }
            box.done.signal()
        }
        thread.start()
    }

    /// The work's result, once it has finished.
    func value() -> T {
        box.done.wait()
        box.done.signal()  // so a second call does not wait forever
        return box.result.withLock { $0! }
    }
}
