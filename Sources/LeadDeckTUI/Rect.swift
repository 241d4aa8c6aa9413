/// A rectangle of screen cells: columns `x ..< x + width`, rows `y ..< y + height`.
///
/// Widgets and screens draw into a `Rect` of the `Buffer` and never outside it; layouts are computed by
/// splitting rectangles, so rendering, key handling and mouse hit-testing all read the same numbers.
public struct Rect: Sendable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    /// A rectangle; a negative width or height becomes 0 (an empty area).
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The empty rectangle at the origin.
    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    /// The column after the last one.
    public var maxX: Int { x + width }
    /// The row after the last one.
    public var maxY: Int { y + height }
    /// The screen rows the area covers.
    public var rows: Range<Int> { y..<maxY }
    /// The screen columns the area covers.
    public var columns: Range<Int> { x..<maxX }
    /// Whether the area holds no cell.
    public var isEmpty: Bool { width == 0 || height == 0 }

    public var description: String { "\(width)x\(height)@\(x),\(y)" }

    /// Whether the cell at (x, y) lies inside.
    public func contains(x px: Int, y py: Int) -> Bool { columns.contains(px) && rows.contains(py) }

    /// The area shrunk by `n` cells on every side.
    public func inset(by n: Int) -> Rect { inset(left: n, top: n, right: n, bottom: n) }

    /// The area shrunk by the given number of cells on each side (never below empty).
    public func inset(left: Int = 0, top: Int = 0, right: Int = 0, bottom: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left - right, height: height - top - bottom)
    }

    /// The first `n` rows (as many as there are) and the rest below them.
    public func split(top n: Int) -> (top: Rect, rest: Rect) {
        let h = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: h), Rect(x: x, y: y + h, width: width, height: height - h))
    }

    /// The last `n` rows (as many as there are) and the rest above them.
    public func split(bottom n: Int) -> (rest: Rect, bottom: Rect) {
        let h = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: height - h), Rect(x: x, y: maxY - h, width: width, height: h))
    }

    /// The first `n` columns (as many as there are) and the rest to their right.
    public func split(left n: Int) -> (left: Rect, rest: Rect) {
        let w = min(max(0, n), width)
        return (Rect(x: x, y: y, width: w, height: height), Rect(x: x + w, y: y, width: width - w, height: height))
    }

    /// Row `i` of the area (counted from its top) as a one-row rectangle; empty when outside.
    public func row(_ i: Int) -> Rect {
        rows.contains(y + i) ? Rect(x: x, y: y + i, width: width, height: 1) : Rect(x: x, y: y + i, width: 0, height: 0)
    }

    /// The cells both rectangles cover (empty when they do not overlap).
    public func intersection(_ other: Rect) -> Rect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        guard x1 > x0, y1 > y0 else { return Rect(x: x0, y: y0, width: 0, height: 0) }
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}
