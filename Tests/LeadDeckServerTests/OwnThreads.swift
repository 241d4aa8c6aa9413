import Foundation

/// A task executor with threads of its own. The server tests run their server and their own bodies on it, so
/// a test elsewhere in the suite that blocks the shared cooperative pool (a tmux wait, a child process) cannot
/// starve the HTTP handlers and turn a millisecond round trip into a timeout.
final class OwnThreads: TaskExecutor, @unchecked Sendable {
    static let shared = OwnThreads(threads: 4)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(threads: Int) {
        for i in 0..<threads {
            let t = Thread { [unowned self] in self.work() }
            t.name = "server-test-\(i)"
            t.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Runs `body` with its tasks (and their child tasks) on `OwnThreads`.
func onOwnThreads<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
    try await withTaskExecutorPreference(OwnThreads.shared, operation: body)
}
