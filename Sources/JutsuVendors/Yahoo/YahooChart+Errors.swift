extension YahooChart {
    /// The error a response stands for, or `nil` when it may hold bars.
    ///
    /// - 429, or the plain-text body `Too Many Requests` -> `rate_limited` (retry);
    /// - 5xx, or a page saying `Will be right back` -> `unavailable` (retry);
    /// - `chart.error` (or v7's `finance.error`) by its code: `Not Found` ("No data found,
    ///   symbol may be delisted") -> `no_data` (fail the series), `Unprocessable Entity` (a
    ///   range beyond the interval's limit) -> `range_not_available` and `Bad Request` (an
    ///   interval Yahoo does not know) -> `invalid_request` (both request bugs), `unauthorized`
    ///   / `forbidden` -> `unauthorized` / `not_entitled` (fail the source);
    /// - any other non-2xx status by the status alone.
    public static func classify(status: Int, body: [UInt8]) -> VendorError? {
        if status == 429 || (ResponseBody.isText(body) && ResponseBody.contains(body, "Too Many Requests")) {
            return VendorError(vendor: .yahoo, code: .rateLimited, status: status, message: ResponseBody.excerpt(body))
        }
        if ResponseBody.isText(body), ResponseBody.contains(body, "Will be right back") {
            return VendorError(vendor: .yahoo, code: .unavailable, status: status, message: "Yahoo is down: 'Will be right back'")
        }
        if (200..<300).contains(status) { return nil }
        if !ResponseBody.isText(body),
           let response = try? ResponseBody.decode(YahooChartResponse.self, from: body, vendor: .yahoo, status: status),
           let error = response.chart?.error ?? response.finance?.error
        {
            return mapped(error, status: status)
        }
        return VendorError.byStatus(.yahoo, status: status, body: body)
    }

    static func mapped(_ error: YahooChartResponse.ErrorBody, status: Int) -> VendorError {
        let code: VendorError.Code? = switch error.code?.lowercased() {
        case "not found": .noData
        case "unprocessable entity": .rangeNotAvailable
        case "bad request": .invalidRequest
        case "unauthorized": .unauthorized
        case "forbidden": .notEntitled
        case "too many requests": .rateLimited
        default: nil
        }
        let message = [error.code, error.description].compactMap { $0 }.joined(separator: ": ")
        return VendorError(vendor: .yahoo, code: code ?? VendorError.code(forStatus: status) ?? .unexpectedShape,
                           status: status, message: message)
    }
}
