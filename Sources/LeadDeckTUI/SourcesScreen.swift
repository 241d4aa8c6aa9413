import LeadDeckCore

/// Screen 1: one row per source (sub-IDs when expanded), sortable and filterable.
enum SourcesScreen {
    /// Every column, in screen order, with its title, width and `keep` (lower is dropped first when the
    /// terminal is narrow). The source column has width 0: it takes what is left.
    static let columns: [TableColumn<SourceColumnID>] = [
        TableColumn(.priority, "pri", width: 3, alignRight: true, keep: 9),
        TableColumn(.status, "st", width: 3, keep: 9),
        TableColumn(.name, "source", width: 0, keep: 10),
        TableColumn(.vertical, "vertical", width: 8, keep: 5),
        TableColumn(.channel, "channel", width: 8, keep: 3),
        TableColumn(.mode, "mode", width: 10, keep: 9),
        TableColumn(.today, "today", width: 5, alignRight: true, keep: 8),
        TableColumn(.spend, "spend", width: 9, alignRight: true, keep: 1),
        TableColumn(.cpl, "CPL", width: 7, alignRight: true, keep: 8),
        TableColumn(.contact, "cont", width: 6, alignRight: true, keep: 4),
        TableColumn(.conv, "conv", width: 5, alignRight: true, keep: 7),
        TableColumn(.cpa, "CPA", width: 7, alignRight: true, keep: 6),
        TableColumn(.roi, "ROI", width: 7, alignRight: true, keep: 8),
        TableColumn(.profit, "profit", width: 9, alignRight: true, keep: 6),
        TableColumn(.revenue, "revenue", width: 9, alignRight: true, keep: 1),
        TableColumn(.returns, "ret", width: 5, alignRight: true, keep: 5),
        TableColumn(.bidRate, "bid", width: 5, alignRight: true, keep: 1),
        TableColumn(.winRate, "win", width: 5, alignRight: true, keep: 1),
        TableColumn(.offers, "offers", width: 8, keep: 2),
    ]

    /// What each column shows, for the help and the column setup screen.
    static let columnHelp: [SourceColumnID: String] = [
        .priority: "priority tier, 1 (highest) to 5",
        .status: "status code (see below)",
        .name: "source id and name; under it, its sub-IDs when expanded (→)",
        .vertical: "what the leads are for",
        .channel: "how the source produces leads",
        .mode: "purchase mode in force: shared or exclusive",
        .today: "leads bought today (buyer's local day)",
        .spend: "dollars spent on leads bought",
        .cpl: "cost per lead: spend / leads bought",
        .contact: "contact rate: leads reached / leads bought",
        .conv: "conversion: sales / leads bought",
        .cpa: "cost per sale: (spend - refunds) / sales",
        .roi: "(revenue - (spend - refunds)) / (spend - refunds)",
        .returns: "return rate: leads returned / leads bought",
        .offers: "offers per 5 minutes over the last 2 hours, each row scaled to its own peak",
        .profit: "dollars made: revenue - (spend - refunds)",
        .revenue: "revenue from sales",
        .bidRate: "bid rate: pings bid on / pings (leads an exchange pings, `leaddeck serve`)",
        .winRate: "win rate: posts bought / bids",
    ]

    /// The sort columns shown in `layout`, in screen order (`s` cycles through these only).
    static func visibleSorts(in layout: Layout, setup: ColumnSetup = .default) -> [SortColumn] {
        visibleColumns(in: layout.columnHeader, setup: setup).map(\.id).filter(\.isSortable)
    }

    /// The sort columns shown at `width` (the height does not change them).
    static func visibleSorts(width: Int) -> [SortColumn] { visibleSorts(in: Layout(width: width, height: Layout.minHeight)) }

    /// The columns that fit the table's row `area`, placed from one cell in: the source column takes what is
    /// left (at least 20). Drawing and hit-testing both use this.
    static func visibleColumns(in area: Rect, setup: ColumnSetup = .default) -> [TableColumn<SourceColumnID>] {
        let width = area.width
        var cols = setup.order.compactMap { id in setup.hidden.contains(id) ? nil : columns.first { $0.id == id } }
        func fixed() -> Int { cols.reduce(0) { $0 + $1.width + 1 } }
        while width - fixed() < 21, let drop = cols.enumerated().filter({ $0.element.width > 0 }).min(by: { $0.element.keep < $1.element.keep }) {
            cols.remove(at: drop.offset)
        }
        if let i = cols.firstIndex(where: { $0.width == 0 }) { cols[i].width = min(40, width - fixed() - 1) }
        return TableColumns.place(cols, from: area.x + 1)
    }

