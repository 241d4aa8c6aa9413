import LeadDeckCore

/// A terminal colour. `.default` is the terminal's own.
public enum Color: UInt8, Sendable, Hashable, CaseIterable {
    case `default`, black, red, green, yellow, blue, magenta, cyan, white, gray
}

/// How a cell looks: colours and attributes.
public struct Style: Sendable, Hashable {
    public var fg: Color = .default
    public var bg: Color = .default
    public var bold = false
    public var reverse = false
    public var dim = false
    public var underline = false

    public init(fg: Color = .default, bg: Color = .default, bold: Bool = false, reverse: Bool = false,
                dim: Bool = false, underline: Bool = false) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
        self.underline = underline
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let selected = Style(reverse: true)
    public static let dim = Style(fg: .gray, dim: true)
    public static let good = Style(fg: .green)
    public static let bad = Style(fg: .red)
    public static let warn = Style(fg: .yellow)
    public static let accent = Style(fg: .cyan)
    public static let title = Style(fg: .cyan, bold: true)
}

/// One screen cell: a grapheme (or "" for the second half of a wide character) and its style.
public struct Cell: Sendable, Hashable {
    public var text: String
    public var style: Style
    public init(_ text: String = " ", _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// A frame in memory: the app renders into it, the terminal backend draws it, tests read it as text.
public struct Buffer: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where drawing may land: `write`, `put`, `fill`, `restyle` and `copy` drop what falls outside it. The
    /// whole buffer, except while a widget draws inside `clipped(to:_:)`.
    public private(set) var clip: Rect

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
        clip = Rect(x: 0, y: 0, width: self.width, height: self.height)
    }

    /// The whole buffer as a rectangle.
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// One cell. Setting it ignores `clip`: it is the raw access the backend and the drawing calls use.
    /// Whether row `y` holds the same cells as row `y` of `other` (same width assumed; false when not).
    public func rowEquals(_ y: Int, _ other: Buffer) -> Bool {
        guard other.width == width, other.height == height, y >= 0, y < height else { return false }
        let start = y * width
        assert(MemoryLayout<String>.size == MemoryLayout<(UInt64, UInt64)>.size)
        // Read in place, the text by its bits first: equal bits are the same string (a table's one-byte cell
        // text always is), and only texts that differ in bits are compared as strings.
        return cells.withUnsafeBufferPointer { a in
            other.cells.withUnsafeBufferPointer { b in
                for i in start..<(start + width) {
                    guard a[i].style == b[i].style else { return false }
                    if unsafeBitCast(a[i].text, to: (UInt64, UInt64).self) != unsafeBitCast(b[i].text, to: (UInt64, UInt64).self),
                       a[i].text != b[i].text { return false }
                }
                return true
            }
        }
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Runs `draw` with drawing limited to `area` (within the current clip), so a widget cannot spill out of
    /// the rectangle it was given; the clip is restored afterwards.
    @discardableResult
    public mutating func clipped<T>(to area: Rect, _ draw: (inout Buffer) throws -> T) rethrows -> T {
        let saved = clip
        clip = saved.intersection(area)
        defer { clip = saved }
        return try draw(&self)
    }

    /// Writes text at (x, y), sanitised, clipped at `maxWidth` columns (and at the right edge).
    /// Returns the column after the last one written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard clip.rows.contains(y), x < clip.maxX else { return x }
        let limit = min(clip.maxX, x + (maxWidth ?? width))
        var col = x
        if Sanitizer.isPlainASCII(text) {
            // One cell a byte, each from a table: no grapheme breaking, no width lookups.
            let cellTexts = Self.asciiCellTexts
            for b in text.utf8 {
                if col + 1 > limit { break }
                if col >= clip.x { self[col, y] = Cell(cellTexts[Int(b &- 0x20)], style) }
                col += 1
            }
            return col
        }
        return writeGraphemes(text, from: col, y: y, style: style, limit: limit)
    }

    /// `write` grapheme by grapheme, for any text (`write` takes a shortcut for plain ASCII).
    mutating func writeGraphemes(_ text: String, from x: Int, y: Int, style: Style, limit: Int) -> Int {
        var col = x
        for ch in Sanitizer.clean(text) {
            let w = ch.unicodeScalars.reduce(0) { max($0, Sanitizer.width($1)) }
            if w == 0 { continue }
            if col + w > limit { break }
            if col >= clip.x {
                self[col, y] = Cell(String(ch), style)
                if w == 2 { self[col + 1, y] = Cell("", style) }
            }
            col += w
        }
        return col
    }

    /// The text of a cell holding printable ASCII byte `b`, at `b - 0x20`.
    static let asciiCellTexts: [String] = (0x20...0x7E).map { String(UnicodeScalar(UInt8($0))) }

    /// Writes text fitted to exactly `width` columns (cut with "…" or padded).
    public mutating func put(_ text: String, x: Int, y: Int, width w: Int, style: Style = .plain, right: Bool = false) {
        guard w > 0, Sanitizer.isPlainASCII(text) else {
            write(Sanitizer.fit(text, w, alignRight: right), x: x, y: y, style: style, maxWidth: w)
            return
        }
        // Plain ASCII, cell by cell: the text, cut with "…" or padded with spaces, without building the fitted string.
        guard clip.rows.contains(y), x < clip.maxX else { return }
        let limit = min(clip.maxX, x + w)
        let cellTexts = Self.asciiCellTexts
        let n = text.utf8.count
        let shown = n > w ? w - 1 : n
        var col = x
        func cell(_ t: String) {
            if col >= clip.x && col < limit { self[col, y] = Cell(t, style) }
            col += 1
        }
        if right { for _ in 0..<(w - min(n, w)) { cell(" ") } }
        for b in text.utf8.prefix(shown) { cell(cellTexts[Int(b &- 0x20)]) }
        if n > w { cell("…") }
        if !right { while col < x + w { cell(" ") } }
    }

    /// Fills a rectangle with spaces in a style.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, style: Style = .plain) {
        fill(Rect(x: x, y: y, width: w, height: h), style: style)
    }

    /// Fills an area with spaces in a style.
    public mutating func fill(_ area: Rect, style: Style = .plain) {
        let r = area.intersection(clip)
        for row in r.rows {
            for col in r.columns { self[col, row] = Cell(" ", style) }
        }
    }

    /// Applies a style to every cell of a row segment, keeping the text (for selection highlighting).
    public mutating func restyle(x: Int, y: Int, width w: Int, _ change: (inout Style) -> Void) {
        let r = Rect(x: x, y: y, width: w, height: 1).intersection(clip)
        for row in r.rows {
            for col in r.columns { change(&cells[row * width + col].style) }
        }
    }

    /// Copies the rows of `source` from row `from` on into `area`, as many as fit; a scrolling view shows a
    /// tall page this way.
    public mutating func copy(_ source: Buffer, from: Int, into area: Rect) {
        let r = area.intersection(clip)
        for row in r.rows {
            let sy = from + row - area.y
            guard sy >= 0, sy < source.height else { continue }
            for col in r.columns where col - area.x < source.width { self[col, row] = source[col - area.x, sy] }
        }
    }

    /// The frame as lines of text (trailing spaces trimmed), for snapshots.
    public var text: String {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width { line += self[x, y].text }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
