import LeadDeckCore

/// The columns of the sources table, by a stable id (the raw value, shown in "sorted by ..."). Sorting,
/// choosing columns and mouse clicks refer to a column by its id; its title is only what the screen shows.
public enum SourceColumnID: String, Sendable, CaseIterable {
    case priority = "pri", status, name, vertical, channel, mode, today, spend, cpl, contact, conv, cpa, roi
    /// Profit, revenue - (spend - refunds), and revenue, in dollars (ROI % alone ranks a small win above a big loss).
    case profit, revenue
    case returns
    /// Bid rate (bids / pings) and win rate (posts bought / bids), for leads an exchange pings (`serve`).
    case bidRate = "bid", winRate = "win"
    /// The recent-volume sparkline.
    case offers

    /// Whether the table can be sorted by this column (`s` cycles through the sortable ones on screen).
    public var isSortable: Bool { self != .offers }

    /// Whether the column is a ratio that needs enough bought leads behind it to be judged.
    public var restsOnEvidence: Bool {
        switch self {
        case .contact, .conv, .cpa, .roi, .returns, .profit: return true
        default: return false
        }
    }
}

/// The sources table's sort key: the id of the column it sorts by.
public typealias SortColumn = SourceColumnID

/// A row of the sources table: a source, or one of its sub-IDs when expanded.
public struct SourceRow: Sendable, Hashable {
    public struct Key: Sendable, Hashable {
        public var source: String
        public var subID: String?
    }
    public var key: Key
    public var name: String
    public var vertical: Vertical
    public var channel: Channel
    public var priority: Int
    /// Blocked itself (a source), or individually (a sub-ID).
    public var blocked: Bool
    /// For a source: how many of its sub-IDs are blocked. For a sub-ID: whether its source is blocked.
    public var blockedSubs: Int
    public var sourceBlocked: Bool
    public var mode: ModeSetting
    public var modeInForce: PurchaseMode
    public var boughtToday: Int64
    /// Counters over the chosen window.
    public var counters: Counters
    public var volume: [Int64]
    public var subCount: Int
    /// Shown although it no longer matches the filter: the source just changed and is still selected.
    public var outsideFilter = false
    /// Whether most leads behind the row's figures are younger than their vertical's usual sale lag (sales
    /// still coming in), so conversion, CPA and ROI are not yet a verdict.
    public var maturing = false
    /// Whether most leads behind the row are younger than the return window (`SaleLags.returnWindowSeconds`),
    /// so returns are still coming in and the return rate is not yet final.
    public var returnsMaturing = false

    /// The row's status in the shared vocabulary: a sub-ID is blocked when it or its source is.
    public var status: SourceStatus {
        if blocked || sourceBlocked { return .blocked }
        return blockedSubs > 0 ? .partial : .active
    }

    /// Whether the row's ratios rest on enough bought leads to be coloured and ranked (`Evidence.minLeads`).
    public var hasEvidence: Bool { Evidence.isEnough(counters) }
}

