import JutsuCore
import JutsuStore

/// Small builders for store tests.
enum Bars {
    static func price(_ text: String) -> Price {
        guard case .success(let p) = Price.parse(text) else { fatalError("bad test price \(text)") }
        return p
    }

    static func day(_ y: Int, _ m: Int, _ d: Int) -> Int64 {
        CivilDate(year: y, month: m, day: d)!.daysSinceEpoch * 86_400
    }

    static func bar(_ symbol: String, _ ts: Int64, _ close: String = "10", timeframe: Timeframe = .d1,
                    volume: Int64 = 100) -> Bar {
        let c = price(close)
        return Bar(symbol: try! Symbol(canonicalizing: symbol), timeframe: timeframe, ts: ts,
                   open: c, high: Price(micros: c.micros + 1_000_000), low: Price(micros: c.micros - 500_000),
                   close: c, volume: volume)
    }

    static func batch(_ bars: [Bar], source: String = "csv", supersedes: Set<Int> = []) -> LoadBatch {
        var batch = LoadBatch(origin: "test.csv", dataSource: DataSourceName(source)!)
        for (i, bar) in bars.enumerated() { batch.append(bar, line: Int64(i + 2), supersedes: supersedes.contains(i)) }
        return batch
    }

    /// Weekdays from a date on, `count` of them.
    static func weekdays(from start: Int64, count: Int) -> [Int64] {
        var out: [Int64] = []
        var ts = start
        while out.count < count {
            let wd = CivilDate(daysSinceEpoch: ts / 86_400).weekday
            if wd != 0 && wd != 6 { out.append(ts) }
            ts += 86_400
        }
        return out
    }
}
