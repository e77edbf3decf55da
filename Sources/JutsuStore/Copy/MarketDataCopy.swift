import JutsuCore

/// The binary COPY tuple layout of `market_data` rows written by the loader.
public enum MarketDataCopy {
    public static let columns = "symbol, timeframe, ts, open, high, low, close, volume, data_source, run_id"

    @inlinable
    public static func encode(_ bar: Bar, source: [UInt8], runID: Int64, into out: inout [UInt8]) {
        BinaryCopy.appendInt16(10, to: &out)
        BinaryCopy.appendTextField(bar.symbol.value.utf8, to: &out)
        BinaryCopy.appendTextField(bar.timeframe.rawValue.utf8, to: &out)
        BinaryCopy.appendTimestampField(unixSeconds: bar.ts, to: &out)
        BinaryCopy.appendNumericField(bar.open, to: &out)
        BinaryCopy.appendNumericField(bar.high, to: &out)
        BinaryCopy.appendNumericField(bar.low, to: &out)
        BinaryCopy.appendNumericField(bar.close, to: &out)
        BinaryCopy.appendInt64Field(bar.volume, to: &out)
        BinaryCopy.appendTextField(source, to: &out)
        BinaryCopy.appendInt64Field(runID, to: &out)
    }
}
