import JutsuCSV
import JutsuCore
import JutsuStore

/// The validate step: turns a parsed batch into a `LoadBatch`, applying the domain rules and
/// resolving duplicate keys (the row that comes last in the input wins).
struct BatchAssembler {
    var validator: BarValidator
    let dataSource: DataSourceName
    private var seen = SeenKeys()

    init(validator: BarValidator, dataSource: DataSourceName) {
        self.validator = validator
        self.dataSource = dataSource
    }

    private struct Key: Hashable {
        var series: SeriesKey
        var ts: Int64
    }

    /// Duplicates are resolved within one input file: a key repeated in another file of the same
    /// run is an ordinary later load of that key (updated or unchanged).
    mutating func startFile() { seen = SeenKeys() }

    /// `fileSymbol` / `fileTimeframe` attribute parse-level rejects to a series when the whole
    /// file has one.
    mutating func assemble(_ parsed: ParsedBatch, origin: String, fileSymbol: Symbol?,
                           fileTimeframe: Timeframe?) -> LoadBatch {
        var batch = LoadBatch(origin: origin, dataSource: dataSource)
        batch.corporateActions = parsed.corporateActions
        batch.rejects.reserveCapacity(parsed.rejects.count)
        for reject in parsed.rejects {
            batch.rejects.append(RejectRecord(
                location: "\(origin):\(reject.line)", symbol: fileSymbol?.value, timeframe: fileTimeframe,
                rawText: reject.rawText, reason: reject.reason, message: reject.message))
        }

        // Valid rows, with the position of each key's latest row.
        var kept: [SourcedBar] = []
        kept.reserveCapacity(parsed.bars.count)
        var alive: [Bool] = []
        alive.reserveCapacity(parsed.bars.count)
        var latest: [Key: Int] = [:]
        latest.reserveCapacity(parsed.bars.count)
        for sourced in parsed.bars {
            let bar = sourced.bar
            if let failure = validator.check(bar) {
                batch.rejects.append(RejectRecord(
                    location: "\(origin):\(sourced.line)", symbol: bar.symbol.value, timeframe: bar.timeframe,
                    rawText: Self.text(of: bar), reason: failure.reason, message: failure.message))
                continue
            }
            let key = Key(series: SeriesKey(bar), ts: bar.ts)
            if let earlier = latest.updateValue(kept.count, forKey: key) {
                alive[earlier] = false
                let loser = kept[earlier]
                batch.rejects.append(RejectRecord(
                    location: "\(origin):\(loser.line)", symbol: bar.symbol.value, timeframe: bar.timeframe,
                    rawText: Self.text(of: loser.bar), reason: .duplicate,
                    message: "duplicate key \(key.series) \(UnixTime.iso8601(bar.ts)): superseded by line \(sourced.line)"))
            }
            kept.append(sourced)
            alive.append(true)
        }
        batch.bars.reserveCapacity(latest.count)
        batch.lines.reserveCapacity(latest.count)
        batch.supersedes.reserveCapacity(latest.count)
        for (i, sourced) in kept.enumerated() where alive[i] {
            let series = SeriesKey(sourced.bar)
            let again = seen.contains(series, sourced.bar.ts)
            if !again { seen.insert(series, sourced.bar.ts) }
            batch.append(sourced.bar, line: sourced.line, supersedes: again)
        }
        return batch
    }

    /// A bar as text, for reject records of rows that parsed but broke a rule.
    static func text(of bar: Bar) -> String {
        "\(bar.symbol.value),\(bar.timeframe.rawValue),\(UnixTime.iso8601(bar.ts)),\(bar.open),\(bar.high),\(bar.low),\(bar.close),\(bar.volume)"
    }
}
