import Foundation
import JutsuCore
import Yams

/// `pipelines/freshness.yaml`: what each freshness tier means, how long each data source takes
/// to publish a bar, and per-series overrides (tier, calendar). Every key is optional.
///
/// ```yaml
/// tiers:
///   critical: {stale_after: 15m, rto: 1h}
///   standard: {stale_after: 1h, rto: 4h}
///   low: {stale_after: 1d, rto: 2d}
/// publication_delay:          # per data_source
///   yahoo: 15m
/// series:
///   - symbols: [BTC.USD, ETH.USD]
///     calendar: 24x7
///   - symbols: [SPY]
///     tier: critical
/// ```
public struct FreshnessConfig: Sendable, Equatable {
    public struct Tier: Sendable, Equatable {
        /// Lag (missing bars × bar length) beyond which a series is stale.
        public var staleAfterSeconds: Int64
        /// Longest acceptable stale episode.
        public var rtoSeconds: Int64

        public init(staleAfterSeconds: Int64, rtoSeconds: Int64) {
            self.staleAfterSeconds = staleAfterSeconds
            self.rtoSeconds = rtoSeconds
        }
    }

    public struct SeriesRule: Sendable, Equatable {
        public var symbols: [Symbol]
        public var tier: FreshnessTier?
        public var calendar: String?
    }

    public var tiers: [FreshnessTier: Tier]
    public var publicationDelay: [String: Int64]
    public var series: [SeriesRule]

    /// The defaults of the freshness issue: critical 15 min, standard 1 h, low 1 day; RTO four
    /// times that.
    public static let defaultTiers: [FreshnessTier: Tier] = [
        .critical: Tier(staleAfterSeconds: 900, rtoSeconds: 3_600),
        .standard: Tier(staleAfterSeconds: 3_600, rtoSeconds: 14_400),
        .low: Tier(staleAfterSeconds: 86_400, rtoSeconds: 345_600),
    ]

    public init(tiers: [FreshnessTier: Tier] = FreshnessConfig.defaultTiers, publicationDelay: [String: Int64] = [:],
                series: [SeriesRule] = []) {
        self.tiers = tiers
        self.publicationDelay = publicationDelay
        self.series = series
    }

    public func tier(_ t: FreshnessTier) -> Tier { tiers[t] ?? Self.defaultTiers[t]! }

    /// The last rule naming the symbol that sets the field wins.
    public func override(for symbol: Symbol) -> (tier: FreshnessTier?, calendar: String?) {
        var tier: FreshnessTier?, calendar: String?
        for rule in series where rule.symbols.contains(symbol) {
            tier = rule.tier ?? tier
            calendar = rule.calendar ?? calendar
        }
        return (tier, calendar)
    }

    /// Reads the file; a missing file is the defaults.
    public static func load(path: String, knownCalendars: [String]) -> Result<FreshnessConfig, PipelineDiagnostics> {
        guard FileManager.default.fileExists(atPath: path) else { return .success(FreshnessConfig()) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failure(PipelineDiagnostics([PipelineDiagnostic(file: path, line: 1, column: 1, message: "cannot read file")]))
        }
        return load(yaml: text, file: path, knownCalendars: knownCalendars)
    }

    public static func load(yaml: String, file: String, knownCalendars: [String]) -> Result<FreshnessConfig, PipelineDiagnostics> {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch {
            return .failure(PipelineDiagnostics([PipelineDiagnostic(file: file, line: 1, column: 1, message: "YAML syntax error: \(error)")]))
        }
        var config = FreshnessConfig()
        guard let root else { return .success(config) }
        var reader = NodeReader(file: file, environment: [:])
        let top = reader.mapping(root, path: "", allowed: ["tiers", "publication_delay", "series"]) ?? [:]
        if let tiers = top["tiers"] {
            let entries = reader.mapping(tiers.value, path: "tiers", allowed: FreshnessTier.allCases.map(\.rawValue)) ?? [:]
            for (name, entry) in entries {
                guard let tier = FreshnessTier(rawValue: name) else { continue }
                let fields = reader.mapping(entry.value, path: "tiers.\(name)", allowed: ["stale_after", "rto"]) ?? [:]
                var value = config.tier(tier)
                if let e = fields["stale_after"], let s = reader.value(e.value, path: "tiers.\(name).stale_after",
                                                                      expected: "a duration like 15m, 1h, 1d", ValueSyntax.durationOrSeconds) {
                    value.staleAfterSeconds = s
                }
                if let e = fields["rto"], let s = reader.value(e.value, path: "tiers.\(name).rto",
                                                              expected: "a duration like 1h, 4h, 2d", ValueSyntax.durationOrSeconds) {
                    value.rtoSeconds = s
                }
                config.tiers[tier] = value
            }
        }
        if let delays = top["publication_delay"] {
            if case .mapping(let mapping) = delays.value {
                for (key, value) in mapping {
                    guard let name = key.scalar?.string, ValueSyntax.isDataSourceName(name) else {
                        reader.report(key.mark, "`publication_delay` keys must be data source names, got \(NodeReader.describe(key))")
                        continue
                    }
                    if let s = reader.value(value, path: "publication_delay.\(name)", expected: "a duration like 15m",
                                            ValueSyntax.durationOrSeconds) {
                        config.publicationDelay[name] = s
                    }
                }
            } else {
                reader.report(delays.value.mark, "`publication_delay` must be a mapping of data source to duration")
            }
        }
        if let series = top["series"] {
            if case .sequence(let items) = series.value {
                for (i, item) in items.enumerated() {
                    let path = "series[\(i)]"
                    let fields = reader.mapping(item, path: path, allowed: ["symbols", "tier", "calendar"], required: ["symbols"]) ?? [:]
                    var rule = SeriesRule(symbols: [], tier: nil, calendar: nil)
                    if let e = fields["symbols"], let list = reader.list(e.value, path: "\(path).symbols", expected: "a list of symbols") {
                        for (node, s) in list {
                            do { rule.symbols.append(try Symbol(canonicalizing: s.value)) } catch {
                                reader.report(node.mark, "`\(path).symbols`: `\(s.shown)` is not a symbol")
                            }
                        }
                    }
                    if let e = fields["tier"] {
                        rule.tier = reader.value(e.value, path: "\(path).tier", expected: "critical, standard or low") {
                            FreshnessTier(rawValue: $0)
                        }
                    }
                    if let e = fields["calendar"] {
                        rule.calendar = reader.value(e.value, path: "\(path).calendar",
                                                     expected: "one of \(knownCalendars.joined(separator: ", "))") {
                            knownCalendars.contains($0) ? $0 : nil
                        }
                    }
                    config.series.append(rule)
                }
            } else {
                reader.report(series.value.mark, "`series` must be a list")
            }
        }
        if !reader.diagnostics.isEmpty { return .failure(PipelineDiagnostics(reader.diagnostics)) }
        return .success(config)
    }
}
