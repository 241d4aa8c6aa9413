import LeadDeckCore

/// What the header shows about where the dashboard runs.
public struct DashboardInfo: Sendable {
    public var storePath: String
    /// "live: simulated exchange x10", "following the engine of another process", ...
    public var engine: String
    public var engineOK: Bool
    /// The market's clock when this process runs it (it moves even when no lead comes); nil shows the time of
    /// the store's latest lead or outcome.
    public var clock: Timestamp?
    public init(storePath: String, engine: String, engineOK: Bool = true, clock: Timestamp? = nil) {
        self.storePath = storePath
        self.engine = engine
        self.engineOK = engineOK
        self.clock = clock
    }
}

/// Where a scrolling view stands: lines `first...last` (from 1) of `total`, for the note on the tab bar.
struct ScrollSpan: Sendable, Hashable {
    var first: Int
    var last: Int
    var total: Int
}

/// Draws a whole frame: header, tabs, the current screen, the bottom bar, and any overlay.
public enum Renderer {
    /// The frame for the model's state; every part is drawn into its area of the model's `Layout`.
    public static func render(_ m: AppModel, desk: Desk, feed: LiveFeed, info: DashboardInfo) -> Buffer {
        var buf = Buffer(width: m.width, height: m.height)
        if m.tooSmall {
            drawTooSmall(&buf, m)
            return buf
        }
        let layout = m.layout
        let alertsToday = desk.alertsToday
        buf.clipped(to: layout.header) { drawHeader(&$0, m, desk: desk, info: info, alertsToday: alertsToday, in: layout.header) }
        buf.clipped(to: layout.tabBar) { drawTabs(&$0, m, layout: layout, alertsToday: alertsToday.count) }
        // A screen draws only into the body; the scroll note it reports goes on the tab bar.
        let scroll: ScrollSpan? = buf.clipped(to: layout.body) { buf in
            switch m.screen {
            case .sources: SourcesScreen.render(m, desk: desk, layout: layout, into: &buf); return nil
            case .flow: FlowScreen.render(m, desk: desk, feed: feed, layout: layout, into: &buf); return nil
            case .roi: return ROIScreen.render(m, desk: desk, layout: layout, into: &buf)
            case .detail: return DetailScreen.render(m, desk: desk, feed: feed, layout: layout, into: &buf)
            case .alerts: return AlertsScreen.render(m, desk: desk, layout: layout, into: &buf)
            }
        }
        if let scroll { buf.clipped(to: layout.tabBar) { scrollNote(&$0, scroll, layout: layout) } }
        buf.clipped(to: layout.status) { drawBottomBar(&$0, m, in: layout.status) }
        if m.showLeadDetail && m.screen == .flow { LeadDetail.draw(&buf, m, desk: desk, feed: feed, layout: layout) }
        if m.showColumnSetup { ColumnSetupScreen.draw(&buf, m, layout: layout) }
        if m.showHelp { drawHelp(&buf, m, layout: layout) }
        if let c = m.confirmation { drawConfirm(&buf, c, ascii: m.ascii, layout: layout) }
        if m.ascii { asciiOnly(&buf) }
        return buf
    }

    /// ASCII stand-ins for the drawing characters; any other non-ASCII character (from source names) is "?".
    static let asciiGlyphs: [String: String] = [
        "│": "|", "─": "-", "┌": "+", "┐": "+", "└": "`", "┘": "+", "·": "-", "↓": "v", "↑": "^", "→": ">", "←": "<",
        "…": "~", "█": "#", "▇": "#", "▆": "#", "▅": "#", "▄": ":", "▃": ":", "▂": ".", "▁": ".", "░": ".", "▒": "=",
        "▏": "|", "␛": "^[", "␍": "^M", "␡": "^?",
    ]

