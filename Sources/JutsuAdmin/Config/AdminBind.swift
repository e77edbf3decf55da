/// Where the admin API listens: `HOST:PORT` (`[::1]:PORT` for IPv6), or `none` for no API.
public enum AdminBind: Sendable, Equatable, CustomStringConvertible {
    case address(host: String, port: Int)
    case disabled

    public static let `default` = AdminBind.address(host: "127.0.0.1", port: 8080)

    /// Parses `--bind`; nil when malformed.
    public init?(parsing text: String) {
        if text == "none" {
            self = .disabled
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self = .address(host: host, port: port)
    }

    public var description: String {
        switch self {
        case .address(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .disabled: "none"
        }
    }
}
