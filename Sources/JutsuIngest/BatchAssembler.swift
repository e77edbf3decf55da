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

        // Valid rows; the position of each key's latest row decides duplicates.
        var kept: [SourcedBar] = []
        kept.reserveCapacity(parsed.bars.count)
        for sourced in parsed.bars {
            if let failure = validator.check(sourced.bar) {
                let bar = sourced.bar
                batch.rejects.append(RejectRecord(
                    location: "\(origin):\(sourced.line)", symbol: bar.symbol.value, timeframe: bar.timeframe,
                    rawText: Self.text(of: bar), reason: failure.reason, message: failure.message))
                continue
            }
            kept.append(sourced)
        }
        var alive = [Bool](repeating: true, count: kept.count)
        // Files are sorted per series (either way) almost always: then no key can repeat within
        // the batch and the hash table is not needed.
        if !Self.isStrictlyOrderedPerSeries(kept) {
            var latest: [Key: Int] = [:]
            latest.reserveCapacity(kept.count)
            for (i, sourced) in kept.enumerated() {
                let key = Key(series: SeriesKey(sourced.bar), ts: sourced.bar.ts)
                if let earlier = latest.updateValue(i, forKey: key) {
                    alive[earlier] = false
                    let loser = kept[earlier]
                    batch.rejects.append(RejectRecord(
                        location: "\(origin):\(loser.line)", symbol: key.series.symbol.value, timeframe: key.series.timeframe,
                        rawText: Self.text(of: loser.bar), reason: .duplicate,
                        message: "duplicate key \(key.series) \(UnixTime.iso8601(key.ts)): superseded by line \(sourced.line)"))
                }
            }
        }
        batch.bars.reserveCapacity(kept.count)
        batch.lines.reserveCapacity(kept.count)
        batch.supersedes.reserveCapacity(kept.count)
        for (i, sourced) in kept.enumerated() where alive[i] {
            let again = seen.insert(SeriesKey(sourced.bar), sourced.bar.ts)
            batch.append(sourced.bar, line: sourced.line, supersedes: again)
        }
        return batch
    }

    /// True when each series' rows form one run whose timestamps strictly rise or strictly fall,
    /// so no key can occur twice.
    static func isStrictlyOrderedPerSeries(_ rows: [SourcedBar]) -> Bool {
        var finished: Set<SeriesKey> = []
        var i = 0
        while i < rows.count {
            let series = SeriesKey(rows[i].bar)
            guard finished.insert(series).inserted else { return false }
            var j = i + 1
            var direction = 0
            while j < rows.count, rows[j].bar.symbol == series.symbol, rows[j].bar.timeframe == series.timeframe {
                let step = rows[j].bar.ts - rows[j - 1].bar.ts
                let sign = step > 0 ? 1 : (step < 0 ? -1 : 0)
                if sign == 0 || (direction != 0 && sign != direction) { return false }
                direction = sign
                j += 1
            }
            i = j
        }
        return true
    }

    /// A bar as text, for reject records of rows that parsed but broke a rule.
    static func text(of bar: Bar) -> String {
        "\(bar.symbol.value),\(bar.timeframe.rawValue),\(UnixTime.iso8601(bar.ts)),\(bar.open),\(bar.high),\(bar.low),\(bar.close),\(bar.volume)"
    }
}