    /// Replaces every non-ASCII cell, for terminals that cannot show UTF-8 (`--ascii`, or a non-UTF-8 locale).
    static func asciiOnly(_ buf: inout Buffer) {
        for y in 0..<buf.height {
            for x in 0..<buf.width {
                let c = buf[x, y]
                // "" is the second half of a wide character: it becomes a visible cell of its own.
                guard c.text.isEmpty || !c.text.allSatisfy(\.isASCII) else { continue }
                let mapped = c.text.isEmpty ? "?" : (asciiGlyphs[c.text].map { String($0.prefix(1)) } ?? "?")
                buf[x, y] = Cell(mapped, c.style)
            }
        }
    }

    static func drawTooSmall(_ buf: inout Buffer, _ m: AppModel) {
        let need = "need \(AppModel.minWidth)x\(AppModel.minHeight)", have = "have \(m.width)x\(m.height)"
        var lines = ["terminal too small: \(need), \(have)", "enlarge the window, or press q to quit"]
        // Never cut the message: on a very narrow terminal it goes on more, shorter lines.
        if lines.contains(where: { Sanitizer.width($0) > m.width }) {
            lines = ["terminal too small", need, have, "enlarge the window", "or press q to quit"]
        }
        for (i, l) in lines.enumerated() {
            let y = max(0, m.height / 2 - lines.count / 2 + i)
            let x = max(0, (m.width - Sanitizer.width(l)) / 2)
            buf.write(l, x: x, y: y, style: i == 0 ? .bold : .plain)
        }
    }

    static func drawHeader(_ buf: inout Buffer, _ m: AppModel, desk: Desk, info: DashboardInfo, alertsToday today: [AlertEvent],
                           in line: Rect) {
        buf.fill(line, style: Style(reverse: true))
        let p = desk.policy
        let spent = desk.ledger.day == p.clock.day(desk.metrics.latest) ? desk.ledger.spentToday : .zero
        let fraction = p.dailyBudget.cents > 0 ? Double(spent.cents) / Double(p.dailyBudget.cents) : 0
        let now = info.clock ?? desk.metrics.latest
        // Every time on screen is on the market's clock (simulated time on a simulated store); the header says so.
        // Narrow terminals get the time of day only, so the engine and budget keep their place.
        let narrow = line.width < 100
        let stamp = narrow ? p.clock.formatTime(now) : p.clock.format(now, seconds: true)
        let clock = now.seconds > 0 ? "market " + stamp : "no data yet"
        let head = Style(reverse: true)
        // Pieces by importance: the least important are left out first when the terminal is narrow.
        struct Piece { var text: String; var style: Style; var rank: Int }
        var pieces = [
            Piece(text: " LeadDeck ", style: Style(bold: true, reverse: true), rank: 0),
            Piece(text: "│ \(Sanitizer.fit(info.storePath, min(22, Sanitizer.width(info.storePath)))) ", style: head, rank: 5),
            // Read-only says so in the engine's place (which then never gives way): "read-only, following".
            Piece(text: "│ \(info.engine) ", style: m.readOnly ? Style(fg: .yellow, bold: true, reverse: true)
                    : Style(fg: info.engineOK ? .default : .red, reverse: true), rank: m.readOnly ? 0 : 3),
            Piece(text: narrow ? "│ \(p.globalMode.rawValue.uppercased()) " : "│ mode \(p.globalMode.rawValue.uppercased()) ",
                  style: Style(bold: true, reverse: true), rank: 1),
            Piece(text: narrow ? "│ \(spent.formattedWhole)/\(p.dailyBudget.formattedWhole) "
                    : "│ budget \(Widgets.gauge(fraction, width: 8, ascii: m.ascii)) \(spent.formattedWhole)/\(p.dailyBudget.formattedWhole) ",
                  style: Style(fg: fraction >= 0.95 ? .red : .default, reverse: true), rank: 2),
        ]
        // Even pacing: spend against the pace line, a mark on the budget bar and how far ahead or behind.
        if let line = desk.paceLine(at: now), p.dailyBudget.cents > 0 {
            let gap = spent - line.pace
            let text = gap.cents >= 0 ? "ahead \(gap.formattedWhole)" : "behind \((Money.zero - gap).formattedWhole)"
            let mark = Double(line.pace.cents) / Double(p.dailyBudget.cents)
            pieces[pieces.count - 1] = Piece(
                text: narrow ? "│ \(spent.formattedWhole)/\(p.dailyBudget.formattedWhole) \(text) "
                    : "│ budget \(Widgets.gauge(fraction, width: 8, mark: mark, ascii: m.ascii)) \(spent.formattedWhole)/\(p.dailyBudget.formattedWhole), \(text) ",
                style: pieces[pieces.count - 1].style, rank: 2)
            pieces.append(Piece(text: "│ pace \(line.pace.formattedWhole) ", style: head, rank: 4))
        }
        if m.readOnly && !info.engine.hasPrefix("read-only") {
            pieces.append(Piece(text: "│ READ-ONLY ", style: Style(fg: .yellow, bold: true, reverse: true), rank: 0))
        }
        // The latest alert of the day, in one line (the Alerts screen, key 5, lists them all).
        if let last = today.last {
            let more = today.count > 1 ? " +\(today.count - 1)" : ""
            pieces.append(Piece(text: "│ ! \(last.kind.label)\(more) ", style: Style(fg: .red, bold: true, reverse: true), rank: 4))
        }
        let right = "│ \(clock) "
        let room = line.width - Sanitizer.width(right)
        while pieces.reduce(0, { $0 + Sanitizer.width($1.text) }) > room, let worst = pieces.indices.max(by: { pieces[$0].rank < pieces[$1].rank }),
              pieces[worst].rank > 0 {
            pieces.remove(at: worst)
        }
        var x = line.x
        for piece in pieces { x = buf.write(piece.text, x: x, y: line.y, style: piece.style, maxWidth: max(0, line.x + room - x)) }
        buf.write(right, x: line.maxX - Sanitizer.width(right), y: line.y, style: head)
    }

