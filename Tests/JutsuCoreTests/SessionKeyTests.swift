import JutsuCore
import Testing

@Suite struct SessionKeyTests {
    @Test func dailyKeyFromDate() {
        #expect(SessionKey.dailyKey(date(2024, 3, 6), timeframe: .d1) == utc(2024, 3, 6))
        #expect(SessionKey.dailyKey(date(1969, 12, 31), timeframe: .d1) == -86400)
    }

    @Test func weeklyMapsToMonday() {
        let monday = utc(2024, 3, 4)
        for day in 4...9 {  // Monday ... Saturday
            #expect(SessionKey.dailyKey(date(2024, 3, day), timeframe: .w1) == monday, "2024-03-0\(day)")
        }
        // Polygon-style Sunday-stamped week -> the next day's Monday.
        #expect(SessionKey.dailyKey(date(2024, 3, 3), timeframe: .w1) == monday)
        #expect(SessionKey.dailyKey(date(2024, 3, 10), timeframe: .w1) == utc(2024, 3, 11))
        // Across a month and a year boundary.
        #expect(SessionKey.dailyKey(date(2025, 1, 1), timeframe: .w1) == utc(2024, 12, 30))
        #expect(SessionKey.dailyKey(date(2023, 12, 31), timeframe: .w1) == utc(2024, 1, 1))
        #expect(UnixTime.civilDate(ofSeconds: SessionKey.dailyKey(date(2024, 2, 29), timeframe: .w1)).weekday == 1)
    }

    @Test func monthlyMapsToFirst() {
        #expect(SessionKey.dailyKey(date(2024, 2, 29), timeframe: .mo1) == utc(2024, 2, 1))
        #expect(SessionKey.dailyKey(date(2024, 3, 1), timeframe: .mo1) == utc(2024, 3, 1))
        #expect(SessionKey.dailyKey(date(2024, 12, 31), timeframe: .mo1) == utc(2024, 12, 1))
    }

