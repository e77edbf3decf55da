import Foundation
import JutsuHTTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 that answers from a `ReplayScenario`: plain POSIX
/// sockets, a thread per connection, keep-alive. For tests and by hand (`jutsu-replay`).
public final class ReplayServer: @unchecked Sendable {
    private let scenario: ReplayScenario
    private let root: URL
    private let logSink: (@Sendable (String) -> Void)?
    private let lock = NSLock()
    private var entries: [ReplayLogEntry] = []
    private var faultsServed: [Int: Int] = [:]  // route index -> faults consumed
    private var connections: [Int32] = []
    private var connectionCount = 0
    private var listener: Int32 = -1
    private var stopped = false
    public private(set) var port: UInt16 = 0

    public init(scenario: ReplayScenario, root: URL, log: (@Sendable (String) -> Void)? = nil) {
        var scenario = scenario
        if scenario.serveExchanges == true { scenario.routes += RecordedExchange.routes(in: root) }
        self.scenario = scenario
        self.root = root
        self.logSink = log
    }

    deinit { stop() }

    /// Every request so far, in arrival order.
    public var log: [ReplayLogEntry] {
        lock.lock()
        defer { lock.unlock() }
        return entries
    }

    /// Connections accepted so far.
    public var connectionsAccepted: Int {
        lock.lock()
        defer { lock.unlock() }
        return connectionCount
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Binds 127.0.0.1:`port` (0: any free port), starts accepting, returns the port.
    @discardableResult
    public func start(port requested: UInt16 = 0) throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ReplayError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = requested.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ReplayError("bind 127.0.0.1:\(requested): \(message)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        Thread { [self] in acceptLoop(fd) }.start()
        return port
    }

    /// Stops accepting and closes every open connection.
    public func stop() {
        lock.lock()
        let fd = listener
        listener = -1
        stopped = true
        // Under the lock: a connection's thread removes its descriptor from the list before it
        // closes it, so no number shut down here can have been reused by another socket of the
        // process (another test's client or server) in the meantime.
        for connection in connections { shutdown(connection, Int32(SHUT_RDWR)) }
        lock.unlock()
        // Wakes the accept loop, which closes the listener itself: closed here, its number could
        // be reused by another socket of the process before the loop's next accept() (which
        // would then take another server's connections).
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop(_ fd: Int32) {
        defer { close(fd) }
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            lock.lock()
            if stopped {
                lock.unlock()
                close(client)
                return
            }
            connectionCount += 1
            let id = connectionCount
            connections.append(client)
            lock.unlock()
            Thread { [self] in serve(client, id: id) }.start()
        }
    }

    private func serve(_ fd: Int32, id: Int) {
        var buffer: [UInt8] = []
        while let request = readRequest(fd, buffer: &buffer) {
            let keepOpen = respond(to: request, fd: fd, connection: id)
            if !keepOpen || request.headers["connection"]?.lowercased() == "close" { break }
        }
        // Off the list, then closed, under the lock `stop()` shuts the list down with.
        lock.lock()
        connections.removeAll { $0 == fd }
        close(fd)
        lock.unlock()
    }

    struct Request {
        var method: String
        var path: String
        var query: String
        var headers: [String: String]
        var body: [UInt8] = []
    }

    private func readRequest(_ fd: Int32, buffer: inout [UInt8]) -> Request? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            if let end = buffer.firstRange(of: terminator) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<end.upperBound)
                var lines = head.components(separatedBy: "\r\n")
                let requestLine = lines.removeFirst().split(separator: " ")
                guard requestLine.count >= 2 else { return nil }
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                // A POST's body (a form) is kept for matching and the log; chunked bodies are
                // not read (the client sends Content-Length).
                var body: [UInt8] = []
                if let length = headers["content-length"].flatMap(Int.init), length > 0 {
                    while buffer.count < length {
                        let n = recv(fd, &chunk, chunk.count, 0)
                        if n <= 0 { return nil }
                        buffer.append(contentsOf: chunk[..<n])
                    }
                    body = Array(buffer[..<length])
                    buffer.removeSubrange(..<length)
                }
                let target = String(requestLine[1])
                let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
                return Request(method: String(requestLine[0]), path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
                               headers: headers, body: body)
            }
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// What to do with one request.
    private enum Answer {
        case send(status: Int, headers: [String: String], body: [UInt8], sendOnly: Int?, keepOpen: Bool)
        case reset
    }

    /// Answers one request; false when the connection must not be reused. The request is logged
    /// before the answer goes out, so a client that got its answer finds it in the log.
    private func respond(to request: Request, fd: Int32, connection: Int) -> Bool {
        var entry = ReplayLogEntry(
            time: Date(), monotonic: HTTPClientEnvironment.monotonicSeconds(), connection: connection, method: request.method,
            path: request.path, query: request.query, headers: request.headers, body: String(decoding: request.body, as: UTF8.self))
        let (answer, fault, delay) = self.answer(request)
        entry.fault = fault
        switch answer {
        case .reset:
            record(entry)
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
            return false
        case .send(let status, let headers, let body, let sendOnly, let keepOpen):
            entry.status = status
            record(entry)
            // A slow answer is logged when the request arrived, then delayed: a test that read
            // the log after the client gave up still finds it.
            if let delay { usleep(useconds_t(max(0, delay)) * 1000) }
            return send(fd, status: status, headers: headers, body: body, sendOnly: sendOnly) && keepOpen
        }
    }

    private func answer(_ request: Request) -> (Answer, fault: String?, delayMs: Int?) {
        guard let (index, route) = match(request) else {
            return (.send(status: 404, headers: ["Content-Type": "application/json"],
                          body: Array(#"{"error":"no recording for this request"}"#.utf8), sendOnly: nil, keepOpen: true), nil, nil)
        }
        let recorded = recording(of: route)
        let recording = recorded.body
        var headers = route.headers ?? [:]
        headers["Content-Type"] = route.contentType ?? recorded.contentType ?? "application/json"
        let status = route.status ?? recorded.status ?? 200
        let normal = Answer.send(status: status, headers: headers, body: recording, sendOnly: nil, keepOpen: true)
        guard let fault = nextFault(route: index, faults: route.faults ?? []) else { return (normal, nil, nil) }
        switch fault.kind {
        case .status:
            let faultStatus = fault.status ?? 503
            var faultHeaders = ["Content-Type": fault.body.map { $0.hasPrefix("{") ? "application/json" : "text/html" } ?? "text/plain"]
            if let retryAfter = fault.retryAfter { faultHeaders["Retry-After"] = retryAfter }
            let body = Array((fault.body ?? Self.reason(faultStatus)).utf8)
            return (.send(status: faultStatus, headers: faultHeaders, body: body, sendOnly: nil, keepOpen: true), fault.kind.rawValue, nil)
        case .slow:
            return (normal, fault.kind.rawValue, fault.delayMs ?? 1000)
        case .reset:
            return (.reset, fault.kind.rawValue, nil)
        case .truncate:
            return (.send(status: status, headers: headers, body: recording, sendOnly: recording.count / 2, keepOpen: false), fault.kind.rawValue, nil)
        case .invalidJSON:
            let cut = Array(recording.prefix(max(1, recording.count / 2)))
            return (.send(status: 200, headers: headers, body: cut, sendOnly: nil, keepOpen: true), fault.kind.rawValue, nil)
        case .expiredToken:
            let body = fault.body ?? #"{"error":"invalid_token","error_description":"The access token expired"}"#
            let headers = ["Content-Type": "application/json", "WWW-Authenticate": "Bearer error=\"invalid_token\""]
            return (.send(status: 401, headers: headers, body: Array(body.utf8), sendOnly: nil, keepOpen: true), fault.kind.rawValue, nil)
        }
    }

    private func match(_ request: Request) -> (Int, ReplayScenario.Route)? {
        let items = Self.queryItems(request.query)
        for (index, route) in scenario.routes.enumerated() {
            guard (route.method ?? "GET") == request.method,
                  route.path == request.path || route.path == request.path.removingPercentEncoding else { continue }
            if let wanted = route.query, !wanted.allSatisfy({ items[$0.key] == $0.value }) { continue }
            if let wanted = route.form {
                let form = Self.queryItems(String(decoding: request.body, as: UTF8.self).replacingOccurrences(of: "+", with: "%20"))
                if !wanted.allSatisfy({ form[$0.key] == $0.value }) { continue }
            }
            return (index, route)
        }
        return nil
    }

    private func nextFault(route: Int, faults: [ReplayScenario.Fault]) -> ReplayScenario.Fault? {
        lock.lock()
        defer { lock.unlock() }
        var served = faultsServed[route, default: 0]
        for fault in faults {
            let times = max(1, fault.times ?? 1)
            if served < times {
                faultsServed[route, default: 0] += 1
                return fault
            }
            served -= times
        }
        return nil
    }

    private func recording(of route: ReplayScenario.Route) -> RecordedExchange {
        if let body = route.body { return RecordedExchange(status: nil, contentType: nil, body: Array(body.utf8)) }
        guard let file = route.file, let data = FileManager.default.contents(atPath: root.appendingPathComponent(file).path) else {
            return RecordedExchange(status: nil, contentType: nil, body: [])
        }
        return RecordedExchange(exchange: data) ?? RecordedExchange(status: nil, contentType: nil, body: Array(data))
    }

    private func record(_ entry: ReplayLogEntry) {
        lock.lock()
        entries.append(entry)
        lock.unlock()
        logSink?(entry.line)
    }

    private func send(_ fd: Int32, status: Int, headers: [String: String], body: [UInt8], sendOnly: Int? = nil) -> Bool {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        head += "Date: \(HTTPDate.format(Date()))\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + body.prefix(sendOnly ?? body.count)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    static func queryItems(_ query: String) -> [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            items[name] = value
        }
        return items
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }
}

public struct ReplayError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
