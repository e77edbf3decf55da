/// `${NAME}` and `${NAME:-default}` in a scalar, replaced from the environment. `$${` is a
/// literal `${`. A set but empty variable counts as set for `${NAME}` and as unset for
/// `${NAME:-default}` (the shell's rule for `:-`).
struct Interpolation: Equatable {
    /// The text with every reference replaced.
    var value: String
    /// At least one `${...}` was replaced (the value is then treated as a secret).
    var interpolated: Bool
    /// What went wrong, worded for a diagnostic; never contains a variable's value.
    var problems: [String]

    init(_ text: String, environment: [String: String]) {
        value = ""
        interpolated = false
        problems = []
        guard text.contains("$") else {
            value = text
            return
        }
        let chars = Array(text)
        var k = 0
        while k < chars.count {
            if chars[k] == "$", k + 2 < chars.count, chars[k + 1] == "$", chars[k + 2] == "{" {
                value += "${"
                k += 3
                continue
            }
            guard chars[k] == "$", k + 1 < chars.count, chars[k + 1] == "{" else {
                value.append(chars[k])
                k += 1
                continue
            }
            guard let close = chars[(k + 2)...].firstIndex(of: "}") else {
                problems.append("unterminated `${` (write `$${` for a literal `${`)")
                value += String(chars[k...])
                return
            }
            let body = String(chars[(k + 2)..<close])
            k = close + 1
            interpolated = true
            let name: String
            var fallback: String?
            if let range = body.range(of: ":-") {
                name = String(body[..<range.lowerBound])
                fallback = String(body[range.upperBound...])
            } else {
                name = body
            }
            guard Self.isVariableName(name) else {
                problems.append("`${\(body)}` is not a valid reference; use ${NAME} or ${NAME:-default}")
                continue
            }
            if let set = environment[name], !(set.isEmpty && fallback != nil) {
                value += set
            } else if let fallback {
                value += fallback
            } else {
                problems.append("environment variable \(name) is not set")
            }
        }
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(0x30...0x39).contains(first) else { return false }
        return name.utf8.allSatisfy {
            (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F
        }
    }
}
