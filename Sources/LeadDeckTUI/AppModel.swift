import LeadDeckCore

/// What the runtime must do after a key: the model itself never touches the store or the terminal.
public enum Effect: Sendable, Hashable {
    case quit
    case change(PolicyChange)
    /// Several changes at once (a bulk action on marked rows), each saved and undoable on its own.
    case changes([PolicyChange])
    case undo
    case redo
    /// Give the terminal back and stop the process until the shell's `fg` (Ctrl-Z).
    case suspend
    /// Put this id on the terminal's clipboard (`Clipboard.osc52`); the model has already checked it is safe.
    case copy(String)
}

/// A question waiting for `y`; any other key cancels.
public struct Confirmation: Sendable, Hashable {
    public var question: String
    public var effect: Effect
}

/// A message in the bottom bar.
public struct StatusMessage: Sendable, Hashable {
    public var text: String
    public var isError: Bool
    public init(text: String, isError: Bool) {
        self.text = text
        self.isError = isError
    }
}

/// The dashboard's state and its update function (Elm style): keys in, effects out; rendering reads it.
public struct AppModel: Sendable {
    public var width: Int
    public var height: Int
    public var screen: ScreenID = .sources
    public var previousScreen: ScreenID = .sources
    public var readOnly: Bool
    public var ascii: Bool
    /// Whether colours are shown (NO_COLOR unset). Charts tell their series apart by glyph either way.
    public var colors = true
    public var showHelp = false
    /// The Live flow's selected lead is shown in detail (Enter on Live flow; Esc closes).
    public var showLeadDetail = false
    public var helpScroll = 0
    /// First line shown on the Alerts screen.
    public var alertsScroll = 0
    public var confirmation: Confirmation?
    public var status: StatusMessage?

    // Sources screen
    public var sort: SortColumn = .today
    public var descending = true
    public var window: Window = .all
    /// Rows marked for a bulk action (key x): sources, or sub-IDs as "SOURCE/SUB".
    public var marked: Set<SourceRow.Key> = []
    /// Which Sources columns show, in what order (key C).
    public var columnSetup = ColumnSetup.default
    /// The column setup overlay is open, with the row chosen in it.
    public var showColumnSetup = false
    public var columnSetupIndex = 0
    /// Count only mature cohorts: leads bought before their vertical's usual sale lag (key `a`).
    public var matureOnly = false
    /// The Sources filter in force: applied with Enter, so always one that parses (see `RowFilter`).
    public var filter = "" {
        didSet { if filter != oldValue { pinned = nil } }
    }
    /// Whether a filter is being typed (after `/`); every key then goes to it.
    public var editingFilter = false
    /// The `:` settings prompt is open, with what has been typed.
    public var editingCommand = false
    public var commandText = ""
    /// The filter being typed, on whichever of Sources and Live flow is open; Enter applies it.
    public var filterDraft = ""
    /// Sources filters applied with Enter, most recent first, at most `filterHistoryLimit`; ↑/↓ recall them
    /// while typing. Kept in memory only: public so that a caller can save and restore it.
    public var filterHistory: [String] = []
    /// Which history entry ↑/↓ show in the draft (nil: the text typed), and that typed text.
    var historyIndex: Int?
    var typedDraft = ""
    public var expanded: Set<String> = []
    public var selected: SourceRow.Key?
    public var top = 0
    /// The source just changed from this terminal: kept in the list (marked as outside the filter) until the
    /// selection moves, so the next key never lands on a source the person did not choose.
    public var pinned: String?

    // Live flow screen
    public var paused = false
    public var frozenFeed: LiveFeed?
    /// The Live flow filter in force: applied with Enter, so always one that parses (see `FlowFilter`).
    public var flowFilter = ""
    /// Live flow filters applied with Enter, most recent first, at most `filterHistoryLimit`.
    public var flowFilterHistory: [String] = []
    /// The highlighted lead (its row key), so new leads arriving above do not move the highlight.
    public var flowSelectedKey: String?
    public var flowTop = 0

    // ROI screen
    public var roiScroll = 0

    // Detail screen
    public var detailSource: String?
    public var detailScroll = 0

    // Undo / redo of this user's changes, newest last.
    public var undoStack: [PolicyChange] = []
    public var redoStack: [PolicyChange] = []

