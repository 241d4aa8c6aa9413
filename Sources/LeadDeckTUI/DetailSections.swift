import LeadDeckCore

/// The detail screen's sections that say why a source makes or loses money: its funnel, its daily trend,
/// its returns by reason, and its results by state and by hour of day. Each builds the lines it shows, so
/// the screen scrolls them like the rest and tests read them as text.
extension DetailScreen {
    /// The funnel offered → bought → contacted → sold over the metric table's windows: counts, and each step
    /// as a share of the step before (dim when that step rests on fewer than `Evidence.minLeads`).
    static func funnel(_ id: String, m: AppModel, desk: Desk) -> [Line] {
        let windows = metricWindows(m), colW = metricColumnWidth(m)
        let key = MetricKey(.source, id)
        let cs = windows.map { desk.metrics.table(.source, window: $0)[key] ?? Counters() }
        let head = Style(bold: true, underline: true)
        var out = header("Funnel", note: "step % = share of the step before (bought of offered: the win rate)", m: m)
        out.append([("step".padding(21), head)] + windows.flatMap { [(windowTitle($0).leftPad(colW - 8), head), ("step %".leftPad(8), head)] })
        let steps: [(String, (Counters) -> Int64)] = [("offered", \.offered), ("→ bought", \.bought), ("→ contacted", \.contacted), ("→ sold", \.converted)]
        for (i, step) in steps.enumerated() {
            var line: Line = [(("  " + step.0).padding(21), .dim)]
            for c in cs {
                let n = step.1(c)
                line.append((Fmt.count(n).leftPad(colW - 8), .plain))
                guard i > 0 else { line.append(("".leftPad(8), .plain)); continue }
                let before = steps[i - 1].1(c)
                line.append((Rate(n, of: before).percentText.leftPad(8), before >= Evidence.minLeads ? .plain : .dim))
            }
            out.append(line)
        }
        return out
    }

    /// Daily net spend and revenue of the source over the days kept (as many as fit), on a dollar axis, with
    /// each day's ROI and leads bought.
    static func dailyTrend(_ id: String, m: AppModel, desk: Desk) -> [Line] {
        let chart = DailyChart(title: "Daily trend", days: desk.metrics.daily(MetricKey(.source, id)),
                               figures: [.roi, .bought], barRows: 6, ascii: m.ascii)
        var paper = Buffer(width: max(0, m.width - 2), height: chart.height)
        chart.draw(&paper, in: paper.area)
        return lines(of: paper)
    }

    /// Returns by reason, most frequent first: count, share of the source's returns, refunded dollars.
    static func returnsByReason(_ b: SourceBreakdowns.Breakdown, since: String, m: AppModel) -> [Line] {
        let total = b.returns.values.reduce(Int64(0)) { $0 + $1.count }
        let refunded = b.returns.values.reduce(Money.zero) { $0 + $1.refunded }
        let bought = b.hours.reduce(Int64(0)) { $0 + $1.bought }
        var out = header("Returns by reason", note: "\(since): \(Fmt.count(total)) returned of \(Fmt.count(bought)) bought "
            + "(\(Rate(total, of: bought).percentText)), \(refunded.formattedWhole) refunded", m: m)
        guard total > 0 else {
            out.append([("  no returns yet", .dim)])
            return out
        }
        let reasonW = max(16, min(40, m.width - 2 - 2 - 27))
        out.append([("  " + "reason".padding(reasonW) + "returns".leftPad(8) + "share".leftPad(8) + "refunded".leftPad(11), Style(bold: true, underline: true))])
        let rows = b.returns.sorted { ($0.value.count, $0.value.refunded, $1.key) > ($1.value.count, $1.value.refunded, $0.key) }
        for (reason, t) in rows {
            // Reasons are free text from disposition files: cleaned and cut to their column.
            out.append([("  " + Sanitizer.fit(reason, reasonW - 1) + " ", .plain), (Fmt.count(t.count).leftPad(8), .plain),
                        (Rate(t.count, of: total).percentText.leftPad(8), .plain), (t.refunded.formattedWhole.leftPad(11), .plain)])
        }
        return out
    }

    /// States kept on the "By state" table: the top by spend.
    static let statesShown = 10

