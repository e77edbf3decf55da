import ArgumentParser
import Foundation
import JutsuAuth
import JutsuPipeline

/// The Schwab source of a pipeline (its `source`, else its `fallback`), as `auth` and the
/// freshness warning need it: credentials, OAuth URLs and the token file resolved against the
/// pipeline file's directory.
struct SchwabPipelineSource {
    var pipeline: String
    var file: String
    var appKey: String
    var appSecret: String
    var tokenURL: String
    var authorizeURL: String
    var redirectURI: String
    var tokenFile: String

    init?(_ spec: PipelineSpec) {
        guard let source = [spec.source, spec.fallback].compactMap({ $0 }).first(where: { $0.kind == .schwab }) else { return nil }
        func option(_ name: String, _ fallback: String) -> String { source.options[name]?.value ?? fallback }
        pipeline = spec.name
        file = spec.file
        appKey = option("app_key", "")
        appSecret = option("app_secret", "")
        tokenURL = option("token_url", SchwabOAuth.defaultTokenURL)
        authorizeURL = option("authorize_url", SchwabOAuth.defaultAuthorizeURL)
        redirectURI = option("redirect_uri", SchwabOAuth.defaultRedirectURI)
        tokenFile = Self.resolve(option("token_file", ".jutsu/schwab-token.json"), pipelineFile: spec.file)
    }

    /// `auth schwab --pipeline FILE` for this pipeline.
    var authCommand: String { "jutsu-ingest auth schwab --pipeline \(file)" }

    /// Relative paths are relative to the pipeline file's directory (as every path of a pipeline).
    static func resolve(_ path: String, pipelineFile: String) -> String {
        if path.hasPrefix("/") { return path }
        let directory = (pipelineFile as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }

    /// The pipeline file's Schwab source; a usage error (exit 2) when the file is invalid or has none.
    static func load(pipelineFile: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SchwabPipelineSource {
        guard FileManager.default.fileExists(atPath: pipelineFile) else {
            throw CLIError(message: "no pipeline file \(pipelineFile)", exitCode: ExitCode(ExitCodes.usage))
        }
        let spec = try PipelineArgument.unwrap(PipelineLoader.load(path: pipelineFile, environment: environment))
        guard let source = SchwabPipelineSource(spec) else {
            throw CLIError(message: "pipeline \(spec.name) (\(pipelineFile)) has no schwab source", exitCode: ExitCode(ExitCodes.usage))
        }
        return source
    }

    /// The Schwab source of a pipeline file read only for its token file: `${VAR}`s without a
    /// default that are not set (the app key and secret, absent where `freshness` runs from cron)
    /// read as placeholders instead of failing the file. Nil when the file has no Schwab source
    /// or is invalid for another reason.
    static func tokenOnly(pipelineFile: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> SchwabPipelineSource? {
        guard let text = try? String(contentsOfFile: pipelineFile, encoding: .utf8), text.contains("schwab") else { return nil }
        var lenient = environment
        let pattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/
        for match in text.matches(of: pattern) where lenient[String(match.1)] == nil {
            lenient[String(match.1)] = "unset-\(match.1)"
        }
        guard case .success(let spec) = PipelineLoader.load(yaml: text, file: pipelineFile, environment: lenient) else { return nil }
        return SchwabPipelineSource(spec)
    }

    /// Every pipeline of `directory` with a Schwab source.
    static func all(inDirectory directory: String) -> [SchwabPipelineSource] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        return PipelineLoader.pipelineFiles(in: [directory]).compactMap { tokenOnly(pipelineFile: $0) }
    }
}

/// Runs async work from a synchronous command (the root command is synchronous): the work runs
/// on the cooperative pool while the main thread waits.
func runBlocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// The outcome handed from the task to the waiting thread (the semaphore orders the accesses).
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
