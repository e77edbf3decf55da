import Foundation

/// When the scheduler loop last ticked and when it means to tick next, for `/readyz`: the loop
/// is alive while its next tick is not overdue by more than two ticks (a database back-off
/// moves the next tick later, and is not a dead loop).
public final class SchedulerPulse: @unchecked Sendable {
    private let lock = NSLock()
    private var lastTick: Int64?
    private var nextTick: Double?
    private let tickSeconds: Double

    public init(tickSeconds: Double) { self.tickSeconds = tickSeconds }

    /// Called by the loop after each tick (successful or not), with the delay to the next.
    public func beat(at now: Int64 = Int64(Date().timeIntervalSince1970), nextIn seconds: Double) {
        lock.withLock {
            lastTick = now
            nextTick = Double(now) + seconds
        }
    }

    public struct Reading: Sendable {
        public var alive: Bool
        public var lastTick: Int64?
        public var overdueSeconds: Double
    }

    public func read(now: Double = Date().timeIntervalSince1970) -> Reading {
        lock.withLock {
            guard let nextTick else { return Reading(alive: false, lastTick: nil, overdueSeconds: 0) }
            let overdue = max(0, now - nextTick)
            return Reading(alive: overdue <= 2 * tickSeconds + 1, lastTick: lastTick, overdueSeconds: overdue)
        }
    }
}
