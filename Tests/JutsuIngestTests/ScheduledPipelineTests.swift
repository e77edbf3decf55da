import JutsuIngest
import JutsuPipeline
import Testing

/// Due fires and jitter of one scheduled pipeline, pure (no database).
@Suite struct ScheduledPipelineTests {
    typealias F = SchedulerFixtures

    /// Every fire of `pipeline` in `range` is due at some second, in order, none skipped.
    static func dueFiresInOrder(_ pipeline: ScheduledPipeline, _ range: ClosedRange<Int64>) -> [Int64] {
        var seen: [Int64] = []
        for t in range {
            guard let fire = pipeline.dueFire(at: t) else { continue }
            if seen.last != fire { seen.append(fire) }
        }
        return seen
    }

    @Test func jitterIsCappedBelowTheTimeToTheNextFire() throws {
        let start = F.utc(2024, 5, 1, 12)
        let fast = try ScheduledPipeline(F.spec("fast", cron: "*/5 * * * * *", jitter: 60))
        #expect(fast.maxJitter(fireAt: start) == 4)
        let jitters = (0..<200).map { fast.jitter(fireAt: start + 5 * Int64($0)) }
        #expect(jitters.allSatisfy { (0...4).contains($0) })
        #expect(Set(jitters).count > 1, "the jitter spreads fires")
        let seen = Self.dueFiresInOrder(fast, start...(start + 300))
        #expect(seen == Array(stride(from: seen[0], through: seen.last!, by: 5)), "every fire due once, in order")
        #expect(seen.count >= 60)

        // A minute schedule keeps a jitter shorter than the minute as it is.
        let minute = try ScheduledPipeline(F.spec("minute", cron: "* * * * *", jitter: 40))
        #expect(minute.maxJitter(fireAt: start) == 40)
        #expect((0..<100).allSatisfy { minute.jitter(fireAt: start + 60 * Int64($0)) <= 40 })
        let long = try ScheduledPipeline(F.spec("long", cron: "* * * * *", jitter: 300))
        #expect(long.maxJitter(fireAt: start) == 59)
        let fires = Self.dueFiresInOrder(long, start...(start + 1_800))
        #expect(fires == Array(stride(from: fires[0], through: fires.last!, by: 60)), "every fire due once, in order")
        // Irregular gaps: capped per fire.
        let irregular = try ScheduledPipeline(F.spec("irregular", cron: "0,2,30 * * * * *", jitter: 10))
        #expect(irregular.maxJitter(fireAt: start) == 1)
        #expect(irregular.maxJitter(fireAt: start + 2) == 10)
        #expect(irregular.maxJitter(fireAt: start + 30) == 10)
        #expect(try ScheduledPipeline(F.spec("none", cron: "*/5 * * * * *")).jitter(fireAt: start) == 0)
    }
}
