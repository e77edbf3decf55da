import CLibPQ

extension PGConnection {
    /// Streams `COPY ... FROM STDIN`: `body` appends encoded rows to the writer, which flushes to
    /// the server in ~64 KiB chunks (the size that keeps pace with `psql \copy` here). Returns the
    /// number of rows the server reports.
    @discardableResult
    public func copyIn(_ sql: String, context: String? = nil,
                       _ body: (inout CopyInWriter) throws -> Void) throws -> Int64 {
        try execute(sql, context: context)
        var writer = CopyInWriter(connection: self)
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            // Abort the COPY so the connection is usable (the transaction is rolled back by the caller).
            _ = PQputCopyEnd(handle, "aborted by client")
            while let r = PQgetResult(handle) { PQclear(r) }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw StoreError(code: .copy, message: Self.trimmed(PQerrorMessage(handle)), context: context)
        }
        var rows: Int64 = 0
        var failure: StoreError?
        while let raw = PQgetResult(handle) {
            if PQresultStatus(raw) == PGRES_COMMAND_OK {
                rows = PGResult(raw).affectedRows
            } else {
                if failure == nil { failure = serverError(raw, context: context, code: .copy) }
                PQclear(raw)
            }
        }
        if let failure { throw failure }
        return rows
    }

    /// Streams `COPY ... TO STDOUT`: calls `row` with each data message (one row in text format,
    /// including its trailing newline). The bytes are valid only during the call.
    public func copyOut(_ sql: String, context: String? = nil,
                        row: (UnsafeRawBufferPointer) throws -> Void) throws {
        try execute(sql, context: context)
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                try row(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
            } else if length == -1 {
                break
            } else {
                throw StoreError(code: .copy, message: Self.trimmed(PQerrorMessage(handle)), context: context)
            }
        }
        var failure: StoreError?
        while let raw = PQgetResult(handle) {
            if PQresultStatus(raw) != PGRES_COMMAND_OK, failure == nil {
                failure = serverError(raw, context: context, code: .copy)
            }
            PQclear(raw)
        }
        if let failure { throw failure }
    }
}

/// Buffers COPY data and hands it to libpq in chunks.
public struct CopyInWriter {
    let connection: PGConnection
    public var buffer: [UInt8] = []
    public static let chunkSize = 64 * 1024
    public private(set) var bytesSent: Int64 = 0

    init(connection: PGConnection) {
        self.connection = connection
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    /// Call after appending a row: sends when a chunk is full.
    @inlinable
    public mutating func rowEnded() throws {
        if buffer.count >= Self.chunkSize { try flush() }
    }

    public mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        let status = buffer.withUnsafeBufferPointer { bytes in
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                PQputCopyData(connection.handle, $0, Int32(bytes.count))
            }
        }
        guard status == 1 else {
            throw StoreError(code: .copy, message: PGConnection.trimmed(PQerrorMessage(connection.handle)))
        }
        bytesSent += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }
}
