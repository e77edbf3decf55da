import Foundation
import JutsuCore

/// The bars of one series in a range, ascending by `ts`, as an async sequence.
///
/// Each iteration opens its own connection on a dedicated thread, which streams the rows with
/// `COPY ... TO STDOUT (FORMAT binary)` and hands them over in chunks of `chunkSize` bars, at
/// most `bufferedChunks` ahead of the consumer (backpressure: the thread, and with it the
/// server's COPY, waits for the consumer). Memory is flat in the range's size. Leaving the loop
/// early (or cancelling the task) stops the thread and closes its connection.
public struct BarStream: AsyncSequence, Sendable {
    public typealias Element = Bar
    public typealias Failure = MarketDataError

    let conninfo: String
    let applicationName: String
    public let symbol: String
    public let timeframe: Timeframe
    public let range: BarRange
    public let adjustment: Adjustment
    public var chunkSize = 4096
    public var bufferedChunks = 4

    public func makeAsyncIterator() -> Iterator {
        let channel = ChunkChannel<Bar>(capacity: Swift.max(1, bufferedChunks))
        let request = self
        let thread = Thread {
            request.produce(into: channel)
        }
        thread.name = "jutsu-marketdata bars"
        thread.start()
        return Iterator(handle: Handle(channel: channel))
    }

    /// On the producer thread: connect, stream, hand over chunks, close.
    private func produce(into channel: ChunkChannel<Bar>) {
        let size = Swift.max(1, chunkSize)
        do throws(MarketDataError) {
            let connection = try MarketDataConnection(conninfo: conninfo, applicationName: applicationName)
            var chunk: [Bar] = []
            chunk.reserveCapacity(size)
            try connection.forEachBar(symbol: symbol, timeframe: timeframe, range: range, adjustment: adjustment) { bar throws(MarketDataError) in
                chunk.append(bar)
                if chunk.count == size {
                    guard channel.send(chunk) else { throw ChunkChannel<Bar>.cancelledError }
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if !chunk.isEmpty, !channel.send(chunk) { return }
            channel.finish(nil)
        } catch {
            channel.finish(error)
        }
    }

    /// Cancels the producer when the last iterator copy goes away.
    @usableFromInline
    final class Handle: Sendable {
        let channel: ChunkChannel<Bar>
        init(channel: ChunkChannel<Bar>) { self.channel = channel }
        deinit { channel.cancel() }
    }

    public struct Iterator: AsyncIteratorProtocol {
        public typealias Element = Bar
        public typealias Failure = MarketDataError

        @usableFromInline let handle: Handle
        @usableFromInline var chunk: [Bar] = []
        @usableFromInline var index = 0
        @usableFromInline var done = false

        init(handle: Handle) { self.handle = handle }

        /// Runs on the caller's actor (`for try await` passes it): a bar from the current chunk
        /// costs no executor hop, only a new chunk may suspend. (A plain nonisolated `next()`
        /// called from the main actor hops to the global executor and back for every bar: ~10x
        /// slower here.)
        /// Inlinable, so a bar from the current chunk costs the consumer no async call at all.
        @inlinable
        public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws(MarketDataError) -> Bar? {
            if index < chunk.count {
                defer { index += 1 }
                return chunk[index]
            }
            return try await refill(isolation: actor)
        }

        /// Waits for the next chunk and returns its first bar (nil at the end).
        @usableFromInline
        mutating func refill(isolation actor: isolated (any Actor)?) async throws(MarketDataError) -> Bar? {
            guard !done else { return nil }
            switch await handle.channel.receive(isolation: actor) {
            case .chunk(let next):
                chunk = next
                index = 1
                return next[0]
            case .end:
                done = true
                chunk = []
                return nil
            case .failed(let error):
                done = true
                chunk = []
                throw error
            }
        }

        public mutating func next() async throws(MarketDataError) -> Bar? {
            try await next(isolation: nil)
        }
    }
}
