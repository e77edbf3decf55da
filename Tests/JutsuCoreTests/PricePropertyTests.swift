import JutsuCore
import Testing

/// Compares `Price.parse` against an independent reference that works on decimal digit strings
/// (move the decimal point by string surgery, round by looking at the dropped characters,
/// compare magnitudes as strings), for 100,000 generated inputs.
@Suite struct PricePropertyTests {
    /// Generates decimal text with every syntactic feature: sign, leading zeros, missing
    /// integer or fraction part, long fractions, ties, exponents of both signs, surrounding spaces.
    static func randomDecimal(_ rng: inout SplitMix64) -> String {
        func digits(_ count: Int) -> String {
            var s = ""
            for _ in 0..<count {
                // Bias towards 0, 5 and 9 so that ties and carries are frequent.
                switch rng.next() % 10 {
                case 0, 1: s.append("0")
                case 2: s.append("5")
                case 3: s.append("9")
                default: s.append(Character(Unicode.Scalar(UInt8(0x30 + rng.next() % 10))))
                }
            }
            return s
        }
        var s = ""
        if rng.next() % 8 == 0 { s += " " }
        switch rng.next() % 4 {
        case 0: s += "-"
        case 1: s += "+"
        default: break
        }
        var intPart = digits(Int(rng.next() % 16))
        var fracPart: String? = rng.next() % 5 == 0 ? nil : digits(Int(rng.next() % 22))
        if intPart.isEmpty && (fracPart ?? "").isEmpty {
            intPart = digits(1 + Int(rng.next() % 3))
            if rng.next() % 2 == 0 { fracPart = nil }
        }
        s += intPart
        if let fracPart { s += "." + fracPart }
        if rng.next() % 3 == 0 {
            s += rng.next() % 2 == 0 ? "e" : "E"
            switch rng.next() % 3 {
            case 0: s += "-"
            case 1: s += "+"
            default: break
            }
            s += String(rng.next() % 30)
        }
        if rng.next() % 8 == 0 { s += "  " }
        return s
    }

    /// Reference: the exact decimal value of `text` scaled by 10^6, rounded half-even, as a
    /// micros count, or `nil` when it exceeds `maxMicros`. Only handles the generator's grammar.
    static func reference(_ text: String) -> Int64? {
        var t = Substring(text)
        while t.first == " " { t.removeFirst() }
        while t.last == " " { t.removeLast() }
        var negative = false
        if t.first == "-" || t.first == "+" {
            negative = t.first == "-"
            t.removeFirst()
        }
        var exponent = 0
        if let e = t.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(t[t.index(after: e)...])!
            t = t[..<e]
        }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        var intDigits = String(parts[0])
        var fracDigits = parts.count > 1 ? String(parts[1]) : ""
        // Multiply by 10^(exponent + 6): move the decimal point right or left.
        var shift = exponent + 6
        while shift > 0 {
            intDigits.append(fracDigits.isEmpty ? "0" : fracDigits.removeFirst())
            shift -= 1
        }
        while shift < 0 {
            fracDigits.insert(intDigits.isEmpty ? "0" : intDigits.removeLast(), at: fracDigits.startIndex)
            shift += 1
        }
        // Strip leading zeros of the integer part.
        while intDigits.first == "0" { intDigits.removeFirst() }
        // Half-even on the fraction string.
        let first = fracDigits.first ?? "0"
        let restNonZero = fracDigits.dropFirst().contains { $0 != "0" }
        let lastDigitOdd = (intDigits.last.map { Int(String($0))! % 2 == 1 }) ?? false
        let roundUp = first > "5" || (first == "5" && (restNonZero || lastDigitOdd))
        if roundUp { intDigits = incrementDecimal(intDigits) }
        let maxText = "999999999999999999"
        if intDigits.count > maxText.count || (intDigits.count == maxText.count && intDigits > maxText) {
            return nil
        }
        let magnitude = intDigits.isEmpty ? 0 : Int64(intDigits)!
        return negative ? -magnitude : magnitude
    }

    /// Adds one to a string of decimal digits ("" is zero).
    static func incrementDecimal(_ digits: String) -> String {
        var chars = Array(digits)
        var k = chars.count - 1
        while k >= 0 {
            if chars[k] == "9" {
                chars[k] = "0"
                k -= 1
            } else {
                chars[k] = Character(Unicode.Scalar(chars[k].asciiValue! + 1))
                return String(chars)
            }
        }
        return "1" + String(chars)
    }

    @Test func referenceSelfCheck() {
        // The reference itself must agree with hand-computed values, or the comparison proves nothing.
        #expect(Self.reference("0.0000005") == 0)
        #expect(Self.reference("0.0000015") == 2)
        #expect(Self.reference("-0.00000050001") == -1)
        #expect(Self.reference("1.5e6") == 1_500_000_000_000)
        #expect(Self.reference("999.9999995") == 1_000_000_000)
        #expect(Self.reference("999999999999.9999995") == nil)
        #expect(Self.reference("25e-8") == 0)
        #expect(Self.reference(".5") == 500_000)
        #expect(Self.incrementDecimal("199") == "200")
        #expect(Self.incrementDecimal("") == "1")
    }

    @Test func matchesReferenceOn100kRandomDecimals() {
        var rng = SplitMix64(seed: 0x5EED_1234_ABCD)
        var mismatches: [String] = []
        var outOfRange = 0
        var rounded = 0
        for _ in 0..<100_000 {
            let text = Self.randomDecimal(&rng)
            let expected: Parsed = Self.reference(text).map { .value($0) } ?? .failure(.outOfRange)
            let actual = Parsed(parsePrice(text))
            if actual != expected, mismatches.count < 20 {
                mismatches.append("\"\(text)\": got \(actual), expected \(expected)")
            }
            if expected == .failure(.outOfRange) { outOfRange += 1 }
            if case .value(let v) = expected, v % 10 != 0 { rounded += 1 }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        // The generator must exercise both outcomes, or the test is weaker than it looks.
        #expect(outOfRange > 1_000)
        #expect(rounded > 10_000)
    }

    @Test func volumeMatchesReferenceRoundedToIntegers() {
        var rng = SplitMix64(seed: 77)
        var mismatches: [String] = []
        for _ in 0..<20_000 {
            let text = Self.randomDecimal(&rng)
            // Volume = the value rounded half-even to an integer = the reference at scale 6
            // applied to value * 10^-6. Inputs with an exponent are covered by the table tests.
            if text.contains(where: { $0 == "e" || $0 == "E" }) { continue }
            let trimmed = text.split(separator: " ").joined()
            guard let scaled = Self.reference(trimmed + "e-6") else { continue }
            let result = parseVolume(text)
            if case .success(let v) = result, v.value == scaled { continue }
            if mismatches.count < 20 { mismatches.append("\"\(text)\": got \(result), expected \(scaled)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }
}
