import LeadDeckCore

/// Screen 1: one row per source (sub-IDs when expanded), sortable and filterable.
enum SourcesScreen {
    struct Column {
        var title: String
        var sort: SortColumn?
        var width: Int
        var right: Bool
        /// Lower numbers are dropped first when the terminal is narrow.
        var keep: Int
    }

    static let columns: [Column] = [
        Column(title: "pri", sort: .priority, width: 3, right: true, keep: 9),
        Column(title: "st", sort: .status, width: 3, right: false, keep: 9),
        Column(title: "source", sort: .name, width: 0, right: false, keep: 10),
        Column(title: "vertical", sort: .vertical, width: 8, right: false, keep: 5),
        Column(title: "channel", sort: .channel, width: 8, right: false, keep: 3),
        Column(title: "mode", sort: .mode, width: 10, right: false, keep: 9),
        Column(title: "today", sort: .today, width: 5, right: true, keep: 8),
        Column(title: "spend", sort: .spend, width: 9, right: true, keep: 1),
        Column(title: "CPL", sort: .cpl, width: 7, right: true, keep: 8),
        Column(title: "cont", sort: .contact, width: 6, right: true, keep: 4),
        Column(title: "conv", sort: .conv, width: 5, right: true, keep: 7),
        Column(title: "CPA", sort: .cpa, width: 7, right: true, keep: 6),
        Column(title: "ROI", sort: .roi, width: 7, right: true, keep: 8),
        Column(title: "ret", sort: .returns, width: 5, right: true, keep: 5),
        Column(title: "offers", sort: nil, width: 8, right: false, keep: 2),
    ]

    /// The sort columns shown at `width`, in screen order (`s` cycles through these only).
    static func visibleSorts(width: Int) -> [SortColumn] { layout(width: width).compactMap(\.sort) }

    /// The columns that fit `width`, with the source column taking what is left (at least 20).
    static func layout(width: Int) -> [Column] {
        var cols = columns
        func fixed() -> Int { cols.reduce(0) { $0 + $1.width + 1 } }
        while width - fixed() < 21, let drop = cols.enumerated().filter({ $0.element.width > 0 }).min(by: { $0.element.keep < $1.element.keep }) {
            cols.remove(at: drop.offset)
        }
        if let i = cols.firstIndex(where: { $0.width == 0 }) { cols[i].width = min(40, width - fixed() - 1) }
        return cols
    }

    static func draw(_ buf: inout Buffer, _ m: AppModel, desk: Desk) {
        let rows = m.sourceRows(desk)
        let sources = rows.filter { $0.key.subID == nil }.count
        var fields = ["\(sources) of \(desk.catalog.sources.count) sources"]
        if !m.filter.isEmpty { fields.append("filter: \(m.filter)") }
        fields += ["sort: \(m.sort.rawValue) \(m.descending ? "↓" : "↑") (s/S)", "metrics: \(m.windowLabel) (w)", "→ sub-IDs"]
        buf.writeFields(fields, x: 1, y: 2, limit: m.width - 12)
        let cols = layout(width: m.width)
        var x = 1
        for c in cols {
            // The title is never cut for the sort arrow: the arrow takes its own cell, in the one-cell gap
            // beside the column when the title fills it.
            let sorted = c.sort == m.sort
            let title = String(c.title.prefix(c.width))
            buf.put(title, x: x, y: 3, width: c.width, style: sorted ? Style(fg: .cyan, bold: true, underline: true) : Style(bold: true, underline: true), right: c.right)
            if sorted {
                // Into the column's own padding when there is some, else into the gap on its padded side.
                let arrowX = c.right ? x + c.width - title.count - 1 : (title.count < c.width ? x + title.count : x - 1)
                buf.put(m.descending ? (m.ascii ? "v" : "↓") : (m.ascii ? "^" : "↑"), x: arrowX, y: 3, width: 1, style: Style(fg: .cyan, bold: true))
            }
            x += c.width + 1
        }
        if rows.isEmpty {
            buf.write(m.filter.isEmpty ? "no sources in the catalog" : "no source matches the filter \"\(m.filter)\" (Esc clears it)", x: 2, y: 5, style: .warn)
            return
        }
        let selected = m.selectedIndex(rows)
        let top = AppModel.scroll(top: m.top, selected: selected, visible: m.tableHeight, count: rows.count)
        for (i, row) in rows[top..<min(rows.count, top + m.tableHeight)].enumerated() {
            let y = 4 + i
            drawRow(&buf, row, cols: cols, y: y, ascii: m.ascii)
            if top + i == selected { buf.restyle(x: 0, y: y, width: m.width) { $0.reverse = true } }
        }
        if rows.count > m.tableHeight {
            buf.write("\(selected + 1)/\(rows.count)", x: m.width - 10, y: 2, style: .dim)
        }
    }

    static func drawRow(_ buf: inout Buffer, _ r: SourceRow, cols: [Column], y: Int, ascii: Bool) {
        let m = MetricsRow(r.counters)
        let isSub = r.key.subID != nil
        let base: Style = r.blocked || r.sourceBlocked ? .dim : .plain
        var x = 1
        for c in cols {
            var style = base
            let text: String
            switch c.title {
            case "pri": text = isSub ? "" : "\(r.priority)"; if r.priority == 1 && !isSub { style = Style(fg: .cyan, bold: true) }
            case "st":
                if r.blocked { text = "BLK"; style = Style(fg: .red, bold: true) }
                else if r.sourceBlocked { text = "src"; style = .dim }  // a sub-ID whose source is blocked
                else if r.blockedSubs > 0 { text = "sub"; style = .warn }  // a source with blocked sub-IDs
                else { text = "ok"; style = .good }
            case "source":
                if let sub = r.key.subID {
                    text = (ascii ? "  `- " : "  └ ") + "\(sub) \(r.name)"
                } else if r.outsideFilter {
                    // Just changed, no longer matching the filter: kept until the selection moves.
                    text = (ascii ? "!" : "∉") + "\(r.key.source) \(r.name)"
                    style = .warn
                } else {
                    text = "\(r.subCount > 0 ? "" : " ")\(r.key.source) \(r.name)"
                }
            case "vertical": text = isSub ? "" : r.vertical.rawValue
            case "channel": text = isSub ? "" : r.channel.short
            case "mode": text = isSub ? "" : r.modeInForce.rawValue + (r.mode == .inherit ? "" : "*")
                if r.modeInForce == .exclusive && !isSub { style = Style(fg: .magenta) }
            case "today": text = "\(r.boughtToday)"
            case "spend": text = Fmt.whole(r.counters.spend)
            case "CPL": text = Fmt.money(m.cpl)
            case "cont": text = m.contactRate.percentText
            case "conv": text = m.conversionRate.percentText
            case "CPA": text = Fmt.whole(m.cpa)
            case "ROI": text = Fmt.roi(m.roi); if !r.blocked { style = Fmt.roiStyle(m.roi) }
            case "ret": text = m.returnRate.percentText
                if let v = m.returnRate.value, v > 0.2, !r.blocked { style = .warn }
            default: text = r.volume.isEmpty ? "" : Widgets.sparkline(r.volume.suffix(c.width).map { $0 }, ascii: ascii)
                style = .accent
            }
            buf.put(text, x: x, y: y, width: c.width, style: style, right: c.right)
            x += c.width + 1
        }
    }
}
