/// Everything a key can do.
public enum Action: String, Sendable, Hashable, CaseIterable {
    case quit, help, nextScreen, prevScreen, screenSources, screenFlow, screenROI, screenDetail, screenAlerts
    case up, down, pageUp, pageDown, top, bottom, open, back
    case filter, sortNext, sortReverse, expand, collapse, window
    case block, raisePriority, lowerPriority, cycleMode, toggleGlobalMode, undo, redo
    case pause, matureOnly, blockSource, command, columns, sortLeft, sortRight, freeze, copyID, suspend, mark
}

/// The screens of the dashboard, in Tab order.
public enum ScreenID: Int, Sendable, Hashable, CaseIterable {
    case sources = 1, flow, roi, detail, alerts

    public var title: String {
        switch self {
        case .sources: return "Sources"
        case .flow: return "Live flow"
        case .roi: return "ROI"
        case .detail: return "Detail"
        case .alerts: return "Alerts"
        }
    }
}

/// One key binding: keys, action, what it does, whether it changes the policy (refused in read-only mode),
/// the screens it works on (nil: all), and whether the bottom bar shows it.
public struct Binding: Sendable {
    public var keys: [Key]
    public var action: Action
    public var description: String
    public var dangerous: Bool
    public var screens: Set<ScreenID>?
    public var hint: String?

    public func applies(to screen: ScreenID) -> Bool { screens?.contains(screen) ?? true }
}

