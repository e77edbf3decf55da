/// One schema migration: `migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    /// The file name, e.g. `0001_core_schema.sql`; its number orders migrations.
    public let fileName: String
    public let sql: String

    public init(fileName: String, sql: String) {
        self.fileName = fileName
        self.sql = sql
    }

    /// The NNNN prefix.
    public var version: Int { Int(fileName.prefix(while: \.isNumber)) ?? -1 }
}
