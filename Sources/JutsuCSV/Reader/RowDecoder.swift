import JutsuCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns one tokenized record into a bar (plus any split or dividend on it) or a rejected row.
///
/// Parse-level checks only: field count, timestamp, symbol, numbers. Domain rules (high below
/// low, non-positive prices) and duplicates are the validator's business, later.
struct RowDecoder {
    let mapping: ColumnMapping
    let format: DateFormat
    var keyer: TimestampKeyer
    let fixedSymbol: Symbol?

    /// The last symbol read from a symbol column, by its bytes: files list one symbol for many
    /// rows, so canonicalizing (and allocating) once per change is enough.
    private var cachedSymbolBytes: [UInt8] = []
    private var cachedSymbol: Symbol?

    init(mapping: ColumnMapping, format: DateFormat, keyer: TimestampKeyer, fixedSymbol: Symbol?) {
        self.mapping = mapping
        self.format = format
        self.keyer = keyer
        self.fixedSymbol = fixedSymbol
        cachedSymbolBytes.reserveCapacity(32)
    }

    struct Failure: Error {
        var reason: RejectReason
        var message: String
    }

    /// Appends the record's bar (and actions) or its rejection to `batch`.
    mutating func decode(_ t: borrowing RecordTokenizer, into batch: inout ParsedBatch) {
        if let failure = decodeRow(t, into: &batch) {
            batch.rejects.append(
                RejectedRow(
                    line: t.recordLine, rawText: Text.lossy(t.rawRecord, limit: 1000), reason: failure.reason,
                    message: failure.message))
        }
    }

    private mutating func decodeRow(_ t: borrowing RecordTokenizer, into batch: inout ParsedBatch) -> Failure? {
        guard t.fieldCount == mapping.fieldCount else {
            return Failure(reason: .raggedRow, message: "expected \(mapping.fieldCount) fields, found \(t.fieldCount)")
        }

        // Timestamp.
        let dateField = t.field(mapping.date)
        guard var written = TimestampParser.parse(dateField, as: format) else {
            if isBlank(dateField) { return Failure(reason: .missingField, message: "field '\(mapping.name(mapping.date))' is empty") }
            return Failure(
                reason: .badTimestamp,
                message: "field '\(mapping.name(mapping.date))' value '\(Text.lossy(dateField, limit: 100))': "
                    + "not a valid \(format.rawValue) timestamp" + Self.otherOrderHint(dateField, format: format))
        }
        if let timeIndex = mapping.time, case .date(let days) = written {
            let timeField = t.field(timeIndex)
            guard let second = TimestampParser.timeOfDay(timeField) else {
                if isBlank(timeField) { return Failure(reason: .missingField, message: "field '\(mapping.name(timeIndex))' is empty") }
                return Failure(
                    reason: .badTimestamp,
                    message: "field '\(mapping.name(timeIndex))' value '\(Text.lossy(timeField, limit: 100))': not a time of day")
            }
            written = .local(days: days, second: second)
        }
        let ts = keyer.key(written)

        // Symbol.
        let symbol: Symbol
        if let index = mapping.symbol {
            switch symbolFromColumn(t.field(index), index: index) {
            case .success(let s): symbol = s
            case .failure(let failure): return failure
            }
        } else {
            symbol = fixedSymbol!
        }

        // Prices and volume.
        let open: Price
        let high: Price
        let low: Price
        let close: Price
        switch Price.parseExact(t.field(mapping.open)) {
        case .success(let p): open = p
        case .failure(let f): return numberFailure(f, t, mapping.open)
        }
        switch Price.parseExact(t.field(mapping.high)) {
        case .success(let p): high = p
        case .failure(let f): return numberFailure(f, t, mapping.high)
        }
        switch Price.parseExact(t.field(mapping.low)) {
        case .success(let p): low = p
        case .failure(let f): return numberFailure(f, t, mapping.low)
        }
        switch Price.parseExact(t.field(mapping.close)) {
        case .success(let p): close = p
        case .failure(let f): return numberFailure(f, t, mapping.close)
        }
        var volume: Int64 = 0
        var rounded = false
        if let index = mapping.volume {
            switch Volume.parseVendor(t.field(index)) {
            case .success(let v): (volume, rounded) = (v.value, v.rounded)
            case .failure(let f): return numberFailure(f, t, index)
            }
        }

        // Corporate actions on the row: read both before emitting anything.
        var dividend: Price?
        var split: Price?
        if let index = mapping.dividend {
            switch Price.parse(t.field(index)) {
            case .success(let p): if p.micros != 0 { dividend = p }
            case .failure(.empty), .failure(.null): break
            case .failure(let f): return numberFailure(f, t, index)
            }
        }
        if let index = mapping.split {
            switch Self.splitRatio(t.field(index)) {
            case .success(let p): if p.micros != 0 && p.micros != Price.scale { split = p }
            case .failure(.empty), .failure(.null): break
            case .failure(let f): return numberFailure(f, t, index)
            }
        }

        if rounded { batch.roundedVolumes += 1 }
        batch.bars.append(
            SourcedBar(
                bar: Bar(
                    symbol: symbol, timeframe: keyer.timeframe, ts: ts, open: open, high: high, low: low,
                    close: close, volume: volume),
                line: t.recordLine))
        if dividend != nil || split != nil {
            let exDate = CivilDate(daysSinceEpoch: keyer.sessionDays(written))
            if let dividend {
                batch.corporateActions.append(CorporateAction(symbol: symbol, exDate: exDate, kind: .dividend, value: dividend))
            }
            if let split {
                batch.corporateActions.append(CorporateAction(symbol: symbol, exDate: exDate, kind: .split, value: split))
            }
        }
        return nil
    }

