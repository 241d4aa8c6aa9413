import Foundation
import Hummingbird
import LeadDeckCore
import LeadDeckStore
import NIOCore

/// The HTTP side of `leaddeck serve`: routes, API keys, content checks, and the JSON answers exchanges expect.
/// Every request body is read strictly (see `ExchangeRequests`); anything wrong gets a JSON error naming the
/// field and records nothing. The decisions themselves are the `DeskService`'s.
public struct ExchangeAPI: HTTPResponder {
    public typealias Context = BasicRequestContext

    /// The largest request body accepted.
    public static let maxBody = 64 * 1024

    let service: DeskService
    /// The exchange a bearer key belongs to (its name), nil for a missing, wrong or revoked key.
    let authorize: @Sendable (String) -> String?
    /// Where one line per request goes, when access logging is on.
    let accessLog: (@Sendable (String) -> Void)?

    /// - Parameters:
    ///   - authorize: maps the key in `Authorization: Bearer KEY` to its exchange's name.
    ///   - accessLog: called with one line per request, or nil for none.
    public init(service: DeskService, authorize: @escaping @Sendable (String) -> String?,
                accessLog: (@Sendable (String) -> Void)? = nil) {
        self.service = service
        self.authorize = authorize
        self.accessLog = accessLog
    }

    static let routes: [String: HTTPRequest.Method] = [
        "/healthz": .get, "/v1/ping": .post, "/v1/post": .post, "/v1/outcomes": .post, "/v1/sources": .get, "/v1/report": .get,
    ]

    public func respond(to request: Request, context: Context) async throws -> Response {
        guard let log = accessLog else { return await route(request) }
        let start = ContinuousClock.now
        let response = await route(request)
        let took = ContinuousClock.now - start
        let ms = Double(took.components.attoseconds) / 1e15 + Double(took.components.seconds) * 1000
        let path = Sanitizer.clean(String(request.uri.path.prefix(80)))
        log("\(Timestamp(seconds: Int64(Date().timeIntervalSince1970)).iso8601) \(request.method.rawValue) \(path) "
            + "\(response.status.code) \(String(format: "%.2f", ms))ms")
        return response
    }

    func route(_ request: Request) async -> Response {
        let path = request.uri.path
        guard let method = Self.routes[path] else {
            return Self.error(.notFound, "not_found", "no such path: \(Sanitizer.clean(String(path.prefix(80))))")
        }
        guard request.method == method else {
            var r = Self.error(.methodNotAllowed, "method_not_allowed", "\(path) takes \(method.rawValue) only")
            r.headers[.allow] = method.rawValue
            return r
        }
        if path == "/healthz" {
            return Self.json(.ok, "{\"status\":\"ok\",\"engine\":\"running\",\"last_seq\":\(service.lastSequence)}")
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              let exchange = authorize(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)) else {
            var r = Self.error(.unauthorized, "unauthorized", request.headers[.authorization] == nil
                               ? "missing Authorization: Bearer KEY (see `leaddeck keys add NAME`)"
                               : "unknown or revoked API key")
            r.headers[.wwwAuthenticate] = "Bearer"
            return r
        }
        switch path {
        case "/v1/sources":
            return Self.answer(await service.read { SourcesListing.json($0) })
        case "/v1/report":
            return await report(request)
        default:
            break
        }
        let body: [UInt8]
        switch await Self.body(of: request) {
        case .success(let b): body = b
        case .failure(let response): return response
        }
        let now = service.options.now()
        switch path {
        case "/v1/ping":
            switch ExchangeRequests.ping(body, now: now, exchange: exchange) {
            case .failure(let e): return Self.badRequest(e.description)
            case .success(let ping): return Self.answer(await service.ping(ping))
            }
        case "/v1/post":
            switch ExchangeRequests.post(body) {
            case .failure(let e): return Self.badRequest(e.description)
            case .success(let post): return Self.answer(await service.post(post, exchange: exchange))
            }
        default:
            switch ExchangeRequests.dispositions(body, now: now) {
            case .failure(let e): return Self.badRequest(e.description)
            case .success(let items):
                let ids = items.map { try? $0.get().leadID }
                switch await service.outcomes(items, exchange: exchange) {
                case .failure(let u): return Self.unavailable(u)
                case .success(let replies): return Self.outcomes(ids: ids, replies: replies)
                }
            }
        }
    }

    enum Body {
        case success([UInt8])
        case failure(Response)
    }

