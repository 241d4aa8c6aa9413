import LeadDeckCore

/// Daily net spend and revenue as bars over a y-axis labelled in dollars, with the day of the month and rows
/// of per-day figures (ROI, ROAS...) under them: on the ROI screen across the whole width, and on a source's
/// detail. As many of the days given as fit, newest at the right. The two series differ by glyph
/// (`ChartGlyphs`) as well as by colour, and the legend says which is which.
///
/// ```
/// Daily  █ net spend  ▒ revenue  2026-11-02 to 2026-11-03
///  $10,000 ┤█    █
///          │█    █▒
///   $5,000 ┤█▒   █▒
///          │█▒   █▒
///       $0 └──────────
///      day  02   03
///    ROI %   -48  -75
/// ```
struct DailyChart {
    /// A row of per-day figures under the bars: its label, and each day's text (four columns at most) and style.
    struct Figure: Sendable {
        var label: String
        var value: @Sendable (Counters) -> (String, Style)
    }

    /// Columns per day: two bars and a gap of three, wide enough for a four-character figure and a space.
    static let groupWidth = 5

    var title: String
    var days: [(day: Int64, counters: Counters)]
    var figures: [Figure]
    /// Rows of bars; even, so the middle of the axis falls on a row and is labelled with half the top.
    var barRows: Int
    var ascii: Bool

    /// Rows the chart takes for `barRows` rows of bars and `figures` rows of figures: the legend, the bars,
    /// the $0 axis and the day numbers.
    static func height(barRows: Int, figures: Int) -> Int { barRows + 3 + figures }

    var height: Int { Self.height(barRows: barRows, figures: figures.count) }

    /// The top of the axis for a largest value of `cents`: a round number of whole dollars whose half is
    /// round too (10, 12, 15, 20, 25, 30, 40, 50, 60 or 80 times a power of ten), at least $10.
    static func axisTop(cents: Int64) -> Money {
        let dollars = max(10, (max(0, cents) + 99) / 100)
        var power: Int64 = 1
        while power <= Int64.max / 1000 {
            for step: Int64 in [10, 12, 15, 20, 25, 30, 40, 50, 60, 80] where step * power >= dollars { return .dollars(step * power) }
            power *= 10
        }
        return .dollars(dollars)
    }

    /// How many days fit in `width` columns beside a gutter of `gutter` columns.
    static func capacity(width: Int, gutter: Int) -> Int { max(0, (width - gutter) / groupWidth) }

