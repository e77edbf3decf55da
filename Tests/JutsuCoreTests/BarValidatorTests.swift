import JutsuCore
import Testing

@Suite struct BarValidatorTests {
    static let now = utc(2024, 6, 1)
    static let validator = BarValidator(now: now)

    static func p(_ text: String) -> Price { try! Price.parse(text).get() }

    /// A valid daily bar on Wednesday 2024-03-06.
    static func bar(
        _ tf: Timeframe = .d1, ts: Int64 = utc(2024, 3, 6),
        o: String = "10", h: String = "12", l: String = "9", c: String = "11", v: Int64 = 100
    ) -> Bar {
        Bar(
            symbol: try! Symbol(canonicalizing: "AAPL"), timeframe: tf, ts: ts,
            open: p(o), high: p(h), low: p(l), close: p(c), volume: v)
    }

    static func reason(_ bar: Bar, _ validator: BarValidator = validator) -> RejectReason? {
        validator.check(bar)?.reason
    }

    @Test func validBarsPass() {
        #expect(Self.validator.check(Self.bar()) == nil)
        #expect(Self.reason(Self.bar(o: "10", h: "10", l: "10", c: "10", v: 0)) == nil)  // flat bar, zero volume
        #expect(Self.reason(Self.bar(.m1, ts: utc(2024, 3, 6, 14, 31))) == nil)
        #expect(Self.reason(Self.bar(.m5, ts: utc(2024, 3, 6, 14, 35))) == nil)
        #expect(Self.reason(Self.bar(.m15, ts: utc(2024, 3, 6, 14, 45))) == nil)
        #expect(Self.reason(Self.bar(.m30, ts: utc(2024, 3, 6, 15, 0))) == nil)
        #expect(Self.reason(Self.bar(.h1, ts: utc(2024, 3, 6, 14, 30))) == nil)  // 09:30 ET
        #expect(Self.reason(Self.bar(.h1, ts: utc(2024, 3, 6, 15, 0))) == nil)
        #expect(Self.reason(Self.bar(.w1, ts: utc(2024, 3, 4))) == nil)  // Monday
        #expect(Self.reason(Self.bar(.mo1, ts: utc(2024, 3, 1))) == nil)  // a Friday, fine for months
        #expect(Self.reason(Self.bar(.mo1, ts: utc(2024, 6, 1))) == nil)  // == now: not in the future
    }

    @Test func eachRuleTriggers() {
        let cases: [(Bar, RejectReason)] = [
            (Self.bar(o: "0", l: "0"), .nonPositivePrice),
            (Self.bar(o: "-2", h: "-1", l: "-3", c: "-2"), .nonPositivePrice),
            (Self.bar(l: "0"), .nonPositivePrice),
            (Self.bar(l: "-0.000002", c: "-0.000001"), .nonPositivePrice),
            (Self.bar(o: "10", h: "9", l: "9.5", c: "9.5"), .highBelowLow),
            (Self.bar(o: "10", h: "12", l: "10.5", c: "11"), .lowAboveOpenClose),
            (Self.bar(o: "11", h: "12", l: "10.5", c: "10"), .lowAboveOpenClose),
            (Self.bar(o: "10", h: "10.5", l: "9", c: "11"), .highBelowOpenClose),
            (Self.bar(o: "11", h: "10.5", l: "9", c: "10"), .highBelowOpenClose),
            (Self.bar(v: -1), .negativeVolume),
            (Self.bar(.m1, ts: utc(2024, 3, 6, 14, 31, 1)), .misalignedTimestamp),
            (Self.bar(.m5, ts: utc(2024, 3, 6, 14, 31)), .misalignedTimestamp),
            (Self.bar(.m15, ts: utc(2024, 3, 6, 14, 50)), .misalignedTimestamp),
            (Self.bar(.m30, ts: utc(2024, 3, 6, 14, 45)), .misalignedTimestamp),
            (Self.bar(.h1, ts: utc(2024, 3, 6, 14, 15)), .misalignedTimestamp),
            (Self.bar(.d1, ts: utc(2024, 3, 6, 14, 30)), .misalignedTimestamp),
            (Self.bar(.w1, ts: utc(2024, 3, 6)), .misalignedTimestamp),  // Wednesday
            (Self.bar(.w1, ts: utc(2024, 3, 3)), .misalignedTimestamp),  // Sunday
            (Self.bar(.w1, ts: utc(2024, 3, 4, 5)), .misalignedTimestamp),
            (Self.bar(.mo1, ts: utc(2024, 3, 2)), .misalignedTimestamp),
            (Self.bar(.d1, ts: utc(2024, 6, 3)), .futureTimestamp),
            (Self.bar(.m1, ts: Self.now + 60), .futureTimestamp),
            (Self.bar(.d1, ts: utc(2024, 3, 9)), .weekendDailyBar),  // Saturday
            (Self.bar(.d1, ts: utc(2024, 3, 10)), .weekendDailyBar),  // Sunday
        ]
        for (bar, expected) in cases {
            let result = Self.validator.check(bar)
            #expect(result?.reason == expected, "\(bar)")
            // Turning that rule off lets the bar through (each case violates one rule only),
            // except high < low, which always breaks an open/close rule as well.
            let rule = BarValidator.Rule(rawValue: expected.rawValue)!
            var relaxed = Self.validator
            relaxed.enabled.remove(rule)
            let next = relaxed.check(bar)?.reason
            if expected == .highBelowLow {
                #expect(next == .highBelowOpenClose)
            } else {
                #expect(next == nil, "\(expected) disabled: \(String(describing: next))")
            }
        }
    }

