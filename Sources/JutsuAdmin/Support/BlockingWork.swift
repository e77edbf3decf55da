import Dispatch

/// Runs blocking work (page renderers) on a dispatch queue, never on the cooperative pool.
enum BlockingWork {
    static let queue = DispatchQueue(label: "jutsu-admin-pages", qos: .utility, attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
