import Foundation
@testable import JutsuAdmin
import Testing

/// `/openapi.json` against what the server registers and answers.
@Suite struct AdminOpenAPITests {
    static func document(_ h: AdminHarness) async throws -> [String: Any] {
        let reply = try await h.get("/openapi.json")
        #expect(reply.status == 200)
        return try reply.json()
    }

    @Test func everyRegisteredRouteIsDocumentedAndViceVersa() async throws {
        let h = try await AdminHarness.start("adminopenapi", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        let doc = try await Self.document(h)
        #expect(doc["openapi"] as? String == "3.1.0")
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, operations) in paths {
            for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let registered = Set(AdminServer.routes(of: h.server.makeRouter()))
        #expect(registered.subtracting(documented).isEmpty, "registered but not documented: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "documented but not registered: \(documented.subtracting(registered).sorted())")
        #expect(registered.contains("GET /metrics") && registered.contains("GET /"))
        await h.stop()
    }

    /// Resolves a local `$ref` (`#/components/...`).
    static func resolve(_ node: [String: Any], in doc: [String: Any]) -> [String: Any] {
        guard let ref = node["$ref"] as? String, ref.hasPrefix("#/") else { return node }
        var current: Any = doc
        for part in ref.dropFirst(2).split(separator: "/") { current = (current as? [String: Any])?[String(part)] ?? [:] }
        return resolve(current as? [String: Any] ?? [:], in: doc)
    }

    @Test func sampleAnswersHaveTheDocumentedStatusAndRequiredFields() async throws {
        let h = try await AdminHarness.start("adminsamples", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        let doc = try await Self.document(h)
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        let triggered = try await h.trigger("alpha")
        let runID = try #require(try triggered.json()["run_id"] as? Int)
        #expect(try await RunPolling.finished(h, runID) != nil)

        // (method, documented path, request path, bearer token or nil, expected status)
        var samples: [(String, String, String, String?, Int)] = [
            ("GET", "/healthz", "/healthz", nil, 200),
            ("GET", "/readyz", "/readyz", nil, 200),
            ("GET", "/api/v1/freshness", "/api/v1/freshness", nil, 200),
            ("GET", "/api/v1/freshness", "/api/v1/freshness?tier=x", nil, 400),
            ("GET", "/api/v1/gaps", "/api/v1/gaps", nil, 200),
            ("GET", "/api/v1/gaps", "/api/v1/gaps?since=x", nil, 400),
            ("GET", "/api/v1/runs", "/api/v1/runs?limit=1", nil, 200),
            ("GET", "/api/v1/runs", "/api/v1/runs?limit=x", nil, 400),
            ("GET", "/api/v1/runs/{id}", "/api/v1/runs/\(runID)", nil, 200),
            ("GET", "/api/v1/runs/{id}", "/api/v1/runs/x", nil, 400),
            ("GET", "/api/v1/runs/{id}", "/api/v1/runs/987654", nil, 404),
            ("GET", "/api/v1/pipelines", "/api/v1/pipelines", nil, 200),
            ("POST", "/api/v1/pipelines/{name}/runs", "/api/v1/pipelines/alpha/runs", AdminHarness.token, 202),
            ("POST", "/api/v1/pipelines/{name}/runs", "/api/v1/pipelines/alpha/runs", "wrong", 401),
            ("POST", "/api/v1/pipelines/{name}/runs", "/api/v1/pipelines/nosuch/runs", AdminHarness.token, 404),
            ("GET", "/openapi.json", "/openapi.json", nil, 200),
            ("GET", "/metrics", "/metrics", nil, 200),
            ("GET", "/", "/", nil, 200),
        ]
        var sampled: Set<String> = []
        func check(_ method: String, _ documentedPath: String, _ path: String, _ token: String?, _ status: Int) async throws {
            let reply = try await h.request(method, path, headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:])
            #expect(reply.status == status, "\(method) \(path): \(reply.text)")
            sampled.insert("\(method) \(documentedPath) \(status)")
            let operation = try #require(paths[documentedPath]?[method.lowercased()] as? [String: Any], "\(documentedPath)")
            let responses = try #require(operation["responses"] as? [String: [String: Any]])
            let response = Self.resolve(try #require(responses[String(status)], "\(method) \(documentedPath) \(status) undocumented"),
                                        in: doc)
            let content = try #require(response["content"] as? [String: [String: Any]])
            if let json = content["application/json"] {
                #expect(reply.headers["content-type"] == "application/json", "\(path)")
                let schema = Self.resolve(json["schema"] as? [String: Any] ?? [:], in: doc)
                let body = try reply.json()
                for field in schema["required"] as? [String] ?? [] {
                    #expect(body.keys.contains(field), "\(method) \(path) \(status): no '\(field)' in \(reply.text.prefix(300))")
                }
            } else {
                let type = try #require(content.keys.first)
                #expect(reply.headers["content-type"]?.hasPrefix(type) == true, "\(path): \(reply.headers)")
            }
        }
        for (method, documentedPath, path, token, status) in samples {
            try await check(method, documentedPath, path, token, status)
        }
        // Stopping (503), then a server without a token (403); 409 is sampled by AdminTriggerTests.
        h.scheduler.stop()
        samples = [
            ("GET", "/readyz", "/readyz", nil, 503),
            ("POST", "/api/v1/pipelines/{name}/runs", "/api/v1/pipelines/alpha/runs", AdminHarness.token, 503),
        ]
        for (method, documentedPath, path, token, status) in samples {
            try await check(method, documentedPath, path, token, status)
        }
        await h.stop()

        let open = try await AdminHarness.start("adminsamples403", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")], token: nil)
        let forbidden = try await open.trigger("alpha", token: "x")
        #expect(forbidden.status == 403)
        #expect(try forbidden.errorCode() != nil)
        sampled.insert("POST /api/v1/pipelines/{name}/runs 403")
        await open.stop()

        // Every documented answer is sampled here, sampled elsewhere, or hard to provoke on purpose.
        let elsewhere: Set<String> = [
            "POST /api/v1/pipelines/{name}/runs 409",   // AdminTriggerTests.aSecondTriggerWhileThePipelineRunsIs409
            "GET /api/v1/runs 503",                     // AdminEndpointTests.readyzIs503WhenTheDatabaseIsGone
        ]
        var undocumentedSamples: [String] = []
        for (path, operations) in paths {
            for (method, operation) in operations {
                for status in ((operation as? [String: Any])?["responses"] as? [String: Any] ?? [:]).keys {
                    let key = "\(method.uppercased()) \(path) \(status)"
                    if sampled.contains(key) || elsewhere.contains(key) || status.hasPrefix("5") || status == "422" { continue }
                    undocumentedSamples.append(key)
                }
            }
        }
        #expect(undocumentedSamples.isEmpty, "documented answers no test provokes: \(undocumentedSamples.sorted())")
    }
}