    /// The smallest terminal the dashboard draws on (see `Layout`).
    public static let minWidth = Layout.minWidth
    public static let minHeight = Layout.minHeight
    /// How many filters each screen's history keeps.
    public static let filterHistoryLimit = 50

    public init(width: Int, height: Int, readOnly: Bool = false, ascii: Bool = false) {
        self.width = width
        self.height = height
        self.readOnly = readOnly
        self.ascii = ascii
    }

    /// Whether the terminal is below the minimum size (only a message is drawn, only q works).
    public var tooSmall: Bool { layout.tooSmall }

    /// Where everything goes at the current size: rendering, paging and hit-testing all read it.
    public var layout: Layout { Layout(width: width, height: height) }

    /// Rows of the sources table as they stand now.
    public func sourceRows(_ desk: Desk) -> [SourceRow] { sourceListing(desk).completedRows }

    /// The sources table as it stands now, in order, each row built only when asked for (`SourceListing`): the
    /// screen builds the rows it draws, and keys that only need the order read `keys`.
    public func sourceListing(_ desk: Desk) -> SourceListing {
        var listing = SourceTable.listing(desk: desk, window: window, sort: sort, descending: descending, filter: shownFilter,
                                          expanded: expanded, pinned: pinned, matureOnly: matureOnly)
        if let held = heldOrder { listing.keep(inOrder: held) }
        return listing
    }

    /// The keys of the sources rows in order, for moving, selecting and hit-testing.
    func sourceOrder(_ desk: Desk) -> [SourceRow.Key] { sourceListing(desk).keys }

    /// The rows with sources in `order` (each followed by its sub-IDs); sources not in it come after, as sorted.
    static func keeping(_ rows: [SourceRow], inOrder order: [String]) -> [SourceRow] {
        keepingPermutation(rows.map(\.key), inOrder: order).map { rows[$0] }
    }

    /// The indices of `keys` reordered as `keeping(_:inOrder:)` reorders their rows.
    static func keepingPermutation(_ keys: [SourceRow.Key], inOrder order: [String]) -> [Int] {
        // A group is a source row and the sub-ID rows under it (a first row that is a sub-ID starts one too).
        var starts: [Int] = []
        for (i, k) in keys.enumerated() where k.subID == nil || i == 0 { starts.append(i) }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let ranks = starts.map { rank[keys[$0].source] ?? Int.max }
        let groups = starts.indices.sorted { a, b in ranks[a] != ranks[b] ? ranks[a] < ranks[b] : a < b }
        var out: [Int] = []
        out.reserveCapacity(keys.count)
        for g in groups { out.append(contentsOf: starts[g]..<(g + 1 < starts.count ? starts[g + 1] : keys.count)) }
        return out
    }

    /// The order of the Sources rows held while the person navigates (so rows do not move under the cursor)
    /// or frozen with Z; nil when rows follow the sort live.
    public var heldOrder: [String]?
    /// The order was frozen with Z (it stays until Z again); otherwise it is held only while navigating.
    public var orderFrozen = false

    /// Holds the current order of the Sources rows (on navigation keys).
    mutating func holdOrder(_ desk: Desk) {
        guard heldOrder == nil else { return }
        heldOrder = SourceTable.listing(desk: desk, window: window, sort: sort, descending: descending, filter: shownFilter,
                                        expanded: [], pinned: pinned, matureOnly: matureOnly).keys.map(\.source)
    }

    /// Lets rows follow the sort again after a pause in navigating, unless frozen. The runtime calls this when
    /// no key came for a few seconds.
    public mutating func releaseHeldOrder() {
        if !orderFrozen { heldOrder = nil }
    }

    /// Feed items shown on the flow screen (frozen while paused), filtered.
    public func flowItems(_ feed: LiveFeed) -> [FeedItem] {
        let items = Array((paused ? frozenFeed ?? feed : feed).items)
        // Only filters that parse are applied; text set directly that does not parse shows no lead.
        guard let f = try? FlowFilter.parse(shownFlowFilter).get() else { return [] }
        return f.isEmpty ? items : items.filter(f.matches)
    }

    /// The key that identifies a feed row (a lead's offer row, or an outcome row of a lead gone from view).
    public static func feedKey(_ i: FeedItem) -> String { i.decision == nil ? "\(i.leadID)#outcome" : i.leadID }

