/// A proportion with its sample size and 95% Wilson score interval: "2 of 3" is not "67%".
public struct Rate: Sendable, Hashable {
    public var successes: Int64
    public var trials: Int64

    public init(_ successes: Int64, of trials: Int64) {
        self.successes = successes
        self.trials = trials
    }

    /// The observed proportion, or nil with no trials.
    public var value: Double? { trials > 0 ? Double(successes) / Double(trials) : nil }

    /// The 95% Wilson score interval (z = 1.96), or nil with no trials.
    public var interval: (low: Double, high: Double)? {
        guard trials > 0 else { return nil }
        let n = Double(trials), p = Double(successes) / n, z = 1.959964
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / (1 + z2 / n)
        return (max(0, centre - half), min(1, centre + half))
    }

    /// "12.3%", or "-" with no trials.
    public var percentText: String { value.map { formatPercent($0) } ?? "-" }

    /// "12.3% [9.8-15.1] n=412".
    public var detailText: String {
        guard let v = value, let i = interval else { return "- n=0" }
        return "\(formatPercent(v)) [\(formatPercent(i.low, sign: false, suffix: ""))-\(formatPercent(i.high))] n=\(Money.grouped(UInt64(max(0, trials))))"
    }
}

/// "12.3%" with one decimal; a ratio too large to write out (10^17 % and up) in short exponent form, "+4.6e20%".
public func formatPercent(_ v: Double, sign: Bool = false, suffix: String = "%") -> String {
    guard v.isFinite else { return "-" }
    let tenths = (v * 1000).rounded()
    let neg = tenths < 0
    // Beyond this the conversion to Int64 below would trap.
    guard abs(tenths) < 1e18 else { return "\(neg ? "-" : (sign ? "+" : ""))\(shortExponent(abs(v), times10To: 2))\(suffix)" }
    let a = Int64(abs(tenths))
    return "\(neg ? "-" : (sign ? "+" : ""))\(a / 10).\(a % 10)\(suffix)"
}

/// `magnitude` times 10^`times10To` as "4.6e20": one decimal of mantissa, short enough for a table column.
/// `magnitude` must be finite and at least 1.
func shortExponent(_ magnitude: Double, times10To extra: Int = 0) -> String {
    var m = magnitude, e = extra
    while m >= 10 { m /= 10; e += 1 }
    var tenths = Int((m * 10).rounded())
    if tenths >= 100 { tenths /= 10; e += 1 }
    return "\(tenths / 10).\(tenths % 10)e\(e)"
}

/// The derived metrics of DOMAIN.md for one set of counters. Money stays exact; ratios are for display.
public struct MetricsRow: Sendable, Hashable {
    public var counters: Counters
    public init(_ c: Counters) { counters = c }

    /// spend / leads bought.
    public var cpl: Money? { counters.spend.divided(by: counters.bought) }
    /// (spend - refunds) / (leads bought - leads returned).
    public var effectiveCPL: Money? { counters.netSpend.divided(by: counters.bought - counters.returned) }
    /// Leads reached / leads bought.
    public var contactRate: Rate { Rate(counters.contacted, of: counters.bought) }
    /// Sales / leads bought.
    public var conversionRate: Rate { Rate(counters.converted, of: counters.bought) }
    /// Leads returned / leads bought.
    public var returnRate: Rate { Rate(counters.returned, of: counters.bought) }
    /// Net spend / sales.
    public var cpa: Money? { counters.netSpend.divided(by: counters.converted) }
    /// (revenue - net spend) / net spend.
    public var roi: Double? {
        let n = counters.netSpend.cents
        return n > 0 ? Double(counters.revenue.cents - n) / Double(n) : nil
    }
    /// Revenue / net spend.
    public var roas: Double? {
        let n = counters.netSpend.cents
        return n > 0 ? Double(counters.revenue.cents) / Double(n) : nil
    }
    /// Revenue - net spend.
    public var profit: Money { counters.revenue - counters.netSpend }
}
