#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One input of an import: a file, or a data member of a zip archive, named
/// `archive.zip:member.csv` (in the summary, in rejects' `source_location`, in messages).
public struct InputFile: Sendable, Equatable {
    public var name: String
    /// Bytes the reader goes through, for progress: the file's size, or a member's
    /// uncompressed size; 0 when unknown.
    public var size: Int64

    public init(name: String, size: Int64) {
        self.name = name
        self.size = size
    }
}

/// The inputs that files given to `import` stand for.
public enum InputFiles {
    /// Each path as it is, except a zip archive (by its magic bytes, never its name): one input
    /// per data member, in archive order (directories, `__MACOSX/` and dot-files are left out).
    /// An archive that cannot be listed (corrupt, encrypted, no data member) stays one input
    /// under its own name: opening it raises the error that says why, naming the archive.
    public static func expand(_ paths: [String]) -> [InputFile] {
        var inputs: [InputFile] = []
        inputs.reserveCapacity(paths.count)
        for path in paths {
            // Only a regular file can be an archive: a pipe or FIFO (`import <(zcat ...)`) is
            // read once, by its reader, and must not be opened here first.
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                inputs.append(InputFile(name: path, size: 0))
                continue
            }
            guard let (magic, size) = ByteSources.magic(atPath: path) else {
                inputs.append(InputFile(name: path, size: 0))  // opening it says why
                continue
            }
            #if canImport(ZIPFoundation)
            if magic == .zip, let archive = try? ZipInputArchive(path: path) {
                inputs += archive.members.map { InputFile(name: archive.name(of: $0), size: $0.size) }
                continue
            }
            #endif
            inputs.append(InputFile(name: path, size: size))
        }
        return inputs
    }
}

/// Opens inputs by name for the reader, keeping the last zip archive it opened, so that the
/// members of one archive read in turn list the archive's directory once. Used from one
/// thread (the parse thread); not `Sendable`.
public final class InputOpener {
    #if canImport(ZIPFoundation)
    private var archive: ZipInputArchive?
    #endif

    public init() {}

    /// A reader of the input `name`: a plain or gzip file, `archive.zip:member.csv`, or a zip
    /// archive with a single data member.
    public func reader(for name: String, options: CSVOptions = .init()) throws(CSVError) -> BarFileReader {
        try BarFileReader(opening: name, options: options, opener: self)
    }

    /// The zip archive at `path` read as one input: its only data member. An archive with
    /// several is an error that lists them (`import` reads each as an input of its own).
    func openArchive(path: String) throws(CSVError) -> ByteSources.OpenedInput {
        #if canImport(ZIPFoundation)
        let archive = try cachedArchive(path)
        guard archive.members.count == 1 else {
            let shown = archive.members.prefix(5).map { "'\($0.path)'" }.joined(separator: ", ")
            throw CSVError(
                file: path,
                message: "zip archive with \(archive.members.count) data members (\(shown)\(archive.members.count > 5 ? ", ..." : "")): "
                    + "read each as its own input, '\(archive.name(of: archive.members[0]))' (import does)")
        }
        return try archive.open(archive.members[0])
        #else
        throw CSVError(file: path, message: "a zip archive: this build does not read zip archives")
        #endif
    }

    /// `archive.zip:member.csv` when some prefix of `name` before a `:` is a zip archive (by
    /// content); nil when none is.
    func openMember(named name: String) throws(CSVError) -> ByteSources.OpenedInput? {
        #if canImport(ZIPFoundation)
        var colon = name.firstIndex(of: ":")
        while let at = colon {
            let path = String(name[..<at])
            let member = String(name[name.index(after: at)...])
            if let archive, archive.path == path {
                return try archive.open(member: member, named: name)
            }
            if !path.isEmpty, ByteSources.magic(atPath: path)?.magic == .zip {
                return try cachedArchive(path).open(member: member, named: name)
            }
            colon = name[name.index(after: at)...].firstIndex(of: ":")
        }
        #endif
        return nil
    }

    #if canImport(ZIPFoundation)
    private func cachedArchive(_ path: String) throws(CSVError) -> ZipInputArchive {
        if let archive, archive.path == path { return archive }
        archive = nil  // close the previous one first
        let opened = try ZipInputArchive(path: path)
        archive = opened
        return opened
    }
    #endif
}