    /// Index of the highlighted feed row (0, the newest, until the user moves).
    public func flowSelectedIndex(_ items: [FeedItem]) -> Int {
        guard let k = flowSelectedKey else { return 0 }
        // Rows leave the feed only at its old end, so a selected row that is gone fell off the bottom: the
        // highlight stays at the bottom instead of jumping to the top (End/G on a running feed).
        guard let i = items.firstIndex(where: { Self.feedKey($0) == k }) else { return max(0, items.count - 1) }
        return i
    }

    /// The source the actions apply to on this screen, and the sub-ID if a sub-ID row is selected.
    /// What a source action applies to: the selected source or sub-ID (Sources), the shown source (Detail), or
    /// the selected lead's sub-ID (Live flow, given the feed).
    public func target(_ desk: Desk, feed: LiveFeed? = nil) -> SourceRow.Key? {
        switch screen {
        case .flow:
            // The selected lead's sub-ID (outcome rows name their lead's source and sub-ID too).
            guard let feed else { return nil }
            let items = flowItems(feed)
            guard !items.isEmpty else { return nil }
            let item = items[flowSelectedIndex(items)]
            return SourceRow.Key(source: item.sourceID, subID: item.subID)
        case .detail: return detailSource.map { SourceRow.Key(source: $0, subID: nil) }
        case .sources: return currentSelection(sourceOrder(desk))
        default: return nil
        }
    }

    func currentSelection(_ keys: [SourceRow.Key]) -> SourceRow.Key? {
        if let s = selected, keys.contains(s) { return s }
        return keys.first
    }

    /// Index of the selected source row (0 when none).
    public func selectedIndex(_ rows: [SourceRow]) -> Int { selectedIndex(rows.map(\.key)) }

    /// Index of the selected row among the rows with these keys (0 when none).
    func selectedIndex(_ keys: [SourceRow.Key]) -> Int {
        guard let key = currentSelection(keys) else { return 0 }
        return keys.firstIndex(of: key) ?? 0
    }

    /// Index of the first source row on screen: `top`, moved if needed so the selection shows (the rows may
    /// have changed since the last key).
    public func sourcesTop(_ rows: [SourceRow]) -> Int { sourcesTop(rows.map(\.key)) }

    /// `sourcesTop(_:)` for the rows with these keys.
    func sourcesTop(_ keys: [SourceRow.Key]) -> Int {
        Self.scroll(top: top, selected: selectedIndex(keys), visible: layout.visibleTableRows, count: keys.count)
    }

    /// Index of the first feed row on screen: `flowTop`, moved if needed so the highlight shows.
    public func flowTopShown(_ items: [FeedItem]) -> Int {
        Self.scroll(top: flowTop, selected: flowSelectedIndex(items), visible: layout.visibleTableRows, count: items.count)
    }

    // MARK: Update

    /// Handles one key. `desk` is the current state (for rows and current policy values); `feed` the live feed.
    public mutating func handle(_ key: Key, desk: Desk, feed: LiveFeed) -> [Effect] {
        if key == .resize {
            // A dialog the terminal got too small to show is cancelled, not kept: a `y` typed while it is hidden
            // must never confirm it once the window grows back (the resize may even be read before that `y`).
            if tooSmall, confirmation != nil {
                confirmation = nil
                status = StatusMessage(text: "cancelled: the terminal got too small to show the question", isError: false)
            }
            return []
        }
        // A hidden dialog takes no keys: while the terminal is too small only q (quit) works.
        if tooSmall { return key == .char("q") ? [.quit] : [] }
        // Every mouse press goes through `hitTest`, dialogs included, in one place.
        if case .mouse(let event) = key { return handleMouse(event, desk: desk, feed: feed) }
        if let c = confirmation {
            confirmation = nil
            if key == .char("y") { return [c.effect] }
            status = StatusMessage(text: "cancelled", isError: false)
            return []
        }
        if editingFilter { editFilter(key); return [] }
        if editingCommand { return editCommand(key, desk: desk) }
        if showColumnSetup { editColumns(key); return [] }
        if showHelp {
            // Scrolls within the help: past its last page, ↑ would otherwise seem dead for a while.
            let lines = Renderer.helpLines(self).count
            let last = max(0, lines - layout.helpVisibleLines(lines: lines))
            switch key {
            case .escape, .char("?"), .char("q"): showHelp = false
            case .down, .char("j"): helpScroll = min(last, helpScroll + 1)
            case .up, .char("k"): helpScroll = max(0, min(last, helpScroll) - 1)
            case .pageDown: helpScroll = min(last, helpScroll + 10)
            case .pageUp: helpScroll = max(0, min(last, helpScroll) - 10)
            default: break
            }
            return []
        }
        guard let binding = Bindings.binding(for: key, on: screen, readOnly: false) else { return [] }
        if binding.dangerous && readOnly {
            status = StatusMessage(text: "read-only: changes are disabled (started with --read-only)", isError: true)
            return []
        }
        return perform(binding.action, desk: desk, feed: feed)
    }

