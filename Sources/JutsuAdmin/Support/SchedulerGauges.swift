import JutsuIngest

/// This instance's scheduler as Prometheus gauges (the database-wide families come from
/// `ServiceMetrics`): pipelines loaded, which it runs now, its last tick and how overdue the next
/// one is. `jutsu_scheduler_tick_overdue_seconds` above a few ticks means the loop is stuck.
public enum SchedulerGauges {
    public static func text(scheduler: Scheduler, pulse: SchedulerPulse) -> String {
        var out = ""
        let running = scheduler.runningPipelines
        let pipelines = scheduler.pipelines
        out += "# HELP jutsu_scheduler_pipelines Scheduled pipelines loaded by this instance.\n# TYPE jutsu_scheduler_pipelines gauge\n"
        out += "jutsu_scheduler_pipelines \(pipelines.count)\n"
        out += "# HELP jutsu_scheduler_running Whether this instance runs the pipeline now.\n# TYPE jutsu_scheduler_running gauge\n"
        for pipeline in pipelines {
            out += "jutsu_scheduler_running{pipeline=\"\(escapeLabel(pipeline.name))\"} \(running[pipeline.name] == nil ? 0 : 1)\n"
        }
        let reading = pulse.read()
        if let last = reading.lastTick {
            out += "# HELP jutsu_scheduler_last_tick_timestamp_seconds When this instance's scheduler last ticked.\n"
            out += "# TYPE jutsu_scheduler_last_tick_timestamp_seconds gauge\njutsu_scheduler_last_tick_timestamp_seconds \(last)\n"
        }
        out += "# HELP jutsu_scheduler_tick_overdue_seconds How late this instance's next tick is (0 when on time).\n"
        out += "# TYPE jutsu_scheduler_tick_overdue_seconds gauge\njutsu_scheduler_tick_overdue_seconds \(reading.overdueSeconds)\n"
        return out
    }

    /// A label value per the text exposition format: backslash, double quote and newline escaped.
    static func escapeLabel(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
