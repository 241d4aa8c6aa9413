import LeadDeckCore

/// Screen 3: money over time, today against all time, shared against exclusive, verticals, best and worst.
/// Drawn onto a tall page and shown through the screen's window, so ↑/↓ and PgUp/PgDn scroll it when the
/// terminal is short.
enum ROIScreen {
    static let pageHeight = 80

    /// Rows of the page the screen shows at once.
    static func visibleRows(_ m: AppModel) -> Int { max(1, m.height - 3) }

    static func draw(_ buf: inout Buffer, _ m: AppModel, desk: Desk) {
        var page = Buffer(width: m.width, height: pageHeight)
        let used = drawPage(&page, m, desk: desk)
        let visible = visibleRows(m)
        let start = min(m.roiScroll, max(0, used - visible))
        for y in 0..<max(0, min(visible, used - start)) {
            for x in 0..<m.width { buf[x, 2 + y] = page[x, start + y] }
        }
        if used > visible { Renderer.scrollNote(&buf, m, first: start + 1, last: min(used, start + visible), of: used) }
    }

    /// Draws everything from row 0 down; returns the rows used.
    static func drawPage(_ buf: inout Buffer, _ m: AppModel, desk: Desk) -> Int {
        let leftW = (m.width - 3) / 2
        let rightX = leftW + 3
        let rightW = m.width - rightX - 1
        buf.writeFields(["tables: \(m.windowLabel) (w)", "outcomes count toward the day their lead was bought"], x: 1, y: 0, limit: m.width - 1)
        var y = todayVersusAll(&buf, desk: desk, x: 1, y: 1, width: leftW)
        daily(&buf, m, desk: desk, x: rightX, y: 1, width: rightW, height: max(10, y - 1))
        y = max(y, 12) + 1
        let modeEnd = table(&buf, title: "Shared vs exclusive", rows: modeRows(desk, m.window), x: 1, y: y, width: leftW)
        let vertEnd = table(&buf, title: "By vertical", rows: verticalRows(desk, m.window), x: rightX, y: y, width: rightW)
        y = max(modeEnd, vertEnd) + 1
        let (best, worst) = ranked(desk)
        let bestEnd = table(&buf, title: "Top sources by ROI (all time, 30+ leads)", rows: best, x: 1, y: y, width: leftW)
        let worstEnd = table(&buf, title: "Bottom sources by ROI", rows: worst, x: rightX, y: y, width: rightW)
        return max(bestEnd, worstEnd)
    }

    /// A two-column comparison of today and all time. Returns the next free row.
    static func todayVersusAll(_ buf: inout Buffer, desk: Desk, x: Int, y: Int, width: Int) -> Int {
        let t = MetricsRow(desk.metrics.total(window: .today)), a = MetricsRow(desk.metrics.total(window: .all))
        let colW = min(14, (width - 14) / 2)
        buf.put("today", x: x + 14, y: y, width: colW, style: .bold, right: true)
        buf.put("all time", x: x + 15 + colW, y: y, width: colW - 1, style: .bold, right: true)
        let lines: [(String, String, String, Style?, Style?)] = [
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
            ("leads bought", "\(t.counters.bought)", "\(a.counters.bought)", nil, nil),
        ]
        var row = y + 1
        for (label, today, all, ts, al) in lines {
            buf.put(label, x: x, y: row, width: 13, style: .dim)
            buf.put(today, x: x + 14, y: row, width: colW, style: ts ?? .plain, right: true)
            buf.put(all, x: x + 15 + colW, y: row, width: colW - 1, style: al ?? .plain, right: true)
            row += 1
        }
        // Today's leads are hours old; their sales arrive over hours to days, so its ROI starts low.
        buf.write(width >= 50 ? "today's leads are young: sales still coming in" : "today: sales still coming in", x: x, y: row, style: .dim, maxWidth: width)
        return row + 1
    }

