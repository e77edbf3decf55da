import JutsuCore
import JutsuStore

/// The keys a file has already loaded, as a sparse bitmap per series, so a key that reappears in
/// a later batch is recognised as a duplicate without keeping rows in memory.
///
/// One bit per possible bar slot (a minute for intraday, a day otherwise), in 4,096-bit chunks
/// allocated on demand: about n/8 bytes for n rows of dense data.
struct SeenKeys {
    private final class Chunk {
        var words = [UInt64](repeating: 0, count: Int(SeenKeys.chunkBits / 64))
    }

    private var symbolIDs: [Symbol: Int64] = [:]
    private var chunks: [Int64: Chunk] = [:]
    private static let chunkBits: Int64 = 4096
    // Consecutive rows are almost always the same series and chunk.
    private var lastSymbol: Symbol?
    private var lastSymbolID: Int64 = 0
    private var lastChunkKey: Int64 = .min
    private var lastChunk: Chunk?

    /// Records the key; returns true when it was already there.
    mutating func insert(_ key: SeriesKey, _ ts: Int64) -> Bool {
        let id: Int64
        if key.symbol == lastSymbol {
            id = lastSymbolID
        } else if let known = symbolIDs[key.symbol] {
            id = known
        } else {
            id = Int64(symbolIDs.count)
            symbolIDs[key.symbol] = id
        }
        lastSymbol = key.symbol
        lastSymbolID = id
        let unit: Int64 = key.timeframe.isIntraday ? 60 : 86_400
        let slot = ts >= 0 ? ts / unit : (ts - unit + 1) / unit
        let chunkIndex = slot >= 0 ? slot / Self.chunkBits : (slot - Self.chunkBits + 1) / Self.chunkBits
        let series = id &* 8 &+ Int64(Timeframe.allCases.firstIndex(of: key.timeframe)!)
        let chunkKey = (series << 36) ^ (chunkIndex & 0xF_FFFF_FFFF)
        let chunk: Chunk
        if chunkKey == lastChunkKey, let last = lastChunk {
            chunk = last
        } else if let known = chunks[chunkKey] {
            chunk = known
        } else {
            chunk = Chunk()
            chunks[chunkKey] = chunk
        }
        lastChunkKey = chunkKey
        lastChunk = chunk
        let bit = Int(slot - chunkIndex * Self.chunkBits)
        let mask: UInt64 = 1 << UInt64(bit & 63)
        let seen = chunk.words[bit >> 6] & mask != 0
        chunk.words[bit >> 6] |= mask
        return seen
    }
}