    /// Holds the flow's highlight on the lead it is on now (it otherwise follows the newest lead).
    mutating func pinFlowSelection(_ feed: LiveFeed) {
        let items = flowItems(feed)
        if !items.isEmpty { flowSelectedKey = Self.feedKey(items[flowSelectedIndex(items)]) }
    }

    /// Asks before blocking every marked row (or unblocking them all when all are blocked already).
    mutating func confirmBulkBlock(_ desk: Desk) {
        let keys = marked.sorted { ($0.source, $0.subID ?? "") < ($1.source, $1.subID ?? "") }
        func isBlocked(_ k: SourceRow.Key) -> Bool {
            let st = desk.policy.settings(for: k.source)
            return k.subID.map { st.blockedSubIDs.contains($0) } ?? st.blocked
        }
        let unblock = keys.allSatisfy(isBlocked)
        let changes: [PolicyChange] = keys.filter { isBlocked($0) == unblock }.map {
            unblock ? .unblock(source: $0.source, subID: $0.subID) : .block(source: $0.source, subID: $0.subID)
        }
        let names = keys.map { SourceRef(source: $0.source, subID: $0.subID).description }
        let list = names.prefix(4).joined(separator: ", ") + (names.count > 4 ? " and \(names.count - 4) more" : "")
        confirmation = Confirmation(question: "\(unblock ? "Unblock" : "Block") \(changes.count) marked: \(list)?", effect: .changes(changes))
        marked = []
    }

    /// Asks before blocking (or unblocking) a source or sub-ID; `y` confirms.
    mutating func confirmBlock(_ t: SourceRow.Key, desk: Desk) {
        let st = desk.policy.settings(for: t.source)
        let isBlocked = t.subID.map { st.blockedSubIDs.contains($0) } ?? st.blocked
        let name = Sanitizer.clean(desk.catalog.source(t.source)?.name ?? t.source)
        let what = t.subID.map { "sub-ID \(t.source)/\($0)" } ?? "source \(t.source) (\(name))"
        let change: PolicyChange = isBlocked ? .unblock(source: t.source, subID: t.subID) : .block(source: t.source, subID: t.subID)
        confirmation = Confirmation(question: "\(isBlocked ? "Unblock" : "Block") \(what)?", effect: .change(change))
    }

    /// Keys on the column setup overlay.
    mutating func editColumns(_ key: Key) {
        let order = columnSetup.order
        let id = order[min(columnSetupIndex, order.count - 1)]
        switch key {
        case .up, .char("k"): columnSetupIndex = max(0, columnSetupIndex - 1)
        case .down, .char("j"): columnSetupIndex = min(order.count - 1, columnSetupIndex + 1)
        case .char(" "), .enter: columnSetup.toggle(id)
        case .char("["): columnSetup.move(id, by: -1); columnSetupIndex = max(0, columnSetupIndex - 1)
        case .char("]"): columnSetup.move(id, by: 1); columnSetupIndex = min(order.count - 1, columnSetupIndex + 1)
        case .escape, .char("C"), .char("q"):
            showColumnSetup = false
            // Sorting by a column no longer shown would look random: fall back to the first shown.
            let shown = SourcesScreen.visibleSorts(in: layout, setup: columnSetup)
            if !shown.contains(sort), let first = shown.first { sort = first; descending = SourceTable.defaultDescending(first) }
        default: break
        }
    }

    /// Typing in the `:` prompt; Enter turns the text into a policy change (or says what is wrong).
    mutating func editCommand(_ key: Key, desk: Desk) -> [Effect] {
        switch key {
        case .escape: editingCommand = false
        case .backspace, .delete: if !commandText.isEmpty { commandText.removeLast() }
        case .char(let c): if commandText.count < 80 { commandText.append(c) }
        case .enter:
            editingCommand = false
            switch SettingsPrompt.parse(commandText, selected: target(desk)?.source, policy: desk.policy) {
            case .failure(let e): status = StatusMessage(text: e.description, isError: true)
            case .success(let change): return [.change(change)]
            }
        default: break
        }
        return []
    }