    @Test func vendorInstants() {
        let ny = USZone.eastern
        let chicago = USZone.central
        // Yahoo: the session open, 14:30Z in winter, 13:30Z in summer.
        #expect(SessionKey.dailyKey(instant: utc(2024, 3, 1, 14, 30), zone: ny, timeframe: .d1) == utc(2024, 3, 1))
        #expect(SessionKey.dailyKey(instant: utc(2024, 7, 1, 13, 30), zone: ny, timeframe: .d1) == utc(2024, 7, 1))
        // Schwab: midnight America/Chicago = 06:00Z (CST) or 05:00Z (CDT).
        #expect(SessionKey.dailyKey(instant: utc(2024, 3, 1, 6), zone: chicago, timeframe: .d1) == utc(2024, 3, 1))
        #expect(SessionKey.dailyKey(instant: utc(2024, 7, 1, 5), zone: chicago, timeframe: .d1) == utc(2024, 7, 1))
        // The day after spring-forward and after fall-back.
        #expect(SessionKey.dailyKey(instant: utc(2024, 3, 11, 5), zone: chicago, timeframe: .d1) == utc(2024, 3, 11))
        #expect(SessionKey.dailyKey(instant: utc(2024, 11, 4, 6), zone: chicago, timeframe: .d1) == utc(2024, 11, 4))
        // Polygon: midnight America/New_York = 05:00Z (EST) or 04:00Z (EDT).
        #expect(SessionKey.dailyKey(instant: utc(2024, 1, 2, 5), zone: ny, timeframe: .d1) == utc(2024, 1, 2))
        #expect(SessionKey.dailyKey(instant: utc(2024, 7, 1, 4), zone: ny, timeframe: .d1) == utc(2024, 7, 1))
        // Reading a Chicago-midnight stamp as UTC would give the previous day: the zone matters.
        #expect(
            SessionKey.dailyKey(instant: utc(2024, 7, 1, 4), zone: FixedOffsetZone.utc, timeframe: .d1)
                == utc(2024, 7, 1))
        #expect(SessionKey.dailyKey(instant: utc(2024, 7, 1, 3), zone: ny, timeframe: .d1) == utc(2024, 6, 30))
        // Tokyo: 2024-03-01 00:00 JST = 2024-02-29 15:00Z.
        let tokyo = FixedOffsetZone(seconds: 9 * 3600)
        #expect(SessionKey.dailyKey(instant: utc(2024, 2, 29, 15), zone: tokyo, timeframe: .d1) == utc(2024, 3, 1))
        #expect(SessionKey.dailyKey(instant: utc(2024, 2, 29, 6), zone: tokyo, timeframe: .d1) == utc(2024, 2, 29))
        // Weekly from Polygon: Sunday midnight New York -> Monday key.
        #expect(SessionKey.dailyKey(instant: utc(2024, 3, 3, 5), zone: ny, timeframe: .w1) == utc(2024, 3, 4))
        // Monthly from Yahoo: first session of the month at the open.
        #expect(SessionKey.dailyKey(instant: utc(2024, 4, 1, 13, 30), zone: ny, timeframe: .mo1) == utc(2024, 4, 1))
        #expect(SessionKey.dailyKey(instant: utc(2024, 3, 31, 23), zone: ny, timeframe: .mo1) == utc(2024, 3, 1))
    }

    @Test func sameBarFromEveryVendorLandsOnOneKey() {
        let key = utc(2024, 7, 1)
        let stamps: [(Int64, any ZoneRule)] = [
            (utc(2024, 7, 1, 13, 30), USZone.eastern),  // Yahoo
            (utc(2024, 7, 1, 5), USZone.central),  // Schwab
            (utc(2024, 7, 1, 4), USZone.eastern),  // Polygon
            (utc(2024, 7, 1), FixedOffsetZone.utc),  // CSV date
        ]
        for (instant, zone) in stamps {
            #expect(SessionKey.dailyKey(instant: instant, zone: zone, timeframe: .d1) == key, "\(zone.identifier)")
        }
    }
}

@Suite struct RejectReasonTests {
    @Test func stableCodes() {
        #expect(
            RejectReason.allCases.map(\.rawValue) == [
                "ragged_row", "unterminated_quote", "invalid_encoding", "missing_field", "bad_number",
                "number_out_of_range", "bad_timestamp", "bad_symbol", "non_positive_price", "high_below_low",
                "low_above_open_close", "high_below_open_close", "negative_volume", "misaligned_timestamp",
                "future_timestamp", "weekend_daily_bar", "duplicate", "exists", "source_priority", "price_scale_overflow",
                "bad_timeframe", "legacy_invalid", "price_precision",
            ])
        #expect(Set(RejectReason.allCases.map(\.summary)).count == RejectReason.allCases.count)
        #expect(RejectReason.allCases.allSatisfy { !$0.summary.isEmpty })
    }

    @Test func numberFailures() {
        #expect(RejectReason.forNumber(.outOfRange) == .numberOutOfRange)
        #expect(RejectReason.forNumber(.invalid) == .badNumber)
        #expect(RejectReason.forNumber(.empty) == .missingField)
        #expect(RejectReason.forNumber(.null) == .missingField)
    }

    @Test func valueTypes() {
        #expect(SourceLocation(file: "a.csv", line: 12).description == "a.csv:12")
        let row = RejectedRow(line: 3, rawText: "x", reason: .badNumber, message: "m")
        #expect(row == RejectedRow(line: 3, rawText: "x", reason: .badNumber, message: "m"))
        #expect(row != RejectedRow(line: 4, rawText: "x", reason: .badNumber, message: "m"))
        let split = CorporateAction(
            symbol: try! Symbol(canonicalizing: "AAPL"), exDate: date(2014, 6, 9),
            kind: .split, value: Price(micros: 7_000_000))
        #expect(split.kind.rawValue == "split")
        #expect(split.value.description == "7.000000")
    }
}
