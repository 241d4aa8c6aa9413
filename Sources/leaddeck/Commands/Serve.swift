import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckEngine
import LeadDeckServer
import LeadDeckStore

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the engine fed by exchanges over HTTP: ping/post, dispositions, sources and reports (needs an API key: `leaddeck keys add NAME`).",
        discussion: """
            Endpoints: POST /v1/ping, POST /v1/post, POST /v1/outcomes, GET /v1/sources, GET /v1/report?by=source&window=today, \
            GET /healthz (no key). Requests carry Authorization: Bearer KEY. A post's success is answered only once the purchase \
            is durable in the store. SIGTERM or Ctrl-C: stop accepting, finish requests in flight, save a checkpoint, exit 0.
            """)

    @OptionGroup var options: StoreOptions
    @Option(help: "Address to listen on (loopback by default).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port; the chosen one is printed).") var port = 8080
    @Option(help: "Seconds a bid may be taken up by a post.") var bidSeconds: Int64 = 120
    @Flag(help: "Log one line per request to stderr.") var accessLog = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535") }
        guard (1...86_400).contains(bidSeconds) else { throw ValidationError("--bid-seconds must be 1-86400") }
    }

    func run() throws {
        try guarded { try serve() }
    }

    func serve() throws {
        do {
            let store = try options.open(forWriting: true)
            flushNotices(store)
            var o = EngineDriver.Options()
            o.engineLabel = port == 0 ? "serve" : "serve :\(port)"
            o.runAllDay()
            let driver = try Failure.wrap { () throws(StoreError) in
                try EngineDriver.engine(store: store, clock: SystemDriverClock(), options: o)
            }
            // Requests are stamped with the wall clock; a simulated store whose clock runs ahead cannot take them.
            let last = driver.desk.lastOfferTime
            if last.seconds > wallNow().seconds + 3600 {
                _ = driver.finish()
                throw Failure(description: "\(store.directory): the store's clock is at \(last.iso8601), ahead of the wall clock "
                    + "(a simulated store run faster than real time); serve a store fed in real time, e.g. --store DIR for a new one")
            }
            var serviceOptions = DeskService.Options()
            serviceOptions.bidSeconds = bidSeconds
            let service = DeskService(driver: driver, options: serviceOptions)
            // Its own handle on the store: keys are checked on the server's threads, the desk works on its own.
            let keys = APIKeyCheck(store: try options.open(), onDamage: { printError("leaddeck: \($0)") })
            let log: (@Sendable (String) -> Void)? = accessLog ? { @Sendable line in printError(line) } : nil
            let api = ExchangeAPI(service: service, authorize: { keys.exchange(forBearer: $0) }, accessLog: log)
            let host = self.host
            let directory = store.directory
            let server = LeadServer(api: api, host: host, port: port, handleSignals: true) { bound in
                printError("leaddeck: serving \(directory) on http://\(host):\(bound) (Ctrl-C stops)")
            }
            let failure = runBlocking { try await server.run() }
            let problem = service.stop()
            if let failure {
                throw Failure(description: "cannot serve on \(host):\(port): \(failure)")
            }
            if let problem {
                warnCheckpoint(problem, seq: service.lastSequence, store: store, what: "all answered requests")
            }
            printError("leaddeck: stopped; the store is at seq \(service.lastSequence)")
        }
    }
}

/// Runs async work to its end from synchronous code; returns the error it threw, if any.
func runBlocking(_ body: @escaping @Sendable () async throws -> Void) -> Error? {
    let done = DispatchSemaphore(value: 0)
    let result = LockedBox<Error?>(nil)
    Task {
        do { try await body() } catch { result.set(error) }
        done.signal()
    }
    done.wait()
    return result.get()
}

/// A value behind a lock.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ v: T) { value = v }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
}
