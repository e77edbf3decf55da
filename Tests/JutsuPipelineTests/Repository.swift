import Foundation

/// Paths in the repository, found from this source file's location.
enum Repository {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }

    static func read(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// The environment the fixtures are checked with.
    static let environment = [
        "SCHWAB_APP_KEY": "test-app-key", "SCHWAB_APP_SECRET": "test-app-secret", "POLYGON_API_KEY": "test-polygon-key",
    ]
}
