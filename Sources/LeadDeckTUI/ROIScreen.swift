import LeadDeckCore

/// The columns of the ROI screen's small tables, by a stable id; the title is only what the screen shows.
public enum ROIColumnID: String, Sendable, CaseIterable {
    case label, bought, cpl, conv, cpa, roi
}

/// Screen 3: today against all time, shared against exclusive, verticals, money per day across the whole
/// width, best and worst sources. Drawn onto a tall page and shown through the screen's window, so ↑/↓ and
/// PgUp/PgDn scroll it when the terminal is short.
enum ROIScreen {
    /// What the page shows, gathered once: the layout is computed from it without drawing.
    struct Content {
        var summary: [SummaryLine]
        var modes: [Row]
        var verticals: [Row]
        var best: [Row]
        var worst: [Row]

        init(_ m: AppModel, desk: Desk) {
            summary = ROIScreen.summaryLines(desk)
            modes = ROIScreen.modeRows(desk, m.window)
            verticals = ROIScreen.verticalRows(desk, m.window)
            let ranked = ROIScreen.ranked(desk)
            best = ranked.best
            worst = ranked.worst
        }
    }

    /// Where each part of the page goes; row 0 is the page's top.
    struct Page {
        var note: Rect
        var summary: Rect
        var daily: Rect
        var modes: Rect
        var verticals: Rect
        var best: Rect
        var worst: Rect
        /// Rows the page uses.
        var height: Int { max(best.maxY, worst.maxY) }

        /// Two columns with a gap of two: the summary on the left, shared against exclusive and the verticals
        /// on the right; then the daily chart across the whole width; then best and worst side by side. Each
        /// part starts below the taller of the two above it.
        init(width: Int, content c: Content) {
            let leftW = (width - 3) / 2
            let rightX = leftW + 3
            let rightW = width - rightX - 1
            func table(_ x: Int, _ y: Int, _ w: Int, _ rows: [Row]) -> Rect {
                Rect(x: x, y: y, width: w, height: 2 + max(1, rows.count))
            }
            note = Rect(x: 1, y: 0, width: width - 2, height: 1)
            summary = Rect(x: 1, y: 1, width: leftW, height: c.summary.count + 2)
            modes = table(rightX, 1, rightW, c.modes)
            verticals = table(rightX, modes.maxY + 1, rightW, c.verticals)
            let y = max(summary.maxY, verticals.maxY) + 1
            daily = Rect(x: 1, y: y, width: width - 2, height: DailyChart.height(barRows: ROIScreen.barRows, figures: ROIScreen.dayFigures.count))
            let y2 = daily.maxY + 1
            best = table(1, y2, leftW, c.best)
            worst = table(rightX, y2, rightW, c.worst)
        }
    }

    /// Rows of the page, computed without drawing (key handling scrolls by it).
    static func pageHeight(_ m: AppModel, desk: Desk) -> Int { Page(width: m.width, content: Content(m, desk: desk)).height }

    /// Draws the page into the body of `layout`, scrolled to `m.roiScroll`; returns where the view stands
    /// when the page is taller than the body.
    static func render(_ m: AppModel, desk: Desk, layout: Layout, into buf: inout Buffer) -> ScrollSpan? {
        let content = Content(m, desk: desk)
        let page = Page(width: m.width, content: content)
        var paper = Buffer(width: m.width, height: page.height)
        drawPage(&paper, m, desk: desk, content: content, page: page)
        let visible = layout.visibleBodyRows
        let start = min(m.roiScroll, max(0, page.height - visible))
        buf.copy(paper, from: start, into: layout.body)
        return page.height > visible ? ScrollSpan(first: start + 1, last: min(page.height, start + visible), total: page.height) : nil
    }

