/// A canonical, upper-case instrument symbol, safe to store and to put in file names.
///
/// Mapping of vendor spellings (applied after trimming surrounding spaces):
/// - letters are upper-cased (`brk.b` -> `BRK.B`);
/// - share-class and exchange separators `-`, `/` and `_` become `.` (`BRK-B`, `BRK/B`, `BRK_B` -> `BRK.B`;
///   Yahoo `4063-T` -> `4063.T`; `AET.L` stays);
/// - a leading `$` (Schwab index) becomes `^` (`$SPX` -> `^SPX`); `^GSPC` stays;
/// - `=` is kept (`EURUSD=X`, `GC=F`).
///
/// After mapping the symbol must be 1...20 characters from `A-Z 0-9 . ^ =`, start with a
/// letter, a digit or `^` (`^` only in first position, followed by at least one more
/// character), contain no `..` and not end with `.`. Anything else is rejected: symbols end
/// up in file names and log lines, so the accepted alphabet is deliberately small.
public struct Symbol: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The canonical spelling.
    public let value: String

    /// Maximum length in characters after mapping.
    public static let maxLength = 20

    /// Canonicalizes `text` (see the type's documentation for the mapping).
    public init(canonicalizing text: some StringProtocol) throws(SymbolError) {
        var text = String(text)
        let result: Result<String, SymbolError> = text.withUTF8 { utf8 in
            Self.canonicalize(UnsafeRawBufferPointer(utf8))
        }
        self.value = try result.get()
    }

    /// Canonicalizes raw bytes (UTF-8 or anything else; non-ASCII is rejected). The fast path
    /// for readers: no intermediate `String` unless the symbol is invalid.
    public init(canonicalizing bytes: UnsafeRawBufferPointer) throws(SymbolError) {
        self.value = try Self.canonicalize(bytes).get()
    }

    public var description: String { value }

    public static func < (a: Symbol, b: Symbol) -> Bool { a.value < b.value }

    private static func canonicalize(_ bytes: UnsafeRawBufferPointer) -> Result<String, SymbolError> {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        func fail(_ message: String) -> Result<String, SymbolError> {
            .failure(SymbolError(raw: String(decoding: bytes, as: UTF8.self), message: message))
        }
        let count = end - start
        if count == 0 { return fail("empty symbol") }
        if count > maxLength { return fail("longer than \(maxLength) characters") }

        // At most 20 bytes: a fixed-size stack buffer keeps this allocation-free until the
        // final String, which Swift stores inline for up to 15 UTF-8 bytes.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxLength) { out in
            var previous: UInt8 = 0
            for k in 0..<count {
                var b = bytes[start + k]
                switch b {
                case 0x61...0x7A: b &-= 0x20  // a-z -> A-Z
                case 0x41...0x5A, 0x30...0x39, 0x3D: break  // A-Z 0-9 =
                case 0x2E, 0x2D, 0x2F, 0x5F: b = 0x2E  // . - / _ -> . (BRK-B, BRK/B, BRK_B)
                case 0x24, 0x5E:  // $ ^
                    if k != 0 { return fail("'\(Character(Unicode.Scalar(b)))' is only allowed first") }
                    b = 0x5E
                default:
                    if b >= 0x80 { return fail("non-ASCII character") }
                    if b < 0x20 || b == 0x7F { return fail("control character") }
                    return fail("character '\(Character(Unicode.Scalar(b)))' not allowed")
                }
                if k == 0, b == 0x2E || b == 0x3D {
                    return fail("must start with a letter, a digit or '^'")
                }
                if b == 0x2E, previous == 0x2E { return fail("empty part between separators") }
                if b == 0x2E, previous == 0x5E { return fail("separator right after '^'") }
                out[k] = b
                previous = b
            }
            if previous == 0x2E { return fail("ends with a separator") }
            if count == 1, previous == 0x5E { return fail("'^' alone is not a symbol") }
            return .success(String(decoding: UnsafeBufferPointer(rebasing: out[0..<count]), as: UTF8.self))
        }
    }
}

/// A symbol that could not be canonicalized.
public struct SymbolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text as given (invalid UTF-8 replaced by U+FFFD).
    public let raw: String
    /// What is wrong with it.
    public let message: String

    public init(raw: String, message: String) {
        self.raw = raw
        self.message = message
    }

    public var description: String { "invalid symbol '\(raw)': \(message)" }
}
