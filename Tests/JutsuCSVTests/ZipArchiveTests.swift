import Foundation
import JutsuCore
import Testing

@testable import JutsuCSV

/// Zip archives as input: each data member an input of its own, `archive.zip:member.csv`, read
/// through ZIPFoundation (archives made here with Python's zipfile from CSV text written by hand).
@Suite struct ZipArchiveTests {
    /// A fresh folder for one test's files.
    final class Folder {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("jutsu-zip-\(UInt64.random(in: 0...UInt64.max))").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { path + "/" + name }
    }

    /// One entry of an archive: a directory when `name` ends in `/`; `gzip` compresses the text
    /// first (a .csv.gz member); `stored` leaves it uncompressed in the archive.
    struct Entry: Encodable {
        var name: String
        var text: String = ""
        var gzip = false
        var stored = false
    }

    /// Writes a zip archive with Python's zipfile, entries in the order given.
    static func makeZip(_ path: String, _ entries: [Entry]) throws {
        let script = """
            import gzip, json, sys, zipfile
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                for e in json.loads(sys.argv[2]):
                    data = e['text'].encode()
                    if e['gzip']:
                        data = gzip.compress(data, mtime=0)
                    method = zipfile.ZIP_STORED if e['stored'] or e['name'].endswith('/') else zipfile.ZIP_DEFLATED
                    z.writestr(e['name'], data, compress_type=method)
            """
        let json = String(decoding: try JSONEncoder().encode(entries), as: UTF8.self)
        try run("/usr/bin/env", ["python3", "-c", script, path, json])
    }

    static func run(_ tool: String, _ arguments: [String], in directory: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CSVError(file: tool, message: "exit \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
        }
    }

    /// Every input the paths stand for, each read whole through one opener (as `import` does).
    static func readAll(_ paths: [String]) throws -> [(name: String, contents: Fixtures.Contents)] {
        let opener = InputOpener()
        return try InputFiles.expand(paths).map { input in
            (input.name, try Fixtures.drain(opener.reader(for: input.name)))
        }
    }

    static func csvError(_ body: () throws -> Void) -> CSVError? {
        do { try body() } catch let error as CSVError { return error } catch { return nil }
        return nil
    }

    // Written by hand; the expectations below are read off this text.
    static let apple = """
        Date,Open,High,Low,Close,Volume
        2024-03-01,179.55,180.53,177.38,179.66,73488000
        2024-03-04,176.15,176.9,173.79,175.1,81510100
        2024-03-05,170.76,172.04,169.62,170.12,95132400

        """

    @Test func oneMemberArchiveIsReadByContentUnderTheMembersName() throws {
        let folder = try Folder()
        // No .zip in the name: the magic bytes decide.
        let archive = folder.file("prices.bundle")
        try Self.makeZip(archive, [Entry(name: "AAPL.csv", text: Self.apple)])

        #expect(InputFiles.expand([archive]).map(\.name) == ["\(archive):AAPL.csv"])
        #expect(InputFiles.expand([archive]).map(\.size) == [Int64(Self.apple.utf8.count)])
        let all = try Self.readAll([archive])
        #expect(all.count == 1)
        let got = all[0].contents
        #expect(got.dialect.symbol == symbol("AAPL") && got.dialect.symbolSource == .fileName)
        #expect(got.dialect.timeframe == .d1 && got.dialect.compressed && got.dialect.zipMember == "AAPL.csv")
        #expect(got.rejects == [] && got.rowsRead == 3)
        #expect(got.bars.map(\.line) == [2, 3, 4])
        #expect(got.bars.map { iso($0.bar.ts) } == ["2024-03-01T00:00:00Z", "2024-03-04T00:00:00Z", "2024-03-05T00:00:00Z"])
        let bars = got.bars.map(\.bar)
        #expect(bars.map(\.open) == ["179.55", "176.15", "170.76"].map(price))
        #expect(bars.map(\.high) == ["180.53", "176.9", "172.04"].map(price))
        #expect(bars.map(\.low) == ["177.38", "173.79", "169.62"].map(price))
        #expect(bars.map(\.close) == ["179.66", "175.1", "170.12"].map(price))
        #expect(bars.map(\.volume) == [73_488_000, 81_510_100, 95_132_400])
        #expect(bars.allSatisfy { $0.symbol == symbol("AAPL") && $0.timeframe == .d1 })

        // The archive's path alone reads its only member, under the member's name.
        let reader = try BarFileReader(path: archive)
        #expect(reader.path == "\(archive):AAPL.csv")
        #expect(try Fixtures.drain(reader).bars.map(\.bar) == bars)
        // So does the member's name, with a reader of its own.
        #expect(try Fixtures.read("\(archive):AAPL.csv").bars.map(\.bar) == bars)
    }

