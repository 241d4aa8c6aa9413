import LeadDeckCore

/// What is at a cell of the screen, as far as a click is concerned.
public enum Hit: Sendable, Hashable {
    /// A screen's tab.
    case tab(ScreenID)
    /// The title of a column of the sources table.
    case sourceColumn(SourceColumnID)
    /// The title of a column of the live flow table.
    case flowColumn(FlowColumnID)
    /// A row of the sources table: its index in `AppModel.sourceRows(_:)`.
    case sourceRow(Int)
    /// A row of the live flow table: its index in `AppModel.flowItems(_:)`.
    case flowRow(Int)
    /// The help or a confirmation is open: a click belongs to it, not to what lies beneath.
    case overlay
    /// The `[ Cancel ]` of the open confirmation dialog.
    case dialogCancel
    /// Nothing a click acts on (the header, the status line, a gap between columns, below the last row...).
    case nothing
}

extension AppModel {
    /// What is at (x, y) in the frame `Renderer.render` draws for this state: the same layout, the same
    /// columns and the same scroll position, so a click lands on what the person sees.
    public func hitTest(x: Int, y: Int, desk: Desk, feed: LiveFeed) -> Hit {
        let layout = self.layout
        guard !tooSmall, layout.screen.contains(x: x, y: y) else { return .nothing }
        if let c = confirmation {
            return layout.confirmCancelButton(textWidth: Sanitizer.width(c.question)).contains(x: x, y: y) ? .dialogCancel : .overlay
        }
        if showHelp { return .overlay }
        if let s = layout.tab(atX: x, y: y) { return .tab(s) }
        switch screen {
        case .sources:
            if y == layout.columnHeader.y {
                return TableColumns.column(atX: x, in: SourcesScreen.visibleColumns(in: layout.columnHeader, setup: columnSetup)).map { .sourceColumn($0.id) } ?? .nothing
            }
            guard let offset = layout.tableRowOffset(atY: y) else { return .nothing }
            let rows = sourceOrder(desk)
            let i = sourcesTop(rows) + offset
            return i < rows.count ? .sourceRow(i) : .nothing
        case .flow:
            if y == layout.columnHeader.y {
                return TableColumns.column(atX: x, in: FlowScreen.visibleColumns(in: layout.columnHeader)).map { .flowColumn($0.id) } ?? .nothing
            }
            guard let offset = layout.tableRowOffset(atY: y) else { return .nothing }
            let items = flowItems(feed)
            let i = flowTopShown(items) + offset
            return i < items.count ? .flowRow(i) : .nothing
        case .roi, .detail, .alerts:
            return .nothing
        }
    }
}
