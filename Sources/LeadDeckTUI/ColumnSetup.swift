import LeadDeckCore

/// Which Sources columns show and in what order [htop F2]: chosen on the column setup screen (key C) and
/// kept in the preferences file. The source column cannot be hidden; a column hidden here is never shown,
/// one shown may still be dropped when the terminal is too narrow for it.
public struct ColumnSetup: Sendable, Hashable, Codable {
    public var order: [SourceColumnID]
    public var hidden: Set<SourceColumnID>

    public init(order: [SourceColumnID], hidden: Set<SourceColumnID>) {
        self.order = order
        self.hidden = hidden
        normalize()
    }

    /// Every column in screen order; revenue hidden (profit says more), the rest shown.
    public static let `default` = ColumnSetup(order: SourcesScreen.columns.map(\.id), hidden: [.revenue])

    /// Keeps every column exactly once (a saved order from an older version gains the new ones at the end)
    /// and the source column shown.
    public mutating func normalize() {
        var seen = Set<SourceColumnID>()
        order = order.filter { seen.insert($0).inserted }
        for id in SourceColumnID.allCases where !seen.contains(id) { order.append(id) }
        hidden.remove(.name)
    }

    /// Shows or hides a column (not the source column).
    public mutating func toggle(_ id: SourceColumnID) {
        guard id != .name else { return }
        if hidden.contains(id) { hidden.remove(id) } else { hidden.insert(id) }
    }

    /// Moves a column one place earlier (`by: -1`) or later (`by: 1`).
    public mutating func move(_ id: SourceColumnID, by step: Int) {
        guard let i = order.firstIndex(of: id) else { return }
        let j = min(order.count - 1, max(0, i + step))
        order.swapAt(i, j)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Unknown column names (from a newer version) are skipped, not an error.
        let names = try c.decode([String].self, forKey: .order)
        let hiddenNames = try c.decode([String].self, forKey: .hidden)
        self.init(order: names.compactMap(SourceColumnID.init(rawValue:)), hidden: Set(hiddenNames.compactMap(SourceColumnID.init(rawValue:))))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(order.map(\.rawValue), forKey: .order)
        try c.encode(hidden.map(\.rawValue).sorted(), forKey: .hidden)
    }

    enum CodingKeys: String, CodingKey { case order, hidden }
}

extension SourceColumnID {
    /// What the column shows, for the column setup screen and the help.
    public var meaning: String {
        SourcesScreen.columnHelp[self] ?? rawValue
    }
}

/// The column setup overlay: every column with whether it shows; ↑/↓ choose, Space shows or hides, [ and ]
/// move it, C or Esc closes.
enum ColumnSetupScreen {
    static func draw(_ buf: inout Buffer, _ m: AppModel, layout: Layout) {
        let setup = m.columnSetup
        let frame = layout.helpBox(lines: setup.order.count + 2)
        buf.fill(frame)
        Widgets.box(&buf, in: frame, title: "Columns: ↑/↓ choose, Space show/hide, [ ] move, C or Esc close", ascii: m.ascii, style: .plain)
        let inside = frame.inset(left: 2, top: 1, right: 2, bottom: 1)
        buf.clipped(to: inside) { buf in
            for (i, id) in setup.order.enumerated() where i < inside.height {
                let shown = !setup.hidden.contains(id)
                let title = SourcesScreen.columns.first { $0.id == id }?.title ?? id.rawValue
                let text = "\(shown ? "[x]" : "[ ]") \(title.padding(9))\(id.meaning)\(id == .name ? " (always shown)" : "")"
                var style: Style = shown ? .plain : .dim
                if i == m.columnSetupIndex { style.reverse = true }
                buf.write(text, x: inside.x, y: inside.y + i, style: style, maxWidth: inside.width)
            }
        }
    }
}
