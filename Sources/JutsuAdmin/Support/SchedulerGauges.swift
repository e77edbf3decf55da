import JutsuIngest

/// This instance's scheduler as Prometheus gauges (the database-wide families come from
/// `ServiceMetrics`): pipelines loaded, which it runs now, its last tick and how overdue the next
/// one is. `jutsu_scheduler_tick_overdue_seconds` above a few ticks means the loop is stuck.
public enum SchedulerGauges {
    public static func text(scheduler: Scheduler, pulse: SchedulerPulse) -> String {
        var m = MetricsText()
        let running = scheduler.runningPipelines
        let pipelines = scheduler.pipelines
        m.family("jutsu_scheduler_pipelines", .gauge, "Scheduled pipelines loaded by this instance.")
        m.sample("jutsu_scheduler_pipelines", [], Int64(pipelines.count))
        m.family("jutsu_scheduler_running", .gauge, "Whether this instance runs the pipeline now.")
        for pipeline in pipelines {
            m.sample("jutsu_scheduler_running", [("pipeline", pipeline.name)], running[pipeline.name] == nil ? 0 : 1)
        }
        let reading = pulse.read()
        if let last = reading.lastTick {
            m.family("jutsu_scheduler_last_tick_timestamp_seconds", .gauge, "When this instance's scheduler last ticked.")
            m.sample("jutsu_scheduler_last_tick_timestamp_seconds", [], "\(last)")
        }
        m.family("jutsu_scheduler_tick_overdue_seconds", .gauge, "How late this instance's next tick is (0 when on time).")
        m.sample("jutsu_scheduler_tick_overdue_seconds", [], "\(reading.overdueSeconds)")
        return m.text
    }
}