    private mutating func symbolFromColumn(_ field: UnsafeRawBufferPointer, index: Int) -> Result<Symbol, Failure> {
        if let cached = cachedSymbol, cachedSymbolBytes.count == field.count,
            field.count == 0
                || cachedSymbolBytes.withUnsafeBytes({ memcmp($0.baseAddress!, field.baseAddress!, field.count) == 0 })
        {
            return .success(cached)
        }
        if isBlank(field) {
            return .failure(Failure(reason: .missingField, message: "field '\(mapping.name(index))' is empty"))
        }
        do {
            let symbol = try Symbol(canonicalizing: field)
            cachedSymbolBytes.removeAll(keepingCapacity: true)
            cachedSymbolBytes.append(contentsOf: field)
            cachedSymbol = symbol
            return .success(symbol)
        } catch {
            let value = Text.lossy(field, limit: 100)
            if !Text.isValidUTF8(field) {
                return .failure(
                    Failure(reason: .invalidEncoding, message: "field '\(mapping.name(index))' value '\(value)': not valid UTF-8"))
            }
            return .failure(
                Failure(reason: .badSymbol, message: "field '\(mapping.name(index))' value '\(value)': \(error.message)"))
        }
    }

    private func numberFailure(_ failure: NumberParseFailure, _ t: borrowing RecordTokenizer, _ index: Int) -> Failure {
        let name = mapping.name(index)
        if failure == .empty { return Failure(reason: .missingField, message: "field '\(name)' is empty") }
        return Failure(
            reason: RejectReason.forNumber(failure),
            message: "field '\(name)' value '\(Text.lossy(t.field(index), limit: 100))': \(failure)")
    }

    private func isBlank(_ field: UnsafeRawBufferPointer) -> Bool {
        field.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// A split value: a number (`7.0`: new shares per old share) or a ratio `a:b` / `a/b`
    /// (`7:1`, `1/10`), rounded half-even to six decimals.
    static func splitRatio(_ field: UnsafeRawBufferPointer) -> Result<Price, NumberParseFailure> {
        guard let sep = field.firstIndex(where: { $0 == 0x3A || $0 == 0x2F }) else { return Price.parse(field) }
        let numerator: Price
        let denominator: Price
        switch Price.parse(UnsafeRawBufferPointer(rebasing: field[0..<sep])) {
        case .success(let p): numerator = p
        case .failure: return .failure(.invalid)
        }
        switch Price.parse(UnsafeRawBufferPointer(rebasing: field[(sep + 1)...])) {
        case .success(let p): denominator = p
        case .failure: return .failure(.invalid)
        }
        guard denominator.micros != 0 else { return .failure(.invalid) }
        let a = numerator.micros.magnitude
        let b = denominator.micros.magnitude
        let wide = a.multipliedFullWidth(by: UInt64(Price.scale))
        guard wide.high < b else { return .failure(.outOfRange) }
        var (q, r) = b.dividingFullWidth(wide)
        if r > b - r || (r == b - r && q & 1 == 1) { q += 1 }
        guard q <= UInt64(Price.maxMicros) else { return .failure(.outOfRange) }
        let negative = (numerator.micros < 0) != (denominator.micros < 0)
        return .success(Price(micros: negative ? -Int64(q) : Int64(q)))
    }

    /// For a slash date that reads only in the other day/month order: a note saying so (the row
    /// is still rejected: a file is read in one order). Only on the reject path.
    static func otherOrderHint(_ field: UnsafeRawBufferPointer, format: DateFormat) -> String {
        guard format.isSlashDayMonth else { return "" }
        let other: DateFormat = format == .usDate ? .dayFirstDate : .usDate
        guard TimestampParser.parse(field, as: other) != nil else { return "" }
        return " (it would be one as \(other.rawValue): the file mixes day-first and month-first dates, "
            + "or --date-format names the wrong order)"
    }

    /// The timestamp of a sample record (for the sniffer's timeframe inference).
    static func writtenTimestamp(_ fields: [[UInt8]], mapping: ColumnMapping, format: DateFormat) -> WrittenTimestamp? {
        guard let written = fields[mapping.date].withUnsafeBytes({ TimestampParser.parse($0, as: format) }) else { return nil }
        if let time = mapping.time, case .date(let days) = written {
            guard let second = fields[time].withUnsafeBytes({ TimestampParser.timeOfDay($0) }) else { return nil }
            return .local(days: days, second: second)
        }
        return written
    }
}
