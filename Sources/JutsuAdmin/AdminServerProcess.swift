import Dispatch
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Runs an `AdminServer` in its own service group, beside a caller that may not be async (the
/// `serve` tick loop): `start` returns once it listens (or failed to bind), `shutDown` stops
/// it gracefully (in-flight requests finish). Signals stay the caller's.
///
/// The blocking variants are for threads outside the cooperative pool (the `serve` main
/// thread); async callers (tests) use the async ones.
public final class AdminServerProcess: @unchecked Sendable {
    private let lock = NSLock()
    private let finished = DispatchSemaphore(value: 0)
    private var group: ServiceGroup?
    private var runTask: Task<Void, Never>?

    public init() {}

    /// Starts the server and calls `done` once with the bound port or the failure.
    private func launch(_ server: AdminServer, logger: Logger, done: @escaping @Sendable (Result<Int, AdminStartError>) -> Void) {
        let address = "\(server.configuration.host):\(server.configuration.port)"
        let app = Application(
            router: server.makeRouter(),
            configuration: .init(address: .hostname(server.configuration.host, port: server.configuration.port),
                                 serverName: "jutsu-ingest"),
            onServerRunning: { channel in done(.success(channel.localAddress?.port ?? server.configuration.port)) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], cancellationSignals: [],
                                                      logger: logger))
        let task = Task.detached { [finished] in
            do {
                try await group.run()
                done(.failure(.bind(address: address, reason: "the server stopped")))
            } catch {
                done(.failure(.bind(address: address, reason: "\(error)")))
            }
            finished.signal()
        }
        lock.withLock {
            self.group = group
            runTask = task
        }
    }

    /// Starts listening; returns the bound port (useful with port 0). Blocks: not for the
    /// cooperative pool.
    public func start(_ server: AdminServer, logger: Logger, timeout: Double = 30) throws(AdminStartError) -> Int {
        final class Box: @unchecked Sendable { var result: Result<Int, AdminStartError>? }
        let box = Box()
        let ready = DispatchSemaphore(value: 0)
        let once = Once()
        launch(server, logger: logger) { result in
            guard once.first() else { return }
            box.result = result
            ready.signal()
        }
        guard ready.wait(timeout: .now() + timeout) == .success, let result = box.result else { throw .timedOut(seconds: timeout) }
        return try result.get()
    }

    /// Starts listening; returns the bound port.
    public func start(_ server: AdminServer, logger: Logger) async throws(AdminStartError) -> Int {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Int, AdminStartError>, Never>) in
            let once = Once()
            launch(server, logger: logger) { result in
                if once.first() { continuation.resume(returning: result) }
            }
        }
        return try result.get()
    }

    /// Stops accepting connections and lets in-flight requests finish; true when it stopped
    /// within `timeout` seconds. Blocks: not for the cooperative pool.
    @discardableResult
    public func shutDown(timeout: Double) -> Bool {
        guard let group = lock.withLock({ self.group }) else { return true }
        Task.detached { await group.triggerGracefulShutdown() }
        return finished.wait(timeout: .now() + timeout) == .success
    }

    /// Stops gracefully and waits until the server has stopped.
    public func shutDown() async {
        let (group, task) = lock.withLock { (self.group, runTask) }
        await group?.triggerGracefulShutdown()
        await task?.value
    }
}

/// True on the first call only.
final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    func first() -> Bool {
        lock.withLock {
            defer { done = true }
            return !done
        }
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
