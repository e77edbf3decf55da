import Foundation

/// Runs the built `jutsu-ingest` binary as a user would.
public struct CommandLineTool: Sendable {
    public let path: String

    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        /// The stdout JSON object (for `--format json`).
        public func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw CocoaError(.coderInvalidValue)
            }
            return object
        }
    }

    /// `JUTSU_TEST_BINARY` (set by scripts/test), else `.build/debug/jutsu-ingest`.
    public init() {
        if let path = ProcessInfo.processInfo.environment["JUTSU_TEST_BINARY"], !path.isEmpty {
            self.path = path
        } else {
            self.path = Self.packageRoot.appendingPathComponent(".build/debug/jutsu-ingest").path
        }
    }

    public init(path: String) { self.path = path }

    /// Another executable of the package, built next to this one (e.g. an example).
    public func sibling(_ name: String) -> CommandLineTool {
        CommandLineTool(path: URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(name).path)
    }

    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static func fixture(_ relative: String) -> String {
        packageRoot.appendingPathComponent("fixtures").appendingPathComponent(relative).path
    }

    /// A process for the tool whose database comes only from its arguments.
    func process(_ arguments: [String], environment: [String: String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PG") || key == "DATABASE_URL" { env[key] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        return process
    }

    /// Starts the tool with its output discarded (for tests that kill it).
    public func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = process(arguments, environment: environment)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Starts the tool with stdout and stderr appended to the file `output` (created), for
    /// tests that watch a long-running command and signal it.
    public func start(_ arguments: [String], environment: [String: String] = [:], output: String) throws -> Process {
        let process = process(arguments, environment: environment)
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: output) else { throw CocoaError(.fileNoSuchFile) }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try? handle.close()   // the child has its own descriptor
        return process
    }

    /// Runs the tool to the end and returns its exit status and output.
    public func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = process(arguments, environment: environment)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the process runs, so neither fills up and blocks it.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        let errData = errBox.data
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
