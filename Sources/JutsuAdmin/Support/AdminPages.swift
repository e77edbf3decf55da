/// The two HTML/text pages of the admin server that others render: the dashboard at `/` and
/// the Prometheus exposition at `/metrics`. Called on a thread where blocking is fine (never an
/// event loop); a thrown error becomes a 500 JSON error.
public protocol AdminPages: Sendable {
    /// The dashboard's HTML; `query` holds the request's query parameters (e.g. `tier`).
    func dashboard(query: [String: String]) throws -> String
    /// Prometheus text exposition format 0.0.4.
    func metrics() throws -> String
}
