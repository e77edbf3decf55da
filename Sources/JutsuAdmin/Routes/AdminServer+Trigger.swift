import Foundation
import Hummingbird
import JutsuIngest

extension AdminServer {
    /// Refuses a mutating request unless it carries `Authorization: Bearer <token>`; 403 when
    /// no token is configured. Never echoes what it was given.
    func authorize(_ request: Request) throws(AdminAPIError) {
        guard let token = configuration.token else {
            throw AdminAPIError(.forbidden, code: "no_token_configured", message: """
                mutating endpoints are disabled: no admin token is configured. Set \(AdminToken.environmentVariable), or \
                \(AdminToken.fileVariable) to a file readable by the service user only (chmod 600), and restart serve
                """)
        }
        var unauthorized = AdminAPIError(.unauthorized, code: "unauthorized",
                                         message: "missing or invalid bearer token (Authorization: Bearer <token>)")
        unauthorized.headers[.wwwAuthenticate] = "Bearer realm=\"jutsu-ingest\""
        guard let header = request.headers[.authorization] else { throw unauthorized }
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count, zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) else { throw unauthorized }
        guard token.matches(bytes[scheme.count...]) else { throw unauthorized }
    }

    struct Triggered: Encodable {
        var runID: Int64?
        var pipeline: String
        var status: String
        var run: String?
        enum CodingKeys: String, CodingKey { case runID = "run_id", pipeline, status, run }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(runID, forKey: .runID)
            try c.encode(pipeline, forKey: .pipeline)
            try c.encode(status, forKey: .status)
            try c.encode(run, forKey: .run)
        }
    }

    enum TriggerAnswer: Sendable {
        case started(Int64)
        case ended(TriggeredRunOutcome)
        case refused(TriggerRefusal)
        case waiting
    }

    /// `POST /api/v1/pipelines/{name}/runs`: starts a run now; 202 with its id once its
    /// `ingest_runs` row exists (or, after `triggerWait`, without one: `status: starting`).
    func trigger(_ request: Request, pipeline name: String) async throws -> Response {
        try authorize(request)
        let scheduler = self.scheduler
        let wait = configuration.triggerWait
        let answer = await withCheckedContinuation { (continuation: CheckedContinuation<TriggerAnswer, Never>) in
            let once = OneShot(continuation)
            do throws(TriggerRefusal) {
                try scheduler.trigger(pipeline: name, now: Int64(Date().timeIntervalSince1970),
                                      onRunStarted: { once.resume(.started($0)) }, onEnd: { once.resume(.ended($0)) })
                DispatchQueue.global().asyncAfter(deadline: .now() + wait) { once.resume(.waiting) }
            } catch {
                once.resume(.refused(error))
            }
        }
        switch answer {
        case .started(let id):
            logger.notice("run triggered", metadata: ["pipeline": "\(name)", "run_id": "\(id)"])
            return accepted(.init(runID: id, pipeline: name, status: "running", run: "/api/v1/runs/\(id)"))
        case .waiting:
            return accepted(.init(runID: nil, pipeline: name, status: "starting", run: nil))
        case .ended(.finished(let summary)):
            guard let id = summary.runID else {
                throw AdminAPIError(.unprocessableContent, code: "run_not_started",
                                    message: summary.error ?? "the run ended before it was recorded")
            }
            return accepted(.init(runID: id, pipeline: name, status: summary.status.rawValue, run: "/api/v1/runs/\(id)"))
        case .ended(.failed(let error)):
            if let error = error as? PipelineRunError, case .busy = error {
                throw AdminAPIError(.conflict, code: "pipeline_running", message: "\(error)")
            }
            throw AdminAPIError(.internalServerError, code: "run_failed", message: "\(error)")
        case .refused(.unknownPipeline):
            throw AdminAPIError.notFound("no scheduled pipeline named '\(name)'")
        case .refused(let refusal):
            if case .stopping = refusal { throw AdminAPIError(.serviceUnavailable, code: "stopping", message: refusal.description) }
            throw AdminAPIError(.conflict, code: "pipeline_running", message: refusal.description)
        }
    }

    func accepted(_ body: Triggered) -> Response {
        var headers: HTTPFields = [:]
        if let run = body.run { headers[.location] = run }
        return JSONBody.response(JSONBody.encode(body), status: .accepted, headers: headers)
    }
}

/// Resumes a continuation once, whoever comes first.
final class OneShot<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?

    init(_ continuation: CheckedContinuation<T, Never>) { self.continuation = continuation }

    func resume(_ value: T) {
        let taken = lock.withLock { () -> CheckedContinuation<T, Never>? in
            defer { continuation = nil }
            return continuation
        }
        taken?.resume(returning: value)
    }
}
