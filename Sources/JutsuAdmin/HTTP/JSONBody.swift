import Foundation
import Hummingbird

/// JSON bodies: keys sorted, slashes unescaped (as the CLI's `--format json`).
enum JSONBody {
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value the API encodes is plain data; a failure would be a programming error.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    static func response(_ data: Data, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        response(ByteBuffer(bytes: data), status: status, headers: headers)
    }

    static func response(_ buffer: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:],
                         contentType: String = "application/json") -> Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: .init(byteBuffer: buffer))
    }
}
