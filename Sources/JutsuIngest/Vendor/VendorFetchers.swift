import JutsuHTTP
import JutsuPipeline

/// The fetcher of an HTTP source kind, from the pipeline's `source` options.
enum VendorFetchers {
    static func make(_ source: SourceSpec, client: HTTPClient) throws -> any SeriesFetcher {
        let settings = try HTTPSourceSettings(source)
        switch source.kind {
        case .yahoo:
            return YahooFetcher(client: client, settings: settings, source: source.name)
        case .polygon:
            guard let key = source.options["api_key"]?.value, !key.isEmpty else {
                throw PipelineRunError.input("source.api_key is empty: set the variable it names (\(source.options["api_key"]?.written ?? "api_key"))")
            }
            return PolygonFetcher(client: client, settings: settings, source: source.name, apiKey: key,
                                  adjusted: source.options["adjusted"]?.value != "false")
        case .schwab:
            throw PipelineRunError.unsupportedSource("schwab")
        case .csv, .polygonFlatfiles, .legacySqlite:
            throw PipelineRunError.input("source kind '\(source.kind.rawValue)' is not fetched over HTTP")
        }
    }
}