    mutating func perform(_ action: Action, desk: Desk, feed: LiveFeed) -> [Effect] {
        // Asking for a sort is asking for the rows to move: a held or frozen order gives way.
        if [.sortNext, .sortReverse, .sortLeft, .sortRight].contains(action) { heldOrder = nil; orderFrozen = false }
        switch action {
        case .quit: return [.quit]
        case .help: showHelp = true; helpScroll = 0
        case .nextScreen: switchTo(ScreenID(rawValue: screen.rawValue % ScreenID.allCases.count + 1)!, desk: desk)
        case .prevScreen:
            let n = ScreenID.allCases.count
            switchTo(ScreenID(rawValue: (screen.rawValue + n - 2) % n + 1)!, desk: desk)
        case .screenSources: switchTo(.sources, desk: desk)
        case .screenFlow: switchTo(.flow, desk: desk)
        case .screenROI: switchTo(.roi, desk: desk)
        case .screenDetail: switchTo(.detail, desk: desk)
        case .screenAlerts: switchTo(.alerts, desk: desk)
        case .up, .down, .pageUp, .pageDown, .top, .bottom:
            // Rows do not reorder under the cursor: the order is held while the person moves [htop].
            if screen == .sources { holdOrder(desk) }
            move(action, desk: desk, feed: feed)
        case .freeze:
            orderFrozen.toggle()
            if orderFrozen { heldOrder = nil; holdOrder(desk) } else { heldOrder = nil }
            status = StatusMessage(text: orderFrozen ? "row order frozen: figures update, rows stay put (Z again re-sorts)" : "rows follow the sort again", isError: false)
        case .open:
            if screen == .flow && !showLeadDetail {
                // First Enter: the lead itself; a second Enter goes on to its source. The lead shown is pinned
                // as the selection, so newer leads arriving never change what the next key acts on.
                let items = flowItems(feed)
                if !items.isEmpty {
                    flowSelectedKey = Self.feedKey(items[flowSelectedIndex(items)])
                    showLeadDetail = true
                }
                return []
            }
            showLeadDetail = false
            if screen == .flow {
                let items = flowItems(feed)
                if !items.isEmpty { detailSource = items[flowSelectedIndex(items)].sourceID }
            } else {
                detailSource = target(desk)?.source
            }
            if detailSource != nil { previousScreen = screen; screen = .detail; detailScroll = 0 }
        case .back:
            if showLeadDetail { showLeadDetail = false }
            else if screen == .sources && !marked.isEmpty { marked = []; status = StatusMessage(text: "marks cleared", isError: false) }
            else if screen == .detail { screen = previousScreen == .detail ? .sources : previousScreen }
            else if screen == .flow && !flowFilter.isEmpty { flowFilter = "" }
            else if !filter.isEmpty { filter = "" }
        case .filter: beginFilter()
        case .command: editingCommand = true; commandText = ""
        case .columns: showColumnSetup = true; columnSetupIndex = 0
        case .sortLeft, .sortRight:
            let shown = SourcesScreen.visibleSorts(in: layout, setup: columnSetup)
            guard !shown.isEmpty else { return [] }
            let i = shown.firstIndex(of: sort) ?? 0
            sort = shown[action == .sortLeft ? max(0, i - 1) : min(shown.count - 1, i + 1)]
            descending = SourceTable.defaultDescending(sort)
            status = StatusMessage(text: "sorted by \(sort.rawValue) \(descending ? "(high to low)" : "(low to high)")", isError: false)
        case .sortNext:
            // Only columns on screen: sorting by one the user cannot see would look random.
            let shown = SourcesScreen.visibleSorts(in: layout, setup: columnSetup)
            sortBy(shown.firstIndex(of: sort).map { shown[($0 + 1) % shown.count] } ?? shown.first ?? sort)
        case .sortReverse: descending.toggle()
        case .expand:
            if let t = target(desk) { expanded.insert(t.source) }
        case .collapse:
            if let t = target(desk) { expanded.remove(t.source); selected = SourceRow.Key(source: t.source, subID: nil) }
        case .window:
            window = window == .all ? .today : (window == .today ? .hour : .all)
            status = StatusMessage(text: "metrics window: \(windowLabel)", isError: false)
        case .matureOnly:
            matureOnly.toggle()
            status = StatusMessage(text: matureOnly ? "figures on mature leads only (bought before their vertical's usual sale lag)" : "figures on every lead, maturing ones marked ~", isError: false)
        case .pause:
            paused.toggle()
            frozenFeed = paused ? feed : nil
            status = StatusMessage(text: paused ? "feed paused (the engine keeps buying); Space resumes" : "feed resumed", isError: false)
        case .blockSource:
            guard let t = target(desk, feed: feed) else { return [] }
            pinFlowSelection(feed)
            confirmBlock(SourceRow.Key(source: t.source, subID: nil), desk: desk)
        case .mark:
            guard let t = target(desk) else { return [] }
            if marked.contains(t) { marked.remove(t) } else { marked.insert(t) }
            status = StatusMessage(text: marked.isEmpty ? "no rows marked" : "\(marked.count) marked: b blocks or unblocks them all (x again unmarks, Esc clears)", isError: false)
            move(.down, desk: desk, feed: feed)
        case .block where screen == .sources && !marked.isEmpty:
            confirmBulkBlock(desk)
        case .block:
            guard let t = target(desk, feed: feed) else { return [] }
            if screen == .flow { pinFlowSelection(feed); confirmBlock(t, desk: desk); return [] }
            hold(t)
            confirmBlock(t, desk: desk)
        case .raisePriority, .lowerPriority:
            guard let t = target(desk) else { return [] }
            let p = desk.policy.settings(for: t.source).priority
            let to = action == .raisePriority ? max(1, p - 1) : min(5, p + 1)
            if to == p {
                status = StatusMessage(text: "priority of \(t.source) is already \(p) (1 is highest, 5 lowest)", isError: false)
                return []
            }
            hold(t)
            return [.change(.priority(source: t.source, from: p, to: to))]
        case .cycleMode:
            guard let t = target(desk) else { return [] }
            let m = desk.policy.settings(for: t.source).mode
            hold(t)
            return [.change(.sourceMode(source: t.source, from: m, to: m.next))]
        case .toggleGlobalMode:
            // It changes every source that inherits, so it asks first like a block does.
            let g = desk.policy.globalMode
            let to: PurchaseMode = g == .shared ? .exclusive : .shared
            let inheriting = desk.catalog.sources.filter { desk.policy.settings(for: $0.id).mode == .inherit }.count
            confirmation = Confirmation(question: "Switch the global mode to \(to.rawValue)? \(inheriting) sources follow it.",
                                        effect: .change(.globalMode(from: g, to: to)))
        case .undo: return [.undo]
        case .redo: return [.redo]
        case .suspend: return [.suspend]
        case .copyID: return copySelectedID(desk: desk, feed: feed)
        }
        return []
    }

