/// The checks every entry point (ingest, the dashboard, the CLI, an HTTP server) makes before an offer is
/// decided or a policy change is saved, in one place so they cannot drift apart.
public enum Validation {
    /// Why an offer cannot be decided, or nil when it can. A lead id decided before is not a problem: see
    /// `Desk.earlierDecision(leadID:)`, which answers a retry the same way.
    public static func problem(with offer: Offer, on desk: Desk) -> String? {
        guard desk.knows(source: offer.sourceID) else {
            return "unknown source id '\(Sanitizer.clean(offer.sourceID))' (not in the store's sources.json)"
        }
        guard desk.isInOrder(offer.receivedAt) else {
            return "received_at \(offer.receivedAt.iso8601) is earlier than offers already decided (the last offer was at "
                + "\(desk.lastOfferTime.iso8601)); offers must come in time order"
        }
        return nil
    }

    /// Why a policy change cannot be made, or nil when it can: its source must be in the catalog (or already
    /// have settings in the policy), and a sub-ID must be one of the source's.
    public static func problem(with change: PolicyChange, catalog: Catalog, policy: Policy) -> String? {
        guard let id = change.source else { return nil }
        guard let source = catalog.source(id) else {
            if policy.sources[id] != nil { return nil }
            return "unknown source id '\(Sanitizer.clean(id))' (see `leaddeck sources`)"
        }
        if let sub = change.subID, !source.subIDs.contains(where: { $0.id == sub }) {
            return "source \(id) has no sub-ID '\(Sanitizer.clean(sub))' (it has \(source.subIDs.map(\.id).joined(separator: ", ")))"
        }
        return nil
    }
}

extension PolicyChange {
    /// The sub-ID a block or unblock names, if any.
    public var subID: String? {
        switch self {
        case .block(_, let sub), .unblock(_, let sub): return sub
        default: return nil
        }
    }
}
