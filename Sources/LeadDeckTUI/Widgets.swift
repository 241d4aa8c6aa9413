import LeadDeckCore

/// Small drawing helpers: sparklines, gauges, bar charts, boxes. ASCII fallbacks when `ascii` is set.
public enum Widgets {
    static let blocks: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiLevels: [Character] = [" ", ".", ".", ":", ":", "|", "|", "#", "#"]

    /// One character per value, scaled to the largest.
    public static func sparkline(_ values: [Int64], ascii: Bool) -> String {
        let top = max(1, values.max() ?? 1)
        let levels = ascii ? asciiLevels : blocks
        return String(values.map { v in
            v <= 0 ? levels[0] : levels[max(1, Int((Double(v) / Double(top) * 8).rounded()))]
        })
    }

    /// "[#####.....]" style gauge of `fraction` over `width` columns.
    public static func gauge(_ fraction: Double, width: Int, ascii: Bool) -> String {
        let f = max(0, min(1, fraction.isFinite ? fraction : 0))
        let filled = Int((f * Double(width)).rounded())
        return String(repeating: ascii ? "#" : "█", count: filled) + String(repeating: ascii ? "." : "░", count: width - filled)
    }

    /// A gauge of `fraction` with a mark at `mark` (the pace line): "███┃░░░░", or "###|...." in ASCII.
    public static func gauge(_ fraction: Double, width: Int, mark: Double, ascii: Bool) -> String {
        var cells = Array(gauge(fraction, width: width, ascii: ascii))
        let m = max(0, min(1, mark.isFinite ? mark : 0))
        let at = min(width - 1, Int((m * Double(width)).rounded(.down)))
        if at >= 0 && at < cells.count { cells[at] = ascii ? "|" : "┃" }
        return String(cells)
    }

    /// A vertical bar chart of `series` (each a set of values per column) drawn upward from the bottom row of
    /// `area`, and only inside it; the bars of several series stand side by side within a group. Bars are
    /// scaled so `top` fills the area's height (the largest value when nil).
    ///
    /// `fills` gives each series its own glyph (`ChartGlyphs`), so series differ without colour: a "█" series
    /// is drawn in eighths of a cell, any other glyph in half cells (the glyph from half a cell up, "░" below).
    /// In ASCII every series is drawn in half cells, "." below half.
    public static func barChart(_ buf: inout Buffer, in area: Rect, groups: [[Int64]], styles: [Style],
                                groupWidth: Int, ascii: Bool, fills: [String]? = nil, top: Int64? = nil) {
        let (x, y, height) = (area.x, area.y, area.height)
        let top = max(1, top ?? groups.flatMap { $0 }.max() ?? 1)
        for (g, values) in groups.enumerated() {
            for (s, v) in values.enumerated() {
                let col = x + g * groupWidth + s
                guard col < area.maxX else { continue }
                let eighths = Int((Double(max(0, v)) / Double(top) * Double(height * 8)).rounded())
                let fill = fills.map { $0[s % $0.count] }
                for row in 0..<height {
                    let level = max(0, min(8, eighths - row * 8))
                    guard level > 0 else { break }
                    let ch: String
                    if ascii {
                        ch = level >= 4 ? (fill ?? "#") : "."
                    } else if let fill, fill != "█" {
                        ch = level >= 4 ? fill : "░"
                    } else {
                        ch = String(blocks[level])
                    }
                    buf.write(ch, x: col, y: y + height - 1 - row, style: styles[s % styles.count])
                }
            }
        }
    }

    /// A frame around `area` with a title on its top edge.
    public static func box(_ buf: inout Buffer, in area: Rect, title: String, ascii: Bool, style: Style = .dim) {
        let (x, y, width, height) = (area.x, area.y, area.width, area.height)
        guard width >= 2, height >= 2 else { return }
        let (h, v, tl, tr, bl, br) = ascii ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "┌", "┐", "└", "┘")
        buf.write(tl + String(repeating: h, count: width - 2) + tr, x: x, y: y, style: style)
        for row in (y + 1)..<(y + height - 1) {
            buf.write(v, x: x, y: row, style: style)
            buf.write(v, x: x + width - 1, y: row, style: style)
        }
        buf.write(bl + String(repeating: h, count: width - 2) + br, x: x, y: y + height - 1, style: style)
        if !title.isEmpty { buf.write(" \(title) ", x: x + 2, y: y, style: .title, maxWidth: width - 4) }
    }
}

extension Buffer {
    /// Writes whole fields from left to right along the first row of `area`, separated by " · ", while they
    /// fit in it: a field is never cut in the middle. Returns the column after the last one written.
    @discardableResult
    public mutating func writeFields(_ fields: [String], in area: Rect, style: Style = .dim) -> Int {
        let (x, y, limit) = (area.x, area.y, area.maxX)
        var col = x
        for (i, f) in fields.enumerated() {
            let text = (i == 0 ? "" : " · ") + f
            if col + Sanitizer.width(text) > limit { break }
            col = write(text, x: col, y: y, style: style)
        }
        return col
    }
}

/// The glyphs of the daily charts' two series, different in every mode so a chart reads without colour:
/// spend solid, revenue shaded (ASCII: the characters `--ascii` turns those two into).
public enum ChartGlyphs {
    /// Net spend's bars: "█", or "#" in ASCII.
    public static func spend(ascii: Bool) -> String { ascii ? "#" : "█" }
    /// Revenue's bars: "▒", or "=" in ASCII.
    public static func revenue(ascii: Bool) -> String { ascii ? "=" : "▒" }
}

/// Formatting for tight columns.
public enum Fmt {
    /// A per-lead amount (CPL, price): always with cents.
    public static func money(_ m: Money?) -> String { m?.formatted ?? "-" }
    /// A total or a per-sale amount (spend, revenue, CPA): always whole dollars, so a column reads evenly.
    public static func whole(_ m: Money?) -> String { m?.formattedWhole ?? "-" }
    public static func pct(_ v: Double?) -> String { v.map { formatPercent($0) } ?? "-" }
    /// "+12.3%", or whole percent from 1,000% up so it fits seven columns.
    public static func roi(_ v: Double?) -> String {
        guard let v else { return "-" }
        guard abs(v) >= 10, v.isFinite else { return formatPercent(v, sign: true) }
        let p = Int64(saturating: (v * 100).rounded())
        return p >= 100_000 ? "+999k%" : p <= -100_000 ? "-999k%" : "\(p >= 0 ? "+" : "")\(p)%"
    }
    /// A figure whose sales are still coming in: "~" in front, fitted to `width` (decimals go first).
    public static func maturing(_ text: String, width: Int) -> String {
        guard text != "-" else { return text }
        var t = "~" + text
        if t.count > width, let dot = t.firstIndex(of: ".") {
            let suffix = t.last.map { $0.isNumber ? "" : String($0) } ?? ""
            t = String(t[..<dot]) + suffix
        }
        return t
    }
    public static func roiStyle(_ v: Double?) -> Style {
        guard let v else { return .dim }
        return v >= 0 ? .good : .bad
    }
    public static func count(_ n: Int64) -> String { Money.grouped(n.magnitude).withSign(n < 0) }
}

extension String {
    func withSign(_ negative: Bool) -> String { negative ? "-" + self : self }
}
