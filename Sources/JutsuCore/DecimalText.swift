/// Exact reading of decimal text into a scaled integer, shared by `Price` and `Volume`.
///
/// Two passes over the bytes and no allocation: the first checks the grammar and notes where
/// the integer digits, fraction digits and exponent are; the second walks the digits as one
/// virtual sequence and builds the scaled integer, stopping as soon as it exceeds the limit.
/// Because the exponent comes last, the position of the rounding digit is only known after
/// the first pass, which is why the work is split.
@usableFromInline
enum DecimalText {
    /// Result of a successful read: magnitude already rounded half-even, its sign, and
    /// whether any non-zero digit was dropped by the rounding.
    @usableFromInline
    struct Scaled {
        @usableFromInline var magnitude: UInt64
        @usableFromInline var negative: Bool
        @usableFromInline var inexact: Bool
    }

    // ASCII codes used by the grammar.
    @usableFromInline static let space: UInt8 = 0x20
    @usableFromInline static let tab: UInt8 = 0x09
    @usableFromInline static let plus: UInt8 = 0x2B
    @usableFromInline static let minus: UInt8 = 0x2D
    @usableFromInline static let dot: UInt8 = 0x2E
    @usableFromInline static let zero: UInt8 = 0x30

    /// The largest exponent magnitude tracked; anything beyond is saturated. Saturation keeps
    /// the arithmetic on positions far from `Int` overflow while still classifying `1e999999999999`
    /// as out of range and `1e-999999999999` as zero.
    @usableFromInline static let exponentCap = 1_000_000_000

    /// Reads `bytes` as a decimal number times `10^scale`, rounded half-even to an integer
    /// whose magnitude must not exceed `limit`.
    @usableFromInline
    static func read(_ bytes: UnsafeRawBufferPointer, scale: Int, limit: UInt64)
        -> Result<Scaled, NumberParseFailure>
    {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == space || bytes[start] == tab { start += 1 }
        while end > start, bytes[end - 1] == space || bytes[end - 1] == tab { end -= 1 }
        if start == end { return .failure(.empty) }

        // Pass 1: grammar.
        var i = start
        var negative = false
        let first = bytes[i]
        if first == plus || first == minus {
            negative = first == minus
            i += 1
        }
        // `fast` accumulates all digits on the way (wrapping): when there are at most 18 of
        // them and no exponent, it is the answer and the second pass is skipped.
        var fast: UInt64 = 0
        let intStart = i
        while i < end, bytes[i] &- zero < 10 {
            fast = fast &* 10 &+ UInt64(bytes[i] &- zero)
            i += 1
        }
        let intCount = i - intStart
        var fracStart = i
        var fracCount = 0
        if i < end, bytes[i] == dot {
            i += 1
            fracStart = i
            while i < end, bytes[i] &- zero < 10 {
                fast = fast &* 10 &+ UInt64(bytes[i] &- zero)
                i += 1
            }
            fracCount = i - fracStart
        }
        if intCount + fracCount == 0 {
            return .failure(isNullPlaceholder(bytes, start, end) ? .null : .invalid)
        }
        var exponent = 0
        if i < end, bytes[i] | 0x20 == 0x65 {  // 'e' or 'E'
            i += 1
            var expNegative = false
            if i < end, bytes[i] == plus || bytes[i] == minus {
                expNegative = bytes[i] == minus
                i += 1
            }
            let expStart = i
            while i < end, bytes[i] &- zero < 10 {
                if exponent < exponentCap {
                    exponent = exponent * 10 + Int(bytes[i] &- zero)
                }
                i += 1
            }
            if i == expStart { return .failure(.invalid) }
            if exponent > exponentCap { exponent = exponentCap }
            if expNegative { exponent = -exponent }
        }
        if i != end { return .failure(.invalid) }

        // Fast path: the common `123.45` shape, exact without rounding.
        if exponent == 0, fracCount <= scale, intCount + fracCount <= 18 {
            var magnitude = fast
            var missing = scale - fracCount
            while missing > 0 {
                let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                if overflow { return .failure(.outOfRange) }
                magnitude = product
                missing -= 1
            }
            if magnitude > limit { return .failure(.outOfRange) }
            return .success(Scaled(magnitude: magnitude, negative: negative && magnitude != 0, inexact: false))
        }

        // Pass 2: value. The digits d[0..<n] (integer digits then fraction digits) times
        // 10^(exponent - fracCount + scale); the first `keep` of them form the integer part.
        let n = intCount + fracCount
        let keep = intCount + exponent + scale

        @inline(__always) func digit(_ k: Int) -> UInt64 {
            UInt64(bytes[k < intCount ? intStart + k : fracStart + (k - intCount)] &- zero)
        }

        var acc: UInt64 = 0
        let kept = min(max(keep, 0), n)
        var k = 0
        while k < kept {
            // acc <= limit < 2^63 here, so acc * 10 + 9 cannot overflow UInt64.
            acc = acc &* 10 &+ digit(k)
            if acc > limit { return .failure(.outOfRange) }
            k += 1
        }
        if keep > n, acc != 0 {
            var zeros = keep - n
            while zeros > 0 {
                acc = acc &* 10
                if acc > limit { return .failure(.outOfRange) }
                zeros -= 1
            }
        }

        // Rounding: the first dropped digit decides, the rest only break a tie.
        var inexact = false
        if keep < n {
            let roundDigit: UInt64 = keep >= 0 ? digit(keep) : 0
            var sticky = false
            var s = keep >= 0 ? keep + 1 : 0
            while s < n {
                if digit(s) != 0 {
                    sticky = true
                    break
                }
                s += 1
            }
            inexact = roundDigit != 0 || sticky
            if roundDigit > 5 || (roundDigit == 5 && (sticky || acc & 1 == 1)) {
                acc += 1
                if acc > limit { return .failure(.outOfRange) }
            }
        }
        return .success(Scaled(magnitude: acc, negative: negative && acc != 0, inexact: inexact))
    }

