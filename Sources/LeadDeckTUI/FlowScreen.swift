import LeadDeckCore

/// Screen 2: leads as they are offered and decided, newest first, with later outcomes filled in.
enum FlowScreen {
    static func draw(_ buf: inout Buffer, _ m: AppModel, desk: Desk, feed: LiveFeed) {
        let today = desk.metrics.total(window: .today)
        let source = m.paused ? (m.frozenFeed ?? feed) : feed
        let badge = m.paused ? " PAUSED " : ""
        let right = m.width - 1 - Sanitizer.width(badge)
        var x = buf.write("offers/min ", x: 1, y: 2, style: .dim)
        x = buf.write(Widgets.sparkline(source.perMinute.suffix(30).map { Int64($0) }, ascii: m.ascii), x: x, y: 2, style: .accent)
        // The minute in progress is partial; the rate is the last whole minute.
        x = buf.write(" \(source.perMinute[58]) last min", x: x, y: 2, style: .dim)
        // Whole fields only: a number is never cut short.
        var fields = ["today \(Fmt.count(today.offered)) offered",
                      "bought \(Fmt.count(today.boughtShared)) shared + \(Fmt.count(today.boughtExclusive)) exclusive"]
        let reasons = RejectReason.allCases.map { ($0, today.rejected[$0]) }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
        fields += reasons.enumerated().map { i, r in (i == 0 ? "rejected " : "") + "\(r.0.rawValue) \(Fmt.count(r.1))" }
        for (i, f) in fields.enumerated() {
            let text = (i > 2 ? ", " : " · ") + f
            if x + Sanitizer.width(text) > right { break }
            x = buf.write(text, x: x, y: 2, style: .dim)
        }
        if m.paused { buf.write(badge, x: right, y: 2, style: Style(fg: .yellow, bold: true, reverse: true)) }

        let wide = m.width >= 100
        var cols: [(String, Int, Bool)] = [("time", 8, false), ("lead", 7, false), ("source/sub", 11, false)]
        if wide { cols.append(("vertical", 8, false)) }
        cols += [("st", 2, false), ("offer", 9, false), ("price", 8, true), ("decision", 9, false)]
        let used = cols.reduce(1) { $0 + $1.1 + 1 }
        cols.append(("outcome", max(6, m.width - used - 1), false))
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
        let selected = m.flowSelectedIndex(items)
        let top = AppModel.scroll(top: m.flowTop, selected: selected, visible: m.tableHeight, count: items.count)
        for (i, item) in items[top..<min(items.count, top + m.tableHeight)].enumerated() {
            let y = 4 + i
            let decisionText: String
            let decisionStyle: Style
            switch item.decision {
            case .bought(let mode)?: decisionText = "BOUGHT"; decisionStyle = mode == .exclusive ? Style(fg: .magenta, bold: true) : Style(fg: .green, bold: true)
            case .rejected(let r)?: decisionText = r.rawValue; decisionStyle = .dim
            case nil: decisionText = "outcome"; decisionStyle = .accent
            }
            let outcomeStyle: Style = item.outcomeKind == .converted ? Style(fg: .green, bold: true) : (item.outcomeKind == .returned ? .bad : .plain)
            let offer = item.decision == nil ? item.saleType.rawValue : (item.saleType == .shared ? "shared x\(item.legs)" : "exclusive")
            var cells: [(String, Style)] = [(desk.policy.clock.formatTime(item.time), .dim), (item.leadID, .plain),
                                            ("\(item.sourceID)/\(item.subID)", .plain)]
            if wide { cells.append((item.vertical.rawValue, .plain)) }
            cells += [(item.state, .plain), (offer, item.saleType == .exclusive ? Style(fg: .magenta) : .plain),
                      (item.price.formatted, .plain), (decisionText, decisionStyle), (item.outcome ?? "", outcomeStyle)]
            var cx = 1
            for ((text, style), (_, w, r)) in zip(cells, cols) {
                buf.put(text, x: cx, y: y, width: w, style: style, right: r)
                cx += w + 1
            }
            if top + i == selected { buf.restyle(x: 0, y: y, width: m.width) { $0.reverse = true } }
        }
    }
}
