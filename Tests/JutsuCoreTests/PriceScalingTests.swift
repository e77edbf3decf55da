import JutsuCore
import Testing

@Suite struct PriceScalingTests {
    func p(_ text: String) -> Price { try! Price.parse(text).get() }

    @Test func centsToDollarsIsExact() {
        #expect(p("12345").scaled(by: p("0.01")) == p("123.45"))
        #expect(p("1.5").scaled(by: p("1")) == p("1.5"))
    }

    @Test func roundsHalfEvenAtTheSixthPlace() {
        #expect(p("0.000001").scaled(by: p("0.5")) == p("0"))          // 0.0000005 -> 0 (even)
        #expect(p("0.000003").scaled(by: p("0.5")) == p("0.000002"))   // 0.0000015 -> 0.000002
        #expect(p("-0.000003").scaled(by: p("0.5")) == p("-0.000002"))
    }

    @Test func overflowIsNil() {
        #expect(p("999999999999").scaled(by: p("10")) == nil)
    }
}
