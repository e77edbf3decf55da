import JutsuCore
import Testing

@testable import JutsuVendors

@Suite struct VendorNumberTests {
    /// Doubles from the recordings and what they are as Float32 text (by hand, and with
    /// numpy's `repr(np.float32(x))`).
    @Test(arguments: [
        (129.0399932861328, "129.040000"), (75.0875015258789, "75.087500"), (73.79750061035156, "73.797500"),
        (74.05999755859375, "74.060000"), (11887.099609375, "11887.100000"), (11892.1904296875, "11892.190000"),
        (7194.89208984375, "7194.892000"), (7254.33056640625, "7254.330600"), (1.1220825910568237, "1.122083"),
        (1.2666670083999634, "1.266667"), (13.053250312805176, "13.053250"), (1286.5699462890625, "1286.570000"),
        (34.099998474121094, "34.100000"), (131, "131.000000"), (0, "0.000000"),
    ])
    func float32Recovery(_ value: Double, _ expected: String) throws {
        #expect(try VendorNumber.price(float32Printed: value).get().description == expected)
    }

    @Test func valuesThatAreNotFloat32KeepTheirDoubleText() throws {
        // Dividends and meta prices are real doubles: 0.205 is not a Float32.
        #expect(try VendorNumber.price(float32Printed: 0.205).get() == price("0.205"))
        #expect(try VendorNumber.price(float32Printed: 73.412).get() == price("73.412"))
        // Rounding the Float32 text half-even to 6 places: 1.1220826 -> 1.122083 (not to priceHint 4).
        #expect(try VendorNumber.price(float32Printed: Double(Float(1.1220826))).get() == price("1.122083"))
        #expect(try VendorNumber.price(float32Printed: Double(Float(0.0000005))).get() == price("0.000000"))
        #expect(VendorNumber.price(float32Printed: .nan) == .failure(.invalid))
        #expect(VendorNumber.price(float32Printed: .infinity) == .failure(.invalid))
        #expect(VendorNumber.price(float32Printed: 1e13) == .failure(.outOfRange))
    }

    /// Any decimal of at most 6 significant digits (what exchanges quote, Float32's guaranteed
    /// precision) survives the trip through Float32 and a Double print: 20,000 random ones, with
    /// 0-4 decimals, signed, small and large.
    @Test func float32RoundTripOfSixDigitDecimals() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let digits = Int64.random(in: 1...999_999, using: &generator)
            let decimals = Int.random(in: 0...4, using: &generator)
            var text = String(digits)
            if decimals > 0 {
                while text.count <= decimals { text = "0" + text }
                text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
            }
            let printed = Double(Float(text)!)  // what Yahoo sends
            let recovered = try VendorNumber.price(float32Printed: printed).get()
            #expect(recovered == price(text), "\(text) sent as \(printed)")
        }
    }

    @Test func decimalPricesAndVolumes() throws {
        #expect(try VendorNumber.price(187.4511).get() == price("187.4511"))
        #expect(try VendorNumber.price(1.5032).get() == price("1.5032"))
        #expect(try VendorNumber.price(523.4200440000001).get() == price("523.420044"))
        #expect(try VendorNumber.volume(95_595_226.0).get() == (95_595_226, false))
        #expect(try VendorNumber.volume(1234.5).get() == (1234, true))
        #expect(try VendorNumber.volume(28_111_481_032).get() == (28_111_481_032, false))
        #expect(throws: NumberParseFailure.invalid) { try VendorNumber.volume(.nan).get() }
    }
}
