import LeadDeckCore

/// Mouse input: every press is mapped through `hitTest` (the same layout that drew the frame) onto the same
/// actions the keys have, so a click never does anything a key could not.
///
/// - a tab switches to its screen;
/// - a row of Sources or Live flow selects it; a double click on it opens it, like Enter;
/// - a Sources column title sorts by that column; clicking the sorted column again reverses it;
/// - the wheel moves the selection, or scrolls the detail, ROI or help text, by `wheelStep` rows.
///
/// While a confirmation is open nothing behind it reacts: a click on `[ Cancel ]` cancels, any other click and
/// the wheel are ignored, and only the `y` key confirms. While the help is open, clicks are ignored and the
/// wheel scrolls it. A click while the filter is being typed keeps the filter, as Enter would.
extension AppModel {
    /// Rows (or lines) one wheel step moves.
    public static let wheelStep = 3

    mutating func handleMouse(_ e: MouseEvent, desk: Desk, feed: LiveFeed) -> [Effect] {
        let hit = hitTest(x: e.x, y: e.y, desk: desk, feed: feed)
        if confirmation != nil {
            if e.button == .left && hit == .dialogCancel {
                confirmation = nil
                status = StatusMessage(text: "cancelled", isError: false)
            }
            return []
        }
        // A click while typing a filter keeps it, as Enter would; the settings prompt and column setup take no clicks.
        if editingFilter { editFilter(.enter) }
        if editingCommand || showColumnSetup { return [] }
        switch e.button {
        case .wheelUp, .wheelDown:
            // The same steps as ↑/↓: the selection on a table, the text on detail, ROI and help.
            for _ in 0..<Self.wheelStep { _ = handle(e.button == .wheelUp ? .up : .down, desk: desk, feed: feed) }
            return []
        case .left:
            return showHelp ? [] : click(hit, clicks: e.clicks, desk: desk, feed: feed)
        }
    }

    private mutating func click(_ hit: Hit, clicks: Int, desk: Desk, feed: LiveFeed) -> [Effect] {
        switch hit {
        case .tab(let s):
            let action: Action = switch s {
            case .sources: .screenSources
            case .flow: .screenFlow
            case .roi: .screenROI
            case .detail: .screenDetail
            case .alerts: .screenAlerts
            }
            return perform(action, desk: desk, feed: feed)
        case .sourceColumn(let column):
            heldOrder = nil
            orderFrozen = false
            guard column.isSortable else {
                status = StatusMessage(text: "the \(column.rawValue) column cannot be sorted", isError: false)
                return []
            }
            if column == sort {
                descending.toggle()
                announceSort()
            } else {
                sortBy(column)
            }
            return []
        case .sourceRow(let i):
            let rows = sourceOrder(desk)
            guard i < rows.count else { return [] }
            // The second click opens only the row the first one selected: the rows may have moved in between.
            let again = selectedIndex(rows) == i
            holdOrder(desk)  // rows do not move under the pointer either
            top = sourcesTop(rows)  // the rows stay where they were clicked
            selectSource(i, in: rows, desk: desk)
            return clicks >= 2 && again ? perform(.open, desk: desk, feed: feed) : []
        case .flowRow(let i):
            let items = flowItems(feed)
            guard i < items.count else { return [] }
            let again = flowSelectedIndex(items) == i
            flowTop = flowTopShown(items)
            selectFlowItem(i, in: items)
            return clicks >= 2 && again ? perform(.open, desk: desk, feed: feed) : []
        case .flowColumn, .overlay, .dialogCancel, .nothing:
            return []
        }
    }
}
