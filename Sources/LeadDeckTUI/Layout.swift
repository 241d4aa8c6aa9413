import LeadDeckCore

/// Where everything goes on a terminal of a given size, computed in one place: rendering draws into these
/// areas, key handling takes its page sizes from them, and hit-testing maps a cell back to what is there.
///
/// ```
/// row 0        header      LeadDeck │ store │ engine │ mode │ budget ........ │ clock
/// row 1        tabBar      1 Sources  2 Live flow  3 ROI  4 Detail  5 Alerts .. scroll note
/// row 2        info        ┐ body: the current screen (table screens split it like this;
/// row 3        columnHeader│ the detail screen's two fixed lines take info and columnHeader,
/// rows 4...    tableRows   ┘ the ROI screen scrolls its page through the whole body)
/// last row     status      key hints, a message, or the filter being typed
/// ```
public struct Layout: Sendable, Hashable {
    /// The whole terminal.
    public let screen: Rect
    /// Row 0: name, store, engine, mode, budget and clock.
    public let header: Rect
    /// Row 1: the screen tabs, and a scroll note at its right end.
    public let tabBar: Rect
    /// The rows between the tab bar and the status line, where the current screen draws.
    public let body: Rect
    /// The last row: key hints, a message, or the filter being typed.
    public let status: Rect
    /// The first row of the body: a table screen's counts, sort and filter.
    public let info: Rect
    /// The second row of the body: a table's column titles.
    public let columnHeader: Rect
    /// The rest of the body: a table's rows, or the detail screen's scrolling lines.
    public let tableRows: Rect
    /// Each screen's tab on the tab bar, in Tab order.
    public let tabs: [Tab]

    /// A screen's tab and where it is drawn.
    public struct Tab: Sendable, Hashable {
        public let screen: ScreenID
        public let area: Rect
    }

    /// The smallest terminal the dashboard draws on; below it a "terminal too small" message shows.
    public static let minWidth = 80
    public static let minHeight = 24

    /// The layout of a `width` x `height` terminal.
    public init(width: Int, height: Int) {
        screen = Rect(x: 0, y: 0, width: width, height: height)
        let (top, rest) = screen.split(top: 2)
        header = top.row(0)
        tabBar = top.row(1)
        let (middle, bottom) = rest.split(bottom: 1)
        body = middle
        status = bottom
        let (head, rows) = body.split(top: 2)
        info = head.row(0)
        columnHeader = head.row(1)
        tableRows = rows
        var x = tabBar.x
        var tabs: [Tab] = []
        for s in ScreenID.allCases {
            let w = Sanitizer.width(Self.tabLabel(s))
            tabs.append(Tab(screen: s, area: Rect(x: x, y: tabBar.y, width: w, height: tabBar.height)))
            x += w + 1
        }
        self.tabs = tabs
    }

    /// Whether the terminal is below the minimum size.
    public var tooSmall: Bool { screen.width < Self.minWidth || screen.height < Self.minHeight }

    /// Table rows shown at once (at least 1): the page size of the Sources and Live flow tables, and the
    /// window of the detail screen's scrolling lines.
    public var visibleTableRows: Int { max(1, tableRows.height) }

    /// Page rows shown at once on a screen that scrolls its whole body (ROI).
    public var visibleBodyRows: Int { max(1, body.height) }

    /// How far PgUp/PgDn move a scrolling text view (detail, ROI): one line less than the detail window, so a
    /// line of context stays.
    public var textPageStep: Int { max(1, tableRows.height - 1) }

    /// The text of a screen's tab.
    public static func tabLabel(_ s: ScreenID) -> String { " \(s.rawValue) \(s.title) " }

    /// The column after the last tab.
    public var tabsEnd: Int { tabs.last.map(\.area.maxX) ?? tabBar.x }

    /// The tab under (x, y), if any.
    public func tab(atX x: Int, y: Int) -> ScreenID? {
        tabs.first { $0.area.contains(x: x, y: y) }?.screen
    }

    /// The table row shown on screen row `y`, counted from the first row on screen; nil off the table.
    public func tableRowOffset(atY y: Int) -> Int? {
        tableRows.rows.contains(y) ? y - tableRows.y : nil
    }

    /// The help overlay's frame for `lines` lines of help: at most 100 wide, as tall as needed and allowed.
    public func helpBox(lines: Int) -> Rect {
        let w = min(screen.width - 4, 100), h = min(screen.height - 4, lines + 4)
        return Rect(x: (screen.width - w) / 2, y: 2, width: w, height: h)
    }

    /// Help lines the help overlay shows at once (inside its frame).
    public func helpVisibleLines(lines: Int) -> Int { max(0, helpBox(lines: lines).height - 2) }

    /// The confirmation dialog's frame for a question `textWidth` columns wide.
    public func confirmBox(textWidth: Int) -> Rect {
        let w = min(screen.width - 4, max(44, textWidth + 6)), h = 6
        return Rect(x: (screen.width - w) / 2, y: screen.height / 2 - 3, width: w, height: h)
    }

    /// The line of choices under a confirmation's question: Cancel (the default) first.
    public static let confirmChoices = "[ Cancel ]  y = yes"
    public static let cancelButton = "[ Cancel ]"

    /// Where the confirmation dialog's `[ Cancel ]` is drawn, for a question `textWidth` columns wide: the one
    /// place in a dialog a click acts on (the mouse can cancel, never confirm).
    public func confirmCancelButton(textWidth: Int) -> Rect {
        let frame = confirmBox(textWidth: textWidth)
        let x = frame.x + (frame.width - Sanitizer.width(Self.confirmChoices)) / 2
        return Rect(x: x, y: frame.y + 4, width: Sanitizer.width(Self.cancelButton), height: 1)
    }
}
