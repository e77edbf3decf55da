/// PostgreSQL's binary COPY format: the framing around the tuples that `MarketDataCopy`
/// encodes and `BinaryCopyReader` reads. Binary spares the server the text parsing of numerics
/// and timestamps.
public enum BinaryCopy {
    /// File header: signature, flags, header-extension length.
    public static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    /// File trailer: a field count of -1.
    public static let trailer: [UInt8] = [0xFF, 0xFF]
    /// Seconds between the Unix epoch and PostgreSQL's epoch (2000-01-01).
    public static let postgresEpochOffset: Int64 = 946_684_800
}
