/// How long after purchase each vertical's sales come in, learned from the store's own history: a count of
/// sales per hour of lag (the last bucket holds 14 days and more). Figures on leads younger than the usual
/// lag are "maturing": their sales are still coming in, so a low ROI there is not yet a verdict.
public struct SaleLags: Sendable, Hashable, Codable {
    /// Hour buckets per vertical (raw value), 0 ..< `buckets`.
    private var hours: [String: [Int64]] = [:]

    public static let buckets = 14 * 24 + 1
    /// Sales needed in a vertical before its own lag is trusted.
    public static let minSales: Int64 = 30
    /// The lag assumed before a vertical has enough sales: a day, longer than most verticals' median.
    public static let fallbackSeconds: Int64 = 24 * 3600
    /// How long after purchase a lead can still be returned: exchanges take returns for up to 10 days, so a
    /// return rate on younger leads is still growing.
    public static let returnWindowSeconds: Int64 = 10 * 86_400

    public init() {}

    /// Lags as a checkpoint codec reads them: hour buckets by vertical (raw value).
    public init(hoursByVertical: [String: [Int64]]) { hours = hoursByVertical }

    /// The hour buckets by vertical (raw value), for a checkpoint codec to write.
    public var hoursByVertical: [String: [Int64]] { hours }

    /// Counts a sale made `seconds` after the lead was bought.
    public mutating func record(_ vertical: Vertical, lagSeconds seconds: Int64) {
        let bucket = Int(min(Int64(Self.buckets - 1), max(0, seconds / 3600)))
        hours[vertical.rawValue, default: Array(repeating: 0, count: Self.buckets)][bucket] += 1
    }

    /// Sales recorded for a vertical.
    public func sales(_ vertical: Vertical) -> Int64 { hours[vertical.rawValue]?.reduce(0, +) ?? 0 }

    /// The usual time from purchase to sale for a vertical, in seconds: the end of the hour in which half of
    /// its sales have come (the median, rounded up to the hour); `fallbackSeconds` until it has `minSales`.
    public func usualLag(_ vertical: Vertical) -> Int64 {
        guard let h = hours[vertical.rawValue] else { return Self.fallbackSeconds }
        let total = h.reduce(0, +)
        guard total >= Self.minSales else { return Self.fallbackSeconds }
        var seen: Int64 = 0
        for (i, n) in h.enumerated() {
            seen += n
            if seen * 2 >= total { return Int64(i + 1) * 3600 }
        }
        return Int64(Self.buckets) * 3600
    }
}

/// The rule for when a figure rests on enough evidence to be coloured and ranked: at least `minLeads` bought
/// leads behind it (the threshold the ROI screen uses). Figures on fewer are shown dimmed and sort last.
public enum Evidence {
    public static let minLeads: Int64 = 30

    /// Whether counters carry enough bought leads for their ratios to be judged.
    public static func isEnough(_ c: Counters) -> Bool { c.bought >= minLeads }
}

extension MetricsBook {
    /// The share (0...1) of the leads bought in `window` for one slice that are younger than `lag` seconds at
    /// the book's "now", or nil when none were bought. Day buckets are split in proportion to the time on
    /// each side of the cut (purchases within a day are taken as spread evenly).
    public func youngShare(_ key: MetricKey, window: Window, lag: Int64) -> Double? {
        // Read in place: the maturing marks of every row drawn, on every frame.
        series.withSeries(key) { youngShare($0, window: window, lag: lag) } ?? nil
    }

    private func youngShare(_ s: borrowing Series, window: Window, lag: Int64) -> Double? {
        let cutoff = latest.seconds - lag
        switch window {
        case .hour:
            var young: Int64 = 0, all: Int64 = 0
            let now = floorDiv(latest.seconds, Self.slotSeconds)
            for slot in (now - 11)...now {
                guard let bought = s.slots.read(slot, { $0.bought }) else { continue }
                all += bought
                if slot * Self.slotSeconds >= cutoff { young += bought }
            }
            return all > 0 ? Double(young) / Double(all) : nil
        case .today:
            guard let bought = s.days.read(clock.day(latest), { $0.bought }), bought > 0 else { return nil }
            let midnight = clock.startOfDay(latest).seconds
            let elapsed = max(1, latest.seconds - midnight)
            return cutoff <= midnight ? 1 : Double(latest.seconds - cutoff) / Double(elapsed)
        case .all:
            guard s.allTime.bought > 0 else { return nil }
            var young = 0.0
            let cutDay = clock.day(Timestamp(seconds: cutoff))
            for (day, c) in s.days where day >= cutDay && c.bought > 0 {
                if day > cutDay {
                    young += Double(c.bought)
                } else {
                    let start = clock.startOfDay(Timestamp(seconds: cutoff)).seconds
                    let end = min(latest.seconds, start + 86_400)
                    young += Double(c.bought) * Double(max(0, end - cutoff)) / Double(max(1, end - start))
                }
            }
            return min(1, young / Double(s.allTime.bought))
        }
    }

    /// The slice's counters over `window` counting only mature cohorts: leads bought on days before the one in
    /// which `now - lag` falls (outcomes are filed under the day the lead was bought). Nil when nothing is left.
    public func matureCounters(_ key: MetricKey, window: Window, lag: Int64) -> Counters? {
        guard let s = series[key] else { return nil }
        let cutDay = clock.day(Timestamp(seconds: latest.seconds - lag))
        switch window {
        case .hour:
            return nil  // every lead of the last hour is younger than any vertical's usual lag (a lag is whole hours)
        case .today:
            let today = clock.day(latest)
            return today < cutDay ? s.days[today] : nil
        case .all:
            var c = s.allTime
            var young = Counters()
            for (day, d) in s.days where day >= cutDay { young.add(d) }
            c.subtract(young)
            return c.bought > 0 ? c : nil
        }
    }
}
