/// "did you mean" candidates by edit distance.
enum Suggestion {
    /// The candidate closest to `text` (case-insensitive edit distance, a swap of neighbours
    /// counting as one edit), when close enough to be a plausible typo: at most a third of its
    /// length (at least 1), and at most 3 edits.
    static func closest(to text: String, in candidates: some Sequence<String>) -> String? {
        let needle = Array(text.lowercased().unicodeScalars)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let d = distance(needle, Array(candidate.lowercased().unicodeScalars))
            let limit = min(3, max(1, candidate.count / 3))
            if d <= limit, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.candidate
    }

    /// `; did you mean `x`?` or nothing.
    static func hint(for text: String, in candidates: some Sequence<String>) -> String {
        closest(to: text, in: candidates).map { "; did you mean `\($0)`?" } ?? ""
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    /// adjacent characters.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
