import Foundation
import Synchronization
import Testing
@testable import LeadDeckStore

/// `OffThread` on threads that wait for more work (`Workers`), and the file reader the log's scans keep open.
struct OffThreadTests {
    @Test func aThreadWhoseWorkIsDoneTakesTheNextWork() {
        let pool = Workers(keep: 2)
        let threads = Mutex<[ObjectIdentifier]>([])
        for _ in 0..<20 {
            let done = DispatchSemaphore(value: 0)
            pool.start {
                threads.withLock { $0.append(ObjectIdentifier(Thread.current)) }
                done.signal()
            }
            done.wait()
            // The thread offers itself back just after its work: wait for it, as the next chunk's work would.
            while pool.idleCount == 0 { usleep(100) }
        }
        let distinct = Set(threads.withLock { $0 })
        #expect(distinct.count == 1, "\(distinct.count) threads for 20 pieces of work, one after another")
    }

    @Test func workThatWaitsForOtherWorkGetsAThreadOfItsOwn() {
        // An `OffThread` whose work waits for another's: neither waits for a free thread (no deadlock), and
        // at most `keep` threads are kept afterwards.
        let pool = Workers(keep: 1)
        let inner = Mutex<[DispatchSemaphore]>([])
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<4 {
            let gate = DispatchSemaphore(value: 0)
            inner.withLock { $0.append(gate) }
            pool.start {
                gate.wait()
                finished.signal()
            }
        }
        // All four are running at once (each blocked on its gate): let them go.
        inner.withLock { $0.forEach { $0.signal() } }
        for _ in 0..<4 { finished.wait() }
        var waited = 0
        while pool.idleCount == 0 && waited < 10_000 { usleep(100); waited += 1 }
        usleep(10_000)
        #expect(pool.idleCount == 1)
    }

    @Test func offThreadResultsComeBackInOrderOfAsking() {
        let results = (0..<50).map { i in OffThread { i * i } }
        #expect(results.map { $0.value() } == (0..<50).map { $0 * $0 })
        let nested = OffThread { OffThread { 7 }.value() + 1 }
        #expect(nested.value() == 8)
    }

    @Test func aKeptReaderReadsShortAtTheEndAndSeesTheFileCutBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leaddeck-reader-\(UUID().uuidString)").path
        let fs = PosixFileSystem()
        try fs.makeDirectory(dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/f"
        try Data((0..<100).map { UInt8($0) }).write(to: URL(fileURLWithPath: path))
        let reader = try fs.openReader(path)
        var buffer = [UInt8](repeating: 0, count: 40)
        let n = try buffer.withUnsafeMutableBytes { try reader.read(from: 80, into: $0) }
        #expect(n == 20 && Array(buffer[0..<20]) == (80..<100).map { UInt8($0) })
        try fs.truncate(path, to: 50)
        let m = try buffer.withUnsafeMutableBytes { try reader.read(from: 40, into: $0) }
        #expect(m == 10 && Array(buffer[0..<10]) == (40..<50).map { UInt8($0) })
        #expect(throws: FileSystemError.self) { try fs.openReader(dir + "/missing") }
    }
}
