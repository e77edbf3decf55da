import JutsuCore
import JutsuStore

/// The keys a run has already loaded, as a sparse bitmap per series, so a key that reappears in
/// a later batch is recognised as a duplicate without keeping rows in memory.
///
/// One bit per possible bar slot (a minute for intraday, a day otherwise), in 4,096-bit chunks
/// allocated on demand: about n/8 bytes for n rows of dense data.
struct SeenKeys {
    private var symbolIDs: [Symbol: Int64] = [:]
    private var chunks: [Int64: [UInt64]] = [:]
    private static let chunkBits: Int64 = 4096

    private mutating func slot(_ key: SeriesKey, _ ts: Int64) -> (chunk: Int64, bit: Int) {
        let id: Int64
        if let known = symbolIDs[key.symbol] { id = known } else {
            id = Int64(symbolIDs.count)
            symbolIDs[key.symbol] = id
        }
        let unit: Int64 = key.timeframe.isIntraday ? 60 : 86_400
        let s = ts >= 0 ? ts / unit : (ts - unit + 1) / unit
        let series = id &* 8 &+ Int64(Timeframe.allCases.firstIndex(of: key.timeframe)!)
        let chunkIndex = s >= 0 ? s / Self.chunkBits : (s - Self.chunkBits + 1) / Self.chunkBits
        let chunk = (series << 36) ^ (chunkIndex & 0xF_FFFF_FFFF)
        return (chunk, Int(s - chunkIndex * Self.chunkBits))
    }

    mutating func contains(_ key: SeriesKey, _ ts: Int64) -> Bool {
        let (chunk, bit) = slot(key, ts)
        guard let words = chunks[chunk] else { return false }
        return words[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    mutating func insert(_ key: SeriesKey, _ ts: Int64) {
        let (chunk, bit) = slot(key, ts)
        chunks[chunk, default: [UInt64](repeating: 0, count: Int(Self.chunkBits / 64))][bit >> 6] |= 1 << UInt64(bit & 63)
    }
}
