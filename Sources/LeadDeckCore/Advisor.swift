/// What a source's own numbers say to do, only when the evidence supports it (95% intervals), with the reason.
public enum Advice: Sendable, Hashable {
    case switchMode(to: PurchaseMode, reason: String)
    /// The current mode loses money and the other has too few leads to judge: buy `leads` more in it before
    /// deciding anything (never a block on one mode's evidence alone).
    case tryMode(PurchaseMode, leads: Int64, reason: String)
    case block(reason: String)
    case raisePriority(reason: String)
    case none(reason: String)

    public var headline: String {
        switch self {
        case .switchMode(let m, _): return "switch to \(m.rawValue)"
        case .tryMode(let m, let n, _): return "try \(m.rawValue) for \(n) leads"
        case .block: return "block this source"
        case .raisePriority: return "raise its priority"
        case .none: return "no recommendation"
        }
    }
    public var reason: String {
        switch self {
        case .switchMode(_, let r), .tryMode(_, _, let r), .block(let r), .raisePriority(let r), .none(let r): return r
        }
    }
}

/// The economics of one purchase mode of a source: profit per lead bought with a 95% range.
public struct ModeEconomics: Sendable {
    public var mode: PurchaseMode
    public var counters: Counters
    /// Average sale value used (this mode's, else the source's overall).
    public var averageSale: Money?
    /// (revenue - net spend) / leads bought, at the conversion interval's low and high ends, in cents.
    public var valueRange: (low: Double, high: Double)?
}

/// Compares a source's measured shared and exclusive economics and recommends an action when warranted.
public enum Advisor {
    /// Fewest leads in a mode before its numbers are judged.
    public static let minimumLeads: Int64 = 30

    public static func economics(source: String, metrics: MetricsBook) -> [ModeEconomics] {
        let table = metrics.table(.sourcemode, window: .all)
        let all = metrics.table(.source, window: .all)[MetricKey(.source, source)] ?? Counters()
        let overallSale = all.revenue.divided(by: all.converted)
        return PurchaseMode.allCases.map { mode in
            let c = table[MetricKey(.sourcemode, "\(source)|\(mode.rawValue)")] ?? Counters()
            let sale = c.revenue.divided(by: c.converted) ?? overallSale
            var e = ModeEconomics(mode: mode, counters: c, averageSale: sale, valueRange: nil)
            if c.bought > 0, let sale, let conv = Rate(c.converted, of: c.bought).interval {
                let cost = Double(c.netSpend.cents) / Double(c.bought)
                e.valueRange = (conv.low * Double(sale.cents) - cost, conv.high * Double(sale.cents) - cost)
            }
            return e
        }
    }

    public static func advise(source: String, desk: Desk) -> Advice {
        let modes = economics(source: source, metrics: desk.metrics)
        let current = desk.policy.mode(for: source)
        guard let cur = modes.first(where: { $0.mode == current }), let other = modes.first(where: { $0.mode != current }) else {
            return .none(reason: "no data")
        }
        func dollars(_ cents: Double) -> String { Money(cents: Int64(saturating: cents.rounded())).formatted }
        func range(_ e: ModeEconomics) -> String {
            guard let r = e.valueRange else { return "not known yet (no sales)" }
            return "\(dollars(r.low)) to \(dollars(r.high))"
        }
        if cur.counters.bought < minimumLeads {
            return .none(reason: "only \(cur.counters.bought) \(current.rawValue) leads bought; need \(minimumLeads) to judge")
        }
        if other.counters.bought >= minimumLeads, let o = other.valueRange, let c = cur.valueRange, o.low > c.high {
            return .switchMode(to: other.mode, reason: "per lead, \(other.mode.rawValue) earns \(range(other)) and \(current.rawValue) \(range(cur)) (95%); the ranges do not overlap")
        }
        if let c = cur.valueRange, c.high < 0, other.counters.bought < minimumLeads {
            // One mode's losses are no case for blocking while the other is untried: try it first.
            let more = minimumLeads - other.counters.bought
            return .tryMode(other.mode, leads: more, reason: "each \(current.rawValue) lead loses money even at the optimistic end (\(range(cur)) per lead, 95%, n=\(cur.counters.bought)), "
                + "but only \(other.counters.bought) \(other.mode.rawValue) leads were measured: \(more) more \(other.mode.rawValue) leads decide whether to keep the source")
        }
        if let c = cur.valueRange, c.high < 0, !(other.valueRange.map { $0.high > 0 } ?? false) {
            return .block(reason: "even at the optimistic end each lead loses money in both modes: \(current.rawValue) \(range(cur)) (n=\(cur.counters.bought)), \(other.mode.rawValue) \(range(other)) (n=\(other.counters.bought)) per lead (95%)")
        }
        let tier = desk.policy.settings(for: source).priority
        let all = desk.metrics.table(.source, window: .all)[MetricKey(.source, source)] ?? Counters()
        let lost = all.rejected.budget + all.rejected.cap
        if let c = cur.valueRange, c.low > 0, tier > 1, lost > 0 {
            return .raisePriority(reason: "profitable at the pessimistic end (\(range(cur)) per lead, 95%) and \(lost) leads were lost to budget or caps at tier \(tier)")
        }
        if other.counters.bought < minimumLeads {
            let value = cur.valueRange == nil ? "profit per lead not known yet (no sales)" : "\(range(cur)) profit per lead (95%)"
            return .none(reason: "\(current.rawValue): \(value); \(other.counters.bought) \(other.mode.rawValue) leads measured, need \(minimumLeads) to compare")
        }
        return .none(reason: "the evidence does not separate the options: \(current.rawValue) \(range(cur)), \(other.mode.rawValue) \(range(other)) per lead (95%)")
    }
}
