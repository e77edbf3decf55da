import JutsuCSV
import JutsuCore
import JutsuStore

/// The validate step: turns a parsed batch into a `LoadBatch`, applying the domain rules and
/// resolving duplicate keys (the row that comes last in the input wins).
struct BatchAssembler {
    var validator: BarValidator
    let dataSource: DataSourceName
    /// Rules set to `warn`: checked after `validator`; a failing row is stored and counted.
    var warnValidator: BarValidator?
    /// The normalize step, before validation: vendor symbol -> stored symbol, price factor.
    var symbolMap: [Symbol: Symbol] = [:]
    var priceScale: Price?
    /// Rows stored although a `warn` rule flagged them, since the last `takeWarnings()`.
    private(set) var warnings: Int64 = 0
    private var seen = SeenKeys()

    init(validator: BarValidator, dataSource: DataSourceName) {
        self.validator = validator
        self.dataSource = dataSource
    }

    init(options: ImportOptions) {
        var validator = BarValidator(now: options.now)
        validator.enabled = options.errorRules
        validator.calendar = options.csv.calendar
        self.init(validator: validator, dataSource: options.dataSource)
        if !options.warnRules.isEmpty {
            var warn = BarValidator(now: options.now)
            warn.enabled = options.warnRules
            warn.calendar = options.csv.calendar
            warnValidator = warn
        }
        symbolMap = options.symbolMap
        priceScale = options.priceScale
    }

    mutating func takeWarnings() -> Int64 {
        defer { warnings = 0 }
        return warnings
    }

    /// Applies `symbol_map` and `price_scale`; a price that overflows is the row's reject.
    struct NormalizeFailure: Error {
        var reason: RejectReason
        var message: String
    }

    func normalized(_ bar: Bar) -> Result<Bar, NormalizeFailure> {
        var bar = bar
        if let mapped = symbolMap[bar.symbol] { bar.symbol = mapped }
        if let factor = priceScale {
            for (name, path) in [("open", \Bar.open), ("high", \Bar.high), ("low", \Bar.low), ("close", \Bar.close)] as [(String, WritableKeyPath<Bar, Price>)] {
                guard let scaled = bar[keyPath: path].scaled(by: factor) else {
                    return .failure(NormalizeFailure(
                        reason: .priceScaleOverflow,
                        message: "field '\(name)' value '\(bar[keyPath: path])': too large after price_scale \(factor)"))
                }
                bar[keyPath: path] = scaled
            }
        }
        return .success(bar)
    }

    struct Key: Hashable {
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
                location: SourceLocation(file: origin, line: reject.line).description, symbol: fileSymbol?.value, timeframe: fileTimeframe,
                rawText: reject.rawText, reason: reject.reason, message: reject.message))
        }

        // Valid rows go straight into the batch (no intermediate copy: memory per row counts).
        batch.bars.reserveCapacity(parsed.bars.count)
        batch.lines.reserveCapacity(parsed.bars.count)
        let normalizing = !symbolMap.isEmpty || priceScale != nil
        for sourced in parsed.bars {
            var bar = sourced.bar
            if normalizing {
                switch normalized(bar) {
                case .success(let b): bar = b
                case .failure(let failure):
                    batch.rejects.append(.bar(bar, at: origin, line: sourced.line, reason: failure.reason,
                                              message: failure.message))
                    continue
                }
            }
            if let failure = validator.check(bar) {
                batch.rejects.append(.bar(bar, at: origin, line: sourced.line, reason: failure.reason,
                                          message: failure.message))
                continue
            }
            if let warnValidator, warnValidator.check(bar) != nil { warnings += 1 }
            batch.bars.append(bar)
            batch.lines.append(sourced.line)
        }
        // Files are sorted per series (either way) almost always: then no key can repeat within
        // the chunk and the hash table is not needed.
        if !Self.isStrictlyOrderedPerSeries(batch.bars) {
            var alive = [Bool](repeating: true, count: batch.bars.count)
            var latest: [Key: Int] = [:]
            latest.reserveCapacity(batch.bars.count)
            for (i, bar) in batch.bars.enumerated() {
                let key = Key(series: SeriesKey(bar), ts: bar.ts)
                if let earlier = latest.updateValue(i, forKey: key) {
                    alive[earlier] = false
                    batch.rejects.append(.duplicate(batch.bars[earlier], at: origin, line: batch.lines[earlier],
                                                    winnerLine: batch.lines[i]))
                }
            }
            var kept = 0
            for i in batch.bars.indices where alive[i] {
                batch.bars[kept] = batch.bars[i]
                batch.lines[kept] = batch.lines[i]
                kept += 1
            }
            batch.bars.removeLast(batch.bars.count - kept)
            batch.lines.removeLast(batch.lines.count - kept)
        }
        batch.supersedes = batch.bars.map { seen.insert(SeriesKey($0), $0.ts) }
        return batch
    }

    /// Joins a chunk to the transaction being gathered. A key of the chunk that repeats a key
    /// still pending (not yet in the database) supersedes it here: the pending row becomes the
    /// `duplicate` reject and the chunk's row an ordinary one.
    static func merge(_ chunk: LoadBatch, into pending: inout LoadBatch) {
        var chunk = chunk
        // Only rows of the same file can be superseded here (a batch may hold several files).
        if chunk.supersedes.contains(true), let sameFile = pending.origins.lastIndex(of: chunk.origin) {
            var index: [Key: Int] = [:]
            index.reserveCapacity(pending.bars.count)
            for (i, bar) in pending.bars.enumerated() where pending.originIndex(ofRow: i) == sameFile {
                index[Key(series: SeriesKey(bar), ts: bar.ts)] = i
            }
            var dead = [Bool](repeating: false, count: pending.bars.count)
            for i in chunk.bars.indices where chunk.supersedes[i] {
                let bar = chunk.bars[i]
                guard let j = index[Key(series: SeriesKey(bar), ts: bar.ts)], !dead[j] else { continue }
                dead[j] = true
                chunk.supersedes[i] = pending.supersedes[j]
                pending.rejects.append(.duplicate(pending.bars[j], at: pending.origin(ofRow: j), line: pending.lines[j],
                                                  winnerLine: chunk.lines[i]))
            }
            if dead.contains(true) { pending.keepRows(dead.map { !$0 }) }
        }
        pending.append(contentsOf: chunk)
    }

    /// True when each series' rows form one run whose timestamps strictly rise or strictly fall,
    /// so no key can occur twice.
    static func isStrictlyOrderedPerSeries(_ rows: [Bar]) -> Bool {
        var finished: Set<SeriesKey> = []
        var i = 0
        while i < rows.count {
            let series = SeriesKey(rows[i])
            guard finished.insert(series).inserted else { return false }
            var j = i + 1
            var direction = 0
            while j < rows.count, rows[j].symbol == series.symbol, rows[j].timeframe == series.timeframe {
                let step = rows[j].ts - rows[j - 1].ts
                let sign = step > 0 ? 1 : (step < 0 ? -1 : 0)
                if sign == 0 || (direction != 0 && sign != direction) { return false }
                direction = sign
                j += 1
            }
            i = j
        }
        return true
    }
}
