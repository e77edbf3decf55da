/// How the admin API runs; every argument has a default.
public struct AdminConfiguration: Sendable {
    /// Host and port to listen on (port 0: any free port, see `AdminServer.onListening`).
    public var host: String
    public var port: Int
    /// Bearer token for mutating endpoints; nil: they answer 403.
    public var token: AdminToken?
    /// A freshness snapshot older than this is recomputed (in the background once one exists).
    public var freshnessMaxAge: Double
    /// Database connections for reads (each on its own thread).
    public var readConnections: Int
    /// The scheduler's tick, seconds: `/readyz` calls it dead after a few missed ticks.
    public var tickSeconds: Double
    /// How long a trigger waits for its run's id before answering 202 without one.
    public var triggerWait: Double

    public init(host: String = "127.0.0.1", port: Int = 8080, token: AdminToken? = nil, freshnessMaxAge: Double = 2,
                readConnections: Int = 2, tickSeconds: Double = 5, triggerWait: Double = 30) {
        self.host = host
        self.port = port
        self.token = token
        self.freshnessMaxAge = freshnessMaxAge
        self.readConnections = readConnections
        self.tickSeconds = tickSeconds
        self.triggerWait = triggerWait
    }
}
