import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckEngine
import LeadDeckStore

/// The bytes of FILE, or of stdin for "-" (decoded line by line later, so invalid UTF-8 is reported, not replaced).
func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" {
        return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
          let data = FileManager.default.contents(atPath: path) else {
        throw Failure(description: "\(path): cannot read (missing or not a file)")
    }
    return [UInt8](data)
}

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Decide and record offers from a real exchange, given as JSON Lines (FILE, or - for stdin).",
        discussion: """
            Fields: lead_id, source_id, sub_id, vertical, state, postal_code, city, sale_type (shared|exclusive), \
            max_sells, price (dollars) or price_cents, received_at (ISO 8601), first_name, last_name, phone, email. \
            A bad line is reported with its line number and reason; the good lines still count (exit status 1 if any were bad).
            """)

    @OptionGroup var options: StoreOptions
    @Argument(help: "JSON Lines file, or - for stdin.") var file: String

    func run() throws {
        try guarded {
            let input = try readInput(file)
            let store = try options.open()
            let driver = try Failure.wrap { () throws(StoreError) in
                var o = EngineDriver.Options()
                o.engineLabel = "ingest"
                return try EngineDriver.engine(store: store, clock: SystemDriverClock(), options: o)
            }
            defer { driver.finish() }
            let now = wallNow()
            var bad = 0
            var repeated = 0
            var batch: [Offer] = []
            var batchLines: [Int] = []
            var counts = Counters()
            let name = file == "-" ? "stdin" : file
            var committedThrough = 0
            var lineNumber = 0
            // Sub-IDs the catalog did not list before this file: recorded as new sub-IDs of their source.
            var newSubIDs: [String] = []
            func flush() throws {
                for offer in batch where driver.desk.knows(source: offer.sourceID) && !driver.desk.knows(source: offer.sourceID, subID: offer.subID) {
                    let ref = "\(offer.sourceID)/\(offer.subID)"
                    if !newSubIDs.contains(ref) { newSubIDs.append(ref) }
                }
                let answers: [EngineSession.Answer]
                do throws(StoreError) {
                    answers = try driver.submit(batch)
                } catch {
                    throw Failure(description: "\(error.description); offers up to line \(committedThrough) of \(name) are recorded, "
                        + "those from the next line on are not (fix the cause and ingest from there)")
                }
                for (answer, line) in zip(answers, batchLines) {
                    switch answer {
                    case .decided(let e): counts.count(e.decision, price: e.offer.price)
                    case .repeated: repeated += 1
                    case .refused(let problem):
                        bad += 1
                        printError("\(name) line \(line): \(problem)")
                    }
                }
                batch.removeAll(keepingCapacity: true)
                batchLines.removeAll(keepingCapacity: true)
                committedThrough = lineNumber
            }
            for line in InputLines.split(input) {
                lineNumber = line.number
                if line.isBlank { continue }
                switch OfferParser.parse(line.bytes, now: now) {
                case .failure(let e):
                    bad += 1
                    printError("\(name) line \(line.number): \(e.description)")
                case .success(let offer):
                    batch.append(offer)
                    batchLines.append(line.number)
                    if batch.count >= 2000 { try flush() }
                }
            }
            try flush()
            if counts.offered == 0 && repeated == 0 {
                throw Failure(description: "\(name): no offers recorded (\(bad) bad line(s)\(bad == 0 ? ", the file has no offers" : "")); nothing changed")
            }
            let recordedSeq = driver.state.position.seq
            if let problem = driver.finish() { warnCheckpoint(problem, seq: recordedSeq, store: store, what: "the \(counts.offered) decided offers") }
            flushNotices(store)
            let reasons = RejectReason.allCases.filter { counts.rejected[$0] > 0 }.map { "\($0.rawValue) \(counts.rejected[$0])" }
            writeOut("ingested \(counts.offered) offers from \(name): \(counts.bought) bought (\(counts.boughtShared) shared, "
                + "\(counts.boughtExclusive) exclusive) for \(counts.spend.formatted), \(counts.rejectedTotal) rejected"
                + (reasons.isEmpty ? "" : " (\(reasons.joined(separator: ", ")))")
                + (repeated > 0 ? "; \(repeated) repeated lead ids answered as before, not recorded again" : "") + "; \(bad) bad lines\n")
            if !newSubIDs.isEmpty {
                let shown = newSubIDs.prefix(10).map { Sanitizer.clean($0) }.joined(separator: ", ")
                writeOut("new sub-IDs, not in sources.json, recorded under their source (they show on the dashboard and can be blocked): "
                    + shown + (newSubIDs.count > 10 ? " and \(newSubIDs.count - 10) more" : "") + "\n")
            }
            if bad > 0 { throw ExitCode(1) }
        }
    }
}

struct Outcomes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Apply dispositions (contacted, converted with revenue, returned with reason) to bought leads.",
        discussion: """
            CSV with a header (lead_id,outcome,revenue,reason[,refund][,time]) or JSON Lines with the same fields. \
            A return refunds the lead's price unless refund is given. Unknown lead ids and impossible outcomes are \
            reported with their line; the rest are applied (exit status 1 if any were bad).
            """)

    @OptionGroup var options: StoreOptions
    @Argument(help: "CSV or JSON Lines file, or - for stdin.") var file: String

    func run() throws {
        try guarded {
            let input = try readInput(file)
            let store = try options.open()
            var state = try Failure.wrap { () throws(StoreError) in try store.loadState() }
            let name = file == "-" ? "stdin" : file
            let now = wallNow()
            // Times are judged against the later of the store's clock and the wall clock: a simulated store
            // may be far from today either way.
            let parsed = DispositionParser.parse(input, now: max(state.desk.metrics.latest, now))
            var bad = 0
            var applied = 0
            try Failure.wrap { () throws(StoreError) in
                try store.transaction(&state) { desk throws(StoreError) -> [Event] in
                    var events: [Event] = []
                    for (line, result) in parsed {
                        // An outcome without a time gets the store's clock, not the wall clock, so it never
                        // moves a simulated store's "today".
                        switch result.flatMap({ $0.outcomeEvent(leads: desk.leads, storeClock: desk.metrics.latest, wallNow: now) }) {
                        case .failure(let e):
                            bad += 1
                            printError("\(name) line \(line): \(e.description)")
                        case .success(let outcome):
                            let e = Event.outcome(outcome)
                            desk.apply(e)
                            events.append(e)
                            applied += 1
                        }
                    }
                    return events
                }
            }
            if applied == 0 {
                throw Failure(description: "\(name): no outcomes applied (\(bad) bad line(s)\(parsed.isEmpty ? ", the file has no outcome lines" : "")); nothing changed")
            }
            flushNotices(store)
            writeOut("applied \(applied) outcomes from \(name); \(bad) bad lines\n")
            if bad > 0 { throw ExitCode(1) }
        }
    }
}