    /// "↑/↓ PgDn: 1-20 of 44" at the right end of the tab bar, where it covers nothing (one blank after the tabs).
    static func scrollNote(_ buf: inout Buffer, _ s: ScrollSpan, layout: Layout) {
        let note = " ↑/↓ PgDn: \(s.first)-\(s.last) of \(s.total) "
        let bar = layout.tabBar
        let x = bar.maxX - Sanitizer.width(note) - 1
        if x > layout.tabsEnd { buf.write(note, x: x, y: bar.y, style: .dim) }
    }

    static func drawTabs(_ buf: inout Buffer, _ m: AppModel, layout: Layout, alertsToday: Int) {
        for tab in layout.tabs {
            var style = tab.screen == m.screen ? Style(fg: .cyan, bold: true, reverse: true) : .dim
            // The Alerts tab turns red while today has alerts.
            if tab.screen == .alerts && alertsToday > 0 { style = Style(fg: .red, bold: true, reverse: tab.screen == m.screen) }
            buf.write(Layout.tabLabel(tab.screen), x: tab.area.x, y: tab.area.y, style: style)
        }
    }

    static func drawBottomBar(_ buf: inout Buffer, _ m: AppModel, in line: Rect) {
        let y = line.y
        buf.fill(line, style: Style(reverse: true))
        if m.editingCommand {
            buf.write(" :\(m.commandText)▏  Enter saves, Esc cancels; budget, caps, hours, pacing, timezone, states, maxprice, dedupe (? for help)", x: line.x, y: y, style: Style(reverse: true))
            return
        }
        if m.editingFilter {
            let x = buf.write(" filter: \(m.filterDraft)▏  ", x: line.x, y: y, style: Style(reverse: true))
            // What is wrong with the draft shows as it is typed: Enter would refuse it and keep the filter in force.
            if let e = m.filterDraftError {
                buf.write(e.message, x: x, y: y, style: Style(fg: .red, bold: true, reverse: true), maxWidth: max(0, line.maxX - x))
            } else {
                buf.write("Enter applies, ↑/↓ earlier filters, Esc clears", x: x, y: y, style: Style(reverse: true), maxWidth: max(0, line.maxX - x))
            }
            return
        }
        if let s = m.status {
            buf.write(" \(s.text)", x: line.x, y: y, style: Style(fg: s.isError ? .red : .default, bold: true, reverse: true))
            return
        }
        var x = line.x + 1
        for b in Bindings.visible(on: m.screen, readOnly: m.readOnly) {
            guard let hint = b.hint else { continue }
            let keys = b.keys.prefix(1).map(\.label).joined(separator: "/")
            let text = "\(keys) \(hint)"
            if x + Sanitizer.width(text) + 2 > line.maxX - 10 {
                buf.write("… more: ?", x: line.maxX - 10, y: y, style: Style(bold: true, reverse: true))
                break
            }
            x = buf.write(keys, x: x, y: y, style: Style(bold: true, reverse: true))
            x = buf.write(" \(hint)  ", x: x, y: y, style: Style(reverse: true))
        }
    }