    @Test func twoMembersAreTwoInputsInArchiveOrderAndAGzipMemberIsInflated() throws {
        let folder = try Folder()
        let archive = folder.file("bundle.zip")
        let hourly = """
            timestamp,open,high,low,close,volume
            2024-03-04 10:00:00,411.27,412.5,410.8,412.1,1200
            2024-03-04 11:00:00,412.1,413,411.9,412.95,900
            2024-03-04 12:00:00,412.95,413.2,not-a-price,412.4,800

            """
        let daily = """
            date,open,high,low,close,volume
            2024-03-01,58.9,59.4,58.77,59.38,9834200
            2024-03-04,59.2,59.5,58.99,59.05,11250300

            """
        try Self.makeZip(archive, [
            Entry(name: "data/"),
            // Archive order, not name order: MSFT first.
            Entry(name: "data/MSFT-1h.csv.gz", text: hourly, gzip: true, stored: true),
            Entry(name: "__MACOSX/data/._KO.csv", text: "resource fork"),
            Entry(name: "data/.DS_Store", text: "junk"),
            Entry(name: "data/KO.csv", text: daily),
        ])

        let all = try Self.readAll([archive])
        #expect(all.map(\.name) == ["\(archive):data/MSFT-1h.csv.gz", "\(archive):data/KO.csv"])

        let msft = all[0].contents
        #expect(msft.dialect.symbol == symbol("MSFT") && msft.dialect.timeframe == .h1)
        #expect(msft.dialect.timeframeSource == .fileName && msft.dialect.compressed)
        #expect(msft.dialect.zipMember == "data/MSFT-1h.csv.gz")
        #expect(msft.bars.map(\.line) == [2, 3])
        // 10:00 New York (EST, before the March switch) is 15:00Z.
        #expect(msft.bars.map { iso($0.bar.ts) } == ["2024-03-04T15:00:00Z", "2024-03-04T16:00:00Z"])
        #expect(msft.bars.map(\.bar.open) == ["411.27", "412.1"].map(price))
        #expect(msft.bars.map(\.bar.high) == ["412.5", "413"].map(price))
        #expect(msft.bars.map(\.bar.low) == ["410.8", "411.9"].map(price))
        #expect(msft.bars.map(\.bar.close) == ["412.1", "412.95"].map(price))
        #expect(msft.bars.map(\.bar.volume) == [1200, 900])
        #expect(msft.rejects.map(\.line) == [4] && msft.rejects.first?.reason == .badNumber)

        let ko = all[1].contents
        #expect(ko.dialect.symbol == symbol("KO") && ko.dialect.timeframe == .d1)
        #expect(ko.rejects == [] && ko.bars.map(\.line) == [2, 3])
        #expect(ko.bars.map { iso($0.bar.ts) } == ["2024-03-01T00:00:00Z", "2024-03-04T00:00:00Z"])
        #expect(ko.bars.map(\.bar.open) == ["58.9", "59.2"].map(price))
        #expect(ko.bars.map(\.bar.high) == ["59.4", "59.5"].map(price))
        #expect(ko.bars.map(\.bar.low) == ["58.77", "58.99"].map(price))
        #expect(ko.bars.map(\.bar.close) == ["59.38", "59.05"].map(price))
        #expect(ko.bars.map(\.bar.volume) == [9_834_200, 11_250_300])

        // The archive's path alone is not one input: the error lists its members.
        let error = Self.csvError { _ = try BarFileReader(path: archive) }
        #expect(error?.file == archive && error?.message.contains("2 data members") == true)
    }

