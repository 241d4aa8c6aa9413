#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes many byte ranges to standard output with `writev`, up to 1,024 at a time, without copying them into
/// one buffer first (`log --json` prints records from the buffer they were read into). The ranges must stay
/// valid until `flush()`. A write that fails ends the process with a one-line message, as a full disk should.
struct GatherWriter {
    private var pieces: [iovec] = []

    init() { pieces.reserveCapacity(Self.batch) }

    private static let batch = 1024

    /// Queues `bytes` after what is queued; writes when a batch is full.
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        pieces.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: base), iov_len: bytes.count))
        if pieces.count == Self.batch { flush() }
    }

    /// Writes everything queued, in order, however many calls the system takes.
    mutating func flush() {
        var first = 0
        while first < pieces.count {
            let n = pieces.withUnsafeMutableBufferPointer { p in writev(1, p.baseAddress! + first, Int32(p.count - first)) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    // Standard output was left non-blocking: wait until it takes more.
                    var out = pollfd(fd: 1, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&out, 1, -1)
                    continue
                }
                printError("leaddeck: writing the output failed: \(String(cString: strerror(errno)))")
                exit(1)
            }
            // Skips what was written whole and moves into a piece written in part.
            var left = n
            while first < pieces.count, left >= pieces[first].iov_len {
                left -= pieces[first].iov_len
                first += 1
            }
            if left > 0 {
                pieces[first].iov_base += left
                pieces[first].iov_len -= left
            }
        }
        pieces.removeAll(keepingCapacity: true)
    }
}
