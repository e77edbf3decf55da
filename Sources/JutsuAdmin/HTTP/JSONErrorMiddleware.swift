import Hummingbird
import Logging

/// Turns every error into the API's JSON error shape: routes that do not exist (404), methods a
/// route does not take (405), bodies too large, and anything unexpected (500, logged).
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AdminAPIError {
            return try error.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
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
