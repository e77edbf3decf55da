/// How a `Scheduler` claims, catches up and retries. Every value has a default.
public struct SchedulerConfiguration: Sendable {
    /// Seconds a claim stays this instance's without a heartbeat; after that another instance
    /// may take the fire over. Default 60.
    public var lease: Int64
    /// Real seconds between heartbeats of a running fire; default a third of the lease, so two
    /// missed heartbeats still leave the claim alive.
    public var heartbeatInterval: Double
    /// At start-up, a missed fire older than this (seconds) is not caught up. Default one day.
    public var catchUpHorizon: Int64
    /// Re-runs of the series that failed in a run, within the run. Default 2.
    public var retries: Int
    /// Seconds before the first re-run; each further re-run waits twice as long. Default 10.
    public var retryBackoff: Double
    /// Times a fire's run is started again, within the fire, after the database went away under
    /// it (server restarted, connection lost), while the instance still holds the claim.
    /// Default 10.
    public var databaseRetries: Int
    /// Seconds before the first such restart; doubling, at most a minute. Default 1.
    public var databaseBackoff: Double

    public init(lease: Int64 = 60, heartbeatInterval: Double? = nil, catchUpHorizon: Int64 = 86_400,
                retries: Int = 2, retryBackoff: Double = 10, databaseRetries: Int = 10, databaseBackoff: Double = 1) {
        self.lease = lease
        self.heartbeatInterval = heartbeatInterval ?? Double(lease) / 3
        self.catchUpHorizon = catchUpHorizon
        self.retries = retries
        self.retryBackoff = retryBackoff
        self.databaseRetries = databaseRetries
        self.databaseBackoff = databaseBackoff
    }

    /// Seconds to wait before restart `n` (0-based) of a run the database went away under.
    public func databaseBackoff(beforeRetry n: Int) -> Double {
        min(60, databaseBackoff * Double(1 << min(n, 16)))
    }

    /// Seconds to wait before re-run `n` (0-based).
    public func backoff(beforeRetry n: Int) -> Double {
        retryBackoff * Double(1 << min(n, 16))
    }
}

/// Why a scheduler could not be set up, e.g. a pipeline's `schedule.timezone` is unknown.
public struct SchedulerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var pipeline: String
    public var message: String

    public init(pipeline: String, message: String) {
        self.pipeline = pipeline
        self.message = message
    }

    public var description: String { "pipeline '\(pipeline)': \(message)" }
}