    /// Copies the id of what is selected: the lead on Live flow, else the source (a sub-ID row's source).
    mutating func copySelectedID(desk: Desk, feed: LiveFeed) -> [Effect] {
        let what: String, id: String
        if screen == .flow {
            let items = flowItems(feed)
            guard !items.isEmpty else { status = StatusMessage(text: "no lead to copy", isError: true); return [] }
            (what, id) = ("lead id", items[flowSelectedIndex(items)].leadID)
        } else {
            guard let t = target(desk) else { status = StatusMessage(text: "no source to copy", isError: true); return [] }
            (what, id) = ("source id", t.source)
        }
        // The refused id is never shown: it may hold escape sequences a source sent.
        if let why = Clipboard.refusal(id) {
            status = StatusMessage(text: "not copied: \(why)", isError: true)
            return []
        }
        status = StatusMessage(text: "copied \(what) \(id) to the clipboard (OSC 52)", isError: false)
        return [.copy(id)]
    }

    /// Sorts the sources by `column`, in its natural direction, and says so.
    mutating func sortBy(_ column: SortColumn) {
        sort = column
        descending = SourceTable.defaultDescending(column)
        announceSort()
    }

    mutating func announceSort() {
        status = StatusMessage(text: "sorted by \(sort.rawValue) \(descending ? "(high to low)" : "(low to high)")", isError: false)
    }

    /// Keeps the changed row selected and in the list, whatever the change does to the filter.
    mutating func hold(_ t: SourceRow.Key) {
        if screen == .sources {
            selected = t
            pinned = t.source
        }
    }

    public var windowLabel: String {
        switch window {
        case .all: return "all time"
        case .today: return "today"
        case .hour: return "last hour"
        }
    }

