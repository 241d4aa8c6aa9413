#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LeadDeckCore

/// The clocks the engine driver reads, injected so tests control time without sleeping.
public protocol DriverClock: AnyObject {
    /// Seconds on a monotonic clock (never jumps when the wall clock is set; the origin is arbitrary).
    func monotonicSeconds() -> Double
    /// Wall-clock now, for timestamps people read (when a change was made, where a new store starts).
    func wallNow() -> Timestamp
}

/// The system's clocks: CLOCK_MONOTONIC for pacing, the real-time clock for timestamps.
public final class SystemDriverClock: DriverClock {
    public init() {}

    public func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public func wallNow() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(seconds: Int64(ts.tv_sec))
    }
}

/// A clock that moves only when told: for tests.
public final class ManualDriverClock: DriverClock {
    public var monotonic: Double
    public var wall: Timestamp

    public init(monotonic: Double = 1_000, wall: Timestamp = Timestamp(seconds: 1_793_700_000)) {
        self.monotonic = monotonic
        self.wall = wall
    }

    /// Moves both clocks forward.
    public func advance(by seconds: Double) {
        monotonic += seconds
        wall = wall + Int64(seconds)
    }

    public func monotonicSeconds() -> Double { monotonic }
    public func wallNow() -> Timestamp { wall }
}
