import JutsuCore
import JutsuPipeline
import Testing

@Suite struct FreshnessConfigTests {
    static let calendars = ["XNYS", "24x7", "24x5", "weekdays"]

    @Test func readsTiersDelaysAndSeriesRules() throws {
        let yaml = """
            tiers:
              critical: {stale_after: 5m, rto: 30m}
            publication_delay:
              yahoo: 15m
            series:
              - symbols: [btc-usd]
                calendar: 24x7
              - symbols: [SPY, BTC.USD]
                tier: critical

            """
        let config = try FreshnessConfig.load(yaml: yaml, file: "f.yaml", knownCalendars: Self.calendars).get()
        #expect(config.tier(.critical) == .init(staleAfterSeconds: 300, rtoSeconds: 1_800))
        #expect(config.tier(.standard) == FreshnessConfig.defaultTiers[.standard])
        #expect(config.publicationDelay == ["yahoo": 900])
        let btc = config.override(for: try Symbol(canonicalizing: "BTC-USD"))
        #expect(btc.calendar == "24x7" && btc.tier == .critical)
    }

    @Test func errorsPointAtTheLine() {
        let yaml = """
            tiers:
              gold: {stale_after: 5m}
              low: {stale_after: soon}
            series:
              - symbols: [SPY]
                calendar: LSE

            """
        guard case .failure(let d) = FreshnessConfig.load(yaml: yaml, file: "f.yaml", knownCalendars: Self.calendars) else {
            Issue.record("expected errors")
            return
        }
        let lines = d.diagnostics.map(\.description)
        #expect(lines.contains { $0.hasPrefix("f.yaml:2:3: unknown key `gold` in `tiers`") })
        #expect(lines.contains { $0.hasPrefix("f.yaml:3:22: `tiers.low.stale_after` must be a duration") })
        #expect(lines.contains { $0.hasPrefix("f.yaml:6:15: `series[0].calendar` must be one of XNYS") })
    }
}
