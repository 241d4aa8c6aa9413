import Foundation
import LeadDeckCore
@testable import LeadDeckStore
import Testing

/// `checkpoint.json`'s own codec against the plain one (`JSONEncoder` with sorted keys, `JSONDecoder`): the same
/// bytes written, the same document read either way, and a deferral (nil) on anything outside its layout.
@Suite struct CheckpointCodecTests {
    /// A checkpoint of a simulated store: several days, every dimension, alerts, changes and the simulator.
    static func document() throws -> CheckpointDocument { try built.get() }
    /// Built once for the suite (simulating 60 hours takes seconds in a debug build).
    private static let built = Result { try makeDocument() }

    private static func makeDocument() throws -> CheckpointDocument {
        let store = try FastPathTests.simulatedStore(hours: 60)
        try store.changePolicy(actor: "test", time: Timestamp(seconds: 1)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) }
        let state = try store.loadState()
        var metrics = state.desk.metrics
        // Names JSON escapes: a slash (escaped by JSONEncoder by default), quotes, controls, non-ASCII.
        for (i, exchange) in ["ex/one", "q\"uote\\", "ctl\u{1}", "東京"].enumerated() {
            let t = metrics.latest + Int64(i)
            let o = Offer(leadID: "X\(i)", sourceID: "AUT01", subID: "a/\(i)", vertical: .autoInsurance, state: "CA", postalCode: "", city: "",
                          saleType: .shared, maxSells: 4, price: .dollars(20), receivedAt: t, firstName: "", lastName: "",
                          phone: "", email: "", exchange: exchange)
            metrics.apply(.offer(OfferEvent(offer: o, decision: .bought(.shared), tier: 1)))
        }
        return CheckpointDocument(schemaVersion: CheckpointDocument.current, position: state.position, ledger: state.desk.ledger,
                                  metrics: metrics, recentChanges: state.desk.recentChanges, simulator: state.simulator,
                                  recentAlerts: state.desk.recentAlerts)
    }

    static func plain(_ doc: CheckpointDocument) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try encoder.encode(doc)) + [10]
    }

    @Test func itWritesWhatJSONEncoderWritesByteForByte() throws {
        let doc = try Self.document()
        #expect(doc.metrics.daily().count >= 3)
        #expect(Set(doc.metrics.series.allKeys.map(\.dimension)) == Set(Dimension.allCases))
        let fast = CheckpointCodec.encode(doc)
        let plain = try Self.plain(doc)
        #expect(fast.count == plain.count)
        #expect(fast == plain)
    }

    /// Saved in pieces as it is made (a checkpoint is never held whole): the pieces join to the same bytes, and no
    /// piece is much larger than asked for.
    @Test func itWritesTheSameBytesInPieces() throws {
        let doc = try Self.document()
        let whole = try Self.plain(doc)
        for size in [1, 4096] {
            var pieces: [[UInt8]] = []
            CheckpointCodec.encode(doc, pieceSize: size) { piece in
                pieces.append(Array(piece))
                return true
            }
            #expect(Array(pieces.joined()) == whole)
            #expect(pieces.count > whole.count / max(size, 4096 * 4), "spilled as it went, not once at the end")
            #expect(pieces.dropLast().allSatisfy { $0.count >= size })
        }
    }

    @Test func itReadsWhatEitherWroteAsJSONDecoderDoes() throws {
        let doc = try Self.document()
        let plain = try Self.plain(doc)
        let reference = try JSONDecoder().decode(CheckpointDocument.self, from: Data(plain))
        for bytes in [plain, CheckpointCodec.encode(doc)] {
            let fast = try #require(CheckpointCodec.decode(bytes))
            #expect(fast.metrics == reference.metrics && fast.metrics == doc.metrics)
            #expect(fast.ledger == reference.ledger && fast.position == reference.position)
            #expect(fast.recentAlerts == reference.recentAlerts && fast.recentChanges == reference.recentChanges)
            #expect(fast.simulator == reference.simulator && fast.schemaVersion == reference.schemaVersion)
        }
    }

    @Test func olderCounterLayoutsAndMissingPartsReadAsJSONDecoderReadsThem() throws {
        let doc = try Self.document()
        var text = String(decoding: try Self.plain(doc), as: UTF8.self)
        // Counters of 17 integers (before pings), no breakdowns, no sale lags, no alerts, no simulator.
        text = text.replacingOccurrences(of: #",0,0,0,0]"#, with: "]")
        for key in ["breakdowns", "saleLags"] {
            let r = try #require(text.range(of: "\"\(key)\":"))
            var depth = 0, end = r.upperBound
            for (i, c) in zip(text[r.upperBound...].indices, text[r.upperBound...]) {
                if c == "{" || c == "[" { depth += 1 }
                if c == "}" || c == "]" { depth -= 1 }
                if depth == 0 { end = text.index(after: i); break }
            }
            text.removeSubrange(r.lowerBound...text.index(end, offsetBy: 0, limitedBy: text.endIndex)!)
        }
        let plain = Array(text.utf8)
        let reference = try JSONDecoder().decode(CheckpointDocument.self, from: Data(plain))
        let fast = try #require(CheckpointCodec.decode(plain))
        #expect(fast.metrics == reference.metrics)
        #expect(reference.metrics.breakdowns.countedSince != nil)
    }

    @Test func anythingElseIsLeftToJSONDecoder() throws {
        let doc = try Self.document()
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.sortedKeys, .prettyPrinted]
        #expect(CheckpointCodec.decode([UInt8](try pretty.encode(doc))) == nil)
        let good = String(decoding: CheckpointCodec.encode(doc), as: UTF8.self)
        let edits: [(String, String)] = [
            (#""schemaVersion":1"#, #""schemaVersion":1,"extra":2"#),
            (#""schemaVersion":1"#, #""schemaVersion":2"#),
            (#""allTime":{"#, #""allTime":{"bogus:x":[1],"#),
            (#""allTime":{"#, #""allTime":{"nocolon":[1],"#),
            (#""days":{""#, #""days":{"x":{},""#),
            (#""latest":"#, #""latest":"x","latest2":"#),
            (#"{"ledger""#, #" {"ledger""#),
        ]
        var variants = edits.map { good.replacingOccurrences(of: $0.0, with: $0.1) }
        variants.append(good + "x")
        variants.append(String(good.dropLast(3)))
        for broken in variants {
            #expect(CheckpointCodec.decode(Array(broken.utf8)) == nil, "\(broken.prefix(80))")
        }
    }

    /// Slice names in a day are found by their bytes, looking ahead in the all-time order: a day listing its
    /// slices in another order, or spelling a name another way (`/` for `\/`), still reads as `JSONDecoder` reads it.
    @Test func aDayInAnotherOrderOrSpellingReadsAsJSONDecoderDoes() throws {
        let doc = try Self.document()
        let text = String(decoding: CheckpointCodec.encode(doc), as: UTF8.self)
        let daysStart = try #require(text.range(of: #""days":{""#))
        let bucketOpen = try #require(text.range(of: ":{", range: daysStart.upperBound..<text.endIndex))
        let bucketClose = try #require(text.range(of: "]}", range: bucketOpen.upperBound..<text.endIndex))
        let body = String(text[bucketOpen.upperBound..<bucketClose.lowerBound]) + "]"
        var slices = body.components(separatedBy: #"],""#).enumerated().map { $0.offset == 0 ? $0.element : "\"" + $0.element }
        slices = slices.map { $0.hasSuffix("]") ? $0 : $0 + "]" }
        #expect(slices.count > 10 && slices.contains { $0.contains(#"\/"#) })
        // Reversed, and the first escaped slash in a name written plain.
        var reordered = slices.reversed().joined(separator: ",")
        reordered.replaceSubrange(try #require(reordered.range(of: #"\/"#)), with: "/")
        let bytes = Array((String(text[..<bucketOpen.upperBound]) + reordered + "}" + String(text[bucketClose.upperBound...])).utf8)
        let reference = try JSONDecoder().decode(CheckpointDocument.self, from: Data(bytes))
        let fast = try #require(CheckpointCodec.decode(bytes))
        #expect(fast.metrics == reference.metrics && fast.metrics == doc.metrics)
    }

    /// The days are read on another core from the slices the all-time figures name; a slice named only in a day
    /// (not what the encoder writes) is read on the caller's core instead, as `JSONDecoder` reads it.
    @Test func aSliceNamedOnlyInADayReadsAsJSONDecoderDoes() throws {
        let doc = try Self.document()
        let text = String(decoding: CheckpointCodec.encode(doc), as: UTF8.self)
        let daysStart = try #require(text.range(of: #""days":{""#))
        let bucketOpen = try #require(text.range(of: ":{", range: daysStart.upperBound..<text.endIndex))
        let fields = (0..<Counters.fieldOrder.count).map { $0 == 0 ? "3" : "0" }.joined(separator: ",")
        let bytes = Array((String(text[..<bucketOpen.upperBound]) + #""source:ONLY-IN-A-DAY":["# + fields + "],"
                           + String(text[bucketOpen.upperBound...])).utf8)
        let reference = try JSONDecoder().decode(CheckpointDocument.self, from: Data(bytes))
        let fast = try #require(CheckpointCodec.decode(bytes))
        #expect(fast.metrics == reference.metrics && fast.metrics != doc.metrics)
        #expect(fast.metrics.series[MetricKey(.source, "ONLY-IN-A-DAY")] != nil)
        // A reader splits the days between the two cores: the same.
        #expect(CheckpointCodec.decode(bytes, simulator: false)?.metrics == reference.metrics)
        #expect(CheckpointCodec.decode(CheckpointCodec.encode(doc), simulator: false)?.metrics == doc.metrics)
    }

    /// The days are found without reading them: where they end by the key that follows (`,"latest":`), where each
    /// begins by the bytes between two days (`]},"` and a digit); the reading checks both. Any layout of the days
    /// JSON allows reads as `JSONDecoder` reads it, whether the reader or the writer (which also reads the
    /// simulated market on its core meanwhile) shares them out.
    @Test func daysFoundWithoutReadingThemReadAsJSONDecoderDoes() throws {
        let doc = try Self.document()
        let good = String(decoding: CheckpointCodec.encode(doc), as: UTF8.self)
        let daysKey = try #require(good.range(of: #""days":{"#))
        let latestKey = try #require(good.range(of: #","latest":"#))
        let days = String(good[daysKey.upperBound..<good.index(before: latestKey.lowerBound)])  // the entries
        let firstSlice = try #require(good.range(of: #"],""#, range: daysKey.upperBound..<good.endIndex))
        var variants: [(String, String)] = [
            // One day cut in two: the second half a day of its own (numbered 1), which looks like any other day.
            ("a day cut in two", good.replacingCharacters(in: firstSlice, with: #"]},"1":{""#)),
            // No days at all, and only one.
            ("no days", good.replacingOccurrences(of: #""days":{"# + days + "}", with: #""days":{}"#)),
            ("one day", good.replacingOccurrences(of: #""days":{"# + days + "}",
                                                  with: #""days":{"# + days[..<(try #require(days.range(of: #"]},""#))).lowerBound] + "]}}")),
            // The days after the key that follows them (not where the encoder puts them): walked bracket by bracket.
            ("days last", good.replacingOccurrences(of: #","days":{"# + days + "}", with: "")
                .replacingOccurrences(of: #","slots":"#, with: #","days":{"# + days + #"},"slots":"#)),
        ]
        // Days numbered below zero are not found as starts: read with the day before them, as one run.
        variants.append(("days below zero", good.replacingOccurrences(of: #"]},"2"#, with: #"]},"-2"#)))
        for (name, text) in variants {
            let bytes = Array(text.utf8)
            #expect(text != good, "\(name)")
            let reference = try #require(try? JSONDecoder().decode(CheckpointDocument.self, from: Data(bytes)), "\(name)")
            for simulator in [true, false] {
                let fast = try #require(CheckpointCodec.decode(bytes, simulator: simulator), "\(name)")
                #expect(fast.metrics == reference.metrics, "\(name)")
            }
        }
        #expect(try JSONDecoder().decode(CheckpointDocument.self, from: Data(variants[0].1.utf8)).metrics.daily().first?.day == 1)
        // Found day by day where the encoder wrote them (the cut day as two), as one run elsewhere.
        let dayCount = doc.metrics.daily().count
        #expect(dayCount >= 3 && CheckpointCodec.dayRunCount(Array(good.utf8)) == dayCount)
        #expect(variants.map { CheckpointCodec.dayRunCount(Array($0.1.utf8)) } == [dayCount + 1, 0, 1, 1, 1])
        // Days that do not close where the next key begins, or a day that is not whole, are not read.
        let broken = [
            good.replacingOccurrences(of: #"]}},"latest":"#, with: #"]},"latest":"#),
            good.replacingOccurrences(of: #"]},"2"#, with: #"],"2"#),
            good.replacingCharacters(in: firstSlice, with: #"]},"1":{,""#),
        ]
        for text in broken {
            #expect(text != good)
            #expect(CheckpointCodec.decode(Array(text.utf8)) == nil)
            #expect(CheckpointCodec.decode(Array(text.utf8), simulator: false) == nil)
        }
    }

    /// The simulated market's pending outcomes are written and read by hand: odd text in every field (slashes,
    /// quotes, controls, non-ASCII), every optional field present and absent, byte for byte as `JSONEncoder`.
    @Test func theSimulatorsPendingOutcomesRoundTripByteForByte() throws {
        var doc = try Self.document()
        // A simulated market as a running engine checkpoints it (the document above is rebuilt from the log,
        // which does not hold one).
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 3, start: nil)
        try session.advance(to: session.now + 12 * 3600)
        try session.checkpoint()
        session.close()
        var parts = try #require(try store.readCheckpoint().simulator).parts
        #expect(parts.pending.count > 100 && !parts.recentPhones.isEmpty && !parts.nextArrival.isEmpty)
        let lead = LeadRef(sourceID: "S/1", subID: "sub\"/\\", vertical: .solar, mode: .exclusive, boughtAt: Timestamp(seconds: 5),
                           price: Money(cents: -1), state: nil)
        parts.pending.append(PendingOutcome(order: 1, event: OutcomeEvent(time: Timestamp(seconds: -3), leadID: "a/b\u{1}東京",
            kind: .returned, revenue: Money(cents: 7), refund: Money(cents: 8), reason: "line\nbreak / \"quoted\"", lead: lead, exchange: "ex/1")))
        parts.pending.append(PendingOutcome(order: 2, event: OutcomeEvent(time: Timestamp(seconds: 9), leadID: "", kind: .contacted, lead: lead)))
        parts.recentPhones.append("55/5\"")
        doc.simulator = MarketSimulator(parts: parts)
        let fast = CheckpointCodec.encode(doc)
        let plain = try Self.plain(doc)
        #expect(fast == plain)
        let read = try #require(CheckpointCodec.decode(fast))
        #expect(read.simulator == doc.simulator)
        // With its keys in another order (the random state first), the simulator part alone goes to JSONDecoder
        // and still reads.
        var text = String(decoding: fast, as: UTF8.self)
        let compact = String(decoding: try JSONEncoder().encodeSorted(doc.simulator), as: UTF8.self)
        let rng = try #require(compact.range(of: #","rng":"#))
        let simulatorText = #"{"rng":"# + compact[rng.upperBound..<compact.index(before: compact.endIndex)] + ","
            + compact[compact.index(after: compact.startIndex)..<rng.lowerBound] + "}"
        #expect(try JSONDecoder().decode(MarketSimulator.self, from: Data(simulatorText.utf8)) == doc.simulator)
        let range = try #require(text.range(of: #""simulator":"# + compact))
        text.replaceSubrange(range, with: #""simulator":"# + simulatorText)
        #expect(try #require(CheckpointCodec.decode(Array(text.utf8))).simulator == doc.simulator)
    }

    /// The per-source breakdowns and sale lags are written and read by hand: return reasons with slashes, quotes,
    /// controls and non-ASCII, a start of counting, byte for byte as `JSONEncoder`; another layout of the part
    /// goes to `JSONDecoder`.
    @Test func breakdownsAndSaleLagsRoundTripByteForByte() throws {
        var doc = try Self.document()
        var b = doc.metrics.breakdowns
        let latest = doc.metrics.latest
        let lead = LeadRef(sourceID: "AUT01", subID: "a", vertical: .autoInsurance, mode: .shared, boughtAt: latest, price: .dollars(10), state: "CA")
        for (i, reason) in ["Wrong/Number", "said \"no\" \\", "東京 \u{1}", ""].enumerated() {
            b.count(outcome: OutcomeEvent(time: latest, leadID: "R\(i)", kind: .returned, refund: .dollars(3), reason: reason, lead: lead), hour: i)
        }
        let since = SourceBreakdowns(sources: b.sources, countedSince: Timestamp(seconds: 12_345))
        doc.metrics = MetricsBook(clock: doc.metrics.clock, latest: latest, series: doc.metrics.series, saleLags: doc.metrics.saleLags,
                                  breakdowns: since)
        #expect(doc.metrics.saleLags.sales(.autoInsurance) > 0 && since["AUT01"].returns.count >= 4)
        let fast = CheckpointCodec.encode(doc)
        #expect(fast == (try Self.plain(doc)))
        let read = try #require(CheckpointCodec.decode(fast))
        #expect(read.metrics == doc.metrics && read.metrics.breakdowns == since)
        // A number written as the hand reader does not take it ("-0") sends the part to JSONDecoder.
        let text = String(decoding: fast, as: UTF8.self)
        let zero = try #require(text.range(of: #""withoutState":0}"#))
        let variant = Array(text.replacingCharacters(in: zero, with: #""withoutState":-0}"#).utf8)
        #expect(try #require(CheckpointCodec.decode(variant)).metrics == doc.metrics)
    }

    /// The recent alerts are read by hand: text with slashes, quotes, controls and non-ASCII, with and without a
    /// source, as `JSONDecoder` reads them; another layout of the part goes to `JSONDecoder`.
    @Test func recentAlertsReadAsJSONDecoderReadsThem() throws {
        var doc = try Self.document()
        let odd = [AlertEvent(time: Timestamp(seconds: -5), kind: .returns, source: "S/1 \"q\" \\ 東京", text: "line\nbreak \u{1} / ok"),
                   AlertEvent(time: Timestamp(seconds: 0), kind: .budget, source: nil, text: ""),
                   AlertEvent(time: Timestamp(seconds: 1_800_000_000), kind: .belowBreakEven, source: "", text: "x")]
        doc.recentAlerts = (doc.recentAlerts ?? []) + odd
        let fast = CheckpointCodec.encode(doc)
        #expect(fast == (try Self.plain(doc)))
        #expect(try #require(CheckpointCodec.decode(fast)).recentAlerts == doc.recentAlerts)
        #expect(Self.alerts(#"[]"#) == [])
        let part = String(decoding: try JSONEncoder().encodeSorted(doc.recentAlerts), as: UTF8.self)
        #expect(part.contains(#"\/"#) && Self.alerts(part) == doc.recentAlerts, "the hand reader takes what JSONEncoder writes")
        // Keys in another order, or an unknown kind: not the hand reader's; the whole document still reads (or
        // fails) as JSONDecoder has it.
        let text = String(decoding: fast, as: UTF8.self)
        let swapped = text.replacingOccurrences(of: #"{"kind":"budget","text":"","time":0}"#, with: #"{"time":0,"kind":"budget","text":""}"#)
        #expect(swapped != text)
        #expect(try #require(CheckpointCodec.decode(Array(swapped.utf8))).recentAlerts == doc.recentAlerts)
        #expect(Self.alerts(#"[{"kind":"nosuch","text":"","time":0}]"#) == nil)
        #expect(Self.alerts(#"[{"kind":"cap","text":"","time":0.5}]"#) == nil)
    }

    /// What `AlertsCodec` reads from the whole of `text` (nil when it declines it, or leaves some of it).
    private static func alerts(_ text: String) -> [AlertEvent]? {
        Array(text.utf8).withUnsafeBufferPointer { buf in
            var r = JSONBytes.Reader(buf)
            guard let alerts = AlertsCodec.alerts(&r), r.i == buf.count else { return nil }
            return alerts
        }
    }

    @Test func aStoreSavesWithTheCodecAndReadsEitherForm() throws {
        let store = try FastPathTests.simulatedStore(hours: 30)
        let before = try store.loadState()
        try store.saveCheckpoint(before.desk, simulator: before.simulator, at: before.position)
        let written = [UInt8](FileManager.default.contents(atPath: store.checkpointPath)!)
        #expect(CheckpointCodec.decode(written) != nil)
        let viaCodec = try store.loadState()
        #expect(viaCodec.desk.metrics == before.desk.metrics && viaCodec.replayed == 0)
        // A checkpoint in a layout the codec declines (pretty-printed) still loads, through JSONDecoder.
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted]
        let doc = try store.readCheckpoint()
        try Data(try pretty.encode(doc)).write(to: URL(fileURLWithPath: store.checkpointPath))
        let viaPlain = try store.loadState()
        #expect(viaPlain.desk.metrics == before.desk.metrics && viaPlain.replayed == 0)
    }

    @Test func readersSkipTheSimulatorAndGetTheSameDesk() throws {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 3, start: nil)
        try session.advance(to: session.now + 6 * 3600)
        try session.checkpoint()
        session.close()
        let engine = try store.loadState(leads: true)
        let reader = try store.loadState(leads: false)
        #expect(engine.simulator != nil && engine.replayed == 0)
        #expect(reader.simulator == nil && reader.replayed == 0)
        #expect(reader.desk.metrics == engine.desk.metrics && reader.position == engine.position)
    }

    @Test func aReaderRebuildingTheLogGetsTheSameFiguresWithoutLeadState() throws {
        let store = try FastPathTests.simulatedStore(hours: 20)  // no checkpoint: both replay the whole log
        let writer = try store.loadState(leads: true)
        let reader = try store.loadState(leads: false)
        #expect(writer.replayed == reader.replayed && writer.replayed > 1_000)
        #expect(reader.desk.metrics == writer.desk.metrics)
        #expect(reader.desk.ledger.spentToday == writer.desk.ledger.spentToday && reader.desk.ledger.boughtToday == writer.desk.ledger.boughtToday)
        #expect(reader.desk.leads.count == 0 && writer.desk.leads.count > 100)
        #expect(reader.desk.ledger.recentConsumers.isEmpty && !writer.desk.ledger.recentConsumers.isEmpty)
    }
}

private extension JSONEncoder {
    /// What `JSONEncoder` with sorted keys writes.
    func encodeSorted<T: Encodable>(_ value: T) throws -> Data {
        outputFormatting = [.sortedKeys]
        return try encode(value)
    }
}