    /// Draws the chart into `area` (its top-left is the legend's first cell).
    func draw(_ buf: inout Buffer, in area: Rect) {
        let (x, y) = (area.x, area.y)
        let spendGlyph = ChartGlyphs.spend(ascii: ascii), revenueGlyph = ChartGlyphs.revenue(ascii: ascii)
        var lx = buf.write(title, x: x, y: y, style: .bold)
        lx = buf.write("  " + spendGlyph, x: lx, y: y, style: .bad)
        lx = buf.write(" net spend  ", x: lx, y: y)
        lx = buf.write(revenueGlyph, x: lx, y: y, style: .good)
        lx = buf.write(" revenue", x: lx, y: y)
        guard !days.isEmpty else {
            buf.write("no days recorded yet", x: x, y: y + 2, style: .dim)
            return
        }
        let values = days.flatMap { [$0.counters.netSpend.cents, $0.counters.revenue.cents] }
        let top = Self.axisTop(cents: values.max() ?? 0)
        let half = Money(cents: top.cents / 2)
        let labels = ["day"] + figures.map(\.label) + [top, half, .zero].map(\.formattedWhole)
        let labelW = labels.map(Sanitizer.width).max() ?? 0
        let axisX = x + labelW + 1, barsX = axisX + 1
        let shown = Array(days.suffix(Self.capacity(width: area.maxX - x, gutter: barsX - x)))
        guard let first = shown.first, let last = shown.last else { return }
        let range = "  \(Self.date(first.day)) to \(Self.date(last.day))"
        if lx + Sanitizer.width(range) <= area.maxX { buf.write(range, x: lx, y: y, style: .dim) }

        // The axis: top and half labelled, $0 along the bottom.
        for row in 0..<barRows {
            let label = row == 0 ? top.formattedWhole : (row == barRows / 2 ? half.formattedWhole : "")
            buf.put(label, x: x, y: y + 1 + row, width: labelW, style: .dim, right: true)
            buf.write(label.isEmpty ? (ascii ? "|" : "│") : (ascii ? "+" : "┤"), x: axisX, y: y + 1 + row, style: .dim)
        }
        let axisY = y + 1 + barRows
        buf.put(Money.zero.formattedWhole, x: x, y: axisY, width: labelW, style: .dim, right: true)
        let lineWidth = shown.count * Self.groupWidth - 1
        buf.write((ascii ? "+" : "└") + String(repeating: ascii ? "-" : "─", count: lineWidth), x: axisX, y: axisY, style: .dim)
        Widgets.barChart(&buf, in: Rect(x: barsX, y: y + 1, width: shown.count * Self.groupWidth, height: barRows),
                         groups: shown.map { [$0.counters.netSpend.cents, $0.counters.revenue.cents] },
                         styles: [.bad, .good], groupWidth: Self.groupWidth, ascii: ascii, fills: [spendGlyph, revenueGlyph],
                         top: top.cents)

        // Day of the month, then a row per figure.
        let dayY = axisY + 1
        buf.put("day", x: x, y: dayY, width: labelW, style: .dim, right: true)
        for (f, figure) in figures.enumerated() {
            buf.put(figure.label, x: x, y: dayY + 1 + f, width: labelW, style: .dim, right: true)
        }
        for (i, d) in shown.enumerated() {
            let cx = barsX + i * Self.groupWidth
            let (_, _, dd) = Timestamp.civil(fromDays: d.day)
            buf.write(dd < 10 ? "0\(dd)" : "\(dd)", x: cx, y: dayY, style: .dim)
            for (f, figure) in figures.enumerated() {
                let (text, style) = figure.value(d.counters)
                buf.put(text, x: cx, y: dayY + 1 + f, width: Self.groupWidth - 1, style: style, right: true)
            }
        }
    }

    /// "2026-11-02" for a local day number.
    static func date(_ day: Int64) -> String {
        let (y, m, d) = Timestamp.civil(fromDays: day)
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }
}

extension DailyChart.Figure {
    /// ROI in whole percent, in four columns: "+12", "-48", "-100", "+999" for 999% and more.
    static let roi = Self(label: "ROI %") { c in
        let r = MetricsRow(c).roi
        return (r.map { $0 >= 9.99 ? "+999" : "\($0 >= 0 ? "+" : "")\(Int(($0 * 100).rounded()))" } ?? "-", Fmt.roiStyle(r))
    }

    /// Revenue over net spend: "0.4", "10+".
    static let roas = Self(label: "ROAS") { c in
        let text = MetricsRow(c).roas.map { v -> String in
            let t = v >= 10 ? 100 : Int((v * 10).rounded())
            return t >= 100 ? "10+" : "\(t / 10).\(t % 10)"
        } ?? "-"
        return (text, .plain)
    }

    /// Net spend per sale, in short dollars.
    static let cpa = Self(label: "CPA $") { c in (MetricsRow(c).cpa.map(DailyChart.shortDollars) ?? "-", .plain) }

    /// Refunds, in short dollars.
    static let refunds = Self(label: "refund $") { c in (DailyChart.shortDollars(c.refunds), .plain) }

    /// Leads bought, short.
    static let bought = Self(label: "bought") { c in (DailyChart.shortCount(c.bought), .plain) }
}

extension DailyChart {
    /// Whole dollars in four columns: "820", "1.5k", "12k", "3M".
    static func shortDollars(_ m: Money) -> String {
        let d = m.cents / 100
        return d < 0 ? "-" + shortCount(-d, width: 3) : shortCount(d)
    }

    /// A count in `width` (3 or 4) columns: exact below 1,000, then "1.5k", "12k", "3M" (as many as fit).
    static func shortCount(_ n: Int64, width: Int = 4) -> String {
        if n < 1000 { return "\(n)" }
        for (unit, suffix) in [(Int64(1000), "k"), (1_000_000, "M"), (1_000_000_000, "G")] where n < unit * 1000 {
            let whole = n / unit, tenth = n % unit / (unit / 10)
            let long = "\(whole).\(tenth)\(suffix)"
            return long.count <= width ? long : "\(whole)\(suffix)"
        }
        return "\(n / 1_000_000_000_000)T"
    }
}