    /// Draws the screen into the body area of `layout`.
    static func render(_ m: AppModel, desk: Desk, layout: Layout, into buf: inout Buffer) {
        render(m, listing: m.sourceListing(desk), catalogCount: desk.catalog.sources.count, layout: layout, into: &buf)
    }

    /// Draws the screen from `listing`, completing only the rows on screen.
    static func render(_ m: AppModel, listing: SourceListing, catalogCount: Int, layout: Layout, into buf: inout Buffer) {
        let rows = listing.keys
        let sources = listing.sourceCount()
        var fields = ["\(sources) of \(catalogCount) sources"]
        let filter = m.shownFilter
        if !filter.isEmpty { fields.append("filter: \(filter)") }
        fields += ["sort: \(m.sort.rawValue) \(m.descending ? "↓" : "↑") (s/S)",
                   "metrics: \(m.windowLabel)\(m.matureOnly ? ", mature leads only" : "") (w, a)"]
        if m.orderFrozen { fields.append("order frozen (Z)") } else if m.heldOrder != nil { fields.append("order held while you move") }
        switch (listing.anyMaturing, listing.anyReturnsMaturing) {
        case (true, true): fields.append("~ sales, returns still coming in")
        case (true, false): fields.append("~ sales still coming in")
        case (false, true): fields.append("~ returns still coming in (10 days)")
        case (false, false): break
        }
        if !listing.anyBought {
            fields.append(m.matureOnly ? "no mature leads in this window yet" : "no leads bought in this window")
        } else if listing.anyWithoutEvidence {
            fields.append("dim: under \(Evidence.minLeads) leads")
        }
        fields.append("→ sub-IDs")
        let info = layout.info
        buf.writeFields(fields, in: info.inset(left: 1, right: 12))
        let cols = visibleColumns(in: layout.columnHeader, setup: m.columnSetup)
        drawTitles(&buf, cols, m, y: layout.columnHeader.y)
        let area = layout.tableRows
        if rows.isEmpty {
            let why: String
            if filter.isEmpty { why = "no sources in the catalog" }
            else if case .failure(let e) = RowFilter.parse(filter) { why = "\(e) (Esc clears it)" }
            else { why = "no source matches the filter \"\(filter)\" (Esc clears it)" }
            buf.write(why,
                      x: area.x + 2, y: area.y + 1, style: .warn)
            return
        }
        let selected = m.selectedIndex(rows)
        let top = m.sourcesTop(rows)
        let visible = layout.visibleTableRows
        for (i, key) in rows[top..<min(rows.count, top + visible)].enumerated() {
            let y = area.y + i
            drawRow(&buf, listing.row(top + i), cols: cols, y: y, ascii: m.ascii, marked: m.marked.contains(key))
            if top + i == selected { buf.restyle(x: area.x, y: y, width: area.width) { $0.reverse = true } }
        }
        // Where the highlight is among the sources listed (sub-ID rows are not sources), shown whatever the filter.
        let position = listing.sourceCount(prefix: selected + 1)
        let counter = "\(max(1, position))/\(sources)"
        buf.write(counter, x: info.maxX - Sanitizer.width(counter) - 1, y: info.y, style: .dim)
    }

    /// The column titles, the sorted one highlighted with an arrow.
    static func drawTitles(_ buf: inout Buffer, _ cols: [TableColumn<SourceColumnID>], _ m: AppModel, y: Int) {
        for c in cols {
            // The title is never cut for the sort arrow: the arrow takes its own cell, in the one-cell gap
            // beside the column when the title fills it.
            let sorted = c.id == m.sort
            let title = String(c.title.prefix(c.width))
            buf.put(title, x: c.x, y: y, width: c.width, style: sorted ? Style(fg: .cyan, bold: true, underline: true) : Style(bold: true, underline: true), right: c.alignRight)
            if sorted {
                // Into the column's own padding when there is some, else into the gap on its padded side.
                let arrowX = c.alignRight ? c.x + c.width - title.count - 1 : (title.count < c.width ? c.x + title.count : c.x - 1)
                buf.put(m.descending ? (m.ascii ? "v" : "↓") : (m.ascii ? "^" : "↑"), x: arrowX, y: y, width: 1, style: Style(fg: .cyan, bold: true))
            }
        }
    }

