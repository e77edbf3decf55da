#if canImport(ZIPFoundation)
import Foundation
import ZIPFoundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A zip archive read as inputs (ZIPFoundation lists and inflates it): each data member is an
/// input of its own, named `archive.zip:member.csv`.
///
/// Data members are the regular files, in archive order, less `__MACOSX/` and dot-files
/// (`.DS_Store`, anything under a `.folder/`). Opening a member inflates it whole into a
/// temporary file that is unlinked as soon as it is created (so it never outlives the read,
/// whatever happens), checks its CRC-32, then reads that file like any other: plain, or gzip
/// through `GzipByteSource`. Memory stays flat (ZIPFoundation inflates in 64 KiB chunks); a
/// corrupt member is refused before its first row is read, so nothing of it is stored.
///
/// The archive is refused whole (a `CSVError` naming it, and the member where one is to blame)
/// when its directory cannot be read, when it lists entries ZIPFoundation cannot read (an
/// encrypted member among them: ZIPFoundation reads no encrypted entry), or when it has no
/// data member.
final class ZipInputArchive {
    struct Member: Sendable, Equatable {
        /// The member's path inside the archive (`2014/AAPL.csv`).
        var path: String
        /// Uncompressed size in bytes.
        var size: Int64
        /// Index into the archive's data entries.
        fileprivate var index: Int
    }

    let path: String
    let members: [Member]
    private let archive: Archive
    private let entries: [Entry]

    /// Bytes ZIPFoundation reads and inflates at a time.
    static let chunkBytes = 64 * 1024

