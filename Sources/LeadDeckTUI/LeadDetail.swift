import LeadDeckCore

/// The Live flow's lead detail (Enter on a lead): the offer, the engine's decision and why, each outcome with
/// its time, and what can be done from here. Drawn as a box over the flow; Esc closes it.
enum LeadDetail {
    /// The lines for one feed item (text from the exchange is sanitised when drawn).
    static func lines(_ item: FeedItem, desk: Desk) -> [(String, Style)] {
        let clock = desk.policy.clock
        let source = desk.catalog.source(item.sourceID)
        let sub = source?.subIDs.first { $0.id == item.subID }
        var out: [(String, Style)] = []
        out.append(("lead \(Sanitizer.clean(item.leadID))", .title))
        out.append(("source   \(item.sourceID)/\(Sanitizer.clean(item.subID))  \(Sanitizer.clean(source?.name ?? "unknown source"))"
                    + (sub.map { " · \(Sanitizer.clean($0.name))" } ?? ""), .plain))
        if let d = item.decision {
            let sale = item.saleType == .shared ? "shared, sold to up to \(item.legs) buyers" : "exclusive"
            out.append(("offer    \(clock.format(item.time, seconds: true))  \(item.vertical.label)  \(Sanitizer.clean(item.state))  \(sale)  \(item.price.formatted)", .plain))
            switch d {
            case .bought(let m):
                out.append(("decision BOUGHT \(m.rawValue) for \(item.price.formatted)", .good))
            case .rejected(let r):
                out.append(("decision rejected: \(r.rawValue) (\(r.explanation))", .warn))
            }
        } else {
            out.append(("bought   \(clock.format(item.time, seconds: true)) earlier (the offer has left the feed)  \(item.price.formatted)", .plain))
        }
        if item.steps.isEmpty {
            out.append((item.decision?.isBought == true ? "outcomes none yet (contact comes within minutes, sales within hours to days, returns up to 10 days)" : "outcomes none (not bought)", .dim))
        } else {
            out.append(("outcomes", .bold))
            for s in item.steps {
                var text = "  \(clock.format(s.time, seconds: true))  \(s.kind.rawValue)"
                if let r = s.revenue { text += "  revenue \(r.formatted)" }
                if let r = s.refund { text += "  refund \(r.formatted)" }
                if let r = s.reason { text += "  (\(Sanitizer.clean(r)))" }
                out.append((text, s.kind == .returned ? .warn : (s.kind == .converted ? .good : .plain)))
            }
        }
        if let e = desk.leads[item.leadID] {
            let state = e.returned ? "returned" : (e.converted ? "sold" : (e.contacted ? "contacted" : "not yet contacted"))
            out.append(("now      \(state)", .dim))
        }
        let st = desk.policy.settings(for: item.sourceID)
        let status = st.blocked ? "source blocked" : (st.blockedSubIDs.contains(item.subID) ? "sub-ID blocked" : "source and sub-ID buying")
        out.append(("", .plain))
        out.append(("\(status) · Enter: the source's detail · b: block the sub-ID · B: block the source · Esc: close", .dim))
        return out
    }

    /// Draws the box for the flow's selected lead.
    static func draw(_ buf: inout Buffer, _ m: AppModel, desk: Desk, feed: LiveFeed, layout: Layout) {
        let items = m.flowItems(feed)
        guard !items.isEmpty else { return }
        let width = layout.helpBox(lines: 1).width - 4
        // Lines that fit stay as laid out; longer ones wrap at words, continuation indented.
        let text = lines(items[m.flowSelectedIndex(items)], desk: desk).flatMap { line -> [(String, Style)] in
            guard Sanitizer.width(line.0) > width else { return [line] }
            return DetailScreen.wrap(line.0, width: width - 2).enumerated().map { ($0.offset == 0 ? $0.element : "  " + $0.element, line.1) }
        }
        let frame = layout.helpBox(lines: text.count)
        buf.fill(frame)
        Widgets.box(&buf, in: frame, title: "Lead detail: Esc closes, ↑/↓ the next lead", ascii: m.ascii, style: .plain)
        let inside = frame.inset(left: 2, top: 1, right: 2, bottom: 1)
        buf.clipped(to: inside) { buf in
            for (i, l) in text.prefix(inside.height).enumerated() {
                buf.write(l.0, x: inside.x, y: inside.y + i, style: l.1, maxWidth: inside.width)
            }
        }
    }
}
