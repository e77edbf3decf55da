extension PolygonAggregates {
    struct ErrorResponse: Decodable {
        var status: String?
        var message: String?
        var error: String?
    }

    /// The error a response stands for, or `nil` when it may hold results.
    ///
    /// - 429 (body JSON or empty) -> `rate_limited`; 5xx and gateway HTML -> `unavailable`;
    /// - `status` `NOT_AUTHORIZED` / 403 ("You are not entitled to this data") -> `not_entitled`
    ///   and 401 ("Unknown API Key") -> `unauthorized` (both fail the source);
    /// - other 4xx (`ERROR`: "Failed to parse query parameters") -> `invalid_request`;
    /// - a 200 whose `status` is neither `OK` nor `DELAYED` -> by that status.
    /// The message is the body's `message` or `error` (the key varies).
    public static func classify(status: Int, body: [UInt8]) -> VendorError? {
        if ResponseBody.isText(body) {
            if (200..<300).contains(status), !body.isEmpty { return nil }
            let code = VendorError.code(forStatus: status) ?? .malformedBody
            return VendorError(vendor: .polygon, code: code, status: status, message: ResponseBody.excerpt(body))
        }
        guard let response = try? ResponseBody.decode(ErrorResponse.self, from: body, vendor: .polygon, status: status)
        else { return VendorError.byStatus(.polygon, status: status, body: body) }
        let bodyStatus = response.status?.uppercased()
        if (200..<300).contains(status), bodyStatus.map(success.contains) ?? true { return nil }
        let message = [response.status, response.message ?? response.error].compactMap { $0 }.joined(separator: ": ")
        let code: VendorError.Code = bodyStatus == "NOT_AUTHORIZED" ? .notEntitled
            : VendorError.code(forStatus: status) ?? .invalidRequest
        return VendorError(vendor: .polygon, code: code, status: status, message: message)
    }
}