    init(path: String) throws(CSVError) {
        self.path = path
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw CSVError(
                file: path,
                message: "corrupt zip archive: its central directory cannot be read (\(Self.describe(error))); "
                    + "is it truncated or damaged?")
        }
        var all: [Entry] = []
        for entry in archive { all.append(entry) }
        // ZIPFoundation's iterator ends quietly at an entry it will not read (an encrypted one, or
        // a damaged header): compare with the count the archive's end record states, so that no
        // member goes missing unnoticed, and say which entry it is and why.
        if let stated = ZipRecordFields.statedEntryCount(of: archive), stated != all.count {
            let refused = ZipRecordFields.refusedEntry(in: path, archive: archive, after: all)
            let member = refused?.name.map { "\(path):\($0)" } ?? path
            let position = "entry \(all.count + 1) of the \(stated) its directory lists"
            switch refused?.encrypted {
            case true?:
                throw CSVError(
                    file: member,
                    message: "encrypted zip member (\(position)): not read, encrypted archives are not supported "
                        + "(decrypt it first); nothing of \(path) is imported")
            case false?:
                throw CSVError(
                    file: member,
                    message: "corrupt zip archive: \(position) cannot be read (damaged header); nothing of \(path) is imported")
            case nil:
                throw CSVError(
                    file: path,
                    message: "corrupt or encrypted zip archive: \(position) cannot be read; nothing of it is imported")
            }
        }
        let data = all.filter(Self.isDataMember)
        guard !data.isEmpty else {
            throw CSVError(
                file: path,
                message: "no data member in the zip archive (\(all.count) entries, all directories, __MACOSX/ or dot-files)")
        }
        self.archive = archive
        self.entries = data
        self.members = data.enumerated().map { i, entry in
            Member(path: entry.path, size: Int64(clamping: entry.uncompressedSize), index: i)
        }
    }

    /// `archive.zip:member.csv`.
    func name(of member: Member) -> String { "\(path):\(member.path)" }

    /// A regular file, not under `__MACOSX/`, with no path component that is a dot-file.
    static func isDataMember(_ entry: Entry) -> Bool {
        guard entry.type == .file else { return false }
        let components = entry.path.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else { return false }
        return !components.contains { $0 == "__MACOSX" || ($0.hasPrefix(".") && $0 != "." && $0 != "..") }
    }

    /// The data member at `member` (its path in the archive); `name` names it in errors.
    func open(member: String, named name: String) throws(CSVError) -> ByteSources.OpenedInput {
        guard let found = members.first(where: { $0.path == member }) else {
            throw CSVError(file: name, message: "no data member '\(member)' in the zip archive \(path)")
        }
        return try open(found)
    }

    /// Inflates `member` into an unlinked temporary file and opens that for reading.
    func open(_ member: Member) throws(CSVError) -> ByteSources.OpenedInput {
        let name = name(of: member)
        let entry = entries[member.index]
        let fd = try TemporaryFile.create(for: name, bytes: member.size)
        var written: Int64 = 0
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, bufferSize: Self.chunkBytes, skipCRC32: false) { data in
                // Never more than the archive says (a member that lies about its size, a zip bomb).
                guard written + Int64(data.count) <= member.size else {
                    throw CSVError(
                        file: name,
                        message: "corrupt zip member: it inflates to more than the \(member.size) bytes the archive says; "
                            + "nothing of it is imported")
                }
                try TemporaryFile.write(data, to: fd, name: name)
                written += Int64(data.count)
            }
        } catch {
            close(fd)
            if let error = error as? CSVError { throw error }
            throw CSVError(file: name, message: "corrupt zip member: \(Self.describe(error)); nothing of it is imported")
        }
        guard checksum == entry.checksum, written == member.size else {
            close(fd)
            throw CSVError(
                file: name,
                message: "corrupt zip member: "
                    + (checksum != entry.checksum
                        ? "its CRC-32 is \(Self.hex(checksum)), the archive says \(Self.hex(entry.checksum))"
                        : "it inflates to \(written) bytes, the archive says \(member.size)")
                    + "; nothing of it is imported")
        }
        guard lseek(fd, 0, SEEK_SET) == 0 else {
            let why = FileByteSource.errnoText()
            close(fd)
            throw CSVError(file: name, message: "cannot rewind the temporary file: \(why)")
        }
        let file = FileByteSource(adopting: fd, path: name, size: written)
        // The member's own path under the archive's folder names the symbol and timeframe.
        let folder = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        let inferencePath = folder + member.path
        switch try file.leadingMagic() {
        case .plain:
            return .init(
                source: file, compressed: entry.isCompressed, name: name, inferencePath: inferencePath, zipMember: member.path)
        case .gzip:
            return .init(
                source: try GzipByteSource(file: file), compressed: true, name: name, inferencePath: inferencePath,
                zipMember: member.path)
        case .zip:
            throw CSVError(file: name, message: "a zip archive inside a zip archive is not read: extract it first")
        }
    }

    static func hex(_ value: CRC32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// ZIPFoundation's errors in words.
    static func describe(_ error: any Error) -> String {
        switch error {
        case Archive.ArchiveError.unreadableArchive: return "unreadable archive"
        case Archive.ArchiveError.missingEndOfCentralDirectoryRecord: return "no end of central directory record"
        case Archive.ArchiveError.invalidCompressionMethod:
            return "compression method other than stored or deflate (AES-encrypted, bzip2, LZMA...)"
        case Archive.ArchiveError.invalidCRC32: return "CRC-32 mismatch"
        case Archive.ArchiveError.invalidEntrySize: return "invalid entry size"
        case Archive.ArchiveError.invalidLocalHeaderDataOffset: return "invalid local header offset"
        case Archive.ArchiveError.invalidCentralDirectoryOffset: return "invalid central directory offset"
        case let error as POSIXError: return "\(error.code)"
        default:
            // ZIPFoundation's inflate errors (`Data.CompressionError`) are not public: known by name.
            let text = "\(error)"
            return text == "corruptedData" || text == "invalidStream" ? "its deflate data does not inflate (\(text))" : text
        }
    }
}

/// What ZIPFoundation parses of an archive's records but does not make public, for the
/// checks above: the entry count the end of central directory record states, and the sizes
/// of each entry's central directory record, read by reflection on ZIPFoundation's own parsed
/// values; `nil` when a later ZIPFoundation lays them out otherwise (ZipArchiveTests pin them
/// with 0.9.20: an encrypted member is refused as such, naming it).
enum ZipRecordFields {
    static func statedEntryCount(of archive: Archive) -> Int? {
        if let zip64 = field(archive, ["zip64EndOfCentralDirectory", "record", "totalNumberOfEntriesInCentralDirectory"])
            as? UInt64
        {
            return Int(clamping: zip64)
        }
        guard let count = field(archive, ["endOfCentralDirectoryRecord", "totalNumberOfEntriesInCentralDirectory"]) as? UInt16,
            count != .max  // 0xFFFF: the real count is in the ZIP64 record
        else { return nil }
        return Int(count)
    }

