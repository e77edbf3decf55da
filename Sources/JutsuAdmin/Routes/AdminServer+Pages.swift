import Hummingbird

extension AdminServer {
    /// `GET /metrics`: Prometheus text from `pages`.
    func metrics() async throws -> Response {
        let pages = self.pages
        let text = try await BlockingWork.run { try pages.metrics() }
        return JSONBody.response(ByteBuffer(string: text), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    /// `GET /`: the dashboard from `pages`.
    func dashboard(_ request: Request) async throws -> Response {
        let pages = self.pages
        let query = Self.query(request)
        let html = try await BlockingWork.run { try pages.dashboard(query: query) }
        return JSONBody.response(ByteBuffer(string: html), contentType: "text/html; charset=utf-8")
    }
}
