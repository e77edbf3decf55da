import JutsuCSV
import JutsuCore
import JutsuPipeline

/// A pipeline with a schedule, its zone resolved: which fire is due at a given instant.
///
/// Pure: every instance computes the same fires and the same jitter from the same spec, which is
/// what lets the claims in `scheduled_runs` meet on one key.
public struct ScheduledPipeline: Sendable {
    public let spec: PipelineSpec
    public let schedule: ScheduleSpec
    public let zone: any ZoneRule

    public init(_ spec: PipelineSpec) throws(SchedulerError) {
        guard let schedule = spec.schedule else {
            throw SchedulerError(pipeline: spec.name, message: "has no schedule")
        }
        guard let zone = ZoneResolver.rule(named: schedule.timezone) else {
            throw SchedulerError(pipeline: spec.name, message: "unknown schedule.timezone '\(schedule.timezone)'")
        }
        self.spec = spec
        self.schedule = schedule
        self.zone = zone
    }

    public var name: String { spec.name }

    /// The delay of the fire at `fireAt`, 0...jitterSeconds: a hash (FNV-1a) of the pipeline and
    /// the fire, so that it spreads pipelines that share a cron time but is the same on every
    /// instance (a random delay would make instances disagree about when a fire is due).
    ///
    /// Never as long as the time to the next fire (`maxJitter(fireAt:)`): a fire is due before
    /// the next one, so fires stay in order however short the period (a seconds field).
    public func jitter(fireAt: Int64) -> Int64 {
        let bound = maxJitter(fireAt: fireAt)
        guard bound > 0 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(name.utf8) + [0] + Array(String(fireAt).utf8) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int64(hash % UInt64(bound + 1))
    }

    /// `jitterSeconds`, capped at one second less than the time from `fireAt` to the next fire.
    public func maxJitter(fireAt: Int64) -> Int64 {
        guard schedule.jitterSeconds > 0 else { return 0 }
        guard let next = schedule.cron.nextFire(after: fireAt, zone: zone) else { return schedule.jitterSeconds }
        return max(0, min(schedule.jitterSeconds, next - fireAt - 1))
    }

    /// The newest fire whose jittered time is at or before `now`.
    public func dueFire(at now: Int64) -> Int64? {
        var bound = now
        // A fire whose jitter has not elapsed yet is not due; the one before it may be.
        for _ in 0..<4 {
            guard let fire = schedule.cron.previousFire(atOrBefore: bound, zone: zone) else { return nil }
            if fire + jitter(fireAt: fire) <= now { return fire }
            bound = fire - 1
        }
        return nil
    }
}