    /// The name and encryption flag of the entry ZIPFoundation stopped at, after `readable`.
    ///
    /// ZIPFoundation's `Entry` refuses encrypted entries (it returns no entry at all), so this
    /// one central directory record is looked at directly, for the error message only: its
    /// signature, general purpose flag (bit 0: encrypted) and file name. Nothing of a member's
    /// data is ever read here; members are only read through ZIPFoundation.
    static func refusedEntry(in path: String, archive: Archive, after readable: [Entry]) -> (name: String?, encrypted: Bool)? {
        var offset: UInt64
        if let zip64 = field(archive, ["zip64EndOfCentralDirectory", "record", "offsetToStartOfCentralDirectory"]) as? UInt64 {
            offset = zip64
        } else if let start = field(archive, ["endOfCentralDirectoryRecord", "offsetToStartOfCentralDirectory"]) as? UInt32 {
            offset = UInt64(start)
        } else {
            return nil
        }
        for entry in readable {
            guard let name = field(entry, ["centralDirectoryStructure", "fileNameLength"]) as? UInt16,
                let extra = field(entry, ["centralDirectoryStructure", "extraFieldLength"]) as? UInt16,
                let comment = field(entry, ["centralDirectoryStructure", "fileCommentLength"]) as? UInt16
            else { return nil }
            offset += 46 + UInt64(name) + UInt64(extra) + UInt64(comment)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: offset)) != nil, let fixed = try? handle.read(upToCount: 46), fixed.count == 46
        else { return nil }
        let bytes = [UInt8](fixed)
        func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
        // A central directory file header: `PK\x01\x02`.
        guard bytes[0] == 0x50, bytes[1] == 0x4B, bytes[2] == 0x01, bytes[3] == 0x02 else { return nil }
        let encrypted = u16(8) & 1 != 0
        let nameBytes = (try? handle.read(upToCount: Int(u16(28)))).map { [UInt8]($0) } ?? []
        let name = nameBytes.isEmpty ? nil : String(decoding: nameBytes, as: UTF8.self)
        return (name, encrypted)
    }

    /// The stored property at `labels` under `value`, looking through optionals.
    static func field(_ value: Any, _ labels: [String]) -> Any? {
        var current = value
        for label in labels {
            guard let child = Mirror(reflecting: current).children.first(where: { $0.label == label }) else { return nil }
            current = child.value
            let mirror = Mirror(reflecting: current)
            if mirror.displayStyle == .optional {
                guard let wrapped = mirror.children.first?.value else { return nil }
                current = wrapped
            }
        }
        return current
    }
}

/// The temporary file a zip member is inflated into.
enum TemporaryFile {
    /// A new file in FileManager's temporary directory, unlinked at once: no name of it is left
    /// behind, also when extraction fails or the process dies, and its space is freed when the
    /// descriptor is closed (when the reader is done with it).
    static func create(for name: String, bytes: Int64) throws(CSVError) -> Int32 {
        let folder = FileManager.default.temporaryDirectory.path
        var space = statvfs()
        if statvfs(folder, &space) == 0 {
            let free = Int64(clamping: UInt64(space.f_bavail) &* UInt64(space.f_frsize))
            guard bytes <= free else {
                throw CSVError(
                    file: name,
                    message: "the member inflates to \(bytes) bytes but the temporary directory \(folder) has \(free) free "
                        + "(set TMPDIR to a larger one)")
            }
        }
        var template = Array("\(folder)/jutsu-zip-member-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw CSVError(file: name, message: "cannot create a temporary file in \(folder): \(FileByteSource.errnoText())")
        }
        let created = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        unlink(created)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    static func write(_ data: Data, to fd: Int32, name: String) throws(CSVError) {
        var failure: CSVError?
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                #if canImport(Glibc)
                let n = Glibc.write(fd, base + offset, bytes.count - offset)
                #else
                let n = Darwin.write(fd, base + offset, bytes.count - offset)
                #endif
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = CSVError(
                        file: name, message: "cannot write the member to a temporary file: \(FileByteSource.errnoText())")
                    return
                }
                offset += n
            }
        }
        if let failure { throw failure }
    }
}
#endif
