extension SchwabPriceHistory {
    /// The `{"errors":[...]}` body of the market-data API (`status` a number or a string),
    /// Apigee's `{"fault":...}`, and the OAuth / TD-era `{"error":...,"error_description":...}`.
    struct ErrorResponse: Decodable {
        var errors: [Item]?
        var fault: Fault?
        var error: String?
        var error_description: String?

        struct Item: Decodable {
            var status: StatusValue?
            var title: String?
            var detail: String?
        }

        struct Fault: Decodable {
            var faultstring: String?
            var detail: Detail?

            struct Detail: Decodable {
                var errorcode: String?
            }
        }
    }

    /// `401` or `"404"`: Schwab writes the status either way.
    struct StatusValue: Decodable {
        var value: Int?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                value = number
            } else {
                value = Int(try container.decode(String.self))
            }
        }
    }

    /// The error a response stands for, or `nil` when it may hold candles.
    ///
    /// - 429 -> `rate_limited`; 5xx and Akamai's HTML "Access Denied" page (seen as a transient
    ///   fault) -> `unavailable` (both retried);
    /// - 401 -> `unauthorized` (the HTTP client refreshes the access token once before it
    ///   reports this; a rejected refresh token needs `jutsu-ingest auth`);
    /// - 404 -> `no_data` (unknown symbol: fail the series); other 4xx -> `invalid_request`;
    /// - `fault` `protocol.http.TooBigBody` -> `response_too_large` (ask for a shorter window);
    /// - `{"error":...}` (the OAuth token endpoint) -> `unauthorized`, or `rate_limited` on 429.
    /// The body's own `status` wins over the HTTP status when both are present.
    public static func classify(status: Int, body: [UInt8]) -> VendorError? {
        if ResponseBody.isText(body) {
            let error = VendorError.byStatus(.schwab, status: status, body: body)
            guard var error, ResponseBody.contains(body, "Access Denied") else { return error }
            error.code = .unavailable
            return error
        }
        guard let response = try? ResponseBody.decode(ErrorResponse.self, from: body, vendor: .schwab, status: status)
        else { return VendorError.byStatus(.schwab, status: status, body: body) }
        if let fault = response.fault {
            let tooBig = fault.detail?.errorcode == "protocol.http.TooBigBody"
            let message = [fault.faultstring, fault.detail?.errorcode].compactMap { $0 }.joined(separator: ": ")
            return VendorError(vendor: .schwab, code: tooBig ? .responseTooLarge : .unavailable,
                               status: status, message: message)
        }
        if let item = response.errors?.first {
            let effective = item.status?.value ?? status
            let message = [item.title, item.detail].compactMap { $0 }.joined(separator: ": ")
            return VendorError(vendor: .schwab, code: VendorError.code(forStatus: effective) ?? .invalidRequest,
                               status: effective, message: message)
        }
        if let error = response.error {
            let message = [error, response.error_description].compactMap { $0 }.joined(separator: ": ")
            // OAuth failures (400 invalid_grant, 401 invalid_client) are credentials problems.
            let code: VendorError.Code = status == 429 ? .rateLimited : status >= 500 ? .unavailable : .unauthorized
            return VendorError(vendor: .schwab, code: code, status: status, message: message)
        }
        return VendorError.byStatus(.schwab, status: status, body: body)
    }
}