    /// Draws every part of the page into its area.
    static func drawPage(_ buf: inout Buffer, _ m: AppModel, desk: Desk, content c: Content, page: Page) {
        buf.writeFields(["tables: \(m.windowLabel) (w)", "outcomes count toward the day their lead was bought"], in: page.note)
        buf.clipped(to: page.summary) { todayVersusAll(&$0, c.summary, in: page.summary) }
        buf.clipped(to: page.daily) { daily(&$0, m, desk: desk, in: page.daily) }
        for (title, rows, area) in [("Shared vs exclusive", c.modes, page.modes), ("By vertical", c.verticals, page.verticals),
                                    ("Top sources by ROI (all time, 30+ leads)", c.best, page.best),
                                    ("Bottom sources by ROI", c.worst, page.worst)] {
            buf.clipped(to: area) { table(&$0, title: title, rows: rows, in: area) }
        }
    }

    /// One line of the today-versus-all-time summary: label, both values, and their styles when not plain.
    typealias SummaryLine = (label: String, today: String, all: String, todayStyle: Style?, allStyle: Style?)

    static func summaryLines(_ desk: Desk) -> [SummaryLine] {
        let t = MetricsRow(desk.metrics.total(window: .today)), a = MetricsRow(desk.metrics.total(window: .all))
        return [
            ("spend", Fmt.whole(t.counters.spend), Fmt.whole(a.counters.spend), nil, nil),
            ("refunds", Fmt.whole(t.counters.refunds), Fmt.whole(a.counters.refunds), nil, nil),
            ("net spend", Fmt.whole(t.counters.netSpend), Fmt.whole(a.counters.netSpend), nil, nil),
            ("revenue", Fmt.whole(t.counters.revenue), Fmt.whole(a.counters.revenue), nil, nil),
            ("profit", Fmt.whole(t.profit), Fmt.whole(a.profit), t.profit.cents >= 0 ? .good : .bad, a.profit.cents >= 0 ? .good : .bad),
            ("ROI", Fmt.roi(t.roi), Fmt.roi(a.roi), Fmt.roiStyle(t.roi), Fmt.roiStyle(a.roi)),
            ("ROAS", t.roas.map(formatRatio) ?? "-", a.roas.map(formatRatio) ?? "-", nil, nil),
            ("CPL", Fmt.money(t.cpl), Fmt.money(a.cpl), nil, nil),
            ("CPA", Fmt.whole(t.cpa), Fmt.whole(a.cpa), nil, nil),
            ("conversion", t.conversionRate.percentText, a.conversionRate.percentText, nil, nil),
            ("leads bought", Fmt.count(t.counters.bought), Fmt.count(a.counters.bought), nil, nil),
        ]
    }

    /// A two-column comparison of today and all time: titles, one row per line, and a note.
    static func todayVersusAll(_ buf: inout Buffer, _ lines: [SummaryLine], in area: Rect) {
        let (x, y, width) = (area.x, area.y, area.width)
        let colW = min(14, (width - 14) / 2)
        buf.put("today", x: x + 14, y: y, width: colW, style: .bold, right: true)
        buf.put("all time", x: x + 15 + colW, y: y, width: colW - 1, style: .bold, right: true)
        var row = y + 1
        for (label, today, all, ts, al) in lines {
            buf.put(label, x: x, y: row, width: 13, style: .dim)
            buf.put(today, x: x + 14, y: row, width: colW, style: ts ?? .plain, right: true)
            buf.put(all, x: x + 15 + colW, y: row, width: colW - 1, style: al ?? .plain, right: true)
            row += 1
        }
        // Today's leads are hours old; their sales arrive over hours to days, so its ROI starts low.
        buf.write(width >= 50 ? "today's leads are young: sales still coming in" : "today: sales still coming in", x: x, y: row, style: .dim, maxWidth: width)
    }

    /// Rows of bars in the daily chart.
    static let barRows = 8
    /// The figures under each day of the daily chart.
    static let dayFigures: [DailyChart.Figure] = [.roi, .roas, .cpa, .refunds]

