import JutsuCore

/// SplitMix64: small, deterministic, good enough to drive property-style tests without a package.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Parses through the byte entry point (the one readers use).
func parsePrice(_ text: String) -> Result<Price, NumberParseFailure> {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { Price.parse($0) }
}

func parsePrice(bytes: [UInt8]) -> Result<Price, NumberParseFailure> {
    bytes.withUnsafeBytes { Price.parse($0) }
}

func parseVolume(_ text: String) -> Result<(value: Int64, rounded: Bool), NumberParseFailure> {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { Volume.parse($0) }
}

/// A `Result` flattened to something `#expect(==)` can compare.
enum Parsed: Equatable, CustomStringConvertible {
    case value(Int64)
    case failure(NumberParseFailure)

    init(_ r: Result<Price, NumberParseFailure>) {
        switch r {
        case .success(let p): self = .value(p.micros)
        case .failure(let f): self = .failure(f)
        }
    }

    var description: String {
        switch self {
        case .value(let v): "micros(\(v))"
        case .failure(let f): "failure(\(f))"
        }
    }
}

func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Int64 {
    UnixTime.seconds(date: CivilDate(year: y, month: mo, day: d)!, hour: h, minute: mi, second: s)
}

func date(_ y: Int, _ mo: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: mo, day: d)! }
