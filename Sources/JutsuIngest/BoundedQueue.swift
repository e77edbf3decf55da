import Foundation

/// A blocking FIFO of bounded capacity between two threads (the parse thread and the loader
/// thread): the producer waits when the consumer falls behind, so memory stays flat.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Blocks while full. Returns false when the queue was closed (the consumer stopped).
    @discardableResult
    func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Pushes and then waits until the consumer has taken the item (or the queue closed): the
    /// producer never runs more than one item ahead of a busy consumer.
    @discardableResult
    func handOff(_ item: Element) -> Bool {
        guard push(item) else { return false }
        condition.lock()
        defer { condition.unlock() }
        while !items.isEmpty && !closed { condition.wait() }
        return true
    }

    /// Blocks while empty. Returns nil once closed and drained.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
