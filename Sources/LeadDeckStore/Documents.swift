import LeadDeckCore

/// `store.json`: marks a folder as a LeadDeck store.
public struct StoreManifest: Codable, Sendable {
    public static let current = 1
    public var schemaVersion: Int
    public var currency: String
    public var createdAt: Timestamp
}

/// `sources.json`: the catalog of traffic sources (also the seed file `data/sources.json`).
public struct CatalogDocument: Codable, Sendable {
    public static let current = 1
    public var schemaVersion: Int
    public var buyer: BuyerProfile
    public var sources: [Source]
    public init(catalog: Catalog) {
        schemaVersion = Self.current
        buyer = catalog.buyer
        sources = catalog.sources
    }
    public var catalog: Catalog { Catalog(sources: sources, buyer: buyer) }
}

/// `policy.json`: the buyer's policy in force (also the seed file `data/policy.json`).
public struct PolicyDocument: Codable, Sendable {
    public static let current = 1
    public var schemaVersion: Int
    /// Sequence number of the last policy-change event folded into this file; later ones are applied on load.
    public var lastChangeSeq: Int64
    public var policy: Policy
    public init(policy: Policy, lastChangeSeq: Int64) {
        schemaVersion = Self.current
        self.lastChangeSeq = lastChangeSeq
        self.policy = policy
    }
}

/// `checkpoint.json`: the desk folded up to a log position (metrics, ledger counters, recent changes, the
/// simulator), so start-up reads only the log after it.
public struct CheckpointDocument: Codable, Sendable {
    public static let current = 1
    public var schemaVersion: Int
    public var position: LogPosition
    public var ledger: Ledger
    public var metrics: MetricsBook
    public var recentChanges: [PolicyEvent]?
    public var simulator: MarketSimulator?
    /// The latest alerts (absent in checkpoints written before alerts existed).
    public var recentAlerts: [AlertEvent]? = nil
}

/// The lead checkpoint: the bought-lead index and the dedupe memory at the same position as `checkpoint.json`.
/// Kept apart because it is large and only writers (the engine, outcomes) need it, so reports open a long history
/// as fast as a short one. Saved as `checkpoint-leads.bin` (`LeadsCheckpointImage`); stores saved before that
/// hold it as `checkpoint-leads.json`, this type's `Codable` form.
public struct LeadsCheckpointDocument: Codable, Sendable {
    public static let current = 1
    public var schemaVersion: Int
    public var position: LogPosition
    public var leads: LeadIndex
    public var recentConsumers: ConsumerMemory
}

/// `policy-intent.json`: written just before a policy-change event is appended, removed once `policy.json`
/// holds the change; lets a crash between the two writes be healed without scanning the log.
public struct PolicyIntent: Codable, Sendable {
    public static let current = 1
    public var schemaVersion: Int
    public var seq: Int64
    public var offset: Int64
    public var change: PolicyChange
}

/// `keys.json`: the API keys exchanges present to `leaddeck serve`, as hashes only (mode 0600). Absent until
/// the first key is added.
public struct KeysDocument: Codable, Sendable {
    public static let current = 1
    public var schemaVersion: Int
    public var keys: [APIKey]
    public init(ring: KeyRing) {
        schemaVersion = Self.current
        keys = ring.keys
    }
    public var ring: KeyRing { KeyRing(keys: keys) }
}
