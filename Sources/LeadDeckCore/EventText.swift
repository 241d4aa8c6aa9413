/// One event as a line for people: time on the market's clock (the same clock for every line), kind, and
/// what happened, with untrusted text sanitised. A policy change also says when it was made on the wall clock.
public func describe(_ event: Event, clock: LocalClock) -> String {
    let time = clock.format(event.marketTime, seconds: true)
    switch event {
    case .offer(let e):
        let o = e.offer
        let src = Sanitizer.clean("\(o.sourceID)/\(o.subID)")
        return "\(time)  offer    \(Sanitizer.clean(o.leadID))  \(src)  \(o.vertical.rawValue)  \(Sanitizer.clean(o.state))  "
            + "\(o.saleType.rawValue)\(o.saleType == .shared ? " x\(o.maxSells)" : "")  \(o.price.formatted)  -> "
            + (e.decision.isBought ? "BOUGHT \(e.decision.label)" : "rejected: \(e.decision.label)")
            + (o.exchange.map { "  from \(Sanitizer.clean($0))" } ?? "")
    case .outcome(let e):
        var s = "\(time)  outcome  \(Sanitizer.clean(e.leadID))  \(Sanitizer.clean(e.lead.sourceID))/\(Sanitizer.clean(e.lead.subID))  \(e.kind.rawValue)"
        if let r = e.revenue { s += " \(r.formatted)" }
        if let r = e.refund { s += " refund \(r.formatted)" }
        if let r = e.reason { s += " (\(Sanitizer.clean(r)))" }
        return s
    case .policy(let e):
        return "\(time)  policy   \(Sanitizer.clean(e.actor)): \(Sanitizer.clean(e.change.summary)) (made \(e.time.iso8601) wall clock)"
    case .note(_, let text):
        return "\(time)  note     \(Sanitizer.clean(text))"
    case .alert(let a):
        return "\(time)  ALERT    \(Sanitizer.clean(a.text))"
    case .ping(let e):
        let p = e.ping
        let src = Sanitizer.clean("\(p.sourceID)/\(p.subID)")
        let from = p.exchange.map { "  from \(Sanitizer.clean($0))" } ?? ""
        return "\(time)  ping     \(Sanitizer.clean(p.pingID))  \(src)  \(p.vertical.rawValue)  \(Sanitizer.clean(p.state))  "
            + "\(p.saleType.rawValue)\(p.saleType == .shared ? " x\(p.maxSells)" : "")  -> "
            + (e.decision.price.map { "BID \($0.formatted)" } ?? "no bid: \(e.decision.label)") + from
    }
}
