import LeadDeckCore

/// What the dashboard remembers between runs [htoprc, k9s config]: sort, window, columns, expanded rows and
/// filter histories. Kept in the user's config folder, never in the store (two people share a store, not
/// their tastes). Versioned; fields a newer version adds are ignored by this one, and fields missing from an
/// older file keep their defaults.
public struct DashboardPreferences: Sendable, Hashable, Codable {
    public static let currentVersion = 1

    public var version = DashboardPreferences.currentVersion
    public var sort: String?
    public var descending: Bool?
    public var window: String?
    public var matureOnly: Bool?
    public var columns: ColumnSetup?
    public var expanded: [String]?
    public var filterHistory: [String]?
    public var flowFilterHistory: [String]?

    public init() {}

    /// The preferences a model shows now.
    public init(_ m: AppModel) {
        sort = m.sort.rawValue
        descending = m.descending
        window = m.window.rawValue
        matureOnly = m.matureOnly
        columns = m.columnSetup
        expanded = m.expanded.sorted()
        filterHistory = Array(m.filterHistory.prefix(50))
        flowFilterHistory = Array(m.flowFilterHistory.prefix(50))
    }

    /// Puts the preferences into a model; unknown values (a column from a newer version) are skipped.
    public func apply(to m: inout AppModel) {
        if let c = columns { m.columnSetup = c }
        if let s = sort.flatMap(SourceColumnID.init(rawValue:)), s.isSortable { m.sort = s }
        if let d = descending { m.descending = d }
        if let w = window.flatMap(Window.init(rawValue:)) { m.window = w }
        if let mo = matureOnly { m.matureOnly = mo }
        if let e = expanded { m.expanded = Set(e.filter(SourceRef.isValidID)) }
        if let h = filterHistory { m.filterHistory = Array(h.prefix(50)) }
        if let h = flowFilterHistory { m.flowFilterHistory = Array(h.prefix(50)) }
    }
}