    @Test func weekendRuleOnlyForDaily() {
        // A Saturday intraday bar (crypto) and a month starting on a Saturday are fine.
        #expect(Self.reason(Self.bar(.h1, ts: utc(2024, 3, 9, 10))) == nil)
        #expect(Self.reason(Self.bar(.mo1, ts: utc(2024, 6, 1))) == nil)
    }

    @Test func fixedOrder() {
        // Violates everything at once: the first rule in the documented order wins.
        let terrible = Self.bar(.d1, ts: utc(2024, 12, 7, 3), o: "0", h: "1", l: "5", c: "3", v: -5)
        var v = Self.validator
        var seen: [RejectReason] = []
        while let r = v.check(terrible) {
            seen.append(r.reason)
            v.enabled.remove(BarValidator.Rule(rawValue: r.reason.rawValue)!)
        }
        #expect(
            seen == [
                .nonPositivePrice, .highBelowLow, .lowAboveOpenClose, .highBelowOpenClose, .negativeVolume,
                .misalignedTimestamp, .futureTimestamp, .weekendDailyBar,
            ])
        // A daily Saturday bar in the future reports future before weekend.
        #expect(Self.reason(Self.bar(.d1, ts: utc(2024, 12, 7))) == .futureTimestamp)
        #expect(
            Self.reason(Self.bar(.d1, ts: utc(2024, 12, 7)), BarValidator(now: utc(2025, 1, 1))) == .weekendDailyBar)
    }

    @Test func messagesNameFieldAndValue() {
        let m1 = Self.validator.check(Self.bar(h: "-1"))!.message
        #expect(m1.contains("'high'") && m1.contains("-1.000000"), "\(m1)")
        let m2 = Self.validator.check(Self.bar(v: -7))!.message
        #expect(m2.contains("'volume'") && m2.contains("-7"), "\(m2)")
        let m3 = Self.validator.check(Self.bar(.d1, ts: utc(2024, 3, 6, 14, 30)))!.message
        #expect(m3.contains("2024-03-06T14:30:00Z"), "\(m3)")
        let m4 = Self.validator.check(Self.bar(o: "10", h: "12", l: "10.5", c: "11"))!.message
        #expect(m4.contains("'low'") && m4.contains("10.500000") && m4.contains("open 10.000000"), "\(m4)")
    }

    @Test func allRulesOffAcceptsAnything() {
        let v = BarValidator(now: 0, enabled: [])
        #expect(v.check(Self.bar(.w1, ts: 12345, o: "-1", h: "-5", l: "3", c: "0", v: -1)) == nil)
    }

    @Test func ruleCodesMatchRejectReasons() {
        for rule in BarValidator.Rule.allCases {
            #expect(rule.reason.rawValue == rule.rawValue)
        }
        #expect(BarValidator.Rule.allCases.count == 8)
    }
}
