import JutsuIngest
import JutsuPipeline

/// What a freshness evaluation needs besides the database: the tiers of the pipelines and
/// `freshness.yaml` (reloaded with the pipelines on SIGHUP), and the warnings the CLI adds.
public struct FreshnessInputs: Sendable {
    public var config: FreshnessConfig
    public var pipelineTiers: [String: FreshnessSpec]
    /// Warnings that are not series (a Schwab login about to lapse); evaluated with each snapshot.
    public var warnings: @Sendable () -> [String]

    public init(config: FreshnessConfig = FreshnessConfig(), pipelineTiers: [String: FreshnessSpec] = [:],
                warnings: @escaping @Sendable () -> [String] = { [] }) {
        self.config = config
        self.pipelineTiers = pipelineTiers
        self.warnings = warnings
    }
}
