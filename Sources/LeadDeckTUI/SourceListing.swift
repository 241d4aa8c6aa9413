import LeadDeckCore

/// The sources table in order, as `SourceTable.rows` has it, but holding per row only its key and what the
/// screen reads of every row; `row(_:)` builds a whole row (sparkline and maturing marks included) when it is
/// drawn. Filtering and sorting need a row's figures once, and a frame draws a screenful out of thousands.
public struct SourceListing: Sendable {
    /// Each row's key, in order: a source, followed by its sub-IDs when expanded.
    public internal(set) var keys: [SourceRow.Key]
    /// Per row, in the order of `keys`: where to find it and what the screen reads of every row.
    var entries: [Entry]
    /// Builds the rows; nil when `complete` holds them already.
    let builder: SourceRowBuilder?
    /// Rows built in full beforehand (`init(completeRows:)`), indexed by `Entry.index`.
    let complete: [SourceRow]

    struct Entry: Sendable {
        /// The source's index in the catalog, or the row's in `complete`.
        var index: Int
        /// The sub-ID's index in the source's list, or -1 for the source's own row.
        var sub: Int
        var outsideFilter: Bool
        /// Leads bought in the window (the row's `counters.bought`).
        var bought: Int64
    }

    init(keys: [SourceRow.Key], entries: [Entry], builder: SourceRowBuilder) {
        self.keys = keys
        self.entries = entries
        self.builder = builder
        complete = []
    }

    /// A listing of rows that are complete already (as `SourceTable.rows` returns them), for comparing a frame
    /// drawn from them with one drawn the usual way.
    public init(completeRows rows: [SourceRow]) {
        keys = rows.map(\.key)
        entries = rows.indices.map { i in
            Entry(index: i, sub: rows[i].key.subID == nil ? -1 : 0, outsideFilter: rows[i].outsideFilter,
                  bought: rows[i].counters.bought)
        }
        builder = nil
        complete = rows
    }

    /// How many rows.
    public var count: Int { keys.count }

    /// How many rows are sources (not sub-IDs), among the first `prefix` rows or all.
    public func sourceCount(prefix: Int? = nil) -> Int {
        entries[..<min(entries.count, prefix ?? entries.count)].count { $0.sub < 0 }
    }

    /// Row `i` in full, as `SourceTable.rows` builds it.
    public func row(_ i: Int) -> SourceRow {
        let e = entries[i]
        guard let builder else { return complete[e.index] }
        var r: SourceRow
        if e.sub < 0 {
            r = builder.sourceRow(e.index)
        } else {
            let s = builder.catalog.sources[e.index]
            r = builder.subRow(s.subIDs[e.sub], of: s)
        }
        r.outsideFilter = e.outsideFilter
        return builder.complete(r)
    }

    /// Every row in full: what `SourceTable.rows` returns.
    public var completedRows: [SourceRow] { keys.indices.map(row) }

    /// Whether any row has a lead bought in the window.
    public var anyBought: Bool { entries.contains { $0.bought > 0 } }

    /// Whether any row's figures rest on too few leads (`SourceRow.hasEvidence` false).
    public var anyWithoutEvidence: Bool { entries.contains { $0.bought < Evidence.minLeads } }

    /// Whether any row is `maturing`. Only a row with a lead bought in the window can be (with none it has no
    /// young share), so only those are looked at.
    public var anyMaturing: Bool {
        guard let builder else { return complete.contains(where: \.maturing) }
        return !builder.matureOnly && entries.indices.contains { i in
            entries[i].bought > 0 && builder.maturing(builder.metricKey(keys[i]), vertical: vertical(i))
        }
    }

    /// Whether any row with leads bought has returns still coming in (`returnsMaturing`).
    public var anyReturnsMaturing: Bool {
        guard let builder else { return complete.contains { $0.returnsMaturing && $0.counters.bought > 0 } }
        return entries.indices.contains { i in entries[i].bought > 0 && builder.returnsMaturing(builder.metricKey(keys[i])) }
    }

