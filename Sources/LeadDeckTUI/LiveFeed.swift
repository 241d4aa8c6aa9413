import DequeModule
import LeadDeckCore

/// One line of the live flow: an offer and its decision, later updated with its outcomes; or an outcome of
/// a lead no longer in the feed.
public struct FeedItem: Sendable, Hashable {
    public var time: Timestamp
    public var leadID: String
    public var sourceID: String
    public var subID: String
    public var vertical: Vertical
    public var state: String
    public var saleType: PurchaseMode
    public var legs: Int
    public var price: Money
    public var decision: Decision?
    /// Latest outcome text ("contacted", "SOLD $540.00", "returned: wrong number").
    public var outcome: String?
    public var outcomeKind: OutcomeKind?
    /// Every outcome seen for this lead while it was in the feed, oldest first (for the lead's detail).
    public var steps: [OutcomeEvent] = []
}

/// The bounded ring of recent leads, newest first, with per-minute counts for a sparkline. Memory is flat.
public struct LiveFeed: Sendable {
    public let capacity: Int
    public private(set) var items: Deque<FeedItem> = []
    /// Offers per minute for the last 60 minutes of store time, oldest first.
    public private(set) var perMinute: [Int] = Array(repeating: 0, count: 60)
    private var currentMinute: Int64 = .min
    /// Events seen since the dashboard started.
    public private(set) var seen = 0

    public init(capacity: Int = 1000) { self.capacity = capacity }

    public mutating func add(_ event: Event) {
        switch event {
        case .offer(let e):
            seen += 1
            let o = e.offer
            tick(minute: floorDiv(o.receivedAt.seconds, 60))
            perMinute[59] += 1
            items.prepend(FeedItem(time: o.receivedAt, leadID: o.leadID, sourceID: o.sourceID, subID: o.subID,
                                   vertical: o.vertical, state: o.state, saleType: o.saleType, legs: o.maxSells,
                                   price: o.price, decision: e.decision))
            if items.count > capacity { items.removeLast() }
        case .outcome(let e):
            seen += 1
            let text: String
            switch e.kind {
            case .contacted: text = "contacted"
            case .converted: text = "SOLD \((e.revenue ?? .zero).formatted)"
            case .returned: text = "returned: \(e.reason ?? "")"
            }
            // Outcomes arrive minutes to days later; a lead still in view is updated in place.
            if let i = items.prefix(400).firstIndex(where: { $0.leadID == e.leadID && $0.decision != nil }) {
                items[i].steps.append(e)
                if items[i].outcomeKind != .converted || e.kind == .returned {
                    items[i].outcome = text
                    items[i].outcomeKind = e.kind
                }
            } else if e.kind != .contacted {
                let l = e.lead
                items.prepend(FeedItem(time: e.time, leadID: e.leadID, sourceID: l.sourceID, subID: l.subID,
                                       vertical: l.vertical, state: "", saleType: l.mode, legs: 0, price: l.price,
                                       decision: nil, outcome: text, outcomeKind: e.kind, steps: [e]))
                if items.count > capacity { items.removeLast() }
            }
        case .policy, .note, .alert, .ping:
            break
        }
    }

    private mutating func tick(minute: Int64) {
        if currentMinute == .min { currentMinute = minute }
        guard minute > currentMinute else { return }
        let shift = Int(min(60, minute - currentMinute))
        perMinute.removeFirst(shift)
        perMinute.append(contentsOf: Array(repeating: 0, count: shift))
        currentMinute = minute
    }
}
