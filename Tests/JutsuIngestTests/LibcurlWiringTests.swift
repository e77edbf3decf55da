import JutsuHTTP
import Testing

@Suite struct LibcurlWiringTests {
    @Test func linkedLibcurlHasTLSAndGzip() {
        let info = LibcurlInfo.current()
        #expect(info.version.split(separator: ".").count >= 2, "version \(info.version)")
        #expect(info.supportsTLS, "vendor APIs are HTTPS-only")
        #expect(info.supportsGzip, "vendors send gzip-encoded bodies")
        #expect(info.sslVersion?.isEmpty == false)
    }
}
