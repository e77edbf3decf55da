import Foundation
import JutsuTestSupport
import Testing

/// `jutsu-ingest freshness` warns about a pipeline whose Schwab login is missing or about to lapse.
@Suite struct FreshnessSchwabLoginTests {
    @Test func aSchwabPipelineWithoutATokenFileIsAWarningNotAFailure() throws {
        let db = try TestDatabase("schwablogin")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schwab-pipelines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pipeline = directory.appendingPathComponent("schwab-daily.yaml").path
        // The credentials are not in the environment (as under cron): the token file is still found.
        try """
            name: schwab-daily
            source:
              kind: schwab
              app_key: ${JUTSU_TEST_UNSET_SCHWAB_APP_KEY}
              app_secret: ${JUTSU_TEST_UNSET_SCHWAB_APP_SECRET}
            symbols: [AAPL]
            timeframe: 1d

            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let tool = CommandLineTool()
        let json = try tool.run(["freshness", "--database-url", db.url, "--pipelines", directory.path, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let warnings = try #require(try json.json()["warnings"] as? [String])
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("pipeline schwab-daily") == true)
        #expect(warnings.first?.contains("jutsu-ingest auth schwab --pipeline \(pipeline)") == true)
        #expect(warnings.first?.contains(directory.appendingPathComponent(".jutsu/schwab-token.json").path) == true)

        let table = try tool.run(["freshness", "--database-url", db.url, "--pipelines", directory.path])
        #expect(table.status == 0)
        #expect(table.stdout.contains("warning: pipeline schwab-daily: no Schwab token file"))

        // No Schwab pipeline, no warning (the field is still there).
        try FileManager.default.removeItem(atPath: pipeline)
        let none = try tool.run(["freshness", "--database-url", db.url, "--pipelines", directory.path, "--format", "json"])
        #expect(try none.json()["warnings"] as? [String] == [])
    }
}
