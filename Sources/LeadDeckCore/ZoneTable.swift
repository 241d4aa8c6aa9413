import Foundation
import Synchronization

/// The UTC offsets of one IANA time zone from 1970 to 2100, read once from the system's zone data, so the
/// per-offer path looks an offset up with a binary search instead of calling into Foundation.
final class ZoneTable: Sendable {
    let name: String
    /// Offset in force from `starts[i]` (UTC seconds) on; `starts[0]` is `Int64.min`.
    let starts: [Int64]
    let offsets: [Int64]
    /// The offset without daylight saving, in seconds east of UTC.
    let standardOffset: Int64

    private init(name: String, starts: [Int64], offsets: [Int64], standardOffset: Int64) {
        self.name = name
        self.starts = starts
        self.offsets = offsets
        self.standardOffset = standardOffset
    }

    /// The offset in seconds east of UTC in force at `t` (UTC seconds).
    func offset(at t: Int64) -> Int64 {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= t { lo = mid } else { hi = mid - 1 }
        }
        return offsets[lo]
    }

    /// `offset(at:)`, and the moment (UTC seconds) the next offset starts (`Int64.max` when none does).
    func offsetSpan(at t: Int64) -> (offset: Int64, until: Int64) {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= t { lo = mid } else { hi = mid - 1 }
        }
        return (offsets[lo], lo + 1 < starts.count ? starts[lo + 1] : .max)
    }

    private static let cache = Mutex<[String: ZoneTable]>([:])
    /// The last moment tabulated: 2100-01-01 UTC. Later times keep the offset in force then.
    static let horizon: Int64 = 4_102_444_800

    /// The table for an IANA zone name, or nil when the system does not know it. Names are case-sensitive, as
    /// in the zone database; abbreviations such as "EST" are refused (they are ambiguous).
    static func named(_ name: String) -> ZoneTable? {
        if let t = cache.withLock({ $0[name] }) { return t }
        guard name.contains("/") || name == "UTC", name.count <= 64,
              TimeZone.knownTimeZoneIdentifiers.contains(name) || name == "UTC",
              let tz = TimeZone(identifier: name) else { return nil }
        var starts: [Int64] = [.min], offsets: [Int64] = []
        var at = Date(timeIntervalSince1970: 0)
        offsets.append(Int64(tz.secondsFromGMT(for: at)))
        var standard = Int64(tz.secondsFromGMT(for: at)) - Int64(tz.daylightSavingTimeOffset(for: at))
        while let next = tz.nextDaylightSavingTimeTransition(after: at), next.timeIntervalSince1970 < Double(horizon) {
            at = next
            let s = Int64(next.timeIntervalSince1970.rounded())
            let o = Int64(tz.secondsFromGMT(for: next))
            if o != offsets.last { starts.append(s); offsets.append(o) }
            if tz.daylightSavingTimeOffset(for: next) == 0 { standard = o }
        }
        let t = ZoneTable(name: name, starts: starts, offsets: offsets, standardOffset: standard)
        cache.withLock { $0[name] = t }
        return t
    }
}
