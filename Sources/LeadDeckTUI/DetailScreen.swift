import LeadDeckCore

/// Screen 4: everything about one source: metrics with counts and intervals, its funnel, what shared and
/// exclusive have each earned (with a recommendation only when the data supports one), sub-IDs, why it makes
/// or loses money (daily trend, returns by reason, results by state and by hour; `DetailSections.swift`),
/// recent leads and the history of changes.
enum DetailScreen {
    typealias Line = [(String, Style)]

    /// Draws the screen into the body of `layout`: two fixed lines, then the scrolling lines; returns where the
    /// view stands when they do not all fit.
    static func render(_ m: AppModel, desk: Desk, feed: LiveFeed, layout: Layout, into buf: inout Buffer) -> ScrollSpan? {
        guard let id = m.detailSource, let source = desk.catalog.source(id) else {
            buf.write("no source selected: pick one on the Sources screen and press Enter", x: layout.body.x + 2, y: layout.body.y + 1, style: .dim)
            return nil
        }
        let all = content(source, m: m, desk: desk, feed: feed)
        // The source's name and settings stay at the top; the rest scrolls.
        let fixed = Array(all.prefix(2)), lines = Array(all.dropFirst(2))
        func draw(_ line: Line, in row: Rect) {
            let area = row.inset(left: 1, right: 1)
            buf.clipped(to: area) { buf in
                var x = area.x
                for (text, style) in line { x = buf.write(text, x: x, y: area.y, style: style) }
            }
        }
        for (line, row) in zip(fixed, [layout.info, layout.columnHeader]) { draw(line, in: row) }
        let visible = layout.visibleTableRows
        let start = min(m.detailScroll, max(0, lines.count - visible))
        for (i, line) in lines.dropFirst(start).prefix(visible).enumerated() { draw(line, in: layout.tableRows.row(i)) }
        return lines.count > visible ? ScrollSpan(first: start + 1, last: min(lines.count, start + visible), total: lines.count) : nil
    }

    /// Lines of the scrolling part (all but the two fixed lines), counted without drawing.
    static func scrollingLineCount(_ m: AppModel, desk: Desk, feed: LiveFeed) -> Int {
        guard let id = m.detailSource, let source = desk.catalog.source(id) else { return 0 }
        return max(0, content(source, m: m, desk: desk, feed: feed).count - 2)
    }

