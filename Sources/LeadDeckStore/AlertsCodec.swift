import LeadDeckCore

/// Reads the checkpoint's recent alerts by hand (up to `AlertRules.kept` of them: `JSONDecoder` spent a month's
/// store a millisecond on them at every start-up); they are still written by `JSONEncoder`.
enum AlertsCodec {
    /// The alerts as `JSONEncoder` with sorted keys writes them, `[{"kind":…,"source":…,"text":…,"time":N},…]`
    /// with the source left out when there is none; nil for any other layout (left to `JSONDecoder`).
    static func alerts(_ r: inout JSONBytes.Reader) -> [AlertEvent]? {
        var alerts: [AlertEvent] = []
        guard r.list({ r in
            guard r.literal(#"{"kind":"#), let name = r.string(), let kind = AlertEvent.Kind(rawValue: name) else { return false }
            var source: String? = nil
            if r.literal(#","source":"#) {
                guard let s = r.string() else { return false }
                source = s
            }
            guard r.literal(#","text":"#), let text = r.string(), r.literal(#","time":"#), let time = r.int64(),
                  r.take(125) else { return false }
            alerts.append(AlertEvent(time: Timestamp(seconds: time), kind: kind, source: source, text: text))
            return true
        }) else { return nil }
        return alerts
    }
}
