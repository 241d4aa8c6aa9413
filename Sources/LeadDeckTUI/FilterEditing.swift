import LeadDeckCore

/// Typing a filter after `/`: the draft previews live while it parses, Enter applies it (or says why not and
/// keeps the filter in force), Esc clears it, ↑/↓ recall the screen's earlier filters.
extension AppModel {
    /// The Sources filter the table shows: the draft being typed whenever it parses, else the one in force.
    public var shownFilter: String {
        editingFilter && screen != .flow && (try? RowFilter.parse(filterDraft).get()) != nil ? filterDraft : filter
    }

    /// The Live flow filter the feed shows: the draft being typed whenever it parses, else the one in force.
    public var shownFlowFilter: String {
        editingFilter && screen == .flow && (try? FlowFilter.parse(filterDraft).get()) != nil ? filterDraft : flowFilter
    }

    /// What is wrong with the draft being typed, if anything (shown beside it; Enter would refuse it).
    public var filterDraftError: FilterError? { editingFilter ? Self.check(filterDraft, flow: screen == .flow) : nil }

    /// The longest filter one can type.
    static let filterMaxLength = 80

    static func check(_ text: String, flow: Bool) -> FilterError? {
        let result = flow ? FlowFilter.parse(text).map { _ in () } : RowFilter.parse(text).map { _ in () }
        if case .failure(let e) = result { return e }
        return nil
    }

    /// `/`: starts typing, from the filter in force.
    mutating func beginFilter() {
        editingFilter = true
        filterDraft = screen == .flow ? flowFilter : filter
        historyIndex = nil
    }

    mutating func editFilter(_ key: Key) {
        switch key {
        case .enter: applyDraft(); return
        case .escape:
            editingFilter = false
            filterDraft = ""
            if screen == .flow { flowFilter = "" } else { filter = "" }
        case .up: recall(older: true)
        case .down: recall(older: false)
        case .backspace, .delete:
            if !filterDraft.isEmpty { filterDraft.removeLast() }
            historyIndex = nil
        case .char(let c):
            if filterDraft.count < Self.filterMaxLength { filterDraft.append(c) }
            historyIndex = nil
        default: return
        }
        // The rows change under the draft: start from the top, and let go of a source held after a change.
        if screen == .flow { flowSelectedKey = nil; flowTop = 0 } else { top = 0; pinned = nil }
    }

    /// Enter: applies the draft if it parses and remembers it; otherwise keeps the filter in force and says why.
    mutating func applyDraft() {
        editingFilter = false
        historyIndex = nil
        let text = filterDraft.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        filterDraft = ""
        if let error = Self.check(text, flow: screen == .flow) {
            status = StatusMessage(text: error.description, isError: true)
            return
        }
        // A refusal of an earlier attempt no longer applies; any other message stays.
        if status?.isError == true, status?.text.hasPrefix("filter:") == true { status = nil }
        if screen == .flow {
            flowFilter = text
            flowSelectedKey = nil
            flowTop = 0
            Self.remember(text, in: &flowFilterHistory)
        } else {
            filter = text
            top = 0
            Self.remember(text, in: &filterHistory)
        }
    }

    /// Puts a filter at the front of a history, once, keeping at most `filterHistoryLimit`.
    static func remember(_ text: String, in history: inout [String]) {
        guard !text.isEmpty else { return }
        history.removeAll { $0 == text }
        history.insert(text, at: 0)
        if history.count > filterHistoryLimit { history.removeLast(history.count - filterHistoryLimit) }
    }

    /// ↑ shows the next older filter of this screen's history, ↓ the next newer one, and past the newest the
    /// text that was being typed.
    mutating func recall(older: Bool) {
        let history = screen == .flow ? flowFilterHistory : filterHistory
        guard !history.isEmpty else { return }
        switch (historyIndex, older) {
        case (nil, true):
            typedDraft = filterDraft
            historyIndex = 0
        case (let i?, true):
            historyIndex = min(i + 1, history.count - 1)
        case (0?, false):
            historyIndex = nil
            filterDraft = typedDraft
            return
        case (let i?, false):
            historyIndex = min(i, history.count) - 1
        case (nil, false):
            return
        }
        filterDraft = history[historyIndex!]
    }
}