    static func content(_ s: Source, m: AppModel, desk: Desk, feed: LiveFeed) -> [Line] {
        let st = desk.policy.settings(for: s.id)
        let inForce = st.mode.resolved(global: desk.policy.globalMode)
        var out: [Line] = []
        out.append([("\(s.id) ", .title), (s.name, .bold), ("  \(s.vertical.label) · \(s.channel.short)", .dim)])
        let status = SourceStatus(st, subIDs: s.subIDs)
        let blockedSubs = s.subIDs.filter { st.blockedSubIDs.contains($0.id) }.count
        let statusText = status == .partial ? "partial (\(blockedSubs) of \(s.subIDs.count) sub-IDs blocked)" : status.rawValue
        out.append([("status ", .dim), (statusText, status == .blocked ? Style(fg: .red, bold: true) : (status == .partial ? .warn : .good)),
                    ("   priority ", .dim), ("\(st.priority)", .bold), (" (spends up to \(desk.policy.share(forTier: st.priority))% of budget and caps)", .dim),
                    ("   mode ", .dim), (inForce.rawValue, .bold), (st.mode == .inherit ? " (global)" : " (own setting)", .dim),
                    (st.dailyCap.map { "   daily cap \($0)" } ?? "", .dim)])
        // Metrics: last hour (when there is room), today, all time.
        let windows = metricWindows(m), colW = metricColumnWidth(m)
        let key = MetricKey(.source, s.id)
        let cs = windows.map { desk.metrics.table(.source, window: $0)[key] ?? Counters() }
        let ms = cs.map(MetricsRow.init)
        let titles = windows.map(windowTitle)
        out.append([("metric".padding(21), Style(bold: true, underline: true))] + titles.map { ($0.leftPad(colW), Style(bold: true, underline: true)) })
        func row(_ label: String, _ f: (Counters, MetricsRow) -> String) {
            out.append([(label.padding(21), .dim)] + zip(cs, ms).map { (f($0, $1).leftPad(colW), .plain) })
        }
        row("offered") { c, _ in Fmt.count(c.offered) }
        row("bought sh / ex") { c, _ in "\(Fmt.count(c.boughtShared)) / \(Fmt.count(c.boughtExclusive))" }
        for r in RejectReason.allCases where cs.contains(where: { $0.rejected[r] > 0 }) {
            row("  rejected \(r.rawValue)") { c, _ in Fmt.count(c.rejected[r]) }
        }
        row("spend / refunds") { c, _ in "\(Fmt.whole(c.spend)) / \(Fmt.whole(c.refunds))" }
        row("CPL / eff. CPL") { _, m in "\(Fmt.money(m.cpl)) / \(Fmt.money(m.effectiveCPL))" }
        row("contact rate") { _, m in m.contactRate.detailText }
        row("conversion") { _, m in m.conversionRate.detailText }
        row("return rate") { _, m in m.returnRate.detailText }
        row("CPA") { _, m in Fmt.whole(m.cpa) }
        row("revenue") { c, _ in Fmt.whole(c.revenue) }
        row("ROI / ROAS") { _, m in "\(Fmt.roi(m.roi)) / \(m.roas.map(formatRatio) ?? "-")" }
        out.append([])
        out += funnel(s.id, m: m, desk: desk)
        out.append([])

        // What-if: shared vs exclusive as measured.
        out.append([("What if: shared vs exclusive, as measured on this source (all time)", .bold)])
        for e in Advisor.economics(source: s.id, metrics: desk.metrics) {
            let mr = MetricsRow(e.counters)
            let value = e.valueRange.map { "profit per lead \(money($0.low)) to \(money($0.high)) (95%)" }
                ?? (e.counters.bought == 0 ? "not bought yet" : "no sales yet: profit per lead unknown")
            let head: Line = [("  \(e.mode.rawValue.padding(10))", e.mode == inForce ? .bold : .plain),
                              ("n=\(e.counters.bought)".padding(8), .dim), ("CPL \(Fmt.money(mr.cpl))".padding(14), .plain),
                              ("conv \(mr.conversionRate.detailText)".padding(32), .plain)]
            if m.width >= 110 {
                out.append(head + [(value, .plain)])
            } else {
                out.append(head)
                out.append([(String(repeating: " ", count: 12) + value, .plain)])
            }
        }
        let advice = Advisor.advise(source: s.id, desk: desk)
        let adviceStyle: Style = { if case .none = advice { return .dim } else { return Style(fg: .yellow, bold: true) } }()
        let lead = "  → \(advice.headline): "
        for (i, part) in wrap(advice.reason, width: max(20, m.width - 4 - Sanitizer.width(lead))).enumerated() {
            out.append([(i == 0 ? lead : String(repeating: " ", count: Sanitizer.width(lead)), adviceStyle), (part, .plain)])
        }
        out.append([])

        // Sub-IDs.
        out.append([("Sub-IDs (all time)", .bold)])
        let subs = desk.metrics.table(.subid, window: .all)
        for sub in s.subIDs {
            let c = subs[MetricKey(.subid, "\(s.id)/\(sub.id)")] ?? Counters()
            let mr = MetricsRow(c)
            let blocked = st.isBlocked(subID: sub.id)
            out.append([("  \(sub.id.padding(6))", blocked ? Style(fg: .red) : .plain), (sub.name.padding(16), .dim),
                        (SourceStatus.of(subID: sub.id, st).rawValue.padding(8), blocked ? .bad : .good),
                        ("bought \(Fmt.count(c.bought))".padding(12), .plain), ("CPL \(Fmt.money(mr.cpl))".padding(14), .plain),
                        ("ROI \(Fmt.roi(mr.roi))".padding(13), Evidence.isEnough(c) ? Fmt.roiStyle(mr.roi) : .dim), ("conv \(mr.conversionRate.detailText)", .plain)])
        }
        out.append([])

        // Why it makes or loses money.
        let breakdown = desk.metrics.breakdowns[s.id], since = sinceText(desk)
        for section in [dailyTrend(s.id, m: m, desk: desk), returnsByReason(breakdown, since: since, m: m),
                        byState(breakdown, since: since, m: m), byHour(breakdown, since: since, m: m)] {
            out += section
            out.append([])
        }

        // Recent leads from the live feed.
        out.append([("Recent leads", .bold)])
        let recent = feed.items.lazy.filter { $0.sourceID == s.id }.prefix(8)
        if recent.isEmpty { out.append([("  none since the dashboard opened", .dim)]) }
        for i in recent {
            out.append([("  \(desk.policy.clock.formatTime(i.time))  ", .dim), ("\(i.leadID.padding(9))\(i.subID.padding(6))\(i.state.padding(3))", .plain),
                        ("\(i.saleType.rawValue.padding(10))\(i.price.formatted.padding(10))", .plain),
                        (i.decision.map { $0.isBought ? "BOUGHT" : $0.label } ?? "outcome", i.decision?.isBought == true ? .good : .dim),
                        (i.outcome.map { "  \($0)" } ?? "", .plain)])
        }
        out.append([])

        // History of changes.
        out.append([("Changes to this source (market time, who, what; made at wall-clock time)", .bold)])
        let changes = desk.recentChanges.filter { $0.change.source == s.id }.suffix(10).reversed()
        if changes.isEmpty { out.append([("  none recorded", .dim)]) }
        for c in changes {
            // The market's clock, like every other time on screen; the wall-clock time it was made comes last.
            out.append([("  \(desk.policy.clock.format(c.effectiveTime))  ", .dim), (c.actor.padding(12), .accent),
                        (c.change.summary, .plain), ("  made \(desk.policy.clock.format(c.time)) wall clock", .dim)])
        }
        return out
    }

    /// The windows of the metric table and the funnel: last hour (when there is room), today, all time.
    static func metricWindows(_ m: AppModel) -> [Window] { m.width >= 100 ? [.hour, .today, .all] : [.today, .all] }

    /// The width of each window's column in the metric table and the funnel (after a 21-column label).
    static func metricColumnWidth(_ m: AppModel) -> Int { min(26, (m.width - 22) / metricWindows(m).count) }

    static func windowTitle(_ w: Window) -> String { w == .hour ? "last hour" : (w == .today ? "today" : "all time") }

    /// Splits text at spaces into lines of at most `width` columns.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && Sanitizer.width(current) + 1 + Sanitizer.width(String(word)) > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    static func money(_ cents: Double) -> String { Money(cents: Int64(saturating: cents.rounded())).formatted }
}

extension String {
    /// Right-aligned in `n` columns, as a table cell after another: text as wide as the column or wider gets one
    /// space before it all the same (the row runs a column longer), so it never reads as part of the cell before.
    func leftPad(_ n: Int) -> String {
        let w = Sanitizer.width(self)
        return w >= n ? (isEmpty ? self : " " + self) : String(repeating: " ", count: n - w) + self
    }
}
