import ArgumentParser
import Foundation
import JutsuPipeline

/// How `plan` and `run` find a pipeline: a file path, or a name defined in `--pipelines DIR`.
struct PipelineArgument: ParsableArguments {
    @Argument(help: "A pipeline file, or the name of a pipeline in --pipelines.")
    var pipeline: String

    @Option(help: "Directory of pipeline files (for a name).")
    var pipelines: String = "pipelines"

    func load() throws -> PipelineSpec {
        let environment = ProcessInfo.processInfo.environment
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: pipeline, isDirectory: &isDirectory), !isDirectory.boolValue {
            return try Self.unwrap(PipelineLoader.load(path: pipeline, environment: environment))
        }
        var known: [String] = []
        for file in PipelineLoader.pipelineFiles(in: [pipelines]) {
            let result = PipelineLoader.load(path: file, environment: environment)
            if case .success(let spec) = result {
                if spec.name == pipeline { return spec }
                known.append(spec.name)
            } else if (file as NSString).lastPathComponent.hasPrefix(pipeline + ".") {
                return try Self.unwrap(result)   // the file of that name is broken: say how
            }
        }
        throw CLIError(
            message: "no pipeline named '\(pipeline)' in \(pipelines)/" + (known.isEmpty ? "" : " (pipelines there: \(known.sorted().joined(separator: ", ")))"),
            exitCode: ExitCode(ExitCodes.usage))
    }

    static func unwrap(_ result: Result<PipelineSpec, PipelineDiagnostics>) throws -> PipelineSpec {
        switch result {
        case .success(let spec): return spec
        case .failure(let diagnostics):
            throw CLIError(message: "invalid pipeline:\n\(diagnostics)", exitCode: ExitCode(ExitCodes.usage))
        }
    }
}
