import Dispatch
import Foundation
import JutsuCore
import JutsuIngest

/// Plain pages for an admin server without renderers of its own (the API's tests; `serve`
/// wires `DashboardPage` and `ServiceMetrics` instead): `/metrics` is the freshness exposition
/// of the cached snapshot plus this instance's scheduler gauges; `/` a page listing the
/// pipelines and links to the API.
public struct BasicAdminPages: AdminPages {
    let freshness: FreshnessCache
    let scheduler: Scheduler
    let pulse: SchedulerPulse

    public init(freshness: FreshnessCache, scheduler: Scheduler, pulse: SchedulerPulse) {
        self.freshness = freshness
        self.scheduler = scheduler
        self.pulse = pulse
    }

    public func metrics() throws -> String {
        let snapshot = try freshness.latest ?? Self.wait(for: freshness)
        var out = FreshnessReporter.prometheus(snapshot.rows, at: snapshot.at)
        out += SchedulerGauges.text(scheduler: scheduler, pulse: pulse)
        return out
    }

    public func dashboard(query: [String: String]) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let running = scheduler.runningPipelines
        var rows = ""
        for pipeline in scheduler.pipelines {
            let next = pipeline.schedule.cron.nextFire(after: now, zone: pipeline.zone).map(UnixTime.iso8601) ?? "never"
            rows += "<tr><td>\(Self.html(pipeline.name))</td><td><code>\(Self.html(pipeline.schedule.cron.text))</code> "
                + "\(Self.html(pipeline.schedule.timezone))</td><td>\(next)</td><td>\(running[pipeline.name] == nil ? "" : "running")</td>"
                + "<td><a href=\"/api/v1/runs?pipeline=\(Self.html(Self.percent(pipeline.name)))\">runs</a></td></tr>\n"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>jutsu-ingest</title>
            <style>body{font-family:system-ui,sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}</style></head>
            <body><h1>jutsu-ingest</h1>
            <h2>Pipelines</h2>
            <table><tr><th>pipeline</th><th>schedule</th><th>next fire (UTC)</th><th></th><th></th></tr>
            \(rows)</table>
            <h2>API</h2>
            <ul>
            <li><a href="/api/v1/freshness">/api/v1/freshness</a></li>
            <li><a href="/api/v1/gaps">/api/v1/gaps</a></li>
            <li><a href="/api/v1/runs">/api/v1/runs</a></li>
            <li><a href="/api/v1/pipelines">/api/v1/pipelines</a></li>
            <li><a href="/metrics">/metrics</a></li>
            <li><a href="/openapi.json">/openapi.json</a></li>
            <li><a href="/readyz">/readyz</a></li>
            </ul></body></html>

            """
    }

    /// Waits (on this non-cooperative thread) for the first snapshot.
    static func wait(for cache: FreshnessCache) throws -> FreshnessSnapshot {
        final class Box: @unchecked Sendable { var result: Result<FreshnessSnapshot, any Error>? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await cache.snapshot()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    static func html(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static func percent(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }
}
