#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs the PostgreSQL programs (initdb, pg_ctl) and captures what they print.
///
/// `posix_spawn` + `waitpid`, not Foundation's `Process`: `pg_ctl start` leaves the
/// postmaster running, and the postmaster inherits every descriptor not marked
/// close-on-exec, including the socket `Process` watches to learn that its child ended.
/// `Process.waitUntilExit()` then waits as long as the server runs (seen here: the
/// socket in `/proc/<postmaster>/fd`). So the child gets stdin from /dev/null, stdout
/// and stderr into a temporary file, and nothing else; and waiting is a plain `waitpid`
/// that needs no run loop or dispatch thread.
enum CommandRunner {
    struct Result: Sendable {
        var status: Int32
        /// stdout and stderr, interleaved.
        var output: String
    }

    /// Runs `executable` with `arguments` as `account` (through `runuser` for the
    /// postgres user), from `/` so the program never needs our working directory, and
    /// without the caller's `PG*` variables (PGDATA or PGPORT must not redirect it).
    static func run(_ executable: String, _ arguments: [String], as account: ServerAccount) throws -> Result {
        let argv: [String]
        switch account {
        case .currentUser: argv = [executable] + arguments
        case .postgres(_, _, let runuser): argv = [runuser, "-u", "postgres", "--", executable] + arguments
        }
        let environment = ProcessInfo.processInfo.environment
            .filter { !$0.key.hasPrefix("PG") }
            .map { "\($0.key)=\($0.value)" }

        var template = Array((NSTemporaryDirectory() + "/jutsu-cmd-XXXXXX").utf8CString)
        let captureFD = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard captureFD >= 0 else {
            throw EmbeddedClusterError(.filesystem, "cannot create a temporary file in \(NSTemporaryDirectory()): \(errnoText())")
        }
        let capturePath = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer {
            close(captureFD)
            unlink(capturePath)
        }

        let pid = try spawn(argv, environment: environment, outputFD: captureFD)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw EmbeddedClusterError(.filesystem, "waiting for \(executable) failed: \(errnoText())")
            }
        }
        let output = (try? String(contentsOfFile: capturePath, encoding: .utf8)) ?? ""
        return Result(status: exitStatus(status), output: output)
    }

    private static func spawn(_ argv: [String], environment: [String], outputFD: Int32) throws -> pid_t {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 2)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        #if canImport(Darwin)
        posix_spawn_file_actions_addchdir_np(&actions, "/")
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #else
        // glibc's `_np` additions are hidden from Swift's Glibc module: look them up.
        if let addchdir = GlibcSpawnExtensions.addchdir {
            _ = addchdir(&actions, "/")
        }
        if let addclosefrom = GlibcSpawnExtensions.addclosefrom {
            _ = addclosefrom(&actions, 3)
        } else {
            // Older glibc: close what is open now (closing an fd that is gone is ignored).
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            for fd in open.compactMap(Int32.init) where fd > 2 {
                posix_spawn_file_actions_addclose(&actions, fd)
            }
        }
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))
        // Start the child with no blocked signals and default handlers for the ones a
        // daemon must not inherit as ignored.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
        guard rc == 0 else {
            throw EmbeddedClusterError(.filesystem, "cannot run \(argv[0]): \(String(cString: strerror(rc)))")
        }
        return pid
    }

    #if !canImport(Darwin)
    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29) and `..._addclosefrom_np` (2.34).
    private enum GlibcSpawnExtensions {
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

        static let addchdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
        static let addclosefrom: AddClosefrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

        private static func symbol<T>(_ name: String) -> T? {
            guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
            return unsafeBitCast(address, to: T.self)
        }
    }
    #endif

    /// The exit code, or 128 + the signal number when the child was killed (as shells do).
    private static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// The last `lines` lines of `text`, for error messages.
    static func tail(_ text: String, lines: Int = 20) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .suffix(lines + 1).joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
