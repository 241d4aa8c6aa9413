import LeadDeckCore

/// The metrics' per-source breakdowns and sale lags in `checkpoint.json`, by hand: byte for byte what
/// `JSONEncoder` with sorted keys (slashes escaped) writes for them, and read back strictly in that layout. They
/// are small but `JSONEncoder`/`JSONDecoder` spent more on them than on all the counters; any other layout goes
/// to `JSONDecoder` (the caller's fallback).
enum BreakdownsCodec {
    // MARK: Writing

    static func encode(_ b: SourceBreakdowns, into out: inout [UInt8]) {
        out.append(123)
        if let since = b.countedSince {
            out += Array(#""countedSince":"#.utf8)
            JSONBytes.int(since.seconds, &out)
            out.append(44)
        }
        out += Array(#""sources":{"#.utf8)
        for (n, (source, d)) in sorted(b.sources).enumerated() {
            if n > 0 { out.append(44) }
            key(source, &out)
            out += Array(#"{"hours":["#.utf8)
            for (h, t) in d.hours.enumerated() {
                if h > 0 { out.append(44) }
                tally(t, &out)
            }
            out += Array(#"],"returns":{"#.utf8)
            for (k, (reason, r)) in sorted(d.returns).enumerated() {
                if k > 0 { out.append(44) }
                key(reason, &out)
                out.append(91)
                JSONBytes.int(r.count, &out)
                out.append(44)
                JSONBytes.int(r.refunded.cents, &out)
                out.append(93)
            }
            out += Array(#"},"states":{"#.utf8)
            for (k, (state, t)) in sorted(d.states).enumerated() {
                if k > 0 { out.append(44) }
                key(state, &out)
                tally(t, &out)
            }
            out += Array(#"},"withoutState":"#.utf8)
            JSONBytes.int(d.withoutState, &out)
            out.append(125)
        }
        out += [125, 125]
    }

    static func encode(_ lags: SaleLags, into out: inout [UInt8]) {
        out += Array(#"{"hours":{"#.utf8)
        for (n, (vertical, hours)) in sorted(lags.hoursByVertical).enumerated() {
            if n > 0 { out.append(44) }
            key(vertical, &out)
            ints(hours, &out)
        }
        out += [125, 125]
    }

    /// A map's entries in the order `JSONEncoder`'s sorted keys put them (by the keys' bytes).
    private static func sorted<V>(_ map: [String: V]) -> [(String, V)] {
        map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) }
    }

    private static func key(_ k: String, _ out: inout [UInt8]) {
        JSONBytes.string(k, &out, escapingSlashes: true)
        out.append(58)
    }

    private static func tally(_ t: SourceBreakdowns.Tally, _ out: inout [UInt8]) {
        ints([t.offered, t.bought, t.spend.cents, t.refunds.cents, t.contacted, t.sold, t.revenue.cents, t.returned], &out)
    }

    private static func ints(_ values: [Int64], _ out: inout [UInt8]) {
        out.append(91)
        for (n, v) in values.enumerated() {
            if n > 0 { out.append(44) }
            JSONBytes.int(v, &out)
        }
        out.append(93)
    }

    // MARK: Reading

    /// The breakdowns in exactly the layout `encode` writes, moving past them; nil for anything else.
    static func breakdowns(_ r: inout JSONBytes.Reader) -> SourceBreakdowns? {
        guard r.take(123) else { return nil }
        var since: Timestamp? = nil
        if r.literal(#""countedSince":"#) {
            guard let t = r.int64(), r.take(44) else { return nil }
            since = Timestamp(seconds: t)
        }
        var sources: [String: SourceBreakdowns.Breakdown] = [:]
        guard r.literal(#""sources":"#), r.object({ source, r in
            guard sources[source] == nil, let d = breakdown(&r) else { return false }
            sources[source] = d
            return true
        }), r.take(125) else { return nil }
        return SourceBreakdowns(sources: sources, countedSince: since)
    }

    /// The sale lags in exactly the layout `encode` writes, moving past them; nil for anything else.
    static func saleLags(_ r: inout JSONBytes.Reader) -> SaleLags? {
        var hours: [String: [Int64]] = [:]
        guard r.literal(#"{"hours":"#), r.object({ vertical, r in
            guard hours[vertical] == nil, let values = ints(&r) else { return false }
            hours[vertical] = values
            return true
        }), r.take(125) else { return nil }
        return SaleLags(hoursByVertical: hours)
    }

    private static func breakdown(_ r: inout JSONBytes.Reader) -> SourceBreakdowns.Breakdown? {
        var hours: [SourceBreakdowns.Tally] = []
        hours.reserveCapacity(24)
        var returns: [String: SourceBreakdowns.ReturnTally] = [:]
        var states: [String: SourceBreakdowns.Tally] = [:]
        guard r.literal(#"{"hours":"#), r.list({ r in
            guard let t = tally(&r) else { return false }
            hours.append(t)
            return true
        }), r.literal(#","returns":"#), r.object({ reason, r in
            guard returns[reason] == nil, r.take(91), let count = r.int64(), r.take(44), let refunded = r.int64(), r.take(93) else { return false }
            var t = SourceBreakdowns.ReturnTally()
            t.count = count
            t.refunded = Money(cents: refunded)
            returns[reason] = t
            return true
        }), r.literal(#","states":"#), r.object({ state, r in
            guard states[state] == nil, let t = tally(&r) else { return false }
            states[state] = t
            return true
        }) else { return nil }
        guard r.literal(#","withoutState":"#), let without = r.int64(), r.take(125) else { return nil }
        return SourceBreakdowns.Breakdown(returns: returns, states: states, hours: hours, withoutState: without)
    }

    private static func tally(_ r: inout JSONBytes.Reader) -> SourceBreakdowns.Tally? {
        guard r.take(91), let offered = r.int64(), r.take(44), let bought = r.int64(), r.take(44), let spend = r.int64(), r.take(44),
              let refunds = r.int64(), r.take(44), let contacted = r.int64(), r.take(44), let sold = r.int64(), r.take(44),
              let revenue = r.int64(), r.take(44), let returned = r.int64(), r.take(93) else { return nil }
        return SourceBreakdowns.Tally(offered: offered, bought: bought, spendCents: spend, refundCents: refunds, contacted: contacted,
                                      sold: sold, revenueCents: revenue, returned: returned)
    }

    private static func ints(_ r: inout JSONBytes.Reader) -> [Int64]? {
        var values: [Int64] = []
        guard r.list({ r in
            guard let v = r.int64() else { return false }
            values.append(v)
            return true
        }) else { return nil }
        return values
    }
}
