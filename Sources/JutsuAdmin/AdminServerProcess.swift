import Dispatch
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Runs an `AdminServer` in its own service group, beside a caller that is not async (the
/// `serve` tick loop): `start` waits until it listens (or failed to bind), `shutDown` stops it
/// gracefully (in-flight requests finish) within a deadline. Signals stay the caller's.
public final class AdminServerProcess: @unchecked Sendable {
    private let lock = NSLock()
    private let listening = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var boundPort: Int?
    private var failure: (any Error)?
    private var group: ServiceGroup?

    public init() {}

    /// Starts listening; returns the bound port (useful with port 0). Throws when the address
    /// cannot be bound or the server does not come up within `timeout` seconds.
    public func start(_ server: AdminServer, logger: Logger, timeout: Double = 30) throws(AdminStartError) -> Int {
        let router = server.makeRouter()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(server.configuration.host, port: server.configuration.port),
                                 serverName: "jutsu-ingest"),
            onServerRunning: { [self] channel in
                lock.withLock { boundPort = channel.localAddress?.port ?? server.configuration.port }
                listening.signal()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], cancellationSignals: [],
                                                      logger: logger))
        lock.withLock { self.group = group }
        Task.detached { [self] in
            do {
                try await group.run()
            } catch {
                lock.withLock { failure = error }
            }
            listening.signal()   // a failure before listening
            finished.signal()
        }
        guard listening.wait(timeout: .now() + timeout) == .success else { throw .timedOut(seconds: timeout) }
        let (port, error) = lock.withLock { (boundPort, failure) }
        if let port { return port }
        throw .bind(address: "\(server.configuration.host):\(server.configuration.port)",
                    reason: error.map { "\($0)" } ?? "the server stopped")
    }

    /// Stops accepting connections, lets in-flight requests finish; true when it stopped
    /// within `timeout` seconds.
    @discardableResult
    public func shutDown(timeout: Double) -> Bool {
        guard let group = lock.withLock({ self.group }) else { return true }
        Task.detached { await group.triggerGracefulShutdown() }
        return finished.wait(timeout: .now() + timeout) == .success
    }
}

/// Why the admin server did not start.
public enum AdminStartError: Error, CustomStringConvertible {
    case bind(address: String, reason: String)
    case timedOut(seconds: Double)

    public var description: String {
        switch self {
        case .bind(let address, let reason): "admin API: cannot listen on \(address): \(reason)"
        case .timedOut(let seconds): "admin API: not listening after \(Int(seconds)) s"
        }
    }
}
