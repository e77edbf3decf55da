import JutsuCore
import Testing

@testable import JutsuVendors

@Suite struct YahooRangePlannerTests {
    let now = instant("2025-02-20T12:00:00Z")
    let dayS = UnixTime.secondsPerDay

    @Test func minuteBarsInSevenDayWindowsWithinThirtyDays() {
        // Asked for 45 days: the 15 oldest are beyond Yahoo's 30 days.
        let window = KeyWindow(from: now - 45 * dayS, to: now)
        let plan = YahooRangePlanner.plan(window, timeframe: .m1, now: now)
        let floor = now - 30 * dayS + 3600  // one hour of margin
        #expect(plan.unavailable == KeyWindow(from: window.from, to: floor))
        #expect(plan.windows.first?.from == floor && plan.windows.last?.to == now)
        #expect(plan.windows.count == 5)  // 30 days less an hour: four of 7 days and one of ~2
        #expect(plan.windows.dropLast().allSatisfy { $0.to - $0.from == 7 * dayS })
        #expect(zip(plan.windows, plan.windows.dropFirst()).allSatisfy { $0.to == $1.from })
        #expect(plan.windows.allSatisfy { $0.from % 60 == 0 })
    }

    @Test func intradayWithinSixtyDaysAndHourlyWithin730() {
        let five = YahooRangePlanner.plan(KeyWindow(from: now - 10 * dayS, to: now), timeframe: .m5, now: now)
        #expect(five.unavailable == nil && five.windows == [KeyWindow(from: now - 10 * dayS, to: now)])
        let old = YahooRangePlanner.plan(KeyWindow(from: now - 90 * dayS, to: now - 80 * dayS), timeframe: .m15, now: now)
        #expect(old.windows.isEmpty && old.unavailable == KeyWindow(from: now - 90 * dayS, to: now - 80 * dayS))
        let hourly = YahooRangePlanner.plan(KeyWindow(from: now - 1000 * dayS, to: now), timeframe: .h1, now: now)
        #expect(hourly.unavailable?.to == now - 730 * dayS + 3600)
        #expect(hourly.windows == [KeyWindow(from: now - 730 * dayS + 3600, to: now)])
        // A floor off the step is rounded up to the next bar start.
        let odd = YahooRangePlanner.plan(KeyWindow(from: 0, to: now), timeframe: .m30, now: now + 61)
        #expect(odd.windows.first.map { $0.from % 1800 } == 0)
    }

    @Test func dailyAndLongerAreOneRequest() {
        for tf in [Timeframe.d1, .w1, .mo1] {
            let plan = YahooRangePlanner.plan(KeyWindow(from: 0, to: now), timeframe: tf, now: now)
            #expect(plan.windows == [KeyWindow(from: 0, to: now)] && plan.unavailable == nil)
        }
        #expect(YahooRangePlanner.plan(KeyWindow(from: now, to: now), timeframe: .d1, now: now).windows.isEmpty)
    }

    @Test func limitsTable() {
        #expect(YahooRangePlanner.limit(.m1) == .init(maxWindow: 7 * dayS, lookback: 30 * dayS))
        #expect(YahooRangePlanner.limit(.m30) == .init(maxWindow: 60 * dayS, lookback: 60 * dayS))
        #expect(YahooRangePlanner.limit(.h1) == .init(maxWindow: 730 * dayS, lookback: 730 * dayS))
        #expect(YahooRangePlanner.limit(.mo1) == .init(maxWindow: nil, lookback: nil))
    }
}
