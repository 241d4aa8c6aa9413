import LeadDeckCore

/// A parsed Sources filter (`vertical:auto !blocked roi<0 leads>=30`); see `FilterQuery` for the syntax.
public typealias RowFilter = FilterQuery<SourceRow>

/// A parsed Live flow filter (`state:tx decision:bought price>50`); see `FilterQuery` for the syntax.
public typealias FlowFilter = FilterQuery<FeedItem>

extension FilterQuery where Subject == SourceRow {
    /// Parses a Sources filter: an unknown key, an unknown value or a malformed number is an error.
    public static func parse(_ text: String) -> Result<RowFilter, FilterError> { parse(text, fields: .sources) }
}

extension FilterQuery where Subject == FeedItem {
    /// Parses a Live flow filter: an unknown key, an unknown value or a malformed number is an error.
    public static func parse(_ text: String) -> Result<FlowFilter, FilterError> { parse(text, fields: .flow) }
}

/// A value's spellings as a filter takes them: the id, then the label with `_` for spaces.
private func spellings(_ raw: String, _ label: String) -> [String] {
    let l = label.lowercased().replacingSpaces()
    return l == raw ? [raw] : [raw, l]
}

private extension String {
    func replacingSpaces() -> String { String(map { $0 == " " ? "_" : $0 }) }
}

extension FilterFields where Subject == SourceRow {
    /// The Sources screen's keys: the row's settings by value, its figures (over the chosen window) by number.
    static var sources: FilterFields {
        let percent: @Sendable (Rate) -> Double? = { $0.value.map { $0 * 100 } }
        let dollars: @Sendable (Money?) -> Double? = { $0.map { Double($0.cents) / 100 } }
        return FilterFields(
            words: [
                .oneOf(["vertical"], Vertical.allCases.map { spellings($0.rawValue, $0.label) }) { spellings($0.vertical.rawValue, $0.vertical.label) },
                .oneOf(["channel"], Channel.allCases.map { spellings($0.rawValue, $0.short) }) { spellings($0.channel.rawValue, $0.channel.short) },
                .oneOf(["mode"], PurchaseMode.allCases.map { [$0.rawValue] }) { [$0.modeInForce.rawValue] },
                Word(names: ["tier", "pri"], choices: (1...5).map { ["\($0)"] }, example: "1") { r, v in "\(r.priority)" == v },
                .oneOf(["status"], SourceStatus.allCases.map { [$0.rawValue, $0.short.lowercased()] }) { [$0.status.rawValue, $0.status.short.lowercased()] },
                Word(names: ["source", "id"], choices: nil, example: "aut01") { r, v in r.filterID.hasPrefix(v) },
                Word(names: ["name"], choices: nil, example: "harbor") { r, v in TextMatch.lowercased(r.name, contains: v) },
            ],
            numbers: [
                Number(names: ["roi"], unit: .percent, example: "<0") { r in MetricsRow(r.counters).roi.map { $0 * 100 } },
                Number(names: ["leads"], unit: .count, example: ">=30") { Double($0.counters.bought) },
                Number(names: ["today"], unit: .count, example: ">0") { Double($0.boughtToday) },
                Number(names: ["spend"], unit: .dollars, example: ">1000") { dollars($0.counters.spend) },
                Number(names: ["cpl"], unit: .dollars, example: ">50") { dollars(MetricsRow($0.counters).cpl) },
                Number(names: ["cpa"], unit: .dollars, example: "<300") { dollars(MetricsRow($0.counters).cpa) },
                Number(names: ["conv"], unit: .percent, example: ">=5") { percent(MetricsRow($0.counters).conversionRate) },
                Number(names: ["cont"], unit: .percent, example: "<40") { percent(MetricsRow($0.counters).contactRate) },
                Number(names: ["ret"], unit: .percent, example: ">10") { percent(MetricsRow($0.counters).returnRate) },
                Number(names: ["pri", "tier"], unit: .count, example: "<=2") { Double($0.priority) },
            ],
            text: { t in
                // A status word alone means the status (`blocked`, `active`, `partial`), as on the rows.
                if let s = SourceStatus(rawValue: t) { return { r in r.status == s } }
                let word = TextMatch(t)
                return { r in word.found(in: r.key.source) || word.found(in: r.name) || r.key.subID.map(word.found) ?? false
                    || word.found(in: r.vertical.rawValue) || word.found(in: r.channel.rawValue) }
            })
    }
}

extension SourceRow {
    /// `aut01`, or `aut01/a1` for a sub-ID row: what `source:` matches the beginning of.
    var filterID: String { (key.subID.map { "\(key.source)/\($0)" } ?? key.source).lowercased() }
}

extension FilterFields where Subject == FeedItem {
    /// The Live flow's keys: the lead's vertical, state, source and sale type, the decision, and the price.
    static var flow: FilterFields {
        let decisions = [["bought"], ["rejected"], ["outcome"]] + PurchaseMode.allCases.map { [$0.rawValue] }
            + RejectReason.allCases.map { [$0.rawValue] }
        return FilterFields(
            words: [
                .oneOf(["vertical"], Vertical.allCases.map { spellings($0.rawValue, $0.label) }) { spellings($0.vertical.rawValue, $0.vertical.label) },
                Word(names: ["state"], choices: nil, example: "tx") { i, v in i.state.lowercased() == v },
                Word(names: ["source", "id"], choices: nil, example: "aut01") { i, v in "\(i.sourceID)/\(i.subID)".lowercased().hasPrefix(v) },
                .oneOf(["decision"], decisions) { decisionWords($0.decision) },
                .oneOf(["mode", "sale"], PurchaseMode.allCases.map { [$0.rawValue] }) { [$0.saleType.rawValue] },
            ],
            numbers: [
                Number(names: ["price"], unit: .dollars, example: ">50") { Double($0.price.cents) / 100 },
            ],
            text: { t in
                let word = TextMatch(t)
                return { i in
                    let words = decisionWords(i.decision)
                    return word.found(in: "\(i.sourceID)/\(i.subID) \(i.vertical.rawValue) \(i.state) \(i.saleType.rawValue) \(words.joined(separator: " ")) \(i.outcome ?? "") \(i.leadID)")
                }
            })
    }

    /// The words a decision answers to in the flow filter: `bought` and its mode, or `rejected` and its reason,
    /// or `outcome` for an outcome row.
    static func decisionWords(_ d: Decision?) -> [String] {
        switch d {
        case .bought(let mode)?: return ["bought", mode.rawValue]
        case .rejected(let reason)?: return ["rejected", reason.rawValue]
        case nil: return ["outcome"]
        }
    }
}
