import ArgumentParser
import Foundation
import JutsuIngest
import JutsuPipeline

/// Pipeline tiers and `freshness.yaml` from a pipelines directory, for `freshness` and `gaps`.
struct FreshnessSettings {
    var pipelineTiers: [String: FreshnessSpec] = [:]
    var config = FreshnessConfig()

    static func load(directory: String) throws -> FreshnessSettings {
        var settings = FreshnessSettings()
        if FileManager.default.fileExists(atPath: directory) {
            for file in PipelineLoader.pipelineFiles(in: [directory]) {
                if case .success(let spec) = PipelineLoader.load(path: file), let f = spec.freshness { settings.pipelineTiers[spec.name] = f }
            }
        }
        switch FreshnessConfig.load(path: (directory as NSString).appendingPathComponent("freshness.yaml"),
                                    knownCalendars: FreshnessReporter.calendarNames) {
        case .success(let c): settings.config = c
        case .failure(let d): throw CLIError(message: "invalid freshness.yaml:\n\(d)", exitCode: ExitCode(ExitCodes.usage))
        }
        return settings
    }
}