    /// Daily net spend and revenue bars for the days kept, with each day's ROI, ROAS and CPA.
    static func daily(_ buf: inout Buffer, _ m: AppModel, desk: Desk, x: Int, y: Int, width: Int, height: Int) {
        guard height >= 8, width >= 24 else { return }
        let group = 5
        let days = desk.metrics.daily().suffix(max(1, (width - 6) / group))
        // Without colour the two series differ by glyph; the legend shows which is which.
        let fills: [String]? = m.colors && !m.ascii ? nil : (m.ascii ? ["=", "#"] : ["░", "█"])
        let spendGlyph = fills?[0] ?? "█", revenueGlyph = fills?[1] ?? "█"
        var lx = buf.write("Daily net spend ", x: x, y: y, style: .bold)
        lx = buf.write(spendGlyph, x: lx, y: y, style: .bad)
        lx = buf.write(" vs revenue ", x: lx, y: y, style: .bold)
        buf.write(revenueGlyph, x: lx, y: y, style: .good)
        if days.isEmpty {
            buf.write("no days recorded yet", x: x, y: y + 2, style: .dim)
            return
        }
        let chartH = height - 6
        let labelX = x + days.count * group
        Widgets.barChart(&buf, x: x, y: y + 1, height: chartH, groups: days.map { [$0.counters.netSpend.cents, $0.counters.revenue.cents] },
                         styles: [.bad, .good], groupWidth: group, ascii: m.ascii, fills: fills)
        let rowsY = y + 1 + chartH
        for (label, dy) in [("day", 0), ("ROI %", 1), ("ROAS", 2), ("CPA $", 3), ("refund $", 4)] {
            buf.write(label, x: labelX, y: rowsY + dy, style: .dim)
        }
        for (i, d) in days.enumerated() {
            let cx = x + i * group
            let (_, _, dd) = Timestamp.civil(fromDays: d.day)
            let mr = MetricsRow(d.counters)
            buf.put(dd < 10 ? "0\(dd)" : "\(dd)", x: cx, y: rowsY, width: group - 1, style: .dim)
            let roi = mr.roi.map { r in r >= 9.99 ? "+999" : (r <= -0.995 ? "-99" : "\(r >= 0 ? "+" : "")\(Int((r * 100).rounded()))") } ?? "-"
            buf.put(roi, x: cx, y: rowsY + 1, width: group - 1, style: Fmt.roiStyle(mr.roi), right: true)
            let roas = mr.roas.map { v -> String in
                let t = v >= 10 ? 100 : Int((v * 10).rounded())
                return t >= 100 ? "10+" : "\(t / 10).\(t % 10)"
            } ?? "-"
            buf.put(roas, x: cx, y: rowsY + 2, width: group - 1, right: true)
            buf.put(mr.cpa.map(shortDollars) ?? "-", x: cx, y: rowsY + 3, width: group - 1, right: true)
            buf.put(shortDollars(d.counters.refunds), x: cx, y: rowsY + 4, width: group - 1, right: true)
        }
    }

    /// Whole dollars in four columns: "820", "1.5k", "12k", "3M".
    static func shortDollars(_ m: Money) -> String {
        let d = m.cents / 100
        if d < 1000 { return "\(d)" }
        if d < 10_000 { return "\(d / 1000).\(d % 1000 / 100)k" }
        return d < 1_000_000 ? "\(d / 1000)k" : "\(d / 1_000_000)M"
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

    static func ranked(_ desk: Desk) -> ([Row], [Row]) {
        let names = Dictionary(desk.catalog.sources.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = desk.metrics.table(.source, window: .all).filter { $0.value.bought >= 30 && MetricsRow($0.value).roi != nil }
            .map { Row(label: "\($0.key.value) \(names[$0.key.value] ?? "")", counters: $0.value) }
            .sorted { MetricsRow($0.counters).roi! > MetricsRow($1.counters).roi! }
        return (Array(rows.prefix(5)), Array(rows.suffix(5).reversed()))
    }

    /// A small table: label, bought, CPL, conversion, CPA, ROI. Returns the next free row.
    static func table(_ buf: inout Buffer, title: String, rows: [Row], x: Int, y: Int, width: Int) -> Int {
        buf.write(title, x: x, y: y, style: .bold, maxWidth: width)
        var heads = [("bought", 6), ("CPL", 7), ("conv", 5), ("CPA", 7), ("ROI", 7)]
        if width - 37 < 12 { heads.remove(at: 3) }
        let labelW = width - heads.reduce(0) { $0 + $1.1 + 1 } - 1
        var cx = x + labelW + 1
        for (h, w) in heads {
            buf.put(h, x: cx, y: y + 1, width: w, style: Style(bold: true, underline: true), right: true)
            cx += w + 1
        }
        var row = y + 2
        if rows.isEmpty { buf.write("no leads yet", x: x, y: row, style: .dim); return row + 1 }
        for r in rows {
            let m = MetricsRow(r.counters)
            buf.put(r.label, x: x, y: row, width: labelW)
            var cells: [(String, Style)] = [("\(r.counters.bought)", .plain), (Fmt.money(m.cpl), .plain), (m.conversionRate.percentText, .plain),
                                            (Fmt.whole(m.cpa), .plain), (Fmt.roi(m.roi), Fmt.roiStyle(m.roi))]
            if heads.count == 4 { cells.remove(at: 3) }
            var cx = x + labelW + 1
            for ((text, style), (_, w)) in zip(cells, heads) {
                buf.put(text, x: cx, y: row, width: w, style: style, right: true)
                cx += w + 1
            }
            row += 1
        }
        return row
    }
}
