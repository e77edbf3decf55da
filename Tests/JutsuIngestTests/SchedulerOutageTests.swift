import Foundation
import JutsuCore
@testable import JutsuIngest
import JutsuPipeline
import JutsuStore
import JutsuTestSupport
import Logging
import Testing

/// A fire whose run the database went away under (docs/operations.md, "Failures"): run again
/// within the fire while the claim is this instance's; other errors fail the fire at once.
@Suite struct SchedulerOutageTests {
    typealias F = SchedulerFixtures

    static let lost = StoreError(code: .connection, message: "server closed the connection unexpectedly")
    static let shutdown = StoreError(code: .query, message: "terminating connection due to administrator command", sqlState: "57P01")

    /// Ticks a scheduler of one pipeline at `now` and waits for its run; the sleeps it asked for.
    static func fire(_ name: String, _ db: TestDatabase, at now: Int64, log: RunLog) throws -> [Double] {
        let sleeps = SleepLog()
        let scheduler = try Scheduler(
            pipelines: [try F.spec(name, cron: "0 * * * *")], instance: name,
            configuration: SchedulerConfiguration(retryBackoff: 1, databaseRetries: 3, databaseBackoff: 1),
            logger: Logger(label: "test"), clock: { now }, sleep: { sleeps.add($0) }, connect: { try db.connect() },
            run: log.run)
        #expect(try scheduler.tick(now: now).count == 1)
        scheduler.waitForRuns()
        return sleeps.values
    }

    @Test func outagesAreClassified() {
        #expect(DatabaseOutage.isOutage(Self.lost))
        #expect(DatabaseOutage.isOutage(Self.shutdown))
        #expect(DatabaseOutage.isOutage(StoreError(code: .query, message: "starting up", sqlState: "57P03")))
        #expect(DatabaseOutage.isOutage(StoreError(code: .query, message: "link", sqlState: "08006")))
        #expect(!DatabaseOutage.isOutage(StoreError(code: .query, message: "no such table", sqlState: "42P01")))
        #expect(!DatabaseOutage.isOutage(PipelineRunError.input("bad file")))
    }

    @Test func aRunTheDatabaseWentAwayUnderIsRunAgainWithinItsFire() throws {
        let db = try TestDatabase("schedoutage")
        let noon = F.utc(2024, 5, 1, 12)
        // Loses its connection twice, then completes.
        let flaky = RunLog { invocation, index in
            if index < 2 { throw index == 0 ? Self.lost : Self.shutdown }
            return RunLog.summary(invocation.pipeline, runID: 7)
        }
        #expect(try Self.fire("flaky", db, at: noon, log: flaky) == [1, 2])
        #expect(flaky.count("flaky") == 3)
        // Not an outage: failed at once.
        let refused = RunLog { _, _ in throw StoreError(code: .query, message: "relation does not exist", sqlState: "42P01") }
        #expect(try Self.fire("refused", db, at: noon, log: refused) == [])
        #expect(refused.count("refused") == 1)
        // The database never comes back for the run: failed after the retries.
        let down = RunLog { _, _ in throw Self.shutdown }
        #expect(try Self.fire("down", db, at: noon, log: down) == [1, 2, 4])
        #expect(down.count("down") == 4)

        #expect(try F.rows(db) == ["down@\(noon) failed 1", "flaky@\(noon) succeeded 1", "refused@\(noon) failed 1"])
        #expect(try db.scalar("SELECT run_id FROM scheduled_runs WHERE pipeline = 'flaky'") == 7)
        let error = try db.connect().execute("SELECT error FROM scheduled_runs WHERE pipeline = 'down'").string(0, 0)
        #expect(error?.contains("terminating connection due to administrator command") == true)
    }

    @Test func aRunWhoseClaimPassedToAnotherInstanceMeanwhileIsNotRunAgain() throws {
        let db = try TestDatabase("schedoutagelost")
        let noon = F.utc(2024, 5, 1, 12)
        // While the database is away, the lease passes and another instance takes the fire over.
        let log = RunLog { _, _ in
            try db.connect().execute("UPDATE scheduled_runs SET instance = 'other', attempts = attempts + 1")
            throw Self.lost
        }
        #expect(try Self.fire("lost", db, at: noon, log: log) == [1])
        #expect(log.count("lost") == 1)
        // This instance recorded nothing over the other's claim.
        #expect(try F.rows(db) == ["lost@\(noon) running 2"])
    }
}

/// Sleeps a scheduler asked for, in order.
final class SleepLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Double] = []

    func add(_ seconds: Double) {
        lock.lock(); storage.append(seconds); lock.unlock()
    }

    var values: [Double] {
        lock.lock(); defer { lock.unlock() }
        return storage
    }
}
