import Logging

extension PGConnection {
    /// Connects and attaches `logger`, which the store's loaders, migrator and session sync log to.
    public convenience init(conninfo: String, database: String? = nil, applicationName: String = "jutsu-ingest",
                            logger: Logger) throws(StoreError) {
        try self.init(conninfo: conninfo, database: database, applicationName: applicationName, attachment: logger)
    }

    /// The logger attached at connection time, else the store's default.
    public var logger: Logger { attachment as? Logger ?? Logger(label: "jutsu.store") }
}
