import LeadDeckCore

/// Builds one row of the sources table from the desk: the one place a row's fields are worked out, for the
/// listing (every row, to filter and sort) and for the rows drawn (`complete(_:)` adds the sparkline and the
/// maturing marks, which only drawing needs).
struct SourceRowBuilder: Sendable {
    let catalog: Catalog
    let policy: Policy
    let book: MetricsBook
    let window: Window
    /// Count only leads bought before their vertical's usual sale lag (mature cohorts).
    let matureOnly: Bool
    private let series: [MetricKey: MetricsBook.Series]
    private let span: MetricsBook.WindowSpan
    private let todaySpan: MetricsBook.WindowSpan
    /// Each vertical's usual sale lag, worked out once rather than per row.
    private let lags: [Vertical: Int64]

    init(desk: Desk, window: Window, matureOnly: Bool) {
        catalog = desk.catalog
        policy = desk.policy
        book = desk.metrics
        self.window = window
        self.matureOnly = matureOnly
        series = book.series
        span = book.span(window)
        todaySpan = book.span(.today)
        let saleLags = book.saleLags
        lags = Dictionary(uniqueKeysWithValues: Vertical.allCases.map { ($0, saleLags.usualLag($0)) })
    }

    private func lag(_ v: Vertical) -> Int64 { lags[v] ?? book.saleLags.usualLag(v) }

    /// The slice's counters over the window (mature cohorts only when `matureOnly`), and its leads bought today.
    private func figures(_ key: MetricKey, _ vertical: Vertical) -> (counters: Counters, boughtToday: Int64) {
        let s = series[key]
        let today = s.flatMap { book.counters($0, over: todaySpan)?.bought } ?? 0
        if matureOnly { return (book.matureCounters(key, window: window, lag: lag(vertical)) ?? Counters(), today) }
        return (s.flatMap { book.counters($0, over: span) } ?? Counters(), today)
    }

    /// A source's row, without its sparkline and maturing marks.
    func sourceRow(_ s: Source) -> SourceRow {
        let st = policy.settings(for: s.id)
        let (counters, today) = figures(MetricKey(.source, s.id), s.vertical)
        let blockedSubs = st.blockedSubIDs.isEmpty ? 0 : s.subIDs.count { st.blockedSubIDs.contains($0.id) }
        return SourceRow(key: .init(source: s.id, subID: nil), name: s.name, vertical: s.vertical, channel: s.channel,
                         priority: st.priority, blocked: st.blocked, blockedSubs: blockedSubs, sourceBlocked: false,
                         mode: st.mode, modeInForce: st.mode.resolved(global: policy.globalMode),
                         boughtToday: today, counters: counters, volume: [], subCount: s.subIDs.count)
    }

    /// The row of one of source `s`'s sub-IDs, without its maturing marks (a sub-ID row has no sparkline).
    func subRow(_ sub: SubSource, of s: Source) -> SourceRow {
        let st = policy.settings(for: s.id)
        let (counters, today) = figures(MetricKey(.subid, "\(s.id)/\(sub.id)"), s.vertical)
        return SourceRow(key: .init(source: s.id, subID: sub.id), name: sub.name, vertical: s.vertical,
                         channel: s.channel, priority: st.priority, blocked: st.blockedSubIDs.contains(sub.id),
                         blockedSubs: 0, sourceBlocked: st.blocked,
                         mode: st.mode, modeInForce: st.mode.resolved(global: policy.globalMode), boughtToday: today,
                         counters: counters, volume: [], subCount: 0)
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
