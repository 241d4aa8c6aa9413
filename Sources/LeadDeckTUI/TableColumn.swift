/// One column of a table on screen: a stable id (what sorting, column choice and mouse clicks refer to), the
/// title shown above it, its width and alignment, and once placed, the screen column it starts at.
public struct TableColumn<ID: Hashable & Sendable>: Sendable, Hashable {
    /// What the column is; never its title, which may change or be shortened.
    public var id: ID
    /// The text shown above the column.
    public var title: String
    /// Cells the column takes (0 in a catalogue: the column that takes what is left).
    public var width: Int
    /// Whether its cells are right-aligned (numbers).
    public var alignRight: Bool
    /// When a table is too narrow, columns with a lower `keep` are dropped first.
    public var keep: Int
    /// The screen column the column starts at, once placed.
    public var x: Int

    /// A column, not yet placed.
    public init(_ id: ID, _ title: String, width: Int, alignRight: Bool = false, keep: Int = .max) {
        self.id = id
        self.title = title
        self.width = width
        self.alignRight = alignRight
        self.keep = keep
        x = 0
    }

    /// The screen columns the column covers.
    public var span: Range<Int> { x..<(x + width) }
}

/// Placing and finding table columns: one rule for every table, so drawing and hit-testing agree.
public enum TableColumns {
    /// Sets each column's `x`: left to right from `x`, one blank cell between neighbours.
    public static func place<ID>(_ columns: [TableColumn<ID>], from x: Int) -> [TableColumn<ID>] {
        var next = x
        return columns.map { c in
            var placed = c
            placed.x = next
            next += c.width + 1
            return placed
        }
    }

    /// The column under screen column `x`; the blank cell between two columns belongs to neither.
    public static func column<ID>(atX x: Int, in columns: [TableColumn<ID>]) -> TableColumn<ID>? {
        columns.first { $0.span.contains(x) }
    }
}

extension Buffer {
    /// Writes the titles of placed columns on row `y`, each fitted to its column (an empty title writes nothing).
    mutating func putTitles<ID>(_ columns: [TableColumn<ID>], y: Int, style: Style = Style(bold: true, underline: true)) {
        for c in columns where !c.title.isEmpty {
            put(c.title, x: c.x, y: y, width: c.width, style: style, right: c.alignRight)
        }
    }

    /// Writes one table row on row `y`: each cell fitted to its placed column, in order.
    mutating func putCells<ID>(_ cells: [(String, Style)], _ columns: [TableColumn<ID>], y: Int) {
        for ((text, style), c) in zip(cells, columns) {
            put(text, x: c.x, y: y, width: c.width, style: style, right: c.alignRight)
        }
    }
}
