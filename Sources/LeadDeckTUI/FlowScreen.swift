import LeadDeckCore

/// Screen 2: leads as they are offered and decided, newest first, with later outcomes filled in.
enum FlowScreen {
    static func draw(_ buf: inout Buffer, _ m: AppModel, desk: Desk, feed: LiveFeed) {
        let today = desk.metrics.total(window: .today)
        let source = m.paused ? (m.frozenFeed ?? feed) : feed
        var x = buf.write("leads/min ", x: 1, y: 2, style: .dim)
        x = buf.write(Widgets.sparkline(source.perMinute.suffix(30).map { Int64($0) }, ascii: m.ascii), x: x, y: 2, style: .accent)
        x = buf.write(" \(source.perMinute.last ?? 0)/min", x: x, y: 2, style: .dim)
        var counts = " · today: \(today.offered) offered, \(today.boughtShared) shared, \(today.boughtExclusive) exclusive"
        let top3 = RejectReason.allCases.map { ($0, today.rejected[$0]) }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
        if !top3.isEmpty { counts += " · rejected " + top3.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ") }
        buf.write(counts, x: x, y: 2, style: .dim, maxWidth: m.width - x - (m.paused ? 10 : 1))
        if m.paused { buf.write(" PAUSED ", x: m.width - 9, y: 2, style: Style(fg: .yellow, bold: true, reverse: true)) }

        let wide = m.width >= 110
        let cols: [(String, Int, Bool)] = [("time", 8, false), ("lead", 8, false), ("source/sub", 14, false), ("vertical", 8, false),
                                           ("st", 2, false), ("offer", 11, false), ("price", 9, true), ("decision", 10, false)]
            + (wide ? [("outcome", max(10, m.width - 100), false)] : [("outcome", max(6, m.width - 90), false)])
        var cx = 1
        for (t, w, r) in cols {
            buf.put(t, x: cx, y: 3, width: w, style: Style(bold: true, underline: true), right: r)
            cx += w + 1
        }
        let items = m.flowItems(feed)
        if items.isEmpty {
            buf.write(m.flowFilter.isEmpty ? "waiting for leads..." : "no lead matches the filter \"\(m.flowFilter)\"", x: 2, y: 5, style: .dim)
            return
        }
        let selected = min(m.flowSelected, items.count - 1)
        let top = AppModel.scroll(top: m.flowTop, selected: selected, visible: m.tableHeight, count: items.count)
        for (i, item) in items[top..<min(items.count, top + m.tableHeight)].enumerated() {
            let y = 4 + i
            var cx = 1
            let decisionText: String
            let decisionStyle: Style
            switch item.decision {
            case .bought(let mode)?: decisionText = "BOUGHT"; decisionStyle = mode == .exclusive ? Style(fg: .magenta, bold: true) : Style(fg: .green, bold: true)
            case .rejected(let r)?: decisionText = r.rawValue; decisionStyle = .dim
            case nil: decisionText = "outcome"; decisionStyle = .accent
            }
            let outcomeStyle: Style = item.outcomeKind == .converted ? Style(fg: .green, bold: true) : (item.outcomeKind == .returned ? .bad : .plain)
            let offer = item.decision == nil ? item.saleType.rawValue : (item.saleType == .shared ? "shared x\(item.legs)" : "exclusive")
            let cells: [(String, Style)] = [
                (desk.policy.clock.formatTime(item.time), .dim), (item.leadID, .plain), ("\(item.sourceID)/\(item.subID)", .plain),
                (item.vertical.rawValue, .plain), (item.state, .plain), (offer, item.saleType == .exclusive ? Style(fg: .magenta) : .plain),
                (item.price.formatted, .plain), (decisionText, decisionStyle), (item.outcome ?? "", outcomeStyle),
            ]
            for ((text, style), (_, w, r)) in zip(cells, cols) {
                buf.put(text, x: cx, y: y, width: w, style: style, right: r)
                cx += w + 1
            }
            if top + i == selected { buf.restyle(x: 0, y: y, width: m.width) { $0.reverse = true } }
        }
    }
}
