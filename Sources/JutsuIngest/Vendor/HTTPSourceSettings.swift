import JutsuHTTP
import JutsuPipeline

/// The HTTP side of an HTTP source's options: where, how fast, how patient.
struct HTTPSourceSettings: Sendable {
    /// Without a trailing `/`; request paths start with one.
    var baseURL: String
    /// nil: no limit (`rate_limit: 0`).
    var rateLimit: RateLimit?
    var retry: RetryPolicy
    var totalTimeout: Double

    init(_ source: SourceSpec) throws {
        func option(_ name: String) -> String? { source.options[name]?.value }
        guard let base = option("base_url") ?? SourceRegistry.info(for: source.kind).option("base_url")?.defaultValue else {
            throw PipelineRunError.input("source.base_url is missing")
        }
        baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        let perMinute = option("rate_limit").flatMap(Int.init)
            ?? SourceRegistry.info(for: source.kind).option("rate_limit")?.defaultValue.flatMap(Int.init) ?? 0
        rateLimit = perMinute > 0 ? RateLimit(requests: Double(perMinute)) : nil
        retry = RetryPolicy(maxRetries: option("max_retries").flatMap(Int.init) ?? 5,
                            baseDelay: Double(option("retry_base_ms").flatMap(Int.init) ?? 1000) / 1000)
        totalTimeout = Double(option("timeout").flatMap(Int.init) ?? 120)
    }

    /// The client of one run: this source's limit under its data source name.
    func configuration(source: String) -> HTTPClientConfiguration {
        HTTPClientConfiguration(totalTimeout: totalTimeout, retry: retry,
                                rateLimits: rateLimit.map { [source: $0] } ?? [:], maxIdleHandles: 16)
    }
}
