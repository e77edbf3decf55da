import Foundation

/// Hands chunks of bars from the producer thread (which blocks in libpq) to one async consumer,
/// holding at most `capacity` chunks: a producer that gets ahead waits, so memory stays flat
/// whatever the range's size; a consumer that gets ahead suspends (no thread blocked).
final class ChunkChannel<Element: Sendable>: @unchecked Sendable {
    enum Received {
        case chunk([Element])
        case end
        case failed(MarketDataError)
    }

    private let condition = NSCondition()
    private var chunks: [[Element]] = []
    private var end: MarketDataError?? = nil   // .some(nil): finished; .some(error): failed
    private var cancelled = false
    private var waiter: CheckedContinuation<Received, Never>?
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    // MARK: producer (a dedicated thread)

    /// Blocks while `capacity` chunks wait. False once the consumer has gone: stop producing.
    func send(_ chunk: [Element]) -> Bool {
        condition.lock()
        while chunks.count >= capacity, !cancelled { condition.wait() }
        if cancelled {
            condition.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: .chunk(chunk))
        } else {
            chunks.append(chunk)
            condition.unlock()
        }
        return true
    }

    /// No more chunks: the stream ended (nil) or failed.
    func finish(_ error: MarketDataError?) {
        condition.lock()
        end = .some(error)
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        waiter?.resume(returning: error.map(Received.failed) ?? .end)
    }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    // MARK: consumer

    func receive(isolation actor: isolated (any Actor)? = #isolation) async -> Received {
        await withTaskCancellationHandler(operation: {
            await withCheckedContinuation(isolation: actor) { (continuation: CheckedContinuation<Received, Never>) in
                condition.lock()
                if !chunks.isEmpty {
                    let chunk = chunks.removeFirst()
                    condition.broadcast()
                    condition.unlock()
                    continuation.resume(returning: .chunk(chunk))
                } else if cancelled {
                    condition.unlock()
                    continuation.resume(returning: .failed(Self.cancelledError))
                } else if let end {
                    condition.unlock()
                    continuation.resume(returning: end.map(Received.failed) ?? .end)
                } else {
                    waiter = continuation
                    condition.unlock()
                }
            }
        }, onCancel: {
            cancel()
        }, isolation: actor)
    }

    /// The consumer stopped (cancelled, or dropped the iterator): wake everyone, drop the chunks.
    func cancel() {
        condition.lock()
        cancelled = true
        chunks.removeAll()
        let waiter = self.waiter
        self.waiter = nil
        condition.broadcast()
        condition.unlock()
        waiter?.resume(returning: .failed(Self.cancelledError))
    }

    static var cancelledError: MarketDataError {
        MarketDataError(code: .cancelled, message: "the consumer stopped reading")
    }
}