    /// `null`, `NaN`, `NA`, `N/A`, `None`, `-` in any letter case: vendors' ways to say "no value".
    @usableFromInline
    static func isNullPlaceholder(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        let count = end - start
        if count == 1 { return bytes[start] == minus }
        if count > 4 { return false }
        // Pack lower-cased bytes into an integer for a branch-light comparison.
        var packed: UInt32 = 0
        for k in start..<end {
            var b = bytes[k]
            if b >= 0x41 && b <= 0x5A { b |= 0x20 }
            packed = packed << 8 | UInt32(b)
        }
        switch packed {
        case 0x6E75_6C6C,  // "null"
            0x006E_616E,  // "nan"
            0x0000_6E61,  // "na"
            0x006E_2F61,  // "n/a"
            0x6E6F_6E65:  // "none"
            return true
        default:
            return false
        }
    }
}

extension DecimalText {
    /// `body` on `bytes` without its thousands separators, when they can only be that: an
    /// optional sign, one to three digits, then groups of `,` and three digits, then an optional
    /// fraction (`2,728.00`, `-1,234,567`). nil for anything else (`1,2`, `12,34.5`, `1,234,56`).
    static func withoutGrouping<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == space || bytes[start] == tab { start += 1 }
        while end > start, bytes[end - 1] == space || bytes[end - 1] == tab { end -= 1 }
        guard end - start <= 40 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { out -> R? in
            var n = 0, i = start
            if i < end, bytes[i] == plus || bytes[i] == minus { out[n] = bytes[i]; n += 1; i += 1 }
            var lead = 0
            while i < end, bytes[i] &- zero < 10 { out[n] = bytes[i]; n += 1; i += 1; lead += 1 }
            guard (1...3).contains(lead) else { return nil }
            var groups = 0
            while i < end, bytes[i] == 0x2C {
                i += 1
                for _ in 0..<3 {
                    guard i < end, bytes[i] &- zero < 10 else { return nil }
                    out[n] = bytes[i]; n += 1; i += 1
                }
                groups += 1
            }
            guard groups > 0 else { return nil }
            if i < end {
                guard bytes[i] == dot else { return nil }
                while i < end { guard bytes[i] == dot || bytes[i] &- zero < 10 else { return nil }; out[n] = bytes[i]; n += 1; i += 1 }
            }
            return body(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(out)[0..<n]))
        }
    }
}
