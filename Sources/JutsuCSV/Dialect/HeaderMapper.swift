/// Maps header names to column roles. Names are compared case-insensitively after trimming and
/// dropping spaces, `_`, `-` and MetaStock-style `<` `>`: `Adj Close`, `adj_close` and
/// `adjclose` are one name, as are `Stock Splits` and `stocksplits`.
enum HeaderMapper {
    enum Role: CaseIterable {
        case date, time, open, high, low, close, adjustedClose, volume, symbol, dividend, split
    }

    /// Accepted names per role, best first (a column with an earlier name wins the role).
    static let names: [Role: [String]] = [
        .date: ["date", "datetime", "timestamp", "timestamputc", "gmttime", "localtime", "day", "windowstart", "time"],
        .open: ["open", "o", "otwarcie"],
        .high: ["high", "h", "najwyzszy"],
        .low: ["low", "l", "najnizszy"],
        .close: ["close", "c", "price", "last", "zamkniecie"],
        .adjustedClose: ["adjclose"],
        .volume: ["volume", "vol", "vol.", "v", "volumefrom", "wolumen", "sharestraded"],
        .symbol: ["symbol", "ticker", "sym"],
        .dividend: ["dividend", "dividends"],
        .split: ["split", "splits", "stocksplits", "splitratio"],
    ]

    /// The spellings listed in messages.
    static let dateSpellings =
        "Date, Datetime, Timestamp, Timestamp_utc, Gmt time, Local time, Day, Time, Date_time, Window_start"

    /// What a date column's name says about the zone of its naive times.
    enum ZoneHint: Equatable {
        /// `Gmt time`, `timestamp_utc`: UTC unless `--timezone` says otherwise.
        case utc
        /// `Local time` (Dukascopy's other export): some local zone the file does not name, so
        /// intraday bars need `--timezone`.
        case unnamedLocal
    }

    static func zoneHint(normalizedDateName name: String) -> ZoneHint? {
        switch name {
        case "gmttime", "timestamputc": .utc
        case "localtime": .unnamedLocal
        default: nil
        }
    }

    static func normalize(_ name: String) -> String {
        String(
            String.UnicodeScalarView(
                name.lowercased().unicodeScalars.filter { !" \t_-<>".unicodeScalars.contains($0) }))
    }

    /// True when `fields` look like a header: a date-column name, or two OHLCV names.
    static func looksLikeHeader(_ fields: [String]) -> Bool {
        let normalized = fields.map(normalize)
        if normalized.contains(where: { names[.date]!.contains($0) }) { return true }
        let ohlcv = Set(["open", "high", "low", "close", "volume", "adjclose"])
        return normalized.filter { ohlcv.contains($0) }.count >= 2
    }

    /// Outcome of mapping a header.
    struct Result {
        var mapping: ColumnMapping
        var ignored: [String]
        var ignoredByDesign: [String]
        /// What the date column's name says about its zone.
        var zoneHint: ZoneHint? = nil
    }

    /// Columns of a crypto export that give the volume in one asset (`Volume BTC`, `volume_usd`,
    /// CryptoCompare's `volumefrom`): (index, asset code upper-cased; `FROM` for volumefrom).
    static func assetVolumes(_ header: [String]) -> [(index: Int, asset: String)] {
        header.enumerated().compactMap { i, name in
            let n = normalize(name)
            guard n.hasPrefix("volume"), n != "volume" else { return nil }
            let asset = n.dropFirst("volume".count)
            guard (2...5).contains(asset.count), asset.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
            return (i, asset.uppercased())
        }
    }

    /// Maps `header`; a message naming what is missing if a required role has no column.
    static func map(_ header: [String]) -> Swift.Result<Result, MappingFailure> {
        let trimmed = header.map { $0.trimmingSpaces }
        let normalized = trimmed.map(normalize)
        var taken = Set<Int>()
        func pick(_ role: Role) -> Int? {
            for name in names[role]! {
                if let i = normalized.indices.first(where: { normalized[$0] == name && !taken.contains($0) }) {
                    taken.insert(i)
                    return i
                }
            }
            return nil
        }
        // `time` is the date column only when nothing better names one; with a `date` column,
        // a `time` column holds the time of day.
        guard let date = pick(.date) else { return .failure(.noDateColumn) }
        let time = normalized.indices.first { normalized[$0] == "time" && !taken.contains($0) }
        if let time { taken.insert(time) }
        guard let open = pick(.open) else { return .failure(.missing("open")) }
        guard let high = pick(.high) else { return .failure(.missing("high")) }
        guard let low = pick(.low) else { return .failure(.missing("low")) }
        guard let close = pick(.close) else { return .failure(.missing("close")) }
        let adjusted = pick(.adjustedClose)
        let mapping = ColumnMapping(
            date: date, time: time, open: open, high: high, low: low, close: close,
            volume: pick(.volume), symbol: pick(.symbol), dividend: pick(.dividend), split: pick(.split),
            adjustedClose: adjusted, names: trimmed)
        let ignored = trimmed.indices.filter { !taken.contains($0) }.map { trimmed[$0] }
        return .success(
            Result(
                mapping: mapping, ignored: ignored, ignoredByDesign: adjusted.map { [trimmed[$0]] } ?? [],
                zoneHint: zoneHint(normalizedDateName: normalized[date])))
    }

    enum MappingFailure: Error, Equatable {
        case noDateColumn
        case missing(String)
    }
}
