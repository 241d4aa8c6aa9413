/// How the daily budget may be spent over the day.
public enum Pacing: String, Sendable, Hashable, Codable, CaseIterable {
    /// Buy while the budget lasts (the day's money may be gone by lunch).
    case asap
    /// Spread the budget over the day's open hours, weighted by each hour's expected volume (`PaceLine`).
    case even
}

/// The expected share of a day's offers in each local hour, learned from the store's own history (offers by
/// hour of day); even pacing spreads the budget by it. Every hour weighs at least a little, so an hour without
/// history still gets some budget.
public struct HourWeights: Sendable, Hashable {
    /// 24 weights, hour 0 first, each at least 1; their sum is about 10,000 (parts per ten thousand).
    public private(set) var weights: [Int64]

    /// Every hour the same.
    public static let uniform = HourWeights(offered: [Int64](repeating: 0, count: 24))

    /// Weights from offers counted per local hour of day (24 counts): each hour's share of the offers in
    /// parts per ten thousand, plus a floor of 1% of an average hour (42 with no history at all: uniform).
    public init(offered: [Int64]) {
        let counts = (0..<24).map { $0 < offered.count ? max(0, offered[$0]) : 0 }
        let total = counts.reduce(0, +)
        weights = counts.map { c in
            let share = total > 0 ? mulDiv(c, 10_000, total) : 416
            return max(share, 4)
        }
    }
}

/// Even pacing's line: how much of the day's budget may be spent by a moment of the day.
///
/// The budget is split over the day's open hours (the weekday's hours of operation; all 24 when always open) in
/// proportion to their `HourWeights`; within an hour the pace grows linearly. `pace` is the budget scheduled
/// up to the moment, `slice` the current hour's whole share. Integer cents, rounded down.
public struct PaceLine: Sendable, Hashable {
    public var pace: Money
    public var slice: Money

    /// The line at `t`, or nil when the day has no open hour (nothing is bought then anyway).
    public static func at(_ t: Timestamp, budget: Money, hours: BusinessHours?, clock: LocalClock,
                          weights: HourWeights) -> PaceLine? {
        let weekday = clock.weekday(t), hour = clock.hourOfDay(t)
        var total: Int64 = 0, before: Int64 = 0, current: Int64 = 0
        for h in 0..<24 where hours?.isOpen(weekday: weekday, hour: h) ?? true {
            let w = weights.weights[h]
            total += w
            if h < hour { before += w } else if h == hour { current = w }
        }
        guard total > 0 else { return nil }
        let into = clock.secondsIntoHour(t)
        let pace = mulDiv(budget.cents, before * 3600 + current * into, total * 3600)
        return PaceLine(pace: Money(cents: pace), slice: Money(cents: mulDiv(budget.cents, current, total)))
    }

    /// What a tier with spend share `share` percent may have spent: (pace + one hour's slice) x share, so tier 1
    /// (100%) may run ahead of the pace by the current hour's slice and lower tiers stop before it.
    public func limit(share: Int) -> Money { (pace + slice).percent(share) }
}

/// `a * b / c` rounded down, without overflow in the product (a, b, c >= 0, c > 0, result fits).
func mulDiv(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
    let p = a.multipliedFullWidth(by: b)
    return c.dividingFullWidth((high: p.high, low: p.low)).quotient
}
