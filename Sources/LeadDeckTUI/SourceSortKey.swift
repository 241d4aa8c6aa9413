import LeadDeckCore

/// A row's figure in one sort column: money as cents, rates and ROI as fractions, words as text. Nil when the
/// row has none (no CPL before a lead is bought), which orders before any figure.
enum SortValue: Sendable, Hashable {
    case int(Int64)
    case real(Double)
    case text(String)

    /// The row's figure in column `c`.
    init?(_ r: SourceRow, _ c: SortColumn) {
        // Only the columns worked out from the counters read them (this runs for every row of each frame).
        var m: MetricsRow { MetricsRow(r.counters) }
        switch c {
        case .priority: self = .int(Int64(r.priority))
        case .status: self = .int(Int64(SourceStatus.allCases.firstIndex(of: r.status)!))
        case .name: self = .text(r.name.lowercased())
        case .vertical: self = .text(r.vertical.rawValue)
        case .channel: self = .text(r.channel.rawValue)
        case .mode: self = .text(r.modeInForce.rawValue)
        case .today: self = .int(r.boughtToday)
        case .spend: self = .int(r.counters.spend.cents)
        case .cpl: guard let v = m.cpl else { return nil }; self = .int(v.cents)
        case .contact: guard let v = m.contactRate.value else { return nil }; self = .real(v)
        case .conv: guard let v = m.conversionRate.value else { return nil }; self = .real(v)
        case .cpa: guard let v = m.cpa else { return nil }; self = .int(v.cents)
        case .revenue: self = .int(r.counters.revenue.cents)
        case .profit: self = .int(m.profit.cents)
        case .roi: guard let v = m.roi else { return nil }; self = .real(v)
        case .returns: guard let v = m.returnRate.value else { return nil }; self = .real(v)
        case .bidRate: guard let v = r.counters.bidRate else { return nil }; self = .real(v)
        case .winRate: guard let v = r.counters.winRate else { return nil }; self = .real(v)
        case .offers: return nil  // not sortable: rows keep their id order
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