    private func vertical(_ i: Int) -> Vertical {
        guard let builder else { return complete[entries[i].index].vertical }
        return builder.catalog.sources[entries[i].index].vertical
    }

    /// Puts the sources in `order` first (each followed by its sub-IDs); sources not in it come after, as sorted.
    mutating func keep(inOrder order: [String]) {
        let p = AppModel.keepingPermutation(keys, inOrder: order)
        keys = p.map { keys[$0] }
        entries = p.map { entries[$0] }
    }
}

extension SourceTable {
    /// The rows `rows(...)` returns, in the same order, holding only keys until a row is asked for (see
    /// `SourceListing`). Per source it looks up one metrics series (and its settings when the filter or the sort
    /// reads them) and works out the sort key once.
    public static func listing(desk: Desk, window: Window, sort: SortColumn, descending: Bool, filter: String,
                               expanded: Set<String>, pinned: String? = nil, matureOnly: Bool = false) -> SourceListing {
        let builder = SourceRowBuilder(desk: desk, window: window, matureOnly: matureOnly)
        let sources = builder.catalog.sources
        let f = try? RowFilter.parse(filter).get()
        // A source's settings are read only when the filter or the sort needs them (a filter may name any field).
        let everyRow = f?.isEmpty ?? false
        let settings = !(f?.isEmpty ?? true) || [.priority, .status, .mode].contains(sort)
        // The sources are taken in id order, so two rows with the same figure keep the order they came in: the
        // sort compares positions, not ids.
        var parents: [SourceListing.Entry] = []
        var ids: [String] = []
        parents.reserveCapacity(sources.count)
        ids.reserveCapacity(sources.count)
        var order: [Int]
        if everyRow && sort.isFigure {
            // No filter and a figure column: a row needs only its counters, and the sort key holds no string.
            var sortKeys: [FigureSortKey] = []
            sortKeys.reserveCapacity(sources.count)
            for i in desk.sourcesByID {
                let id = sources[i].id
                let (counters, today) = builder.figures(ofSource: i)
                parents.append(.init(index: i, sub: -1, outsideFilter: false, bought: counters.bought))
                sortKeys.append(FigureSortKey(sort, counters: counters, boughtToday: today))
                ids.append(id)
            }
            order = Array(parents.indices)
            sortKeys.withUnsafeBufferPointer { k in
                order.sort { i, j in FigureSortKey.precedes(k[i], k[j], sort: sort, descending: descending) { i < j } }
            }
        } else {
            var sortKeys: [SourceSortKey] = []
            for i in desk.sourcesByID {
                let row = builder.sourceRow(i, settings: settings)
                let outside: Bool
                if everyRow || f?.matches(row) ?? false { outside = false } else if row.key.source == pinned { outside = true } else { continue }
                parents.append(.init(index: i, sub: -1, outsideFilter: outside, bought: row.counters.bought))
                sortKeys.append(SourceSortKey(row, sort))
                ids.append(row.key.source)
            }
            order = Array(parents.indices)
            // Through a buffer pointer, the comparisons read the keys in place rather than copying them out.
            sortKeys.withUnsafeBufferPointer { k in
                order.sort { i, j in SourceSortKey.precedes(k[i], k[j], sort: sort, descending: descending) { i < j } }
            }
        }
        var keys: [SourceRow.Key] = []
        var entries: [SourceListing.Entry] = []
        keys.reserveCapacity(parents.count)
        entries.reserveCapacity(parents.count)
        for i in order {
            let p = parents[i]
            let id = ids[i]
            keys.append(.init(source: id, subID: nil))
            entries.append(p)
            // Sub-IDs come from the first source with the id (`Catalog.source(_:)`).
            guard !expanded.isEmpty, expanded.contains(id), let si = sources.firstIndex(where: { $0.id == id }) else { continue }
            let s = sources[si]
            for (k, sub) in s.subIDs.enumerated() {
                keys.append(.init(source: id, subID: sub.id))
                entries.append(.init(index: si, sub: k, outsideFilter: false,
                                     bought: builder.subRow(sub, of: s).counters.bought))
            }
        }
        return SourceListing(keys: keys, entries: entries, builder: builder)
    }
}
