/// A key press, as the app understands it (the backend translates terminal codes); mouse presses come the
/// same way, so one update function sees every input.
public enum Key: Sendable, Hashable {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case resize
    /// A mouse press or wheel step (never in the key table: `AppModel` maps it through `hitTest`).
    case mouse(MouseEvent)

    /// How the key is written in help and hints ("Ctrl-R", "PgDn", "/").
    public var label: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-\(c.uppercased())"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .resize: return "resize"
        case .mouse: return "mouse"
        }
    }
}
