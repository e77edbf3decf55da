import Foundation
import JutsuStore
import JutsuTestSupport
import Testing

/// `scheduled_runs` claims on a real server: exactly once, leases, takeover, no overlap.
@Suite struct SchedulerStoreTests {
    static let pipeline = "daily"

    @Test func concurrentClaimsOfOneFireHaveExactlyOneWinner() throws {
        let db = try TestDatabase("schedclaim")
        let connections = try (0..<8).map { _ in try db.connect() }
        let results = ClaimResults()
        DispatchQueue.concurrentPerform(iterations: connections.count) { i in
            let claim = try? SchedulerStore(connection: connections[i])
                .claim(pipeline: Self.pipeline, fireAt: 1_000, instance: "i\(i)", lease: 60, now: 1_000)
            results.append(claim)
        }
        let claims = results.values
        #expect(claims.filter { $0 == .claimed(attempt: 1) }.count == 1)
        #expect(claims.filter { if case .taken = $0 { true } else { false } }.count == 7)
        #expect(try db.scalar("SELECT count(*) FROM scheduled_runs") == 1)
    }

    @Test func aDeadInstancesClaimIsTakenOverOnlyAfterItsLease() throws {
        let db = try TestDatabase("schedlease")
        let dead = SchedulerStore(connection: try db.connect())
        let live = SchedulerStore(connection: try db.connect())
        #expect(try dead.claim(pipeline: Self.pipeline, fireAt: 1_000, instance: "dead", lease: 60, now: 1_000) == .claimed(attempt: 1))
        // lease_until 1060: still the dead instance's at 1060.
        for now: Int64 in [1_001, 1_059, 1_060] {
            #expect(try live.claim(pipeline: Self.pipeline, fireAt: 1_000, instance: "live", lease: 60, now: now)
                    == .taken(instance: "dead", status: "claimed"))
        }
        #expect(try live.claim(pipeline: Self.pipeline, fireAt: 1_000, instance: "live", lease: 60, now: 1_061) == .claimed(attempt: 2))
        // The dead instance, were it only slow, finds out it lost the claim.
        #expect(try dead.heartbeat(pipeline: Self.pipeline, fireAt: 1_000, instance: "dead", leaseUntil: 1_200) == false)
        #expect(try dead.finish(pipeline: Self.pipeline, fireAt: 1_000, instance: "dead", status: "succeeded", runID: nil,
                                error: nil, now: 1_100) == false)
        #expect(try live.start(pipeline: Self.pipeline, fireAt: 1_000, instance: "live", leaseUntil: 1_121))
        #expect(try live.heartbeat(pipeline: Self.pipeline, fireAt: 1_000, instance: "live", leaseUntil: 1_200))
        #expect(try live.finish(pipeline: Self.pipeline, fireAt: 1_000, instance: "live", status: "succeeded", runID: 7,
                                error: nil, now: 1_150))
        // Finished: nobody takes it again, however late.
        #expect(try dead.claim(pipeline: Self.pipeline, fireAt: 1_000, instance: "dead", lease: 60, now: 9_999)
                == .taken(instance: "live", status: "succeeded"))
        #expect(try db.scalar("SELECT attempts * 1000 + run_id FROM scheduled_runs") == 2_007)
    }

    @Test func anotherFireOfThePipelineWaitsWhileOneIsInFlight() throws {
        let db = try TestDatabase("schedbusy")
        let a = SchedulerStore(connection: try db.connect())
        let b = SchedulerStore(connection: try db.connect())
        #expect(try a.claim(pipeline: Self.pipeline, fireAt: 1_000, instance: "a", lease: 60, now: 1_000) == .claimed(attempt: 1))
        #expect(try b.claim(pipeline: Self.pipeline, fireAt: 1_060, instance: "b", lease: 60, now: 1_060) == .busy(fireAt: 1_000, instance: "a"))
        // Other pipelines are not held up.
        #expect(try b.claim(pipeline: "other", fireAt: 1_060, instance: "b", lease: 60, now: 1_060) == .claimed(attempt: 1))
        try a.finish(pipeline: Self.pipeline, fireAt: 1_000, instance: "a", status: "succeeded", runID: nil, error: nil, now: 1_070)
        #expect(try b.claim(pipeline: Self.pipeline, fireAt: 1_060, instance: "b", lease: 60, now: 1_070) == .claimed(attempt: 1))
        #expect(try b.latestFire(pipeline: Self.pipeline) == 1_060)
    }

    @Test func anExpiredClaimSupersededByALaterFireIsClosedSkipped() throws {
        let db = try TestDatabase("schedsuper")
        let store = SchedulerStore(connection: try db.connect())
        _ = try store.claim(pipeline: Self.pipeline, fireAt: 1_000, instance: "dead", lease: 60, now: 1_000)
        // The dead claim blocks the next fire until its lease passes; then the next fire is claimed.
        #expect(try store.claim(pipeline: Self.pipeline, fireAt: 1_060, instance: "live", lease: 60, now: 1_060)
                == .busy(fireAt: 1_000, instance: "dead"))
        #expect(try store.claim(pipeline: Self.pipeline, fireAt: 1_060, instance: "live", lease: 60, now: 1_061) == .claimed(attempt: 1))
        #expect(try store.expiredClaims(pipelines: [Self.pipeline], now: 1_061).isEmpty)   // not the newest fire
        #expect(try store.skipSuperseded(pipelines: [Self.pipeline], now: 1_061) == 1)
        #expect(try db.scalar("SELECT count(*) FROM scheduled_runs WHERE status = 'skipped' AND fire_at = to_timestamp(1000)") == 1)
    }
}

/// Claim results gathered from several threads.
final class ClaimResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [SchedulerStore.Claim?] = []

    func append(_ claim: SchedulerStore.Claim?) {
        lock.lock(); defer { lock.unlock() }
        storage.append(claim)
    }

    var values: [SchedulerStore.Claim?] {
        lock.lock(); defer { lock.unlock() }
        return storage
    }
}
