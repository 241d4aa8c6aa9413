import LeadDeckCore

/// A row's figure in one sort column: money as cents, rates and ROI as fractions, words as text. Nil when the
/// row has none (no CPL before a lead is bought), which orders before any figure.
enum SortValue: Sendable, Hashable {
    case int(Int64)
    case real(Double)
    case text(String)

    /// The row's figure in column `c`.
    init?(_ r: SourceRow, _ c: SortColumn) {
        switch c {
        case .priority: self = .int(Int64(r.priority))
        case .status: self = .int(Int64(SourceStatus.allCases.firstIndex(of: r.status)!))
        case .name: self = .text(r.name.lowercased())
        case .vertical: self = .text(r.vertical.rawValue)
        case .channel: self = .text(r.channel.rawValue)
        case .mode: self = .text(r.modeInForce.rawValue)
        default:
            guard let v = Self(figure: c, counters: r.counters, boughtToday: r.boughtToday) else { return nil }
            self = v
        }
    }

    /// The figure in column `c` of a row with these counters and leads bought today; nil for a column that is
    /// not a figure (`SortColumn.isFigure` false) or has none.
    init?(figure c: SortColumn, counters: borrowing Counters, boughtToday: Int64) {
        // Only the columns worked out from the counters build a MetricsRow (this runs for every row of each frame).
        var m: MetricsRow { MetricsRow(copy counters) }
        switch c {
        case .today: self = .int(boughtToday)
        case .spend: self = .int(counters.spend.cents)
        case .cpl: guard let v = m.cpl else { return nil }; self = .int(v.cents)
        case .contact: guard let v = m.contactRate.value else { return nil }; self = .real(v)
        case .conv: guard let v = m.conversionRate.value else { return nil }; self = .real(v)
        case .cpa: guard let v = m.cpa else { return nil }; self = .int(v.cents)
        case .revenue: self = .int(counters.revenue.cents)
        case .profit: self = .int(m.profit.cents)
        case .roi: guard let v = m.roi else { return nil }; self = .real(v)
        case .returns: guard let v = m.returnRate.value else { return nil }; self = .real(v)
        case .bidRate: guard let v = counters.bidRate else { return nil }; self = .real(v)
        case .winRate: guard let v = counters.winRate else { return nil }; self = .real(v)
        case .offers: return nil  // not sortable: rows keep their id order
        case .priority, .status, .name, .vertical, .channel, .mode: return nil
        }
    }

    /// -1, 0 or 1; nil before any figure. Figures of one column are always of one kind.
    static func compare(_ x: SortValue?, _ y: SortValue?) -> Int {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (x, y) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case let (.int(a)?, .int(b)?): return cmp(a, b)
        case let (.real(a)?, .real(b)?): return cmp(a, b)
        case let (.text(a)?, .text(b)?): return cmp(a, b)
        default: return 0
        }
    }
}

/// What the sources table sorts a row by, worked out once per row rather than in every comparison.
struct SourceSortKey: Sendable {
    /// Whether the row has a figure for the column (`SourceTable.hasValue`): rows without go last.
    var hasValue: Bool
    /// Whether its figures rest on enough leads (`SourceRow.hasEvidence`).
    var hasEvidence: Bool
    var value: SortValue?

    init(_ r: SourceRow, _ c: SortColumn) {
        hasValue = SourceTable.hasValue(r, c)
        hasEvidence = r.hasEvidence
        value = SortValue(r, c)
    }

    /// Whether a row with key `a` goes before one with key `b`; `tie` when their figures are equal (the id
    /// order). Rows with no figure for the column go last whichever way the sort runs, and figures on too few
    /// leads go after those on enough: a +1,000% on two leads does not top the list.
    static func precedes(_ a: SourceSortKey, _ b: SourceSortKey, sort: SortColumn, descending: Bool, tie: () -> Bool) -> Bool {
        if a.hasValue != b.hasValue { return a.hasValue }
        if sort.restsOnEvidence, a.hasEvidence != b.hasEvidence { return a.hasEvidence }
        let o = SortValue.compare(a.value, b.value)
        return o == 0 ? tie() : (descending ? o > 0 : o < 0)
    }
}

/// `SourceSortKey` for a column worked out from the counters alone (`SortColumn.isFigure`), held without a
/// string, so the sort of thousands of rows compares plain numbers: the listing takes it when no filter reads
/// the rows.
struct FigureSortKey: Sendable {
    var hasValue: Bool
    var hasEvidence: Bool
    /// Whether there is a figure (`SortValue` non-nil); none orders before any.
    var some: Bool
    /// The figure: cents or counts in `int`, rates in `real` (the other one 0).
    var int: Int64
    var real: Double

    init(_ c: SortColumn, counters: borrowing Counters, boughtToday: Int64) {
        hasValue = SourceTable.hasValue(counters: counters, c)
        hasEvidence = Evidence.isEnough(counters)
        switch SortValue(figure: c, counters: counters, boughtToday: boughtToday) {
        case .int(let v)?: (some, int, real) = (true, v, 0)
        case .real(let v)?: (some, int, real) = (true, 0, v)
        case .text?, nil: (some, int, real) = (false, 0, 0)
        }
    }

    /// As `SourceSortKey.precedes`, for these keys.
    static func precedes(_ a: FigureSortKey, _ b: FigureSortKey, sort: SortColumn, descending: Bool, tie: () -> Bool) -> Bool {
        if a.hasValue != b.hasValue { return a.hasValue }
        if sort.restsOnEvidence, a.hasEvidence != b.hasEvidence { return a.hasEvidence }
        let o: Int
        if a.some != b.some {
            o = a.some ? 1 : -1
        } else if a.int != b.int {
            o = a.int < b.int ? -1 : 1
        } else {
            o = a.real < b.real ? -1 : (a.real > b.real ? 1 : 0)
        }
        return o == 0 ? tie() : (descending ? o > 0 : o < 0)
    }
}
