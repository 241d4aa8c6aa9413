import LeadDeckCore

/// Builds one row of the sources table from the desk: the one place a row's fields are worked out, for the
/// listing (every row, to filter and sort) and for the rows drawn (`complete(_:)` adds the sparkline and the
/// maturing marks, which only drawing needs).
struct SourceRowBuilder: Sendable {
    /// The desk the rows come from: its catalog, policy and metrics, and where each source's slice and settings
    /// are (`Desk.seriesPosition(ofSource:)`, `Desk.settings(ofSource:)`).
    private let desk: Desk
    var catalog: Catalog { desk.catalog }
    var policy: Policy { desk.policy }
    var book: MetricsBook { desk.metrics }
    let window: Window
    /// Count only leads bought before their vertical's usual sale lag (mature cohorts).
    let matureOnly: Bool
    private let span: MetricsBook.WindowSpan
    private let todaySpan: MetricsBook.WindowSpan
    /// Each vertical's usual sale lag, worked out once rather than per row.
    private let lags: [Vertical: Int64]

    init(desk: Desk, window: Window, matureOnly: Bool) {
        self.desk = desk
        self.window = window
        self.matureOnly = matureOnly
        span = desk.metrics.span(window)
        todaySpan = desk.metrics.span(.today)
        let saleLags = desk.metrics.saleLags
        lags = Dictionary(uniqueKeysWithValues: Vertical.allCases.map { ($0, saleLags.usualLag($0)) })
    }

    private func lag(_ v: Vertical) -> Int64 { lags[v] ?? book.saleLags.usualLag(v) }

    /// Sets the row's counters over the window (mature cohorts only when `matureOnly`) and its leads bought today.
    private func fill(_ row: inout SourceRow, _ key: MetricKey) {
        (row.counters, row.boughtToday) = figures(key, vertical: row.vertical)
    }

    /// A slice's counters over the window (mature cohorts only when `matureOnly`) and its leads bought today:
    /// all a row's figure columns read (`SortColumn.isFigure`).
    func figures(_ key: MetricKey, vertical: Vertical) -> (counters: Counters, boughtToday: Int64) {
        let figures = book.counters(key, over: span, boughtOver: todaySpan)
        if matureOnly { return (book.matureCounters(key, window: window, lag: lag(vertical)) ?? Counters(), figures.bought) }
        return (figures.counters ?? Counters(), figures.bought)
    }

    /// `figures(_:vertical:)` of catalog source `i`, found by position rather than by hashing its id.
    func figures(ofSource i: Int) -> (counters: Counters, boughtToday: Int64) {
        let s = catalog.sources[i]
        if matureOnly { return figures(MetricKey(.source, s.id), vertical: s.vertical) }
        guard let p = desk.seriesPosition(ofSource: i) else { return (Counters(), 0) }
        let f = book.counters(at: p, over: span, boughtOver: todaySpan)
        return (f.counters ?? Counters(), f.bought)
    }

    /// Catalog source `i`'s row, without its sparkline and maturing marks. Without `settings` the row carries
    /// the default settings instead of the source's (priority, mode, blocks): for sorting and counting by
    /// figures that do not read them, never for filtering or drawing.
    func sourceRow(_ i: Int, settings: Bool = true) -> SourceRow {
        let sources = catalog.sources
        let id = sources[i].id
        let st = settings ? desk.settings(ofSource: i) : .default
        let vertical = sources[i].vertical
        let subs = sources[i].subIDs
        let blockedSubs = st.blockedSubIDs.isEmpty ? 0 : subs.count { st.blockedSubIDs.contains($0.id) }
        let (counters, boughtToday) = figures(ofSource: i)
        return SourceRow(key: .init(source: id, subID: nil), name: sources[i].name, vertical: vertical, channel: sources[i].channel,
                         priority: st.priority, blocked: st.blocked, blockedSubs: blockedSubs, sourceBlocked: false,
                         mode: st.mode, modeInForce: st.mode.resolved(global: policy.globalMode),
                         boughtToday: boughtToday, counters: counters, volume: [], subCount: subs.count)
    }

    /// The row of one of source `s`'s sub-IDs, without its maturing marks (a sub-ID row has no sparkline).
    func subRow(_ sub: SubSource, of s: Source) -> SourceRow {
        let st = policy.settings(for: s.id)
        var row = SourceRow(key: .init(source: s.id, subID: sub.id), name: sub.name, vertical: s.vertical,
                            channel: s.channel, priority: st.priority, blocked: st.blockedSubIDs.contains(sub.id),
                            blockedSubs: 0, sourceBlocked: st.blocked,
                            mode: st.mode, modeInForce: st.mode.resolved(global: policy.globalMode), boughtToday: 0,
                            counters: Counters(), volume: [], subCount: 0)
        fill(&row, MetricKey(.subid, "\(s.id)/\(sub.id)"))
        return row
    }

    /// The metrics slice of a row: its source, or `SOURCE/SUB` for a sub-ID.
    func metricKey(_ k: SourceRow.Key) -> MetricKey {
        k.subID.map { MetricKey(.subid, "\(k.source)/\($0)") } ?? MetricKey(.source, k.source)
    }

    /// The row with its sparkline (a source's) and maturing marks.
    func complete(_ row: SourceRow) -> SourceRow {
        var r = row
        let key = metricKey(r.key)
        if r.key.subID == nil { r.volume = book.recentVolume(key) }
        r.maturing = maturing(key, vertical: r.vertical)
        r.returnsMaturing = returnsMaturing(key)
        return r
    }

    /// Most leads behind the slice are younger than their vertical's usual sale lag (never with mature leads only).
    func maturing(_ key: MetricKey, vertical: Vertical) -> Bool {
        !matureOnly && (book.youngShare(key, window: window, lag: lag(vertical)) ?? 0) > 0.5
    }

    /// Most leads behind the slice are younger than the return window.
    func returnsMaturing(_ key: MetricKey) -> Bool {
        (book.youngShare(key, window: window, lag: SaleLags.returnWindowSeconds) ?? 0) > 0.5
    }
}