    /// Results by the consumer's state, the top `statesShown` by spend: offered, bought, spend, CPL, sold and
    /// ROI, the ratios dim on fewer than `Evidence.minLeads` leads bought.
    static func byState(_ b: SourceBreakdowns.Breakdown, since: String, m: AppModel) -> [Line] {
        var out = header("By state", note: "\(since), top \(statesShown) by spend; outcomes count in their lead's state", m: m)
        let rows = b.states.filter { $0.value.offered > 0 || $0.value.bought > 0 }
            .sorted { ($0.value.spend, $0.value.bought, $1.key) > ($1.value.spend, $1.value.bought, $0.key) }
        guard !rows.isEmpty else {
            out.append([("  no offers yet", .dim)])
            return out
        }
        let widths = [9, 9, 9, 12, 10, 7, 10]
        let titles = ["state", "offered", "bought", "spend", "CPL", "sold", "ROI"]
        out.append([("  " + zip(titles, widths).enumerated().map { $0.offset == 0 ? $0.element.0.padding($0.element.1) : $0.element.0.leftPad($0.element.1) }.joined(),
                     Style(bold: true, underline: true))])
        for (state, t) in rows.prefix(statesShown) {
            let c = t.counters, mr = MetricsRow(c)
            let enough = Evidence.isEnough(c)
            out.append([("  " + Sanitizer.fit(state, widths[0] - 1) + " ", .plain), (Fmt.count(t.offered).leftPad(widths[1]), .plain),
                        (Fmt.count(t.bought).leftPad(widths[2]), .plain), (t.spend.formattedWhole.leftPad(widths[3]), .plain),
                        (Fmt.money(mr.cpl).leftPad(widths[4]), enough ? .plain : .dim), (Fmt.count(t.sold).leftPad(widths[5]), enough ? .plain : .dim),
                        (Fmt.roi(mr.roi).leftPad(widths[6]), enough ? Fmt.roiStyle(mr.roi) : .dim)])
        }
        let rest = rows.dropFirst(statesShown)
        if !rest.isEmpty {
            let bought = rest.reduce(Int64(0)) { $0 + $1.value.bought }, spend = rest.reduce(Money.zero) { $0 + $1.value.spend }
            out.append([("  and \(rest.count) more: \(Fmt.count(bought)) bought, \(spend.formattedWhole) spend", .dim)])
        }
        if b.withoutState > 0 {
            out.append([("  \(Fmt.count(b.withoutState)) outcomes of leads bought before states were kept with leads are in no state", .dim)])
        }
        return out
    }

    /// Results by the buyer's local hour of day: leads bought (bars and counts), conversion and ROAS per hour,
    /// in 24 columns of five (two rows of 12 below 131 columns), so every figure keeps four characters.
    static func byHour(_ b: SourceBreakdowns.Breakdown, since: String, m: AppModel) -> [Line] {
        var out = header("By hour of day", note: "\(since), buyer's clock; outcomes count in their lead's hour", m: m)
        let cell = 5, labelW = 9
        let perRow = labelW + 24 * cell <= m.width - 2 ? 24 : 12
        let bars = Array(Widgets.sparkline(b.hours.map(\.bought), ascii: m.ascii))
        for first in stride(from: 0, to: 24, by: perRow) {
            let hours = first..<(first + perRow)
            func row(_ label: String, _ value: (Int) -> (String, Style)) {
                out.append([(("  " + label).padding(labelW), .dim)] + hours.map { h in
                    let (text, style) = value(h)
                    return (text.leftPad(cell), style)
                })
            }
            row("hour") { h in (h < 10 ? "0\(h)" : "\(h)", .dim) }
            row("") { h in (String(repeating: String(bars[h]), count: cell - 2), .accent) }
            row("bought") { h in (DailyChart.shortCount(b.hours[h].bought, width: cell - 1), .plain) }
            row("conv %") { h in
                let t = b.hours[h]
                let text = Rate(t.sold, of: t.bought).value.map { Self.short($0 * 100) } ?? "-"
                return (text, t.bought >= Evidence.minLeads ? .plain : .dim)
            }
            row("ROAS") { h in
                let c = b.hours[h].counters
                let roas = MetricsRow(c).roas
                return (roas.map(Self.short) ?? "-", Evidence.isEnough(c) ? Fmt.roiStyle(roas.map { $0 - 1 }) : .dim)
            }
        }
        let legend = "conv = sales / leads bought; ROAS = revenue / net spend, under 1.0 loses money; dim: fewer than \(Evidence.minLeads) leads"
        out += wrap(legend, width: m.width - 4).map { [("  " + $0, .dim)] }
        return out
    }

    /// A section's title in bold and a note after it, dim; the note goes on lines of its own (indented) when
    /// both do not fit the width, so nothing is cut at 80 columns.
    static func header(_ title: String, note: String, m: AppModel) -> [Line] {
        let room = m.width - 2
        if Sanitizer.width(title) + 2 + Sanitizer.width(note) <= room { return [[(title, .bold), ("  " + note, .dim)]] }
        return [[(title, .bold)]] + wrap(note, width: room - 2).map { [("  " + $0, .dim)] }
    }

    /// A non-negative figure in four columns: "0.8", "12.5", "250", "9999", "10k+".
    static func short(_ v: Double) -> String {
        guard v.isFinite else { return "-" }
        if v < 99.95 {
            let tenths = Int((max(0, v) * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }
        return v < 9999.5 ? "\(Int(v.rounded()))" : "10k+"
    }

    /// "all time", or "since 2026-11-02 14:05" when the breakdowns started after the history (a checkpoint
    /// from before they were kept).
    static func sinceText(_ desk: Desk) -> String {
        desk.metrics.breakdowns.countedSince.map { "since \(desk.policy.clock.format($0))" } ?? "all time"
    }

    /// The rows of a drawn buffer as lines: runs of cells with the same style, trailing blanks left out.
    static func lines(of buf: Buffer) -> [Line] {
        (0..<buf.height).map { y in
            var line: Line = []
            let end = ((0..<buf.width).last { buf[$0, y].text != " " } ?? -1) + 1
            for x in 0..<end {
                let c = buf[x, y]
                if let last = line.last, last.1 == c.style {
                    line[line.count - 1].0 += c.text
                } else {
                    line.append((c.text, c.style))
                }
            }
            return line
        }
    }
}