    /// The help, generated from the same binding table that handles keys, with what every column, status
    /// code and mark means; wrapped at word boundaries to the help box (continuation lines indented), so
    /// nothing is cut at 80x24 and ↑/↓ scroll the rest.
    public static func helpLines(_ m: AppModel) -> [String] {
        let width = max(20, m.layout.helpBox(lines: 1).width - 4)
        var lines = ["Keys (this list is the key table the dashboard uses):", ""]
        /// `lead` (a key, a column title) padded to `indent`, then `text` wrapped at words; continuation lines
        /// are indented to line up under the text.
        func add(_ lead: String, _ text: String, indent: Int) {
            let wrapped = DetailScreen.wrap(text, width: width - indent)
            lines.append((lead.isEmpty ? String(repeating: " ", count: indent) : lead.padding(indent)) + (wrapped.first ?? ""))
            for rest in wrapped.dropFirst() { lines.append(String(repeating: " ", count: indent) + rest) }
        }
        for b in Bindings.all where !(m.readOnly && b.dangerous) {
            let keys = b.keys.map(\.label).joined(separator: " ")
            let screens = b.screens.map { " [" + $0.sorted { $0.rawValue < $1.rawValue }.map(\.title).joined(separator: ", ") + "]" } ?? ""
            add(keys, b.description + screens, indent: 12)
        }
        lines.append("")
        lines.append("Settings (key :), each saved as a logged change you can undo with u:")
        for (form, meaning) in SettingsPrompt.usage { add("  " + form, meaning, indent: 36) }
        lines.append("")
        lines.append("Columns of the Sources screen (figures over the window chosen with w):")
        for c in SourcesScreen.columns { add(c.title, c.id.meaning, indent: 12) }
        add("", "C chooses which columns show and their order; < and > sort by the column left or right of the sorted one.", indent: 2)
        lines.append("")
        for text in [
            "Mouse: click a tab, a row (a double click opens it, like Enter) or a Sources column title (sorts by it; again reverses); the wheel moves \(AppModel.wheelStep) rows. A confirmation takes only a click on [ Cancel ]; y confirms. Start with --no-mouse to leave the mouse to the terminal (text selection).",
            "Status: " + SourceStatus.allCases.map { "\($0.short) \($0.rawValue) (\($0.meaning))" }.joined(separator: "; ")
                + "; src: a sub-ID blocked with its whole source.",
            "~ before a figure: most of its leads are younger than their vertical's usual sale lag (learned from this store's sales, a day until a vertical has \(SaleLags.minSales) sales), so sales are still coming in; a maturing figure is never red. Key a shows mature leads only. ~ before a return rate: most of its leads are younger than 10 days, the time exchanges take returns, so returns are still coming in.",
            "Dim figures rest on fewer than \(Evidence.minLeads) bought leads: shown, never coloured, and sorted after the rest.",
            "Priority: tier 1 may spend 100% of the budget and caps, tier 2 90%, 3 80%, 4 65%, 5 50%.",
            "Pacing even: the budget is spread over the day's open hours by their usual volume; a source may spend up to (pace + this hour's share) x its tier's share, so tier 1 runs up to an hour ahead of the pace. The header's budget bar marks the pace (┃) and says how far ahead or behind spend is.",
            "Mode shown with * is the source's own; others follow the global mode.",
            "∉ before a source: you just changed it and it no longer matches the filter; it stays selected until you move.",
            "Rejections: " + RejectReason.allCases.map(\.rawValue).joined(separator: ", ") + ".",
            filterHelp,
            "Times: every time on screen is on the market's clock (the header's), in the buyer's time zone; a change also shows the wall-clock time it was made.",
        ] {
            let wrapped = DetailScreen.wrap(text, width: width - 2)
            lines.append(wrapped.first ?? "")
            for rest in wrapped.dropFirst() { lines.append("  " + rest) }
        }
        if m.readOnly { lines.append("Read-only: keys that change the policy are disabled.") }
        return lines
    }

