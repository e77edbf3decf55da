import Foundation
import Hummingbird
import JutsuCore
import JutsuIngest
import JutsuStore

extension AdminServer {
    struct PipelineItem: Encodable {
        struct Schedule: Encodable {
            var cron: String
            var timezone: String
            var catchUp: Bool
            var jitterSeconds: Int64
            enum CodingKeys: String, CodingKey { case cron, timezone, catchUp = "catch_up", jitterSeconds = "jitter_seconds" }
        }
        var name: String
        var file: String
        var schedule: Schedule
        var nextFire: String?
        var running: Bool
        var runningSince: String?
        var lastRun: RunHistory.Entry?

        enum CodingKeys: String, CodingKey {
            case name, file, schedule, nextFire = "next_fire", running, runningSince = "running_since", lastRun = "last_run"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(file, forKey: .file)
            try c.encode(schedule, forKey: .schedule)
            try c.encode(nextFire, forKey: .nextFire)
            try c.encode(running, forKey: .running)
            try c.encode(runningSince, forKey: .runningSince)
            try c.encode(lastRun, forKey: .lastRun)
        }
    }

    /// The scheduled pipelines with their next fire (cron time plus jitter, UTC), whether this
    /// instance runs them now, and their newest run.
    func pipelineItems() async throws -> [PipelineItem] {
        let pipelines = scheduler.pipelines
        let running = scheduler.runningPipelines
        let names = pipelines.map(\.name)
        let latest: [String: RunHistory.Entry]
        do {
            latest = try await pool.read { try RunHistory(connection: $0).latest(pipelines: names) }
        } catch {
            throw AdminAPIError.database(error)
        }
        let now = Int64(Date().timeIntervalSince1970)
        return pipelines.map { pipeline in
            let next = pipeline.schedule.cron.nextFire(after: now, zone: pipeline.zone).map { $0 + pipeline.jitter(fireAt: $0) }
            return PipelineItem(
                name: pipeline.name, file: pipeline.spec.file,
                schedule: .init(cron: pipeline.schedule.cron.text, timezone: pipeline.schedule.timezone,
                                catchUp: pipeline.schedule.catchUp, jitterSeconds: pipeline.schedule.jitterSeconds),
                nextFire: next.map(UnixTime.iso8601), running: running[pipeline.name] != nil,
                runningSince: running[pipeline.name].map(UnixTime.iso8601), lastRun: latest[pipeline.name])
        }
    }

    /// `GET /api/v1/pipelines`.
    func pipelines() async throws -> Response {
        JSONBody.response(JSONBody.encode(["items": try await pipelineItems()]))
    }
}
