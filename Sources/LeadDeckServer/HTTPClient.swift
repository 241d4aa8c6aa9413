import Foundation

/// A small blocking HTTP/1.1 client over one keep-alive connection: what `leaddeck exchange` uses to ping and
/// post, and the tests use to call a server as an exchange would (it sends any bytes it is given, so tests can
/// send malformed bodies too). Not thread-safe: one connection, one request at a time.
public final class HTTPClient {
    /// A response: status, lower-cased header names, body.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        public init(status: Int, headers: [String: String], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public let host: String
    public let port: Int
    private var fd: Int32 = -1
    private var pending: [UInt8] = []

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    deinit { close() }

    /// "http://127.0.0.1:8080" as host and port.
    public static func target(_ url: String) -> (host: String, port: Int)? {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst(7).prefix { $0 != "/" }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else {
            return rest.isEmpty ? nil : (String(rest), 80)
        }
        return (String(rest[..<colon]), port)
    }

    /// Sends one request and reads its response; reconnects once when the server had closed the connection.
    public func send(_ method: String, _ path: String, body: [UInt8]? = nil, headers: [(String, String)] = [])
        throws(Failure) -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + (body ?? [])
        for attempt in 0..<2 {
            do throws(Failure) {
                if fd < 0 { try connect() }
                try write(bytes)
                return try readResponse()
            } catch {
                close()
                if attempt == 1 { throw error }
            }
        }
        throw Failure(description: "unreachable")
    }

    /// Closes the connection (the next request opens a new one).
    public func close() {
        if fd >= 0 { Foundation.close(fd) }
        fd = -1
        pending = []
    }

    private func connect() throws(Failure) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            let s = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if s >= 0 {
                if Foundation.connect(s, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    var tv = timeval(tv_sec: 15, tv_usec: 0)
                    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                    fd = s
                    return
                }
                Foundation.close(s)
            }
            ai = a.pointee.ai_next
        }
        throw Failure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
    }

    private func write(_ bytes: [UInt8]) throws(Failure) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                throw Failure(description: "send to \(host):\(port) failed")
            }
            sent += n
        }
    }

    /// Reads more bytes into `pending`; false at the end of the stream.
    private func fill() throws(Failure) -> Bool {
        var buf = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { pending += buf[..<n]; return true }
            if n == 0 { return false }
            if errno == EINTR { continue }
            throw Failure(description: "no answer from \(host):\(port) (\(String(cString: strerror(errno))))")
        }
    }

    private func readResponse() throws(Failure) -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            if let r = find(separator, in: pending) { headEnd = r; break }
            guard try fill() else { throw Failure(description: "connection closed by \(host):\(port)") }
        }
        let head = String(decoding: pending[..<headEnd!], as: UTF8.self)
        pending.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "bad status line from \(host):\(port)") }
        var headers: [String: String] = [:]
        for l in lines {
            guard let c = l.firstIndex(of: ":") else { continue }
            headers[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            while pending.count < length { guard try fill() else { throw Failure(description: "short body from \(host):\(port)") } }
            body = Array(pending[..<length])
            pending.removeFirst(length)
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                var lineEnd = find([13, 10], in: pending)
                while lineEnd == nil { guard try fill() else { throw Failure(description: "short chunk") }; lineEnd = find([13, 10], in: pending) }
                let size = Int(String(decoding: pending[..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? "", radix: 16) ?? 0
                pending.removeFirst(lineEnd! + 2)
                while pending.count < size + 2 { guard try fill() else { throw Failure(description: "short chunk") } }
                body += pending[..<size]
                pending.removeFirst(size + 2)
                if size == 0 { break }
            }
        }
        if headers["connection"]?.lowercased() == "close" { close() }
        return Response(status: status, headers: headers, body: body)
    }

    private func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if Array(hay[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
