import Foundation
import JutsuTestSupport
import Testing

/// Two importers of the same series at once never double-load: the series locks serialize
/// their batches, whatever one writes the other finds unchanged.
@Suite struct ConcurrentImportTests {
    @Test func twoImportsOfTheSameFileAtOnce() throws {
        let db = try TestDatabase("concurrent")
        let input = try CrashRecoveryTests.writeInput()
        defer { try? FileManager.default.removeItem(atPath: input) }
        let total = CrashRecoveryTests.symbols.count * CrashRecoveryTests.days
        let cli = CommandLineTool()
        let args = ["import", input, "--database-url", db.url, "--batch-size", "2000", "--format", "json"]
        final class Box: @unchecked Sendable { var output: CommandLineTool.Output? }
        let other = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            other.output = try? cli.run(args)
            done.signal()
        }
        thread.start()
        let mine = try cli.run(args)
        done.wait()
        let theirs = try #require(other.output)
        #expect(mine.status == 0, "\(mine.stderr)")
        #expect(theirs.status == 0, "\(theirs.stderr)")
        let a = try #require(try mine.json()["rows"] as? [String: Int])
        let b = try #require(try theirs.json()["rows"] as? [String: Int])
        #expect(a["read"] == total && b["read"] == total)
        #expect(a["inserted"]! + b["inserted"]! == total, "each row inserted exactly once: \(a) \(b)")
        #expect(a["inserted"]! + a["unchanged"]! == total && b["inserted"]! + b["unchanged"]! == total)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == Int64(total))
        #expect(try db.metadataMismatches() == 0)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'succeeded'") == 2)
    }
}
