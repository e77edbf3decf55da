import Foundation
import Hummingbird

/// An error answer of the admin API: `{"error": {"code": "...", "message": "..."}}` with its
/// HTTP status. Messages never contain a token.
public struct AdminAPIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Extra headers (`WWW-Authenticate` on 401).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONBody.response(JSONBody.encode(Body(error: .init(code: code, message: message))), status: status)
        for field in headers { response.headers.append(field) }
        return response
    }

    struct Body: Encodable {
        struct Detail: Encodable { var code: String; var message: String }
        var error: Detail
    }

    static func badRequest(_ message: String) -> AdminAPIError { .init(.badRequest, code: "bad_request", message: message) }
    static func notFound(_ message: String) -> AdminAPIError { .init(.notFound, code: "not_found", message: message) }
    static func unavailable(_ message: String) -> AdminAPIError {
        .init(.serviceUnavailable, code: "unavailable", message: message)
    }
    static func database(_ error: any Error) -> AdminAPIError {
        .init(.serviceUnavailable, code: "database_unavailable", message: "database: \(error)")
    }
}
