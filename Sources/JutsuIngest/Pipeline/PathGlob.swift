import Foundation

/// Expands `source.paths` of a pipeline: plain paths, and globs with `*`, `?`, `[...]` within
/// one path segment and `**` for any number of directories. Relative patterns are resolved
/// against `base` (the pipeline file's directory). Results are sorted and de-duplicated.
enum PathGlob {
    static func isPattern(_ text: String) -> Bool { text.contains { "*?[".contains($0) } }

    static func expand(_ patterns: [String], relativeTo base: String) -> (files: [String], unmatched: [String]) {
        var files: [String] = []
        var unmatched: [String] = []
        for pattern in patterns {
            let joined = pattern.hasPrefix("/") ? pattern : (base as NSString).appendingPathComponent(pattern)
            let absolute = (joined as NSString).standardizingPath
            let found = isPattern(absolute) ? match(absolute) : (FileManager.default.fileExists(atPath: absolute) ? [absolute] : [])
            if found.isEmpty { unmatched.append(pattern) }
            files.append(contentsOf: found)
        }
        var seen = Set<String>()
        return (files.sorted().filter { seen.insert($0).inserted }, unmatched)
    }

    /// Every regular file matching an absolute pattern.
    static func match(_ pattern: String) -> [String] {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // The literal directory prefix, where the walk starts.
        var root = "/"
        var rest = segments[...]
        while let first = rest.first, !isPattern(first), rest.count > 1 {
            root = (root as NSString).appendingPathComponent(first)
            rest = rest.dropFirst()
        }
        var out: [String] = []
        walk(root, Array(rest), into: &out)
        return out
    }

    private static func walk(_ directory: String, _ segments: [String], into out: inout [String]) {
        guard let head = segments.first else { return }
        let tail = Array(segments.dropFirst())
        let fm = FileManager.default
        if head == "**" {
            walk(directory, tail, into: &out)   // zero directories
            for name in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] where !name.hasPrefix(".") {
                let path = (directory as NSString).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    walk(path, segments, into: &out)
                }
            }
            return
        }
        for name in (try? fm.contentsOfDirectory(atPath: directory)) ?? []
        where fnmatch(head, name, FNM_PERIOD) == 0 {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if tail.isEmpty {
                if !isDirectory.boolValue { out.append(path) }
            } else if isDirectory.boolValue {
                walk(path, tail, into: &out)
            }
        }
    }
}
