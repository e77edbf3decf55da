import Foundation
import Hummingbird
import Logging

/// The router's `METHOD /path` pairs, filled once the routes are registered (the middleware is
/// added before them), so an unknown method on a known path answers 405 with `Allow`.
final class RouteTable: @unchecked Sendable {
    private let lock = NSLock()
    private var routes: [(method: String, segments: [Substring])] = []

    func set(_ pairs: [(method: String, path: String)]) {
        lock.withLock { routes = pairs.map { ($0.method, $0.path.split(separator: "/")) } }
    }

    /// The methods registered for a concrete path (`{capture}` segments match any segment).
    func methods(for path: String) -> [String] {
        let wanted = path.split(separator: "/")
        return lock.withLock {
            routes.filter { route in
                route.segments.count == wanted.count
                    && zip(route.segments, wanted).allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") || $0 == $1 }
            }.map(\.method)
        }
    }
}

/// Turns every error into the API's JSON error shape: routes that do not exist (404), methods a
/// route does not take (405), bodies too large, and anything unexpected (500, logged).
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AdminAPIError {
            return try error.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            if error.status == .notFound {
                let allowed = routes.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    var refusal = AdminAPIError(.methodNotAllowed, code: "method_not_allowed",
                                                message: "\(request.method) is not allowed on \(request.uri.path); allowed: \(allowed.joined(separator: ", "))")
                    refusal.headers[.allow] = allowed.joined(separator: ", ")
                    return try refusal.response(from: request, context: context)
                }
            }
            let code = switch error.status {
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .contentTooLarge: "too_large"
            case .badRequest: "bad_request"
            default: "http_\(error.status.code)"
            }
            let message = error.status == .notFound ? "no route \(request.method) \(request.uri.path)" : error.status.reasonPhrase
            return try AdminAPIError(error.status, code: code, message: message).response(from: request, context: context)
        } catch {
            context.logger.error("admin request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return try AdminAPIError(.internalServerError, code: "internal", message: "\(error)").response(from: request, context: context)
        }
    }
}
