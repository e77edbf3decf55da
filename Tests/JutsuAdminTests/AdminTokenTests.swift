import Foundation
import JutsuAdmin
import Testing

/// `JUTSU_ADMIN_TOKEN` / `JUTSU_ADMIN_TOKEN_FILE`, the comparison, and `--bind` parsing.
@Suite struct AdminTokenTests {
    static func tokenFile(_ contents: String, mode: mode_t) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("admin-token-\(UUID().uuidString)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(chmod(path, mode) == 0)
        return path
    }

    @Test func theEnvironmentVariableWinsOverTheFile() throws {
        let path = try Self.tokenFile("from-file\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let token = try #require(try AdminToken.load(environment: ["JUTSU_ADMIN_TOKEN": "from-env", "JUTSU_ADMIN_TOKEN_FILE": path]))
        #expect(token.matches(Array("from-env".utf8)))
        #expect(try AdminToken.load(environment: [:]) == nil)
    }

    @Test func theFileLosesOneTrailingNewlineAndMustBePrivate() throws {
        let path = try Self.tokenFile("abc123\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let token = try #require(try AdminToken.load(environment: ["JUTSU_ADMIN_TOKEN_FILE": path]))
        #expect(token.matches(Array("abc123".utf8)))
        #expect(!token.matches(Array("abc123\n".utf8)))
        #expect(!"\(token)".contains("abc123"))

        let open = try Self.tokenFile("abc123\n", mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: open) }
        #expect(throws: AdminTokenError.permissions(path: open, mode: "644")) {
            try AdminToken.load(environment: ["JUTSU_ADMIN_TOKEN_FILE": open])
        }
        let empty = try Self.tokenFile("\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: AdminTokenError.empty(source: empty)) { try AdminToken.load(environment: ["JUTSU_ADMIN_TOKEN_FILE": empty]) }
        #expect(throws: AdminTokenError.self) { try AdminToken.load(environment: ["JUTSU_ADMIN_TOKEN_FILE": "/nonexistent/token"]) }
    }

    @Test func matchingIsExact() throws {
        let token = try #require(AdminToken("secret"))
        #expect(token.matches(Array("secret".utf8)))
        for other in ["", "s", "secre", "secreT", "secret ", "xsecret", "secretsecret"] {
            #expect(!token.matches(Array(other.utf8)), "\(other)")
        }
        #expect(AdminToken("") == nil)
    }

    @Test func bindAddresses() {
        #expect(AdminBind(parsing: "127.0.0.1:8080") == .address(host: "127.0.0.1", port: 8080))
        #expect(AdminBind(parsing: "0.0.0.0:0") == .address(host: "0.0.0.0", port: 0))
        #expect(AdminBind(parsing: "[::1]:9000") == .address(host: "::1", port: 9000))
        #expect(AdminBind(parsing: "none") == .disabled)
        for bad in ["8080", ":8080", "host:", "host:99999", "host:x"] { #expect(AdminBind(parsing: bad) == nil, "\(bad)") }
        #expect(AdminBind.default.description == "127.0.0.1:8080")
        #expect(AdminBind.address(host: "::1", port: 1).description == "[::1]:1")
    }
}
