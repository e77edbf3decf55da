import CCurl
import Foundation

/// One libcurl easy handle. libcurl keeps the handle's connections open between requests, so
/// reusing it reuses the connection. Not thread-safe: one request at a time (the client's pool
/// hands each handle to one request).
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer

    /// What one `curl_easy_perform` produced.
    struct Outcome {
        var curlCode: CURLcode
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        /// Times the request was sent: more than 1 when libcurl re-sent it by itself (a reused
        /// connection that died before any byte of the answer: libcurl reconnects and sends
        /// again, and no option turns that off).
        var sends: Int
    }

    /// Collects the response while libcurl runs its callbacks; passed as userdata.
    private final class Sink {
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        var sends = 0
        /// Runs before every send after the first (on the transfer thread): the client takes a
        /// rate-limit token for libcurl's own re-send there, so it too keeps the rate.
        var beforeResend: (() -> Void)?
    }

    init?(configuration: HTTPClientConfiguration) {
        guard curlGlobal, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        setLong(CURLOPT_NOSIGNAL, 1)  // threads: no SIGALRM for DNS timeouts
        setLong(CURLOPT_HTTPGET, 1)
        setLong(CURLOPT_FOLLOWLOCATION, 0)
        setLong(CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout * 1000))
        setLong(CURLOPT_TIMEOUT_MS, Int(configuration.totalTimeout * 1000))
        setLong(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedBytesPerSecond)
        setLong(CURLOPT_LOW_SPEED_TIME, configuration.lowSpeedSeconds)
        setString(CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode (gzip, deflate)
        setLong(CURLOPT_SSL_VERIFYPEER, 1)
        setLong(CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = configuration.caPath { setString(CURLOPT_CAINFO, ca) }
        setString(CURLOPT_USERAGENT, configuration.userAgent)
        setLong(CURLOPT_TCP_KEEPALIVE, 1)
        setLong(CURLOPT_MAXAGE_CONN, configuration.maxIdleConnectionAge)
        setDataCallback(CURLOPT_WRITEFUNCTION) { data, size, count, user in
            let n = size * count
            guard let user, let data else { return n }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            data.withMemoryRebound(to: UInt8.self, capacity: n) { sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
            return n
        }
        _ = jutsu_curl_setopt_prereq_callback(handle) { user, _, _, _, _ in
            guard let user else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            sink.sends += 1
            if sink.sends > 1 { sink.beforeResend?() }
            return 0  // CURL_PREREQFUNC_OK
        }
        setDataCallback(CURLOPT_HEADERFUNCTION) { data, size, count, user in
            let n = size * count
            guard let user, let data else { return n }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            let line = data.withMemoryRebound(to: UInt8.self, capacity: n) { String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self) }
            if line.hasPrefix("HTTP/") {
                sink.headers = [:]  // a new response (after 100 Continue or a proxy's CONNECT)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                sink.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return n
        }
    }

    deinit { curl_easy_cleanup(handle) }

    /// One transfer: a GET when `body` is nil, else a POST of `body` (copied by libcurl) with
    /// `Content-Type: contentType`. A handle keeps its options between transfers, so every
    /// transfer sets its method: a GET after a POST on the same handle is a GET again.
    func perform(url: String, headers: [HTTPHeader], body: [UInt8]? = nil, contentType: String? = nil,
                 beforeResend: (() -> Void)? = nil) -> Outcome {
        let sink = Sink()
        sink.beforeResend = beforeResend
        let user = Unmanaged.passRetained(sink)
        defer { user.release() }
        setPointer(CURLOPT_PREREQDATA, user.toOpaque())
        setString(CURLOPT_URL, url)
        setPointer(CURLOPT_WRITEDATA, user.toOpaque())
        setPointer(CURLOPT_HEADERDATA, user.toOpaque())
        var list: UnsafeMutablePointer<curl_slist>?
        if let body {
            setLong(CURLOPT_POST, 1)
            setLong(CURLOPT_POSTFIELDSIZE, body.count)
            var bytes = body
            bytes.append(0)  // COPYPOSTFIELDS copies POSTFIELDSIZE bytes; the NUL only guards an empty body
            bytes.withUnsafeMutableBytes { setPointer(CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            if let contentType { list = curl_slist_append(list, "Content-Type: \(contentType)") }
            // No `Expect: 100-continue` round trip (libcurl adds it for larger bodies): the bodies
            // are small forms, and the wait costs a second against servers that ignore it.
            list = curl_slist_append(list, "Expect:")
        } else {
            setLong(CURLOPT_HTTPGET, 1)
        }
        for header in headers { list = curl_slist_append(list, "\(header.name): \(header.value)") }
        setPointer(CURLOPT_HTTPHEADER, list.map(UnsafeMutableRawPointer.init))
        let code = curl_easy_perform(handle)
        setPointer(CURLOPT_HTTPHEADER, nil)
        curl_slist_free_all(list)
        var status = 0
        jutsu_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Outcome(curlCode: code, status: status, headers: sink.headers, body: sink.body, sends: max(1, sink.sends))
    }

    static func message(_ code: CURLcode) -> String { String(cString: curl_easy_strerror(code)) }

    static func errorCode(_ code: CURLcode) -> HTTPError.Code {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT: .connectFailed
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING: .reset
        case CURLE_PARTIAL_FILE: .truncatedBody
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED:
            .tls
        default: .other
        }
    }

    private func setLong(_ option: CURLoption, _ value: Int) { _ = jutsu_curl_setopt_long(handle, option, value) }
    private func setString(_ option: CURLoption, _ value: String) { _ = jutsu_curl_setopt_string(handle, option, value) }
    private func setPointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) { _ = jutsu_curl_setopt_pointer(handle, option, value) }
    private func setDataCallback(_ option: CURLoption, _ callback: jutsu_curl_data_cb) { _ = jutsu_curl_setopt_data_callback(handle, option, callback) }
}

/// `curl_global_init` once per process, before the first handle (it is not thread-safe itself).
private let curlGlobal: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
