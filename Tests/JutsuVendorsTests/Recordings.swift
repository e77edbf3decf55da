import Foundation
import JutsuCore
import JutsuVendors
import Testing

@testable import JutsuCSV

/// The recorded exchanges of `fixtures/real/` and helpers shared by the vendor tests.
enum Recordings {
    /// `<repo>/fixtures`, found from this source file's location.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("fixtures").path
    }()

    static func path(_ relative: String) -> String { root + "/real/" + relative }

    /// One recorded HTTP exchange (`{request:{url}, response:{status, bodyJson|bodyText}}`).
    struct Exchange {
        var url: String
        var status: Int
        var body: [UInt8]

        /// A query parameter of the recorded URL.
        func query(_ name: String) -> String? {
            URLComponents(string: url)?.queryItems?.first { $0.name == name }?.value
        }
    }

    static func exchange(_ relative: String) throws -> Exchange {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(relative)))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let request = json["request"] as? [String: Any]
        let response = try #require(json["response"] as? [String: Any])
        return Exchange(url: request?["url"] as? String ?? "", status: response["status"] as? Int ?? 200,
                        body: try bodyBytes(response))
    }

    /// The raw body of a file holding only a response body (Schwab, Polygon recordings).
    static func body(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    /// The error bodies of `error-bodies/<vendor>.json`, by name: status and body bytes
    /// (`body` JSON re-serialized, `body_text` as is; `nil` status when not given).
    static func errorBodies(_ vendor: String) throws -> [String: (status: Int?, body: [UInt8])] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path("error-bodies/\(vendor).json")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var out: [String: (status: Int?, body: [UInt8])] = [:]
        for (name, value) in json {
            guard let entry = value as? [String: Any] else { continue }
            let status = entry["http_status"] as? Int
            if let body = entry["body"] {
                out[name] = (status, Array(try JSONSerialization.data(withJSONObject: body)))
            } else if let text = entry["body_text"] as? String {
                out[name] = (status, Array(text.utf8))
            } else if let text = entry["body_description_text"] as? String {
                out[name] = (status, Array(text.utf8))
            } else {
                out[name] = (status, [])
            }
        }
        return out
    }

    private static func bodyBytes(_ response: [String: Any]) throws -> [UInt8] {
        if let json = response["bodyJson"] { return Array(try JSONSerialization.data(withJSONObject: json)) }
        return Array((response["bodyText"] as? String ?? "").utf8)
    }

    /// A JSON object edited in place: for variants of a recording (a live bar, nulls).
    static func edited(_ body: [UInt8], _ edit: (inout [String: Any]) throws -> Void) throws -> [UInt8] {
        var json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        try edit(&json)
        return Array(try JSONSerialization.data(withJSONObject: json))
    }

    /// Zones as the import layer resolves them: the core's rules, then the system tz database.
    static let zones: ZoneLookup = { ZoneResolver.rule(named: $0) }

    /// Bars of CSV text read by the project's CSV reader.
    static func csvBars(_ text: String, name: String, options: CSVOptions = .init()) throws -> [Bar] {
        let reader = try BarFileReader(source: MemoryByteSource(Array(text.utf8)), path: name, options: options,
                                       compressed: false)
        var bars: [Bar] = []
        while let batch = try reader.nextBatch(maxRows: 10_000) { bars += batch.bars.map(\.bar) }
        return bars
    }

    static func csvBars(file relative: String) throws -> [Bar] {
        let reader = try BarFileReader(path: path(relative))
        var bars: [Bar] = []
        while let batch = try reader.nextBatch(maxRows: 10_000) { bars += batch.bars.map(\.bar) }
        return bars
    }
}

func iso(_ ts: Int64) -> String { UnixTime.iso8601(ts) }
func day(_ text: String) -> Int64 { CivilDate(parsing: text)!.daysSinceEpoch * 86_400 }
func instant(_ text: String) -> Int64 {
    // `2020-08-31T13:30:00Z`
    let date = CivilDate(parsing: String(text.prefix(10)))!
    let clock = text.dropFirst(11).prefix(8).split(separator: ":").map { Int($0)! }
    return UnixTime.seconds(date: date, hour: clock[0], minute: clock[1], second: clock[2])
}
func price(_ text: String) -> Price { try! Price.parse(text).get() }
func symbol(_ text: String) -> Symbol { try! Symbol(canonicalizing: text) }

/// `open/high/low/close/volume` of a bar, for compact comparisons.
func ohlcv(_ bar: Bar?) -> String {
    guard let bar else { return "none" }
    return "\(bar.open) \(bar.high) \(bar.low) \(bar.close) \(bar.volume)"
}
