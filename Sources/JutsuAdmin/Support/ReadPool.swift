import Foundation
import JutsuStore
import Logging

/// A few database connections for the API's reads, each owned by one dedicated thread: libpq
/// calls block, so they never run on the NIO event loops or the cooperative pool, and no
/// connection is ever shared between threads. A request's work is queued and resumed when a
/// thread has run it. A connection that fails is dropped and reopened on its thread's next job.
public final class ReadPool: @unchecked Sendable {
    private let connect: @Sendable () throws -> PGConnection
    private let condition = NSCondition()
    private var jobs: [(Result<PGConnection, any Error>) -> Void] = []
    private var closed = false
    private var threads = 0
    private let exited = DispatchGroup()

    public init(size: Int, name: String = "jutsu-admin-db", connect: @escaping @Sendable () throws -> PGConnection) {
        self.connect = connect
        for index in 0..<max(1, size) {
            exited.enter()
            let thread = Thread { [self] in work(); exited.leave() }
            thread.name = "\(name)-\(index)"
            thread.start()
            threads += 1
        }
    }

    /// Runs `body` with a connection on one of the pool's threads.
    public func read<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job: (Result<PGConnection, any Error>) -> Void = { connection in
                continuation.resume(with: Result { try body(try connection.get()) })
            }
            condition.lock()
            guard !closed else {
                condition.unlock()
                continuation.resume(throwing: ReadPoolError.closed)
                return
            }
            jobs.append(job)
            condition.signal()
            condition.unlock()
        }
    }

    /// Stops the threads after the queued jobs and closes their connections.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
        exited.wait()
    }

    private func work() {
        var connection: PGConnection?
        while true {
            condition.lock()
            while jobs.isEmpty && !closed { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            if connection?.isConnected == false { connection = nil }
            if connection == nil {
                do {
                    connection = try connect()
                } catch {
                    job(.failure(error))
                    continue
                }
            }
            job(.success(connection!))
        }
    }
}

/// A read that got no connection.
public enum ReadPoolError: Error, CustomStringConvertible {
    case closed

    public var description: String { "no database connection (the server is unreachable, or the API is stopping)" }
}