/// Builds the sources table from the desk: filtered, sorted, with expanded sub-IDs under their source.
public enum SourceTable {
    /// - Parameter pinned: a source shown even when it does not match the filter (marked `outsideFilter`), so a
    ///   change that takes the selected source out of the filter never moves the selection onto another one.
    /// - Parameter matureOnly: count only leads bought before their vertical's usual sale lag (mature cohorts).
    /// - Parameter filter: a `RowFilter` text; text that does not parse matches no row (`AppModel` applies only
    ///   filters that parse, and the screen then shows the error).
    public static func rows(desk: Desk, window: Window, sort: SortColumn, descending: Bool, filter: String,
                            expanded: Set<String>, pinned: String? = nil, matureOnly: Bool = false) -> [SourceRow] {
        let book = desk.metrics
        let lags = book.saleLags
        func counters(_ key: MetricKey, _ vertical: Vertical, _ table: [MetricKey: Counters]) -> Counters {
            matureOnly ? book.matureCounters(key, window: window, lag: lags.usualLag(vertical)) ?? Counters() : table[key] ?? Counters()
        }
        func maturing(_ key: MetricKey, _ vertical: Vertical) -> Bool {
            !matureOnly && (book.youngShare(key, window: window, lag: lags.usualLag(vertical)) ?? 0) > 0.5
        }
        func returnsMaturing(_ key: MetricKey) -> Bool {
            (book.youngShare(key, window: window, lag: SaleLags.returnWindowSeconds) ?? 0) > 0.5
        }
        let metrics = desk.metrics.table(.source, window: window)
        let today = window == .today ? metrics : desk.metrics.table(.source, window: .today)
        let subMetrics = expanded.isEmpty ? [:] : desk.metrics.table(.subid, window: window)
        let subToday = expanded.isEmpty || window == .today ? subMetrics : desk.metrics.table(.subid, window: .today)
        let f = try? RowFilter.parse(filter).get()
        var out: [SourceRow] = []
        var parents: [SourceRow] = []
        for s in desk.catalog.sources {
            let st = desk.policy.settings(for: s.id)
            let key = MetricKey(.source, s.id)
            let row = SourceRow(key: .init(source: s.id, subID: nil), name: s.name, vertical: s.vertical, channel: s.channel,
                                priority: st.priority, blocked: st.blocked,
                                blockedSubs: s.subIDs.filter { st.blockedSubIDs.contains($0.id) }.count, sourceBlocked: false,
                                mode: st.mode,
                                modeInForce: st.mode.resolved(global: desk.policy.globalMode),
                                boughtToday: today[key]?.bought ?? 0, counters: counters(key, s.vertical, metrics),
                                volume: desk.metrics.recentVolume(key), subCount: s.subIDs.count,
                                maturing: maturing(key, s.vertical), returnsMaturing: returnsMaturing(key))
            if f?.matches(row) ?? false {
                parents.append(row)
            } else if s.id == pinned {
                var kept = row
                kept.outsideFilter = true
                parents.append(kept)
            }
        }
        parents.sort { a, b in
            // Rows with no figure for the column go last whichever way the sort runs, and figures on too few
            // leads go after those on enough: a +1,000% on two leads does not top the list.
            let (na, nb) = (hasValue(a, sort), hasValue(b, sort))
            if na != nb { return na }
            if sort.restsOnEvidence, a.hasEvidence != b.hasEvidence { return a.hasEvidence }
            let o = order(a, b, sort)
            return o == 0 ? a.key.source < b.key.source : (descending ? o > 0 : o < 0)
        }
        for p in parents {
            out.append(p)
            guard expanded.contains(p.key.source), let s = desk.catalog.source(p.key.source) else { continue }
            let st = desk.policy.settings(for: s.id)
            for sub in s.subIDs {
                let key = MetricKey(.subid, "\(s.id)/\(sub.id)")
                out.append(SourceRow(key: .init(source: s.id, subID: sub.id), name: sub.name, vertical: s.vertical,
                                     channel: s.channel, priority: p.priority, blocked: st.blockedSubIDs.contains(sub.id),
                                     blockedSubs: 0, sourceBlocked: st.blocked,
                                     mode: p.mode, modeInForce: p.modeInForce, boughtToday: subToday[key]?.bought ?? 0,
                                     counters: counters(key, s.vertical, subMetrics), volume: [], subCount: 0,
                                     maturing: maturing(key, s.vertical), returnsMaturing: returnsMaturing(key)))
            }
        }
        return out
    }

    /// -1, 0 or 1 comparing two rows by a column, with "no data" last.
    static func order(_ a: SourceRow, _ b: SourceRow, _ c: SortColumn) -> Int {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        func opt<T: Comparable>(_ x: T?, _ y: T?) -> Int {
            switch (x, y) {
            case let (x?, y?): return cmp(x, y)
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            }
        }
        let ma = MetricsRow(a.counters), mb = MetricsRow(b.counters)
        switch c {
        case .priority: return cmp(a.priority, b.priority)
        case .status: return cmp(SourceStatus.allCases.firstIndex(of: a.status)!, SourceStatus.allCases.firstIndex(of: b.status)!)
        case .name: return cmp(a.name.lowercased(), b.name.lowercased())
        case .vertical: return cmp(a.vertical.rawValue, b.vertical.rawValue)
        case .channel: return cmp(a.channel.rawValue, b.channel.rawValue)
        case .mode: return cmp(a.modeInForce.rawValue, b.modeInForce.rawValue)
        case .today: return cmp(a.boughtToday, b.boughtToday)
        case .spend: return cmp(a.counters.spend, b.counters.spend)
        case .cpl: return opt(ma.cpl, mb.cpl)
        case .contact: return opt(ma.contactRate.value, mb.contactRate.value)
        case .conv: return opt(ma.conversionRate.value, mb.conversionRate.value)
        case .cpa: return opt(ma.cpa, mb.cpa)
        case .revenue: return cmp(a.counters.revenue, b.counters.revenue)
        case .profit: return cmp(ma.profit, mb.profit)
        case .roi: return opt(ma.roi, mb.roi)
        case .returns: return opt(ma.returnRate.value, mb.returnRate.value)
        case .bidRate: return opt(a.counters.bidRate, b.counters.bidRate)
        case .winRate: return opt(a.counters.winRate, b.counters.winRate)
        case .offers: return 0  // not sortable: rows keep their id order
        }
    }

    /// Whether the row has a figure for the column (CPL needs leads bought, CPA a sale, ...).
    static func hasValue(_ r: SourceRow, _ c: SortColumn) -> Bool {
        let m = MetricsRow(r.counters)
        switch c {
        case .cpl: return m.cpl != nil
        case .contact, .conv, .returns, .profit: return r.counters.bought > 0
        case .cpa: return m.cpa != nil
        case .roi: return m.roi != nil
        case .bidRate: return r.counters.bidRate != nil
        case .winRate: return r.counters.winRate != nil
        default: return true
        }
    }

    /// Whether a column reads best from high to low when first chosen.
    public static func defaultDescending(_ c: SortColumn) -> Bool {
        switch c {
        case .priority, .name, .vertical, .channel, .mode, .status, .cpl, .cpa, .returns: return false
        default: return true
        }
    }
}
