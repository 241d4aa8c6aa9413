import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckServer
import LeadDeckStore

struct ExchangeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exchange",
        abstract: "Play the simulated exchange against a `leaddeck serve`: ping the demo catalog's leads, post the full lead on a bid, send dispositions later.",
        discussion: """
            Leads come from the seed catalog (--seed-dir, default ./data), in simulated time, as fast as --rate allows; \
            what happens to a bought lead (contact, sale, return) is sent to /v1/outcomes when simulated time reaches it.
            """)

    @Option(help: "The server, e.g. http://127.0.0.1:8080.") var target: String
    @Option(help: "API key (from `leaddeck keys add NAME` on the server's store).") var key: String
    @Option(help: "Pings per second at most.") var rate: Double = 50
    @Option(help: "Hours of simulated market to send.") var hours: Double = 24
    @Option(help: "Random seed.") var seed: UInt64 = 7
    @Option(name: .long, help: ArgumentHelp("Seed files with the catalog (default: $LEADDECK_SEED, else ./data).", valueName: "dir"))
    var seedDir: String?
    @Flag(help: "Print only the final summary.") var quiet = false

    func validate() throws {
        guard HTTPClient.target(target) != nil else { throw ValidationError("--target must look like http://127.0.0.1:8080") }
        guard rate > 0, rate <= 100_000 else { throw ValidationError("--rate must be above 0 and at most 100000") }
        guard hours > 0, hours <= 24 * 365 else { throw ValidationError("--hours must be above 0 and at most 8760") }
    }

    /// What the run did so far.
    struct Tally {
        var pings = 0, bids = 0, posts = 0, won = 0, outcomes = 0, errors = 0
        var spend = Money.zero
        var line: String {
            let bidRate = pings > 0 ? formatPercent(Double(bids) / Double(pings)) : "-"
            let winRate = bids > 0 ? formatPercent(Double(won) / Double(bids)) : "-"
            return "pings \(pings), bids \(bids) (\(bidRate)), won \(won) of \(posts) posts (win rate \(winRate)), spend \(spend.formatted), "
                + "dispositions \(outcomes), errors \(errors)"
        }
    }

    func run() throws {
        try guarded {
            let seedPath = seedDir ?? ProcessInfo.processInfo.environment["LEADDECK_SEED"].flatMap { $0.isEmpty ? nil : $0 } ?? "data"
            let catalog = try loadCatalog(seedPath)
            let (host, port) = HTTPClient.target(target)!
            let client = HTTPClient(host: host, port: port)
            let auth = [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")]
            // A check first, so a wrong address or key is one clear line rather than a stream of errors.
            do {
                let r = try client.send("GET", "/v1/sources", headers: auth)
                if r.status == 401 { throw Failure(description: "\(target): the server refused the key (401)") }
                if r.status != 200 { throw Failure(description: "\(target): /v1/sources answered \(r.status)") }
            } catch let e as HTTPClient.Failure {
                throw Failure(description: "\(target): \(e.description)")
            }

            let start = wallNow()
            var sim = MarketSimulator(seed: seed, start: start)
            let end = start + Int64(hours * 3600)
            let clock = LocalClock(utcOffsetMinutes: -300)
            var tally = Tally()
            let began = ProcessInfo.processInfo.systemUptime
            var lastReport = began
            func post(_ path: String, _ json: String) -> HTTPClient.Response? {
                do {
                    let r = try client.send("POST", path, body: Array(json.utf8), headers: auth)
                    if r.status != 200 {
                        tally.errors += 1
                        if !quiet { printError("leaddeck: \(path) answered \(r.status): \(Sanitizer.clean(String(r.text.prefix(200))))") }
                        if r.status == 401 { return nil }
                    }
                    return r
                } catch {
                    tally.errors += 1
                    if !quiet { printError("leaddeck: \(path): \(error)") }
                    return nil
                }
            }
            while sim.now < end {
                var run = sim.run(to: min(end, sim.now + 60), catalog: catalog)
                while let item = run.next(clock: clock) {
                    switch item {
                    case .offer(let offer):
                        // Pace: at most `rate` pings a second.
                        let due = began + Double(tally.pings) / rate
                        let wait = due - ProcessInfo.processInfo.systemUptime
                        if wait > 0 { usleep(UInt32(min(wait, 1) * 1_000_000)) }
                        tally.pings += 1
                        guard let answer = post("/v1/ping", Self.pingJSON(offer)), answer.status == 200,
                              let bid = Self.bidCents(answer.text) else { continue }
                        tally.bids += 1
                        tally.posts += 1
                        guard let result = post("/v1/post", Self.postJSON(offer)), result.status == 200 else { continue }
                        if result.text.contains("\"outcome\":\"success\"") {
                            tally.won += 1
                            tally.spend += Money(cents: bid)
                            var bought = offer
                            bought.price = Money(cents: bid)
                            run.bought(bought, mode: offer.saleType)
                        }
                    case .outcome(let o):
                        if post("/v1/outcomes", Self.dispositionJSON(o)).map({ $0.status == 200 }) == true { tally.outcomes += 1 }
                    }
                    let now = ProcessInfo.processInfo.systemUptime
                    if !quiet, now - lastReport >= 5 {
                        lastReport = now
                        printError("leaddeck: \(tally.line)")
                    }
                }
                sim = run.finished()
            }
            writeOut("exchange done: \(tally.line)\n")
        }
    }

    func loadCatalog(_ seedPath: String) throws -> Catalog {
        let path = "\(seedPath)/sources.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "\(path): cannot read the catalog (use --seed-dir DIR)")
        }
        return try Failure.wrap { () throws(StoreError) in
            try JSONFile.decode(CatalogDocument.self, from: [UInt8](data), path: path, current: CatalogDocument.current).catalog
        }
    }

    static func pingJSON(_ o: Offer) -> String {
        "{\"ping_id\":\(jsonString(o.leadID)),\"source_id\":\(jsonString(o.sourceID)),\"sub_id\":\(jsonString(o.subID)),"
            + "\"vertical\":\"\(o.vertical.rawValue)\",\"state\":\(jsonString(o.state)),\"postal_code\":\(jsonString(o.postalCode)),"
            + "\"sale_type\":\"\(o.saleType.rawValue)\",\"max_sells\":\(o.maxSells)}"
    }

    static func postJSON(_ o: Offer) -> String {
        "{\"ping_id\":\(jsonString(o.leadID)),\"first_name\":\(jsonString(o.firstName)),\"last_name\":\(jsonString(o.lastName)),"
            + "\"phone_1\":\(jsonString(o.phone)),\"email\":\(jsonString(o.email)),\"city\":\(jsonString(o.city)),"
            + "\"zip\":\(jsonString(o.postalCode))}"
    }

    static func dispositionJSON(_ o: OutcomeEvent) -> String {
        var f = ["\"lead_id\":\(jsonString(o.leadID))", "\"outcome\":\"\(o.kind.rawValue)\""]
        if let r = o.revenue { f.append("\"revenue\":\"\(r.cents / 100).\(r.cents % 100 < 10 ? "0" : "")\(r.cents % 100)\"") }
        if let r = o.reason { f.append("\"reason\":\(jsonString(r))") }
        return "{" + f.joined(separator: ",") + "}"
    }

    /// The bid's cents in a ping answer, nil for no bid.
    static func bidCents(_ text: String) -> Int64? {
        guard text.contains("\"bid\":true"), let r = text.range(of: "\"cents\":") else { return nil }
        return Int64(text[r.upperBound...].prefix { $0.isNumber })
    }
}
