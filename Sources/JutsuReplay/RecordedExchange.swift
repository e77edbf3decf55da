import Foundation

/// A response as recorded: the exchange files of `fixtures/real/yahoo-chart/` hold the request URL
/// and the response (status, headers, `bodyJson` or `bodyText`); other files are the body alone.
struct RecordedExchange {
    var status: Int?
    var contentType: String?
    var body: [UInt8]

    init(status: Int?, contentType: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// Reads an exchange file; nil when `data` is not one.
    init?(exchange data: Data) {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              json["request"] is [String: Any], let response = json["response"] as? [String: Any]
        else { return nil }
        status = response["status"] as? Int
        let headers = response["headers"] as? [String: Any]
        if let bodyJSON = response["bodyJson"], let encoded = try? JSONSerialization.data(withJSONObject: bodyJSON, options: [.sortedKeys]) {
            body = Array(encoded)
            contentType = headers?["content-type"] as? String ?? "application/json"
        } else {
            body = Array((response["bodyText"] as? String ?? "").utf8)
            contentType = headers?["content-type"] as? String ?? "text/plain"
        }
    }

    /// A route per exchange file in `directory`, matching the recorded method, path and query.
    static func routes(in directory: URL) -> [ReplayScenario.Route] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().compactMap { name -> ReplayScenario.Route? in
            guard name.hasSuffix(".json"), let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let request = json["request"] as? [String: Any], let url = (request["url"] as? String).flatMap(URLComponents.init(string:))
            else { return nil }
            var query: [String: String] = [:]
            for item in url.queryItems ?? [] { query[item.name] = item.value ?? "" }
            return ReplayScenario.Route(method: request["method"] as? String ?? "GET", path: url.path, query: query, file: name)
        }
    }
}