    static func drawRow(_ buf: inout Buffer, _ r: SourceRow, cols: [TableColumn<SourceColumnID>], y: Int, ascii: Bool, marked: Bool = false) {
        let metrics = MetricsRow(r.counters)
        buf.putCells(cols.map { cell($0, r, metrics, ascii: ascii, marked: marked) }, cols, y: y)
    }

    /// The text and style of one cell of a row.
    static func cell(_ c: TableColumn<SourceColumnID>, _ r: SourceRow, _ m: MetricsRow, ascii: Bool, marked: Bool = false) -> (String, Style) {
        let isSub = r.key.subID != nil
        var style: Style = r.blocked || r.sourceBlocked ? .dim : .plain
        let text: String
        switch c.id {
        case .priority: text = isSub ? "" : "\(r.priority)"; if r.priority == 1 && !isSub { style = Style(fg: .cyan, bold: true) }
        case .status:
            if r.sourceBlocked && !r.blocked { text = "src"; style = .dim }  // a sub-ID blocked with its source
            else {
                text = r.status.short
                style = r.status == .blocked ? Style(fg: .red, bold: true) : (r.status == .partial ? .warn : .good)
            }
        case .name:
            if let sub = r.key.subID {
                text = (marked ? "* " : "  ") + (ascii ? "`- " : "└ ") + "\(sub) \(r.name)"
            } else if r.outsideFilter {
                // Just changed, no longer matching the filter: kept until the selection moves.
                text = (ascii ? "!" : "∉") + "\(r.key.source) \(r.name)"
                style = .warn
            } else if marked {
                text = "*\(r.key.source) \(r.name)"
                style = Style(fg: .cyan, bold: true)
            } else {
                text = "\(r.subCount > 0 ? "" : " ")\(r.key.source) \(r.name)"
            }
        case .vertical: text = isSub ? "" : r.vertical.rawValue
        case .channel: text = isSub ? "" : r.channel.short
        case .mode: text = isSub ? "" : r.modeInForce.rawValue + (r.mode == .inherit ? "" : "*")
            if r.modeInForce == .exclusive && !isSub { style = Style(fg: .magenta) }
        case .today: text = Fmt.count(r.boughtToday)
        case .spend: text = Fmt.whole(r.counters.spend)
        case .cpl: text = Fmt.money(m.cpl)
        case .contact: text = m.contactRate.percentText
        case .conv: text = m.conversionRate.percentText
        case .cpa: text = Fmt.whole(m.cpa)
        case .revenue: text = Fmt.whole(r.counters.revenue)
        case .profit:
            text = r.counters.bought > 0 ? Fmt.whole(m.profit) : "-"
            if r.counters.bought > 0, !r.blocked, r.hasEvidence, !r.maturing { style = m.profit.cents >= 0 ? .good : .bad }
        case .roi: text = Fmt.roi(m.roi); if !r.blocked && r.hasEvidence && !r.maturing { style = Fmt.roiStyle(m.roi) }
        case .returns: text = m.returnRate.percentText
            if let v = m.returnRate.value, v > 0.2, !r.blocked, r.hasEvidence { style = .warn }
        case .bidRate: text = r.counters.bidRate.map { "\(Int(($0 * 100).rounded()))%" } ?? "-"
        case .winRate: text = r.counters.winRate.map { "\(Int(($0 * 100).rounded()))%" } ?? "-"
        case .offers: text = r.volume.isEmpty ? "" : Widgets.sparkline(r.volume.suffix(c.width).map { $0 }, ascii: ascii)
            style = .accent
        }
        // Evidence before colour: a ratio on too few leads is dimmed (never red or green), and one whose sales
        // are still coming in is marked "~".
        if c.id.restsOnEvidence {
            if !r.hasEvidence { style = .dim }
            if r.maturing && [.conv, .cpa, .roi, .profit].contains(c.id) { return (Fmt.maturing(text, width: c.width), .dim) }
            // Returns arrive up to 10 days after purchase: a rate on younger leads is still growing.
            if r.returnsMaturing && c.id == .returns && r.counters.bought > 0 { return (Fmt.maturing(text, width: c.width), .dim) }
        }
        return (text, style)
    }
}
