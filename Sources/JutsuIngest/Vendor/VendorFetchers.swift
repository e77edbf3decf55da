import Foundation
import JutsuAuth
import JutsuHTTP
import JutsuPipeline

/// The fetcher of an HTTP source kind, from the pipeline's `source` options.
enum VendorFetchers {
    /// `baseDirectory`: the pipeline file's directory, which relative paths (`token_file`) are
    /// relative to.
    static func make(_ source: SourceSpec, client: HTTPClient, baseDirectory: String) throws -> any SeriesFetcher {
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
            let appKey = source.options["app_key"]?.value ?? "", appSecret = source.options["app_secret"]?.value ?? ""
            guard !appKey.isEmpty, !appSecret.isEmpty else {
                throw PipelineRunError.input("source.app_key or source.app_secret is empty: set the variables they name")
            }
            let tokenFile = resolve(source.options["token_file"]?.value ?? ".jutsu/schwab-token.json", against: baseDirectory)
            let provider = SchwabTokenProvider(
                tokenFile: tokenFile, appKey: appKey, appSecret: appSecret,
                tokenURL: source.options["token_url"]?.value ?? SchwabOAuth.defaultTokenURL, client: client)
            return SchwabFetcher(client: client, settings: settings, source: source.name, tokens: SchwabTokens(
                accessToken: { try await provider.accessToken() }, invalidate: { provider.invalidate($0) },
                secrets: { provider.secrets }))
        case .csv, .polygonFlatfiles, .legacySqlite:
            throw PipelineRunError.input("source kind '\(source.kind.rawValue)' is not fetched over HTTP")
        }
    }
}

func resolve(_ path: String, against directory: String) -> String {
    path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
}
