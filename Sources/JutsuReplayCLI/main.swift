import Foundation
import JutsuReplay
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// jutsu-replay --scenario FILE [--port N] [--log FILE]
// Prints the port on the first line of stdout, then logs every request (stderr, or --log FILE).
var arguments = Array(CommandLine.arguments.dropFirst())
var port: UInt16 = 0
var scenarioPath: String?
var logPath: String?
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("jutsu-replay: \(message)\nusage: jutsu-replay --scenario FILE [--port N] [--log FILE]\n".utf8))
    exit(2)
}
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    guard let value = arguments.first else { fail("\(flag) needs a value") }
    arguments.removeFirst()
    switch flag {
    case "--port":
        guard let parsed = UInt16(value) else { fail("bad port \(value)") }
        port = parsed
    case "--scenario": scenarioPath = value
    case "--log": logPath = value
    default: fail("unknown option \(flag)")
    }
}
guard let scenarioPath else { fail("--scenario is required") }
// Unblock every signal before any thread starts: a parent may pass a blocked mask on (Foundation's
// `Process` on Linux does, from a test runner's thread), and then SIGTERM never stops the server.
var unblocked = sigset_t()
sigemptyset(&unblocked)
sigprocmask(SIG_SETMASK, &unblocked, nil)
let loaded: (scenario: ReplayScenario, root: URL)
do { loaded = try ReplayScenario.load(URL(fileURLWithPath: scenarioPath)) } catch { fail("\(scenarioPath): \(error)") }
let logHandle: FileHandle
if let logPath {
    guard FileManager.default.createFile(atPath: logPath, contents: nil), let handle = FileHandle(forWritingAtPath: logPath) else {
        fail("cannot write \(logPath)")
    }
    logHandle = handle
} else {
    logHandle = FileHandle.standardError
}
let server = ReplayServer(scenario: loaded.scenario, root: loaded.root, log: { line in logHandle.write(Data((line + "\n").utf8)) })
do { try server.start(port: port) } catch { fail("\(error)") }
FileHandle.standardOutput.write(Data("\(server.port)\n".utf8))
while true { sleep(3600) }
