import LeadDeckTestSupport
import Foundation
import LeadDeckCore
import LeadDeckEngine
import LeadDeckServer
import LeadDeckStore

/// A real `leaddeck serve` stack in the test process: a file store from the demo seed (always open, one API
/// key), the engine, the desk service and the HTTP server on a free loopback port. Requests go over real
/// HTTP with `HTTPClient`, off the cooperative thread pool.
final class ServerHarness: @unchecked Sendable {
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    let store: Store
    let service: DeskService
    let server: LeadServer
    let port: Int
    let key: String
    private let clock: Clock
    private let runTask: Task<Void, Error>

    /// The service's clock, moved by the test.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var t: Timestamp
        init(_ t: Timestamp) { self.t = t }
        var now: Timestamp { lock.lock(); defer { lock.unlock() }; return t }
        func advance(_ s: Int64) { lock.lock(); t = t + s; lock.unlock() }
    }

    /// Monday 2026-11-02 10:00 US Eastern.
    static let start = Timestamp(seconds: 1_793_595_600 + 10 * 3600)

    /// - Parameter policy: changes to make before the server starts (as an admin would with the CLI).
    init(bidSeconds: Int64 = 120, policy: [(Policy) -> PolicyChange?] = []) async throws {
        let dir = TestFolder.make("server-test") + "/store"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        store = try Store.open(dir, seedDirectory: Self.repoRoot + "/data")
        for make in [{ (p: Policy) -> PolicyChange? in p.hours == nil ? nil : .hours(from: p.hours, to: nil) }] + policy {
            try store.changePolicy(actor: "test", time: Self.start) { p in make(p) }
        }
        let secret = KeyRing.newSecret()
        try store.changeKeys { (r: inout KeyRing) throws(StoreError) in try r.add(name: "acme", secret: secret, at: Self.start, by: "test") }
        key = secret
        let clock = Clock(Self.start)
        self.clock = clock
        var o = EngineDriver.Options()
        o.engineLabel = "serve"
        let driver = try EngineDriver.engine(store: store, clock: SystemDriverClock(), options: o)
        var so = DeskService.Options()
        so.bidSeconds = bidSeconds
        so.now = { clock.now }
        service = DeskService(driver: driver, options: so)
        let keys = APIKeyCheck(store: try Store.open(dir, seedDirectory: Self.repoRoot + "/data"), recheckSeconds: 0)
        let api = ExchangeAPI(service: service, authorize: { keys.exchange(forBearer: $0) })
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        server = LeadServer(api: api, host: "127.0.0.1", port: 0, handleSignals: false) { continuation.yield($0) }
        let server = self.server
        runTask = Task(executorPreference: OwnThreads.shared) { try await server.run() }
        var bound = 0
        for await p in ports { bound = p; break }
        port = bound
    }

    /// Stops the server and the service (as SIGTERM does).
    func stop() async {
        await server.shutdown()
        _ = try? await runTask.value
        _ = service.stop()
    }

    func advanceClock(_ seconds: Int64) { clock.advance(seconds) }

    /// One request over its own connection; `key` nil sends no Authorization header.
    func call(_ method: String, _ path: String, body: [UInt8]? = nil, key: String?? = .none,
              contentType: String? = "application/json") async -> HTTPClient.Response {
        var headers: [(String, String)] = []
        switch key {
        case .none: headers.append(("Authorization", "Bearer \(self.key)"))
        case .some(.some(let k)): headers.append(("Authorization", "Bearer \(k)"))
        case .some(.none): break
        }
        if let contentType, body != nil { headers.append(("Content-Type", contentType)) }
        let port = self.port
        let h = headers
        return await withCheckedContinuation { c in
            // A thread of its own: a blocked worker of a small pool would hold back the others.
            Thread {
                let client = HTTPClient(host: "127.0.0.1", port: port)
                do {
                    c.resume(returning: try client.send(method, path, body: body, headers: h))
                } catch {
                    c.resume(returning: HTTPClient.Response(status: -1, headers: [:], body: Array("\(error)".utf8)))
                }
            }.start()
        }
    }

    func post(_ path: String, _ json: String, key: String?? = .none) async -> HTTPClient.Response {
        await call("POST", path, body: Array(json.utf8), key: key)
    }

    /// A parsed JSON answer.
    func object(_ r: HTTPClient.Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any] ?? [:]
    }

    /// Every event in the store's log.
    func events() throws -> [Event] {
        try store.readNew(after: StoreCursor.afterHeader).records.map(\.event)
    }

    static func ping(_ id: String, source: String = "AUT01", sub: String = "a91", sale: String = "shared", extra: String = "") -> String {
        "{\"ping_id\":\"\(id)\",\"source_id\":\"\(source)\",\"sub_id\":\"\(sub)\",\"vertical\":\"auto\",\"state\":\"TX\","
            + "\"postal_code\":\"75001\",\"sale_type\":\"\(sale)\"\(sale == "shared" ? ",\"max_sells\":3" : "")\(extra)}"
    }

    static func post(_ pingID: String, phone: String = "2145550100", email: String = "ann@example.com") -> String {
        "{\"ping_id\":\"\(pingID)\",\"first_name\":\"Ann\",\"last_name\":\"Lee\",\"phone_1\":\"\(phone)\",\"email\":\"\(email)\",\"zip\":\"75001\"}"
    }
}
