import JutsuCore

/// A vendor response that carries no bars because the vendor refused or failed the request,
/// or because the body cannot be read. Built by each vendor's error classifier from the HTTP
/// status and the body; `handling` tells the caller what to do about it.
///
/// Messages quote the vendor's own text (which never contains our credentials: keys travel in
/// headers or are appended by the client after these parsers run).
public struct VendorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, independent of the vendor.
    public enum Code: String, Sendable, Hashable {
        /// 429, or Yahoo's plain-text "Too Many Requests".
        case rateLimited = "rate_limited"
        /// 5xx, gateway HTML pages, Yahoo's "Will be right back".
        case unavailable = "unavailable"
        /// A body that is not JSON at all, e.g. cut short: indistinguishable from transport damage.
        case malformedBody = "malformed_body"
        /// The symbol has no data: Yahoo 404 "No data found, symbol may be delisted", Schwab 404.
        case noData = "no_data"
        /// JSON of an unexpected shape: arrays of different lengths, a symbol or interval other
        /// than requested, timestamps without a time zone we know.
        case unexpectedShape = "unexpected_shape"
        /// The range is beyond what the interval allows (Yahoo 422): the range planner's job.
        case rangeNotAvailable = "range_not_available"
        /// The vendor says the request itself is wrong (400: bad interval, bad parameter).
        case invalidRequest = "invalid_request"
        /// Credentials refused (401): app key, token, API key.
        case unauthorized = "unauthorized"
        /// The account's plan does not cover the data (Polygon `NOT_AUTHORIZED`, 403).
        case notEntitled = "not_entitled"
        /// The response was too large for the vendor's gateway (Schwab `TooBigBody`): ask for less.
        case responseTooLarge = "response_too_large"
    }

    /// What the caller does with the error.
    public enum Handling: String, Sendable, Hashable {
        /// Try the same request again after a backoff (or `Retry-After`).
        case retry
        /// Give up on this series for this run; other series go on.
        case failSeries = "fail_series"
        /// Our request is wrong: a bug in the request builder or planner; fail the series and
        /// say so loudly, retrying cannot help.
        case requestBug = "request_bug"
        /// Nothing from this source can succeed until its configuration changes (credentials,
        /// plan): stop asking it for any series.
        case failSource = "fail_source"
    }

    public var vendor: Vendor
    public var code: Code
    /// The HTTP status, when there was a response.
    public var status: Int?
    /// The vendor's words (or ours, for shapes), for logs and run records.
    public var message: String

    public init(vendor: Vendor, code: Code, status: Int?, message: String) {
        self.vendor = vendor
        self.code = code
        self.status = status
        self.message = message
    }

    public var handling: Handling {
        switch code {
        case .rateLimited, .unavailable, .malformedBody: .retry
        case .noData, .unexpectedShape: .failSeries
        case .rangeNotAvailable, .invalidRequest, .responseTooLarge: .requestBug
        case .unauthorized, .notEntitled: .failSource
        }
    }

    public var isRetryable: Bool { handling == .retry }

    public var description: String {
        let status = status.map { " (HTTP \($0))" } ?? ""
        return "\(vendor.rawValue): \(code.rawValue)\(status): \(message)"
    }

    /// The error a non-2xx status means when the body says nothing more specific (`nil` for
    /// 2xx), quoting the body.
    static func byStatus(_ vendor: Vendor, status: Int, body: [UInt8]) -> VendorError? {
        guard let code = code(forStatus: status) else { return nil }
        return VendorError(vendor: vendor, code: code, status: status, message: ResponseBody.excerpt(body))
    }

    /// The code an HTTP status implies when the body says nothing more specific.
    static func code(forStatus status: Int) -> Code? {
        switch status {
        case 200..<300: nil
        case 429: .rateLimited
        case 401: .unauthorized
        case 403: .notEntitled
        case 404, 410: .noData
        case 422: .rangeNotAvailable
        case 500...: .unavailable
        case 408: .unavailable
        default: .invalidRequest
        }
    }

    /// The canonical form of a vendor's symbol spelling, or `invalid_request` (a request for a
    /// symbol that cannot be stored is never sent).
    static func canonical(_ vendorSymbol: String, vendor: Vendor) throws(VendorError) -> Symbol {
        do {
            return try Symbol(canonicalizing: vendorSymbol)
        } catch {
            throw VendorError(vendor: vendor, code: .invalidRequest, status: nil, message: error.description)
        }
    }
}
