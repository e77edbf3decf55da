import Foundation
import Yams

/// Reads pipeline files: YAML -> `PipelineSpec`, or every problem found as diagnostics.
///
/// Parsing keeps node positions (`Yams.compose`), so each diagnostic points at the key or
/// value it is about. `${ENV}` references are replaced from `environment`; the values never
/// appear in a diagnostic.
public enum PipelineLoader {
    /// Loads one file. `path` is kept as given in the spec's `file` and in diagnostics.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Result<PipelineSpec, PipelineDiagnostics> {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read file (not UTF-8 text?)" : "no such file"
            return .failure(PipelineDiagnostics([PipelineDiagnostic(file: path, line: 1, column: 1, message: reason)]))
        }
        return load(yaml: text, file: path, environment: environment)
    }

    /// Loads pipeline text; `file` names it in diagnostics and becomes the spec's `file`.
    public static func load(
        yaml: String, file: String, environment: [String: String]
    ) -> Result<PipelineSpec, PipelineDiagnostics> {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            return .failure(PipelineDiagnostics([syntaxDiagnostic(error, file: file)]))
        }
        var decoder = PipelineDecoder(file: file, environment: environment)
        if let spec = decoder.decode(root) { return .success(spec) }
        // Stable order for people and for tests: by position, then as found.
        let sorted = decoder.reader.diagnostics.enumerated().sorted {
            ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
        }.map(\.element)
        return .failure(PipelineDiagnostics(sorted))
    }

    /// Loads every pipeline under `paths` (files, or directories: see `pipelineFiles(in:)`)
    /// and checks what no single file can: that names are unique.
    public static func lint(
        paths: [String], environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PipelineLintReport {
        var report = PipelineLintReport(results: [])
        var firstFile: [String: String] = [:]
        for file in pipelineFiles(in: paths) {
            var result = load(path: file, environment: environment)
            if case .success(let spec) = result {
                if let other = firstFile[spec.name] {
                    result = .failure(PipelineDiagnostics([
                        PipelineDiagnostic(
                            file: file, line: nameLine(in: file), column: 1,
                            message: "pipeline name `\(spec.name)` is already used by \(other)"),
                    ]))
                } else {
                    firstFile[spec.name] = file
                }
            }
            report.results.append(PipelineLintResult(file: file, result: result))
        }
        return report
    }

    /// The pipeline files `paths` name: files as given; in directories (not recursive), the
    /// `*.yaml` and `*.yml` files, sorted, except `freshness.yaml` (the tier definitions).
    /// Paths that do not exist are returned as given (loading them reports it).
    public static func pipelineFiles(in paths: [String]) -> [String] {
        var out: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                out.append(path)
                continue
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            let prefix = path.hasSuffix("/") ? path : path + "/"
            for name in names.sorted()
            where (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && name != "freshness.yaml" && name != "freshness.yml"
                && !name.hasPrefix(".") {
                out.append(prefix + name)
            }
        }
        return out
    }

    /// A YAML error as a diagnostic at its position.
    static func syntaxDiagnostic(_ error: any Error, file: String) -> PipelineDiagnostic {
        func make(_ mark: Mark?, _ message: String) -> PipelineDiagnostic {
            PipelineDiagnostic(file: file, line: max(1, mark?.line ?? 1), column: max(1, mark?.column ?? 1), message: message)
        }
        guard let yaml = error as? YamlError else { return make(nil, "YAML error: \(error)") }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            // libyaml's context names the construct the problem is in and where it began.
            let what = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return make(mark, "YAML syntax error: \(problem)\(what)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "`\($0)`" }.joined(separator: ", ")
            return make(context.mark, "duplicate key \(keys)")
        default:
            return make(nil, "YAML error: \(yaml)")
        }
    }

    /// The line of `name:` in a file, for diagnostics about the name (1 if not found).
    private static func nameLine(in file: String) -> Int {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return 1 }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.hasPrefix("name:") {
            return index + 1
        }
        return 1
    }
}

/// What `PipelineLoader.lint` found: per file, the spec or its diagnostics.
public struct PipelineLintReport: Sendable {
    public var results: [PipelineLintResult]

    /// Every diagnostic, file by file.
    public var diagnostics: [PipelineDiagnostic] {
        results.flatMap { result -> [PipelineDiagnostic] in
            if case .failure(let d) = result.result { return d.diagnostics }
            return []
        }
    }

    /// The pipelines that loaded.
    public var specs: [PipelineSpec] {
        results.compactMap { try? $0.result.get() }
    }

    public var isClean: Bool { diagnostics.isEmpty }
}

public struct PipelineLintResult: Sendable {
    public var file: String
    public var result: Result<PipelineSpec, PipelineDiagnostics>
}
