import LeadDeckTestSupport
import Foundation
import LeadDeckServer
import Testing

/// The real `leaddeck serve` binary: a success answered is durable even when the server is killed right
/// after, and SIGTERM stops it cleanly.
@Suite("serve, end to end", .serialized)
struct ServeProcessTests {
    /// Starts `leaddeck serve --port 0` on a new store with one key; returns the process, its port and the key.
    static func startServer(store: String) throws -> (Process, Int, String, String) {
        #expect(try Binary.run(["hours", "--store", store, "always"]).status == 0)
        let added = try Binary.run(["keys", "--store", store, "add", "acme"])
        let key = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let errPath = TestFolder.path("serve") + ".err"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let p = Binary.process(["serve", "--store", store, "--port", "0"], environment: [:])
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try p.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
            if let r = text.range(of: "http://127.0.0.1:") {
                let port = Int(text[r.upperBound...].prefix { $0.isNumber }) ?? 0
                return (p, port, key, errPath)
            }
            usleep(50_000)
        }
        p.terminate()
        Issue.record("serve did not start: \(String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))")
        return (p, 0, key, errPath)
    }

    static func json(_ path: String, _ body: String, key: String, client: HTTPClient) throws -> String {
        try client.send("POST", path, body: Array(body.utf8), headers: [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")]).text
    }

    @Test func aSuccessAnsweredSurvivesSIGKILL() throws {
        let store = Binary.tempStore()
        let (server, port, key, _) = try Self.startServer(store: store)
        let client = HTTPClient(host: "127.0.0.1", port: port)
        let ping = #"{"ping_id":"k1","source_id":"AUT01","sub_id":"a91","vertical":"auto","state":"TX","sale_type":"shared","max_sells":3}"#
        let bid = try Self.json("/v1/ping", ping, key: key, client: client)
        #expect(bid.contains("\"bid\":true"), "\(bid)")
        let post = try Self.json("/v1/post", #"{"ping_id":"k1","first_name":"Kim","phone_1":"2145550111","zip":"75001"}"#, key: key, client: client)
        // Killed the moment the answer is in: no shutdown, no checkpoint.
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        #expect(post.contains("\"outcome\":\"success\""), "\(post)")
        let log = try Binary.run(["log", "--store", store, "--json"])
        #expect(log.status == 0)
        #expect(log.stdout.contains("\"lead_id\":\"k1\""), "the purchase is in the log after the kill")
        let report = try Binary.run(["report", "--store", store, "--format", "json", "--window", "all"])
        #expect(report.stdout.contains("\"boughtShared\":1"))
    }

    @Test func sigtermStopsCleanlyWithACheckpoint() throws {
        let store = Binary.tempStore()
        let (server, port, key, errPath) = try Self.startServer(store: store)
        let client = HTTPClient(host: "127.0.0.1", port: port)
        _ = try Self.json("/v1/ping", #"{"ping_id":"t1","source_id":"AUT01","sub_id":"a91","vertical":"auto","state":"TX","sale_type":"shared","max_sells":3}"#, key: key, client: client)
        // The dashboard header of a viewer would name it: the lease carries "serve".
        let lock = try String(contentsOfFile: store + "/engine.lock", encoding: .utf8)
        #expect(lock.contains("serve"))
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        let err = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        #expect(err.contains("stopped"), "\(err)")
        #expect(FileManager.default.fileExists(atPath: store + "/checkpoint.json"))
        let check = try Binary.run(["check", "--store", store])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test func theSimulatedExchangePlaysAgainstTheServer() throws {
        let store = Binary.tempStore()
        let (server, port, key, _) = try Self.startServer(store: store)
        defer { kill(server.processIdentifier, SIGTERM); server.waitUntilExit() }
        let run = try Binary.run(["exchange", "--target", "http://127.0.0.1:\(port)", "--key", key, "--hours", "2", "--rate", "2000", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("exchange done: pings "), "\(run.stdout)")
        #expect(run.stdout.contains("errors 0"), "\(run.stdout)")
        let health = try HTTPClient(host: "127.0.0.1", port: port).send("GET", "/healthz")
        #expect(health.status == 200)
        let report = try HTTPClient(host: "127.0.0.1", port: port).send("GET", "/v1/report?by=exchange&window=all", headers: [("Authorization", "Bearer \(key)")])
        let rows = ((try? JSONSerialization.jsonObject(with: Data(report.body))) as? [String: Any])?["rows"] as? [[String: Any]] ?? []
        #expect(rows.first?["id"] as? String == "acme")
        #expect((rows.first?["pinged"] as? Int ?? 0) > 50)
        #expect((rows.first?["won"] as? Int ?? 0) > 0)
        let bad = try Binary.run(["exchange", "--target", "http://127.0.0.1:\(port)", "--key", "ldk_wrong", "--hours", "1"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("refused the key"))
    }

    @Test func servingASimulatedStoreAheadOfTheClockIsRefusedInOneLine() throws {
        let store = Binary.tempStore()
        // A simulated store whose clock is days ahead of now.
        let ahead = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3 * 86_400))
        #expect(try Binary.run(["simulate", "--store", store, "--hours", "1", "--start", ahead]).status == 0)
        let r = try Binary.run(["serve", "--store", store, "--port", "0"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("ahead of the wall clock"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}
