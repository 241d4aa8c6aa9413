// The peer for `scripts/bench-serve.sh`: Hummingbird's bare hello-world endpoint, the same library and
// settings as `leaddeck serve`, so the benchmark shows what LeadDeck's own work costs per request.
// Run: leaddeck-hello [PORT]
import Hummingbird
import Logging

let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8081
var logger = Logger(label: "leaddeck.hello")
logger.logLevel = .error
let router = Router()
router.get("hello") { _, _ in "Hello" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
try await app.runService()
