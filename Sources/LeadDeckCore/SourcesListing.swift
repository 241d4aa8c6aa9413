/// The traffic sources with their settings and today's figures as JSON: what `leaddeck sources --json` prints
/// and `GET /v1/sources` answers.
public enum SourcesListing {
    /// One JSON array, a source per line; untrusted names are escaped.
    public static func json(_ desk: Desk) -> String {
        let today = desk.metrics.table(.source, window: .today)
        let items = desk.catalog.sources.map { s -> String in
            let st = desk.policy.settings(for: s.id)
            let c = today[MetricKey(.source, s.id)] ?? Counters()
            let subs = s.subIDs.map { sub in
                "{\"id\":\(jsonString(sub.id)),\"name\":\(jsonString(sub.name)),\"status\":\"\(SourceStatus.of(subID: sub.id, st).rawValue)\"}"
            }.joined(separator: ",")
            return "{\"id\":\(jsonString(s.id)),\"name\":\(jsonString(s.name)),\"vertical\":\"\(s.vertical.rawValue)\","
                + "\"channel\":\"\(s.channel.rawValue)\",\"status\":\"\(SourceStatus(st, subIDs: s.subIDs).rawValue)\","
                + "\"blockedSubIDs\":[\(st.blockedSubIDs.map(jsonString).joined(separator: ","))],"
                + "\"priority\":\(st.priority),\"mode\":\"\(st.mode.rawValue)\","
                + "\"modeInForce\":\"\(st.mode.resolved(global: desk.policy.globalMode).rawValue)\","
                + "\"dailyCap\":\(st.dailyCap.map(String.init) ?? "null"),\"hourlyCap\":\(st.hourlyCap.map(String.init) ?? "null"),"
                + "\"today\":{\"offered\":\(c.offered),\"bought\":\(c.bought),\"spendCents\":\(c.spend.cents),"
                + "\"pinged\":\(c.pinged),\"bids\":\(c.bids),\"won\":\(c.won)},"
                + "\"subIDs\":[\(subs)]}"
        }
        return "[\n" + items.joined(separator: ",\n") + "\n]\n"
    }
}