/// The one table that drives key handling, the bottom bar hints and the `?` help.
public enum Bindings {
    static let sourceScreens: Set<ScreenID> = [.sources, .detail]
    public static let all: [Binding] = [
        Binding(keys: [.char("q")], action: .quit, description: "quit (Ctrl-C too)", dangerous: false, screens: nil, hint: "quit"),
        Binding(keys: [.ctrl("z")], action: .suspend, description: "suspend to the shell; fg resumes (the market stops meanwhile)", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.char("?")], action: .help, description: "show or hide this help", dangerous: false, screens: nil, hint: "help"),
        Binding(keys: [.tab], action: .nextScreen, description: "next screen", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.backTab], action: .prevScreen, description: "previous screen", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.char("1")], action: .screenSources, description: "Sources screen", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.char("2")], action: .screenFlow, description: "Live flow screen", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.char("3")], action: .screenROI, description: "ROI screen", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.char("4")], action: .screenDetail, description: "detail of the selected source", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.char("5")], action: .screenAlerts, description: "Alerts screen (budget out, caps, below break-even, returns)", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.up, .char("k")], action: .up, description: "move up", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.down, .char("j")], action: .down, description: "move down", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.pageUp, .ctrl("b")], action: .pageUp, description: "page up", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.pageDown, .ctrl("f")], action: .pageDown, description: "page down", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.home, .char("g")], action: .top, description: "first row", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.end, .char("G")], action: .bottom, description: "last row", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.enter], action: .open, description: "open the selected source's detail (on Live flow: the lead's detail; Enter again: its source)", dangerous: false, screens: [.sources, .flow], hint: "detail"),
        Binding(keys: [.escape], action: .back, description: "back / clear the filter / close", dangerous: false, screens: nil, hint: nil),
        Binding(keys: [.char("/")], action: .filter, description: "filter: words that must all match, ! negates one: text, vertical:auto, status:blocked, roi<0, cpl>50, state:TX (syntax below); Enter applies, ↑/↓ recall earlier filters", dangerous: false, screens: [.sources, .flow], hint: "filter"),
        Binding(keys: [.char("s")], action: .sortNext, description: "sort by the next column", dangerous: false, screens: [.sources], hint: "sort"),
        Binding(keys: [.char("<")], action: .sortLeft, description: "sort by the column left of the sorted one", dangerous: false, screens: [.sources], hint: nil),
        Binding(keys: [.char(">")], action: .sortRight, description: "sort by the column right of the sorted one", dangerous: false, screens: [.sources], hint: nil),
        Binding(keys: [.char("Z")], action: .freeze, description: "freeze the row order (figures still update) / follow the sort again", dangerous: false, screens: [.sources], hint: nil),
        Binding(keys: [.char("C")], action: .columns, description: "choose and order the columns (profit, revenue, spend...)", dangerous: false, screens: [.sources], hint: "columns"),
        Binding(keys: [.char("S")], action: .sortReverse, description: "reverse the sort", dangerous: false, screens: [.sources], hint: nil),
        Binding(keys: [.right, .char("l")], action: .expand, description: "show the source's sub-IDs", dangerous: false, screens: [.sources], hint: nil),
        Binding(keys: [.left, .char("h")], action: .collapse, description: "hide the source's sub-IDs", dangerous: false, screens: [.sources], hint: nil),
        Binding(keys: [.char("w")], action: .window, description: "metrics window: all time / today / last hour", dangerous: false, screens: [.sources, .roi], hint: "window"),
        Binding(keys: [.char("a")], action: .matureOnly, description: "figures on mature leads only (older than their vertical's usual sale lag) / on all", dangerous: false, screens: [.sources], hint: nil),
        Binding(keys: [.char(" ")], action: .pause, description: "pause / resume the feed (the engine keeps running)", dangerous: false, screens: [.flow], hint: "pause"),
        Binding(keys: [.char("b")], action: .block, description: "block / unblock the source or sub-ID (on Live flow: the lead's sub-ID) (asks first)", dangerous: true, screens: sourceScreens.union([.flow]), hint: "block"),
        Binding(keys: [.char("x")], action: .mark, description: "mark / unmark the row for a bulk block (b then acts on every marked row; Esc clears the marks)", dangerous: true, screens: [.sources], hint: nil),
        Binding(keys: [.char("B")], action: .blockSource, description: "block / unblock the selected lead's whole source (asks first)", dangerous: true, screens: [.flow], hint: nil),
        Binding(keys: [.char("+"), .char("=")], action: .raisePriority, description: "raise priority (tier 5 -> 1)", dangerous: true, screens: sourceScreens, hint: "priority"),
        Binding(keys: [.char("-")], action: .lowerPriority, description: "lower priority (tier 1 -> 5)", dangerous: true, screens: sourceScreens, hint: nil),
        Binding(keys: [.char("m")], action: .cycleMode, description: "source mode: shared -> exclusive -> inherit", dangerous: true, screens: sourceScreens, hint: "mode"),
        Binding(keys: [.char("M")], action: .toggleGlobalMode, description: "global mode: shared <-> exclusive", dangerous: true, screens: nil, hint: "global mode"),
        Binding(keys: [.char(":")], action: .command, description: "change a setting: budget, caps, hours, maxprice, dedupe (see below)", dangerous: true, screens: nil, hint: "settings"),
        Binding(keys: [.char("u")], action: .undo, description: "undo your last change", dangerous: true, screens: nil, hint: "undo"),
        Binding(keys: [.ctrl("r")], action: .redo, description: "redo", dangerous: true, screens: nil, hint: nil),
        Binding(keys: [.char("c")], action: .copyID, description: "copy the selected source's id (the lead's id on Live flow) to the clipboard (OSC 52)", dangerous: false, screens: [.sources, .flow, .detail], hint: "copy"),
    ]

    /// The binding for a key on a screen, if any.
    public static func binding(for key: Key, on screen: ScreenID, readOnly: Bool) -> Binding? {
        all.first { $0.keys.contains(key) && $0.applies(to: screen) && !(readOnly && $0.dangerous) }
    }

    /// Bindings shown for a screen (read-only hides those that change things).
    public static func visible(on screen: ScreenID, readOnly: Bool) -> [Binding] {
        all.filter { $0.applies(to: screen) && !(readOnly && $0.dangerous) }
    }
}
