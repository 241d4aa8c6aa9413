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

    /// Whether the column's figure is worked out from the row's counters alone (and its leads bought today),
    /// not from its name, catalog fields or settings.
    public var isFigure: Bool {
        switch self {
        case .priority, .status, .name, .vertical, .channel, .mode: return false
        default: return true
        }
    }

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
    ///
    /// Every row complete: `listing(...)` builds the same rows, leaving what only drawing needs to the rows drawn.
    public static func rows(desk: Desk, window: Window, sort: SortColumn, descending: Bool, filter: String,
                            expanded: Set<String>, pinned: String? = nil, matureOnly: Bool = false) -> [SourceRow] {
        listing(desk: desk, window: window, sort: sort, descending: descending, filter: filter, expanded: expanded,
                pinned: pinned, matureOnly: matureOnly).completedRows
    }

    /// -1, 0 or 1 comparing two rows by a column, with "no data" last.
    static func order(_ a: SourceRow, _ b: SourceRow, _ c: SortColumn) -> Int {
        SortValue.compare(SortValue(a, c), SortValue(b, c))
    }

    /// Whether the row has a figure for the column (CPL needs leads bought, CPA a sale, ...).
    static func hasValue(_ r: SourceRow, _ c: SortColumn) -> Bool { hasValue(counters: r.counters, c) }

    /// `hasValue` of a row with these counters: it reads nothing else.
    static func hasValue(counters: borrowing Counters, _ c: SortColumn) -> Bool {
        var m: MetricsRow { MetricsRow(copy counters) }
        switch c {
        case .cpl: return m.cpl != nil
        case .contact, .conv, .returns, .profit: return counters.bought > 0
        case .cpa: return m.cpa != nil
        case .roi: return m.roi != nil
        case .bidRate: return counters.bidRate != nil
        case .winRate: return counters.winRate != nil
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