    @Test func theMembersFolderAndTheArchivesFolderNameTheTimeframe() throws {
        let folder = try Folder()
        try FileManager.default.createDirectory(atPath: folder.file("daily"), withIntermediateDirectories: true)
        let archive = folder.file("daily/export.zip")
        let text = "date,open,high,low,close\n2024-03-01,1,2,0.5,1.5\n"
        try Self.makeZip(archive, [Entry(name: "AAPL.csv", text: text), Entry(name: "hourly/MSFT.csv", text: text)])
        let all = try Self.readAll([archive])
        #expect(all.map(\.contents.dialect.timeframe) == [.d1, .h1])
        #expect(all.map(\.contents.dialect.timeframeSource) == [.directoryName, .directoryName])
        #expect(all.map(\.contents.dialect.symbol) == [symbol("AAPL"), symbol("MSFT")])
    }

    /// Written to a stream that cannot seek, zipfile puts each member's CRC and sizes in a data
    /// descriptor after its data (as streaming zippers do).
    @Test func anArchiveWrittenAsAStreamIsRead() throws {
        let folder = try Folder()
        let archive = folder.file("streamed.zip")
        let script = """
            import sys, zipfile
            class Stream:
                def __init__(self, f): self.f = f
                def write(self, b): return self.f.write(b)
                def flush(self): self.f.flush()
            with open(sys.argv[1], 'wb') as f, zipfile.ZipFile(Stream(f), 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('AAPL.csv', sys.argv[2])
            """
        try Self.run("/usr/bin/env", ["python3", "-c", script, archive, Self.apple])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: archive)))
        #expect(bytes[6] & 0x08 != 0)  // general purpose flag bit 3: data descriptor
        let got = try Fixtures.read(archive)
        #expect(got.bars.map(\.bar.close) == ["179.66", "175.1", "170.12"].map(price))
    }

    @Test func aPlainFileNamedZipIsReadAsText() throws {
        let folder = try Folder()
        let path = folder.file("AAPL.zip")
        _ = FileManager.default.createFile(atPath: path, contents: Data(Self.apple.utf8))
        #expect(InputFiles.expand([path]).map(\.name) == [path])
        let got = try Fixtures.read(path)
        #expect(got.bars.count == 3 && !got.dialect.compressed && got.dialect.zipMember == nil)
    }

    /// QUANDL_ARCHIVE.zip, checked against its .truth.json (written independently of the reader).
    @Test func realQuandlArchiveMatchesItsTruth() throws {
        let archive = Fixtures.path("real/vendors/quandl-wiki/QUANDL_ARCHIVE.zip")
        let truthData = try Data(contentsOf: URL(fileURLWithPath: archive + ".truth.json"))
        let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
        let truthBars = try #require(truth["bars"] as? [[String: Any]])
        #expect(truth["bar_count"] as? Int == 916 && truthBars.count == 916)

        let all = try Self.readAll([archive])
        #expect(all.map(\.name) == ["\(archive):QUANDL_SAMPLE_TABLE.csv"])
        let got = try #require(all.first?.contents)
        #expect(got.dialect.symbolSource == .column && got.dialect.timeframe == .d1)
        #expect(got.rejects == [])
        #expect(got.bars.count == truthBars.count)
        let symbols = Set(got.bars.map(\.bar.symbol))
        let truthSymbols = try #require(truth["symbols"] as? [String])
        #expect(symbols == Set(truthSymbols.map(symbol)))

        func check(_ bar: Bar, _ expected: [String: Any]) {
            #expect(iso(bar.ts) == expected["ts"] as? String)
            #expect(bar.symbol == symbol(expected["symbol"] as? String ?? ""))
            #expect(bar.open == price(expected["open"] as? String ?? "0"))
            #expect(bar.high == price(expected["high"] as? String ?? "0"))
            #expect(bar.low == price(expected["low"] as? String ?? "0"))
            #expect(bar.close == price(expected["close"] as? String ?? "0"))
            #expect(bar.volume == (expected["volume"] as? Int).map(Int64.init))
        }
        check(try #require(got.bars.first?.bar), truthBars[0])
        check(try #require(got.bars.last?.bar), truthBars[truthBars.count - 1])

        // The truth's splits (split_ratio other than 1.0) are the splits read. Its dividends are
        // in an `ex-dividend` column, which the header mapper does not know yet (ignored_columns).
        let truthActions = try #require(truth["corporate_actions_in_file"] as? [[String: Any]])
        let truthSplits = truthActions.filter { ($0["split_ratio"] as? String) != "1.0" }
        #expect(truthSplits.count == 1)
        let expectedSplits = truthSplits.map { a -> CorporateAction in
            let day = (a["ts"] as? String ?? "").prefix(10).split(separator: "-").compactMap { Int($0) }
            return CorporateAction(
                symbol: symbol(a["symbol"] as? String ?? ""), exDate: CivilDate(year: day[0], month: day[1], day: day[2])!,
                kind: .split, value: price(a["split_ratio"] as? String ?? "0"))
        }
        #expect(got.actions.filter { $0.kind == .split } == expectedSplits)
        #expect(got.dialect.ignoredColumns.contains("ex-dividend"))
    }

    @Test func aTruncatedArchiveIsRefusedNamingIt() throws {
        let folder = try Folder()
        let whole = folder.file("whole.zip")
        try Self.makeZip(whole, [Entry(name: "AAPL.csv", text: Self.apple), Entry(name: "KO.csv", text: Self.apple)])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
        for cut in [bytes.count - 1, bytes.count - 30, bytes.count / 2, 10] {
            let archive = folder.file("cut-\(cut).zip")
            _ = FileManager.default.createFile(atPath: archive, contents: bytes.prefix(cut))
            // It stays one input under its own name; opening it says why.
            #expect(InputFiles.expand([archive]).map(\.name) == [archive])
            let error = Self.csvError { _ = try InputOpener().reader(for: archive) }
            #expect(error?.file == archive, "cut at \(cut): \(String(describing: error))")
            #expect(error?.message.contains("corrupt zip archive") == true, "cut at \(cut): \(String(describing: error))")
        }
    }

    @Test func aDamagedMemberIsRefusedBeforeItsFirstRowNamingArchiveAndMember() throws {
        let folder = try Folder()
        let archive = folder.file("damaged.zip")
        // Enough rows for deflate data well past the bytes flipped below (the content does not matter:
        // the member is refused when it is opened).
        let rows = (1...2000).map { "2024-03-01,1,2,0.5,1.5,\($0 * 7919 % 100_003)" }
        try Self.makeZip(archive, [Entry(name: "AAPL.csv", text: "date,open,high,low,close,volume\n" + rows.joined(separator: "\n"))])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: archive)))
        // Flip bytes in the middle of the deflate data (the local header is the first ~40 bytes).
        for k in 200..<260 { bytes[k] ^= 0x5A }
        _ = FileManager.default.createFile(atPath: archive, contents: Data(bytes))
        let inputs = InputFiles.expand([archive])
        #expect(inputs.map(\.name) == ["\(archive):AAPL.csv"])
        let error = Self.csvError { _ = try InputOpener().reader(for: inputs[0].name) }
        #expect(error?.file == "\(archive):AAPL.csv", "\(String(describing: error))")
        #expect(error?.message.contains("corrupt zip member") == true, "\(String(describing: error))")
    }

    @Test func aMemberThatInflatesPastItsStatedSizeIsStoppedThere() throws {
        let folder = try Folder()
        let archive = folder.file("liar.zip")
        try Self.makeZip(archive, [Entry(name: "AAPL.csv", text: Self.apple)])
        // The central directory says 10 bytes (uncompressed size, 24 bytes into its record).
        let patch = """
            import sys
            b = bytearray(open(sys.argv[1], 'rb').read())
            i = b.rindex(b'PK\\x01\\x02')
            b[i + 24:i + 28] = (10).to_bytes(4, 'little')
            open(sys.argv[1], 'wb').write(b)
            """
        try Self.run("/usr/bin/env", ["python3", "-c", patch, archive])
        #expect(InputFiles.expand([archive]).map(\.size) == [10])
        let error = Self.csvError { _ = try InputOpener().reader(for: archive) }
        #expect(error?.file == "\(archive):AAPL.csv", "\(String(describing: error))")
        #expect(error?.message.contains("inflates to more than the 10 bytes") == true, "\(String(describing: error))")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zip"), "needs Info-ZIP's zip for an encrypted archive"))
    func anEncryptedArchiveIsRefusedAsEncrypted() throws {
        let folder = try Folder()
        _ = FileManager.default.createFile(atPath: folder.file("AAPL.csv"), contents: Data(Self.apple.utf8))
        try Self.run("/usr/bin/zip", ["-q", "-P", "secret", "locked.zip", "AAPL.csv"], in: folder.path)
        let archive = folder.file("locked.zip")
        #expect(InputFiles.expand([archive]).map(\.name) == [archive])
        let error = Self.csvError { _ = try InputOpener().reader(for: archive) }
        #expect(error?.file == "\(archive):AAPL.csv", "\(String(describing: error))")
        #expect(error?.message.contains("encrypted zip member") == true, "\(String(describing: error))")

        // A plain member, then an encrypted one: the archive is refused whole, naming the second.
        _ = FileManager.default.createFile(atPath: folder.file("KO.csv"), contents: Data(Self.apple.utf8))
        try Self.run("/usr/bin/zip", ["-q", "mixed.zip", "AAPL.csv"], in: folder.path)
        try Self.run("/usr/bin/zip", ["-q", "-P", "secret", "mixed.zip", "KO.csv"], in: folder.path)
        let mixed = folder.file("mixed.zip")
        #expect(InputFiles.expand([mixed]).map(\.name) == [mixed])
        let second = Self.csvError { _ = try InputOpener().reader(for: mixed) }
        #expect(second?.file == "\(mixed):KO.csv", "\(String(describing: second))")
        #expect(second?.message.contains("encrypted zip member (entry 2 of the 2") == true, "\(String(describing: second))")
    }

    @Test func anArchiveWithNoDataMemberIsRefused() throws {
        let folder = try Folder()
        let archive = folder.file("empty.zip")
        try Self.makeZip(archive, [Entry(name: "data/"), Entry(name: ".DS_Store", text: "x"), Entry(name: "__MACOSX/._a", text: "y")])
        let error = Self.csvError { _ = try InputOpener().reader(for: archive) }
        #expect(error?.file == archive && error?.message.contains("no data member") == true, "\(String(describing: error))")
    }

    @Test func aMissingMemberAndAZipInsideAZipAreErrors() throws {
        let folder = try Folder()
        let inner = folder.file("inner.zip")
        try Self.makeZip(inner, [Entry(name: "AAPL.csv", text: Self.apple)])
        let outer = folder.file("outer.zip")
        // The inner archive's bytes as a member of the outer one.
        let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\nz.writestr('nested.zip', open(sys.argv[2], 'rb').read())\nz.close()"
        try Self.run("/usr/bin/env", ["python3", "-c", script, outer, inner])
        let nested = Self.csvError { _ = try InputOpener().reader(for: "\(outer):nested.zip") }
        #expect(nested?.file == "\(outer):nested.zip" && nested?.message.contains("zip archive inside a zip archive") == true)
        let missing = Self.csvError { _ = try InputOpener().reader(for: "\(inner):MSFT.csv") }
        #expect(missing?.file == "\(inner):MSFT.csv" && missing?.message.contains("no data member 'MSFT.csv'") == true)
    }

    @Test func theTemporaryFileIsGoneOnceTheMemberIsOpen() throws {
        let folder = try Folder()
        let archive = folder.file("t.zip")
        try Self.makeZip(archive, [Entry(name: "AAPL.csv", text: Self.apple)])
        let temporary = FileManager.default.temporaryDirectory.path
        func leftovers() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("jutsu-zip-member-") }
        }
        let before = try leftovers()
        let reader = try InputOpener().reader(for: archive)
        #expect(try leftovers() == before)  // unlinked as soon as it was made
        #expect(try Fixtures.drain(reader).bars.count == 3)
    }
}
