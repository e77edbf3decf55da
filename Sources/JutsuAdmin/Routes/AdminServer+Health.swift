import Foundation
import Hummingbird
import JutsuCore
import JutsuStore

extension AdminServer {
    /// `GET /healthz`: the process is up and answering.
    func healthz() -> Response {
        JSONBody.response(JSONBody.encode(["status": "ok"]))
    }

    struct Readiness: Encodable {
        struct Check: Encodable {
            var ok: Bool
            var message: String
        }
        struct Failure: Encodable { var code: String; var message: String }
        var status: String
        var checks: [String: Check]
        /// Present (the API's error shape) when not ready.
        var error: Failure?
    }

    /// `GET /readyz`: the database answers, every embedded migration is applied, the scheduler
    /// ticks and the service is not stopping; 503 with the failing checks otherwise.
    func readyz() async -> Response {
        var checks: [String: Readiness.Check] = [:]
        do {
            let status = try await pool.read { try Migrator().status($0) }
            checks["database"] = .init(ok: true, message: "reachable")
            checks["migrations"] = status.pending.isEmpty
                ? .init(ok: true, message: "\(status.applied.count) applied, none pending")
                : .init(ok: false, message: "pending: \(status.pending.joined(separator: ", "))")
        } catch {
            checks["database"] = .init(ok: false, message: "\(error)")
            checks["migrations"] = .init(ok: false, message: "unknown: the database is unreachable")
        }
        let reading = pulse.read()
        let last = reading.lastTick.map { UnixTime.iso8601($0) } ?? "never"
        checks["scheduler"] = reading.alive
            ? .init(ok: true, message: "last tick \(last)")
            : .init(ok: false, message: "no tick for too long (last tick \(last), overdue \(Int(reading.overdueSeconds)) s)")
        checks["lifecycle"] = scheduler.isStopping ? .init(ok: false, message: "stopping") : .init(ok: true, message: "running")

        let failing = checks.filter { !$0.value.ok }.keys.sorted()
        let ready = failing.isEmpty
        let body = Readiness(status: ready ? "ready" : "not_ready", checks: checks,
                             error: ready ? nil : .init(code: "not_ready", message: "failing checks: \(failing.joined(separator: ", "))"))
        return JSONBody.response(JSONBody.encode(body), status: ready ? .ok : .serviceUnavailable)
    }
}