    mutating func switchTo(_ s: ScreenID, desk: Desk) {
        showLeadDetail = false
        if s == .detail {
            if screen != .detail { previousScreen = screen }
            // The source highlighted on the Sources screen, whichever screen this comes from.
            if screen != .detail || detailSource == nil {
                detailSource = currentSelection(sourceOrder(desk))?.source ?? desk.catalog.sources.first?.id
            }
            detailScroll = 0
        }
        screen = s
    }

    mutating func move(_ action: Action, desk: Desk, feed: LiveFeed) {
        let page = layout.visibleTableRows
        func step(_ index: Int, count: Int) -> Int {
            guard count > 0 else { return 0 }
            switch action {
            case .up: return max(0, index - 1)
            case .down: return min(count - 1, index + 1)
            case .pageUp: return max(0, index - page)
            case .pageDown: return min(count - 1, index + page)
            case .top: return 0
            default: return count - 1
            }
        }
        switch screen {
        case .sources:
            let rows = sourceOrder(desk)
            guard !rows.isEmpty else { return }
            selectSource(step(selectedIndex(rows), count: rows.count), in: rows, desk: desk)
        case .flow:
            let items = flowItems(feed)
            guard !items.isEmpty else { return }
            selectFlowItem(step(flowSelectedIndex(items), count: items.count), in: items)
        case .detail:
            let rows = DetailScreen.scrollingLineCount(self, desk: desk, feed: feed)
            detailScroll = Self.scrollText(detailScroll, action, page: layout.textPageStep, maxOffset: max(0, rows - layout.visibleTableRows))
        case .alerts:
            alertsScroll = Self.scrollText(alertsScroll, action, page: layout.textPageStep,
                                           maxOffset: max(0, desk.recentAlerts.count - layout.visibleTableRows))
        case .roi:
            let rows = ROIScreen.pageHeight(self, desk: desk)
            roiScroll = Self.scrollText(roiScroll, action, page: layout.textPageStep, maxOffset: max(0, rows - layout.visibleBodyRows))
        }
    }

    /// Selects source row `i` of `rows` (the keys of the rows as they stand) and scrolls it into view.
    mutating func selectSource(_ i: Int, in rows: [SourceRow.Key], desk: Desk) {
        let page = layout.visibleTableRows
        selected = rows[i]
        // Once the selection moves off the changed source, it leaves the list if the filter excludes it.
        if let p = pinned, rows[i].source != p {
            pinned = nil
            let now = sourceOrder(desk)
            let j = now.firstIndex(of: rows[i]) ?? 0
            top = Self.scroll(top: top, selected: j, visible: page, count: now.count)
        } else {
            top = Self.scroll(top: top, selected: i, visible: page, count: rows.count)
        }
    }

    /// Highlights feed row `i` of `items` and scrolls it into view.
    mutating func selectFlowItem(_ i: Int, in items: [FeedItem]) {
        flowSelectedKey = Self.feedKey(items[i])
        flowTop = Self.scroll(top: flowTop, selected: i, visible: layout.visibleTableRows, count: items.count)
    }

    /// A text view's new scroll offset, within 0...maxOffset.
    static func scrollText(_ offset: Int, _ action: Action, page: Int, maxOffset: Int) -> Int {
        let o = min(offset, maxOffset)
        switch action {
        case .up: return max(0, o - 1)
        case .down: return min(maxOffset, o + 1)
        case .pageUp: return max(0, o - page)
        case .pageDown: return min(maxOffset, o + page)
        case .top: return 0
        case .bottom: return maxOffset
        default: return o
        }
    }

    /// Keeps the selected row inside the visible part of the table.
    public static func scroll(top: Int, selected: Int, visible: Int, count: Int) -> Int {
        var t = top
        if selected < t { t = selected }
        if selected >= t + visible { t = selected - visible + 1 }
        return max(0, min(t, max(0, count - visible)))
    }

    /// Records a change the runtime applied, for undo and redo.
    public enum Origin: Sendable { case user, undo, redo }
    public mutating func applied(_ change: PolicyChange, origin: Origin) {
        switch origin {
        case .user: undoStack.append(change); redoStack.removeAll()
        case .undo: redoStack.append(change.inverse)
        case .redo: undoStack.append(change)
        }
        if undoStack.count > 100 { undoStack.removeFirst() }
    }
}