    /// The filter syntax, for the help; the key lists come from the filters' own tables.
    static var filterHelp: String {
        func keys<S>(_ f: FilterFields<S>) -> (words: String, numbers: String) {
            (f.words.map { $0.names[0] == "decision" ? "decision:bought|rejected|REASON" : $0.names.joined(separator: "/") + ":" }
                .joined(separator: " "),
             f.numbers.map { $0.names[0] }.joined(separator: " "))
        }
        let s = keys(FilterFields<SourceRow>.sources), f = keys(FilterFields<FeedItem>.flow)
        return "Filter (/): words separated by spaces, all must match; ! before a word negates it (!vertical:auto, !blocked). "
            + "Sources: text (id, name, sub-ID, vertical, channel), a status word, \(s.words), or a comparison with < <= > >= = != "
            + "on \(s.numbers) (roi, conv, cont, ret in %; spend, cpl, cpa in $; over the metrics window), as in roi<0 leads>=30 cpl>50; "
            + "a source without the figure yet matches no comparison, only its negation. "
            + "Live flow: text, \(f.words), or \(f.numbers)>50 (in $). "
            + "An unknown key, value or number is refused and the filter in force stays; ↑/↓ while typing recall earlier filters."
    }


    static func drawHelp(_ buf: inout Buffer, _ m: AppModel, layout: Layout) {
        let lines = helpLines(m)
        let frame = layout.helpBox(lines: lines.count)
        buf.fill(frame)
        Widgets.box(&buf, in: frame, title: "Help: Esc or ? closes, ↑/↓ scroll", ascii: m.ascii, style: .plain)
        let visible = layout.helpVisibleLines(lines: lines.count)
        let start = min(m.helpScroll, max(0, lines.count - visible))
        let text = frame.inset(left: 2, top: 1, right: 2, bottom: 1)
        buf.clipped(to: text) { buf in
            for (i, l) in lines.dropFirst(start).prefix(visible).enumerated() {
                buf.write(l, x: text.x, y: text.y + i, style: i == 0 && start == 0 ? .bold : .plain)
            }
        }
    }

    static func drawConfirm(_ buf: inout Buffer, _ c: Confirmation, ascii: Bool, layout: Layout) {
        let text = c.question
        let frame = layout.confirmBox(textWidth: Sanitizer.width(text))
        buf.fill(frame)
        Widgets.box(&buf, in: frame, title: "Confirm", ascii: ascii, style: .warn)
        let inside = frame.inset(left: 3, right: 3)
        buf.write(text, x: inside.x, y: frame.y + 2, style: .bold, maxWidth: inside.width)
        let cancel = layout.confirmCancelButton(textWidth: Sanitizer.width(text))
        let x = buf.write(Layout.cancelButton, x: cancel.x, y: cancel.y, style: Style(reverse: true))
        buf.write(String(Layout.confirmChoices.dropFirst(Layout.cancelButton.count)), x: x, y: cancel.y)
    }
}

extension String {
    func padding(_ n: Int) -> String {
        let w = Sanitizer.width(self)
        return w >= n ? self + " " : self + String(repeating: " ", count: n - w)
    }
}
