/// A database to connect to, and how it was chosen.
public struct DatabaseTarget: Sendable {
    /// A libpq conninfo string (`key=value ...`) or URI (`postgresql://...`). Empty for
    /// `.libpqEnvironment`: libpq then reads the `PG*` variables itself.
    public var conninfo: String
    public var origin: DatabaseOrigin
    /// Safe to print: origin plus the conninfo with any password replaced by `***`.
    public var redactedDescription: String

    public init(conninfo: String, origin: DatabaseOrigin, redactedDescription: String) {
        self.conninfo = conninfo
        self.origin = origin
        self.redactedDescription = redactedDescription
    }
}
