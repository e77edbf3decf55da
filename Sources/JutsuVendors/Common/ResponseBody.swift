import Foundation

/// A response body as the HTTP client received it, with helpers shared by the vendor parsers.
enum ResponseBody {
    /// Decodes `body` as `T`. Text that is not JSON at all is `malformedBody` (retried: a cut
    /// or garbled body looks like this); JSON of another shape is `unexpectedShape`.
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], vendor: Vendor, status: Int)
        throws(VendorError) -> T
    {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw VendorError(vendor: vendor, code: .malformedBody, status: status,
                              message: "body is not JSON: \(excerpt(body))")
        } catch {
            throw VendorError(vendor: vendor, code: .unexpectedShape, status: status,
                              message: "unexpected JSON: \(shapeProblem(error))")
        }
    }

    /// The body's first 200 characters on one line, for messages.
    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return "empty body" }
        return "'" + text + (body.count > 200 ? "...'" : "'")
    }

    /// True when the body is not JSON (no `{` or `[` first): vendors' plain-text and HTML errors.
    static func isText(_ body: [UInt8]) -> Bool {
        guard let first = body.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 })
        else { return true }
        return first != 0x7B && first != 0x5B
    }

    static func contains(_ body: [UInt8], _ needle: String) -> Bool {
        String(decoding: body, as: UTF8.self).contains(needle)
    }

    /// A coding path as `chart.result[0].timestamp`, and what was wrong there.
    private static func shapeProblem(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let index = key.intValue { out += "[\(index)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out.isEmpty ? "top level" : out
        }
        switch error as? DecodingError {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return "\(path(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let key, let c):
            return "\(path(c.codingPath + [key])): missing"
        default:
            return String(describing: error)
        }
    }
}