    /// The body, checked: JSON content type (415), at most `maxBody` bytes (413).
    static func body(of request: Request) async -> Body {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        let media = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard media == "application/json" else {
            return .failure(error(.unsupportedMediaType, "unsupported_media_type",
                                  "Content-Type must be application/json\(type.isEmpty ? "" : ", got \(Sanitizer.clean(String(type.prefix(60))))")"))
        }
        let tooLarge = error(.contentTooLarge, "payload_too_large", "request body over \(maxBody / 1024) KiB")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBody { return .failure(tooLarge) }
        do {
            let buffer = try await request.body.collect(upTo: maxBody)
            return .success(Array(buffer.readableBytesView))
        } catch {
            return .failure(tooLarge)
        }
    }

    func report(_ request: Request) async -> Response {
        let q = request.uri.queryParameters
        let byText = q["by"].map(String.init) ?? "source"
        let windowText = q["window"].map(String.init) ?? "today"
        guard let by = LeadDeckCore.Dimension(rawValue: byText), by != .total else {
            return Self.badRequest("by: expected source, subid, vertical, mode, sourcemode or exchange, got '\(Sanitizer.clean(String(byText.prefix(40))))'")
        }
        guard let window = Window(rawValue: windowText) else {
            return Self.badRequest("window: expected hour, today or all, got '\(Sanitizer.clean(String(windowText.prefix(40))))'")
        }
        return Self.answer(await service.read { desk in
            Report(metrics: desk.metrics, catalog: desk.catalog, dimension: by, window: window).json()
        })
    }

    // MARK: Answers

    static func answer(_ r: Result<String, ServiceUnavailable>) -> Response {
        switch r {
        case .success(let body): return json(.ok, body)
        case .failure(let u): return unavailable(u)
        }
    }

    static func answer(_ r: Result<DeskService.PingReply, ServiceUnavailable>) -> Response {
        switch r {
        case .failure(let u): return unavailable(u)
        case .success(.refused(let m)): return badRequest(m)
        case .success(.answered(let e, _)):
            let id = jsonString(e.ping.pingID)
            if let price = e.decision.price, let end = e.expiresAt {
                return json(.ok, "{\"bid\":true,\"ping_id\":\(id),\"price\":\(money(price)),\"expires_at\":\"\(end.iso8601)\"}")
            }
            let reason = e.decision.label
            let text = NoBidReason(rawValue: reason)?.explanation ?? reason
            return json(.ok, "{\"bid\":false,\"ping_id\":\(id),\"reason\":\"\(reason)\",\"message\":\(jsonString(text))}")
        }
    }

    static func answer(_ r: Result<DeskService.PostReply, ServiceUnavailable>) -> Response {
        switch r {
        case .failure(let u): return unavailable(u)
        case .success(.refused(let m)): return badRequest(m)
        case .success(.bought(let id, let price, _)):
            return json(.ok, "{\"outcome\":\"success\",\"lead\":{\"id\":\(jsonString(id)),\"price\":\(money(price))}}")
        case .success(.failed(let reason, let message)):
            return json(.ok, "{\"outcome\":\"failure\",\"reason\":\(jsonString(reason)),\"message\":\(jsonString(message))}")
        }
    }

    static func outcomes(ids: [String?], replies: DeskService.OutcomeReplies) -> Response {
        let recorded = replies.filter { $0 == nil }.count
        let items = zip(ids, replies).enumerated().map { i, pair -> String in
            let id = pair.0.map(jsonString) ?? "null"
            if let problem = pair.1 {
                return "{\"index\":\(i),\"lead_id\":\(id),\"status\":\"rejected\",\"message\":\(jsonString(Sanitizer.clean(problem)))}"
            }
            return "{\"index\":\(i),\"lead_id\":\(id),\"status\":\"recorded\"}"
        }
        let body = "{\"recorded\":\(recorded),\"rejected\":\(replies.count - recorded),\"results\":[\(items.joined(separator: ","))]}"
        return json(recorded > 0 ? .ok : .badRequest, body)
    }

    static func money(_ m: Money) -> String { "{\"cents\":\(m.cents),\"currency\":\"USD\"}" }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        json(status, "{\"error\":\"\(code)\",\"message\":\(jsonString(Sanitizer.clean(message)))}")
    }

    static func badRequest(_ message: String) -> Response { error(.badRequest, "bad_request", message) }

    static func unavailable(_ u: ServiceUnavailable) -> Response { error(.serviceUnavailable, "unavailable", u.message) }
}
