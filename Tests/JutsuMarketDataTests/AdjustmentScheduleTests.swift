import JutsuCore
import JutsuMarketData
import Testing

/// The adjustment decisions without a database.
@Suite struct AdjustmentScheduleTests {
    func event(_ date: String, _ kind: CorporateAction.Kind, _ value: Int64, close: Int64?, open: Int64?) -> AdjustmentSchedule.Event {
        .init(exDate: day(date), kind: kind, value: Price(micros: value * 1_000_000), source: "csv",
              previousClose: close.map { Price(micros: $0 * 1_000_000) }, exDateOpen: open.map { Price(micros: $0 * 1_000_000) })
    }

    @Test func splitDetectedFromTheStoredPrices() throws {
        let asTraded = try AdjustmentSchedule(events: [event("2020-08-31", .split, 4, close: 499, open: 127)], adjustment: .backAdjusted)
        #expect(asTraded.events[0].isApplied && asTraded.events[0].priceFactor == 0.25 && asTraded.events[0].volumeFactor == 4)
        let reflected = try AdjustmentSchedule(events: [event("2020-08-31", .split, 4, close: 125, open: 127)], adjustment: .backAdjusted)
        #expect(!reflected.events[0].isApplied && reflected.events[0].priceFactor == 1)
        // Forced bases override the detection either way.
        let forced = try AdjustmentSchedule(events: [event("2020-08-31", .split, 4, close: 125, open: 127)],
                                            adjustment: Adjustment.backAdjusted.with(splitBasis: .unadjusted))
        #expect(forced.events[0].isApplied)
        let skipped = try AdjustmentSchedule(events: [event("2020-08-31", .split, 4, close: 499, open: 127)],
                                             adjustment: Adjustment.backAdjusted.with(splitBasis: .splitAdjusted))
        #expect(!skipped.events[0].isApplied)
        // Nothing stored after the ex-date: taken as not reflected.
        let noAfter = try AdjustmentSchedule(events: [event("2020-08-31", .split, 4, close: 499, open: nil)], adjustment: .backAdjusted)
        #expect(noAfter.events[0].isApplied)
        // Nothing stored before: nothing to adjust.
        let noBefore = try AdjustmentSchedule(events: [event("2020-08-31", .split, 4, close: nil, open: 127)], adjustment: .backAdjusted)
        #expect(!noBefore.events[0].isApplied)
    }

    @Test func dividendFactorIsOneMinusDividendOverPreviousClose() throws {
        let s = try AdjustmentSchedule(events: [event("2023-03-30", .dividend, 55, close: 4206, open: 4257)], adjustment: .backAdjusted)
        #expect(s.events[0].isApplied && s.events[0].priceFactor == 1 - 55.0 / 4206 && s.events[0].volumeFactor == 1)
        let off = try AdjustmentSchedule(events: [event("2023-03-30", .dividend, 55, close: 4206, open: 4257)],
                                         adjustment: Adjustment.backAdjusted.with(dividends: false))
        #expect(!off.events[0].isApplied)
        #expect(throws: MarketDataError.self) {
            try AdjustmentSchedule(events: [event("2023-03-30", .dividend, 4206, close: 4206, open: 4257)], adjustment: .backAdjusted)
        }
    }

    @Test func eventsAreOrderedSplitFirstOnTheSameDay() throws {
        let s = try AdjustmentSchedule(events: [event("2023-03-30", .dividend, 55, close: 4206, open: 4257),
                                                event("2014-06-09", .split, 7, close: 645, open: 92),
                                                event("2023-03-30", .split, 5, close: 4206, open: 4257)], adjustment: .backAdjusted)
        #expect(s.events.map(\.exDate) == [day("2014-06-09"), day("2023-03-30"), day("2023-03-30")])
        #expect(s.events.map(\.kind) == [.split, .split, .dividend])
        #expect(s.events.map(\.isApplied) == [true, false, true])
    }
}
