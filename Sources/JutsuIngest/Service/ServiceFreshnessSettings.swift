import Foundation
import JutsuCore
import JutsuPipeline
import JutsuStore

/// What judging freshness needs besides the database: `freshness.yaml` and the `freshness` block
/// of each pipeline (its tier), as `jutsu-ingest freshness` loads them from a pipelines directory.
public struct ServiceFreshnessSettings: Sendable {
    public var config: FreshnessConfig
    /// `freshness` of each pipeline, by pipeline name.
    public var pipelineTiers: [String: FreshnessSpec]

    public init(config: FreshnessConfig = FreshnessConfig(), pipelineTiers: [String: FreshnessSpec] = [:]) {
        self.config = config
        self.pipelineTiers = pipelineTiers
    }

    /// The tiers of already loaded pipelines.
    public init(config: FreshnessConfig = FreshnessConfig(), pipelines: [PipelineSpec]) {
        var tiers: [String: FreshnessSpec] = [:]
        for spec in pipelines { if let f = spec.freshness { tiers[spec.name] = f } }
        self.init(config: config, pipelineTiers: tiers)
    }

    /// Every valid pipeline file of `directory` (invalid ones are skipped, as `freshness` does)
    /// and its `freshness.yaml`; a missing directory or file means the defaults.
    public static func load(directory: String) throws(PipelineDiagnostics) -> ServiceFreshnessSettings {
        var settings = ServiceFreshnessSettings()
        if FileManager.default.fileExists(atPath: directory) {
            for file in PipelineLoader.pipelineFiles(in: [directory]) {
                if case .success(let spec) = PipelineLoader.load(path: file), let f = spec.freshness {
                    settings.pipelineTiers[spec.name] = f
                }
            }
        }
        switch FreshnessConfig.load(path: (directory as NSString).appendingPathComponent("freshness.yaml"),
                                    knownCalendars: FreshnessReporter.calendarNames) {
        case .success(let c): settings.config = c
        case .failure(let d): throw d
        }
        return settings
    }

    /// Every series judged at `now`, worst first (`FreshnessReporter.evaluate` over
    /// `data_metadata` and `pipeline_series_state`).
    public func evaluate(connection: PGConnection, now: Int64) throws(StoreError) -> [FreshnessRow] {
        let snapshots: [FreshnessStore.Snapshot]
        do {
            snapshots = try FreshnessStore(connection: connection).snapshots()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: .query, message: "\(error)", context: "freshness snapshots")
        }
        return FreshnessReporter.evaluate(snapshots, config: config, pipelines: pipelineTiers, at: now)
    }
}
