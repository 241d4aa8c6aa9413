import LeadDeckCore

/// Screen 5: the alerts the engine raised (budget spent out, caps reached, sources below break-even, jumps
/// in returns), newest first, on the market's clock. The same list in every terminal: alerts are in the log.
enum AlertsScreen {
    /// The lines of the list, newest first.
    static func lines(_ desk: Desk) -> [[(String, Style)]] {
        let clock = desk.policy.clock
        let today = clock.day(desk.metrics.latest)
        return desk.recentAlerts.reversed().map { a in
            let fresh = clock.day(a.time) == today
            return [("  \(clock.format(a.time))  ", .dim),
                    (a.kind.label.padding(15), fresh ? Style(fg: .red, bold: true) : .plain),
                    (Sanitizer.clean(a.text), fresh ? .plain : .dim)]
        }
    }

    /// Draws the screen into the body area of `layout`; returns the scroll span when the list is longer.
    static func render(_ m: AppModel, desk: Desk, layout: Layout, into buf: inout Buffer) -> ScrollSpan? {
        let all = lines(desk)
        let today = desk.alertsToday.count
        buf.writeFields(["\(all.count) alert\(all.count == 1 ? "" : "s") kept, \(today) today",
                         "each condition at most once a day, raised by the engine and seen by every terminal",
                         "times on the market's clock"], in: layout.info.inset(left: 1, right: 1))
        let area = layout.tableRows
        guard !all.isEmpty else {
            buf.write("No alerts. The engine raises one when the budget is spent out, a cap is reached, a source falls below break-even on \(Evidence.minLeads)+ mature leads, or its returns jump.",
                      x: area.x + 2, y: area.y, style: .dim, maxWidth: area.width - 4)
            return nil
        }
        let visible = layout.visibleTableRows
        let start = min(m.alertsScroll, max(0, all.count - visible))
        for (i, line) in all.dropFirst(start).prefix(visible).enumerated() {
            var x = area.x
            for (text, style) in line { x = buf.write(text, x: x, y: area.y + i, style: style, maxWidth: max(0, area.maxX - x)) }
        }
        return all.count > visible ? ScrollSpan(first: start + 1, last: min(all.count, start + visible), total: all.count) : nil
    }
}

extension AlertEvent.Kind {
    /// A short name for lists and the header.
    public var label: String {
        switch self {
        case .budget: return "budget out"
        case .cap: return "cap reached"
        case .belowBreakEven: return "below break-even"
        case .returns: return "returns jump"
        }
    }
}

extension Desk {
    /// Alerts raised on the store's current local day, oldest first.
    public var alertsToday: [AlertEvent] {
        let day = policy.clock.day(metrics.latest)
        return Array(recentAlerts.reversed().prefix { policy.clock.day($0.time) >= day }.reversed())
    }
}
