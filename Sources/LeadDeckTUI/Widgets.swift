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

    /// A vertical bar chart of `series` (each a set of values per column) drawn upward from the bottom row of
    /// the area; the bars of several series stand side by side within a group.
    public static func barChart(_ buf: inout Buffer, x: Int, y: Int, height: Int, groups: [[Int64]], styles: [Style],
                                groupWidth: Int, ascii: Bool) {
        let top = max(1, groups.flatMap { $0 }.max() ?? 1)
        for (g, values) in groups.enumerated() {
            for (s, v) in values.enumerated() {
                let col = x + g * groupWidth + s
                guard col < buf.width else { continue }
                let eighths = Int((Double(max(0, v)) / Double(top) * Double(height * 8)).rounded())
                for row in 0..<height {
                    let level = max(0, min(8, eighths - row * 8))
                    guard level > 0 else { break }
                    let ch = ascii ? (level >= 4 ? "#" : ".") : String(blocks[level])
                    buf.write(ch, x: col, y: y + height - 1 - row, style: styles[s % styles.count])
                }
            }
        }
    }

    /// A frame with a title on its top edge.
    public static func box(_ buf: inout Buffer, x: Int, y: Int, width: Int, height: Int, title: String, ascii: Bool,
                           style: Style = .dim) {
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

/// Formatting for tight columns.
public enum Fmt {
    public static func money(_ m: Money?) -> String { m.map { $0.cents.magnitude >= 1_000_000 ? $0.formattedWhole : $0.formatted } ?? "-" }
    /// "$24.13" below $1,000, "$1,451" above: fits 7 columns up to $999,999.
    public static func compact(_ m: Money?) -> String {
        guard let m else { return "-" }
        return m.cents.magnitude >= 100_000 ? m.formattedWhole : m.formatted
    }
    public static func pct(_ v: Double?) -> String { v.map { formatPercent($0) } ?? "-" }
    public static func roi(_ v: Double?) -> String { v.map { formatPercent($0, sign: true) } ?? "-" }
    public static func roiStyle(_ v: Double?) -> Style {
        guard let v else { return .dim }
        return v >= 0 ? .good : .bad
    }
    public static func count(_ n: Int64) -> String { Money.grouped(n.magnitude).withSign(n < 0) }
}

extension String {
    func withSign(_ negative: Bool) -> String { negative ? "-" + self : self }
}