    /// Daily net spend and revenue bars for as many of the days kept as fit the page's width, over a dollar
    /// axis, with each day's ROI, ROAS, CPA and refunds.
    static func daily(_ buf: inout Buffer, _ m: AppModel, desk: Desk, in area: Rect) {
        DailyChart(title: "Daily", days: desk.metrics.daily(), figures: dayFigures, barRows: barRows, ascii: m.ascii)
            .draw(&buf, in: area)
    }

    struct Row { var label: String; var counters: Counters }

    static func modeRows(_ desk: Desk, _ w: Window) -> [Row] {
        let t = desk.metrics.table(.mode, window: w)
        return PurchaseMode.allCases.map { Row(label: $0.rawValue, counters: t[MetricKey(.mode, $0.rawValue)] ?? Counters()) }
    }

    static func verticalRows(_ desk: Desk, _ w: Window) -> [Row] {
        desk.metrics.table(.vertical, window: w).map { Row(label: $0.key.value, counters: $0.value) }
            .sorted { $0.counters.spend > $1.counters.spend }
    }

    static func ranked(_ desk: Desk) -> (best: [Row], worst: [Row]) {
        let names = Dictionary(desk.catalog.sources.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = desk.metrics.table(.source, window: .all).filter { $0.value.bought >= 30 && MetricsRow($0.value).roi != nil }
            .map { Row(label: "\($0.key.value) \(names[$0.key.value] ?? "")", counters: $0.value) }
            .sorted { MetricsRow($0.counters).roi! > MetricsRow($1.counters).roi! }
        return (Array(rows.prefix(5)), Array(rows.suffix(5).reversed()))
    }

    /// The columns of a small table `width` wide, placed from `x`: the label takes what the figures leave;
    /// CPA is left out when the label would get fewer than 12 cells.
    static func columns(in area: Rect) -> [TableColumn<ROIColumnID>] {
        var figures: [TableColumn<ROIColumnID>] = [
            TableColumn(.bought, "bought", width: 6, alignRight: true), TableColumn(.cpl, "CPL", width: 7, alignRight: true),
            TableColumn(.conv, "conv", width: 5, alignRight: true), TableColumn(.cpa, "CPA", width: 7, alignRight: true),
            TableColumn(.roi, "ROI", width: 7, alignRight: true),
        ]
        if area.width - 37 < 12 { figures.removeAll { $0.id == .cpa } }
        let labelW = area.width - figures.reduce(0) { $0 + $1.width + 1 } - 1
        return TableColumns.place([TableColumn(.label, "", width: labelW)] + figures, from: area.x)
    }

    /// A small table in `area`: its title, the column titles, then label, bought, CPL, conversion, CPA, ROI
    /// per row (or "no leads yet").
    static func table(_ buf: inout Buffer, title: String, rows: [Row], in area: Rect) {
        let (x, y, width) = (area.x, area.y, area.width)
        buf.write(title, x: x, y: y, style: .bold, maxWidth: width)
        let cols = columns(in: area)
        buf.putTitles(cols, y: y + 1)
        var row = y + 2
        if rows.isEmpty { buf.write("no leads yet", x: x, y: row, style: .dim); return }
        for r in rows {
            buf.putCells(cols.map { cell($0.id, r) }, cols, y: row)
            row += 1
        }
    }

    /// The text and style of one cell of a small table.
    static func cell(_ id: ROIColumnID, _ r: Row) -> (String, Style) {
        let m = MetricsRow(r.counters)
        switch id {
        case .label: return (r.label, .plain)
        case .bought: return (Fmt.count(r.counters.bought), .plain)
        case .cpl: return (Fmt.money(m.cpl), .plain)
        case .conv: return (m.conversionRate.percentText, .plain)
        case .cpa: return (Fmt.whole(m.cpa), .plain)
        case .roi: return (Fmt.roi(m.roi), Fmt.roiStyle(m.roi))
        }
    }
}
