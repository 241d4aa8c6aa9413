import LeadDeckCore

/// The columns of the live flow table, by a stable id; the title is only what the screen shows.
public enum FlowColumnID: String, Sendable, CaseIterable {
    case time, lead, source, vertical, state, offer, price, decision, outcome
}

/// Screen 2: leads as they are offered and decided, newest first, with later outcomes filled in.
enum FlowScreen {
    /// The columns that fit the table's row `area`, placed from one cell in: the vertical only from 100
    /// columns, the outcome taking what is left. Drawing and hit-testing both use this.
    static func visibleColumns(in area: Rect) -> [TableColumn<FlowColumnID>] {
        var cols: [TableColumn<FlowColumnID>] = [TableColumn(.time, "time", width: 8), TableColumn(.lead, "lead", width: 7),
                                                 TableColumn(.source, "source/sub", width: 11)]
        if area.width >= 100 { cols.append(TableColumn(.vertical, "vertical", width: 8)) }
        cols += [TableColumn(.state, "st", width: 2), TableColumn(.offer, "offer", width: 9),
                 TableColumn(.price, "price", width: 8, alignRight: true), TableColumn(.decision, "decision", width: 9)]
        let used = cols.reduce(1) { $0 + $1.width + 1 }
        cols.append(TableColumn(.outcome, "outcome", width: max(6, area.width - used - 1)))
        return TableColumns.place(cols, from: area.x + 1)
    }

    /// Draws the screen into the body area of `layout`.
    static func render(_ m: AppModel, desk: Desk, feed: LiveFeed, layout: Layout, into buf: inout Buffer) {
        drawInfo(&buf, m, desk: desk, feed: feed, in: layout.info)
        let cols = visibleColumns(in: layout.columnHeader)
        buf.putTitles(cols, y: layout.columnHeader.y)
        let area = layout.tableRows
        let items = m.flowItems(feed)
        if items.isEmpty {
            let filter = m.shownFlowFilter
            let why: String
            if filter.isEmpty { why = "waiting for leads..." }
            else if case .failure(let e) = FlowFilter.parse(filter) { why = "\(e) (Esc clears it)" }
            else { why = "no lead matches the filter \"\(filter)\"" }
            buf.write(why,
                      x: area.x + 2, y: area.y + 1, style: .dim)
            return
        }
        let selected = m.flowSelectedIndex(items)
        let top = m.flowTopShown(items)
        for (i, item) in items[top..<min(items.count, top + layout.visibleTableRows)].enumerated() {
            let y = area.y + i
            buf.putCells(cols.map { cell($0.id, item, desk: desk) }, cols, y: y)
            if top + i == selected { buf.restyle(x: area.x, y: y, width: area.width) { $0.reverse = true } }
        }
    }

    /// The rate sparkline, today's counts, and the filter and pause badges, on one row.
    static func drawInfo(_ buf: inout Buffer, _ m: AppModel, desk: Desk, feed: LiveFeed, in line: Rect) {
        let today = desk.metrics.total(window: .today)
        let source = m.paused ? (m.frozenFeed ?? feed) : feed
        // What narrows or stops the list is always on screen: the filter in force and a pause.
        let filterBadge = m.flowFilter.isEmpty ? "" : " filter: \(Sanitizer.clean(m.flowFilter)) "
        let badge = filterBadge + (m.paused ? " PAUSED " : "")
        let right = line.maxX - 1 - Sanitizer.width(badge)
        let y = line.y
        var x = buf.write("offers/min ", x: line.x + 1, y: y, style: .dim)
        x = buf.write(Widgets.sparkline(source.perMinute.suffix(30).map { Int64($0) }, ascii: m.ascii), x: x, y: y, style: .accent)
        // The minute in progress is partial; the rate is the last whole minute.
        x = buf.write(" \(source.perMinute[58]) last min", x: x, y: y, style: .dim)
        // Whole fields only: a number is never cut short.
        var fields = ["today \(Fmt.count(today.offered)) offered",
                      "bought \(Fmt.count(today.boughtShared)) shared + \(Fmt.count(today.boughtExclusive)) exclusive"]
        let reasons = RejectReason.allCases.map { ($0, today.rejected[$0]) }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
        fields += reasons.enumerated().map { i, r in (i == 0 ? "rejected " : "") + "\(r.0.rawValue) \(Fmt.count(r.1))" }
        for (i, f) in fields.enumerated() {
            let text = (i > 2 ? ", " : " · ") + f
            if x + Sanitizer.width(text) > right { break }
            x = buf.write(text, x: x, y: y, style: .dim)
        }
        if !filterBadge.isEmpty { buf.write(filterBadge, x: right, y: y, style: Style(fg: .cyan, bold: true, reverse: true)) }
        if m.paused { buf.write(" PAUSED ", x: right + Sanitizer.width(filterBadge), y: y, style: Style(fg: .yellow, bold: true, reverse: true)) }
    }

    /// The text and style of one cell of a feed row.
    static func cell(_ id: FlowColumnID, _ item: FeedItem, desk: Desk) -> (String, Style) {
        switch id {
        case .time: return (desk.policy.clock.formatTime(item.time), .dim)
        case .lead: return (item.leadID, .plain)
        case .source: return ("\(item.sourceID)/\(item.subID)", .plain)
        case .vertical: return (item.vertical.rawValue, .plain)
        case .state: return (item.state, .plain)
        case .offer:
            let offer = item.decision == nil ? item.saleType.rawValue : (item.saleType == .shared ? "shared x\(item.legs)" : "exclusive")
            return (offer, item.saleType == .exclusive ? Style(fg: .magenta) : .plain)
        case .price: return (item.price.formatted, .plain)
        case .decision:
            switch item.decision {
            case .bought(let mode)?: return ("BOUGHT", mode == .exclusive ? Style(fg: .magenta, bold: true) : Style(fg: .green, bold: true))
            case .rejected(let r)?: return (r.rawValue, .dim)
            case nil: return ("outcome", .accent)
            }
        case .outcome:
            let style: Style = item.outcomeKind == .converted ? Style(fg: .green, bold: true) : (item.outcomeKind == .returned ? .bad : .plain)
            return (item.outcome ?? "", style)
        }
    }
}
