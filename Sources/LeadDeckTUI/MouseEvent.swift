/// A mouse press as the model sees it: where (screen cell, from 0), which button, and whether it is the
/// second click of a double click. Releases and motion never reach the model: it acts on presses.
public struct MouseEvent: Sendable, Hashable {
    /// The button pressed, or the wheel turned.
    public enum Button: Sendable, Hashable {
        case left, wheelUp, wheelDown
    }

    public var x: Int
    public var y: Int
    public var button: Button
    /// 1 for a click, 2 for the second click of a double click (always 1 for the wheel).
    public var clicks: Int

    /// A press at (x, y).
    public init(x: Int, y: Int, button: Button, clicks: Int = 1) {
        self.x = x
        self.y = y
        self.button = button
        self.clicks = clicks
    }
}

/// What a terminal reports, before clicks are counted: a press, a release or a wheel step at a cell.
public struct RawMouse: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case leftPress, leftRelease, wheelUp, wheelDown }
    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }

    /// Decodes the body of an xterm SGR (mode 1006) report, the part after `ESC [ <`: `Cb;Cx;Cy` then `M` (press)
    /// or `m` (release), with 1-based cell coordinates. Other buttons, motion and malformed text give nil.
    public static func sgr(_ body: String) -> RawMouse? {
        guard let final = body.last, final == "M" || final == "m" else { return nil }
        let fields = body.dropLast().split(separator: ";", omittingEmptySubsequences: false)
        guard fields.count == 3, fields.allSatisfy({ !$0.isEmpty && $0.count <= 5 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let code = Int(fields[0]), let x = Int(fields[1]), let y = Int(fields[2]), x >= 1, y >= 1 else { return nil }
        // Shift, Meta and Ctrl (4, 8, 16) do not change what a click means here; motion (32) is never acted on.
        let button = code & ~(4 | 8 | 16)
        let kind: Kind
        switch (button, final) {
        case (0, "M"): kind = .leftPress
        case (0, "m"): kind = .leftRelease
        case (64, "M"): kind = .wheelUp
        case (65, "M"): kind = .wheelDown
        default: return nil
        }
        return RawMouse(kind, x: x - 1, y: y - 1)
    }
}

/// Turns raw presses into `MouseEvent`s, counting a second left press on the same cell soon after the first
/// as a double click. Time comes in as seconds on any monotonic clock, so tests choose it.
public struct ClickCounter: Sendable {
    /// The longest gap between the two presses of a double click.
    public static let doubleClickSeconds = 0.4

    private var lastX = -1, lastY = -1, lastAt = -Double.infinity, lastClicks = 0

    public init() {}

    /// The event for `raw` at time `at`, or nil for a release (nothing acts on it).
    public mutating func event(_ raw: RawMouse, at: Double) -> MouseEvent? {
        switch raw.kind {
        case .leftRelease: return nil
        case .wheelUp: return MouseEvent(x: raw.x, y: raw.y, button: .wheelUp)
        case .wheelDown: return MouseEvent(x: raw.x, y: raw.y, button: .wheelDown)
        case .leftPress:
            // A third quick press starts a new click rather than counting up: triple clicks mean nothing here.
            let double = lastClicks == 1 && raw.x == lastX && raw.y == lastY && at - lastAt <= Self.doubleClickSeconds
            lastClicks = double ? 2 : 1
            lastX = raw.x
            lastY = raw.y
            lastAt = at
            return MouseEvent(x: raw.x, y: raw.y, button: .left, clicks: lastClicks)
        }
    }
}
