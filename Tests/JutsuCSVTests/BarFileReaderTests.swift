import JutsuCore
import Testing

@testable import JutsuCSV

@Suite struct BarFileReaderTests {
    static let header = "Date,Open,High,Low,Close,Volume,Dividend,Split\n"

    @Test func everyRecordIsABarOrARejectAcrossBatches() throws {
        var text = Self.header
        for k in 0..<250 {
            let day = CivilDate(daysSinceEpoch: days(2020, 1, 1) + Int64(k))
            text += k % 10 == 3 ? "\(day),x,2,1,1.5,10,,\n" : "\(day),1,2,0.5,1.5,\(k),,\n"
            if k % 50 == 0 { text += "\n" }  // blank lines: skipped, not rows
        }
        for batch in [1, 7, 100, 10_000] {
            let c = try Fixtures.read(bytes: Array(text.utf8), batch: batch)
            #expect(c.bars.count == 225 && c.rejects.count == 25 && c.rowsRead == 250)
            #expect(c.batches.allSatisfy { $0.rowCount <= batch && $0.rowCount > 0 })
            #expect(c.batches.map(\.rowCount).reduce(0, +) == 250)
            // Lines strictly increase and batches report their first and last line.
            let lines = (c.bars.map(\.line) + c.rejects.map(\.line)).sorted()
            #expect(Set(lines).count == 250)
            for b in c.batches {
                let inBatch = b.bars.map(\.line) + b.rejects.map(\.line)
                #expect(b.firstLine == inBatch.min() && b.lastLine == inBatch.max())
            }
        }
    }

    @Test func recordsSpanningReadsGiveTheSameResultAsOneBuffer() throws {
        let text = Self.header
            + "2024-03-01,\"1.5\",2,1,1.5,10,0,1\r\n"
            + "\"2024-03-04\",1,\"2\",1,1.5,\"1,00\",0,1\r\n"
            + "2024-03-05,1,2,1,1.5,10,\"0.25\",\"2:1\"\r\n"
            + "2024-03-06,1,2,1,1.5,10,0,\"ab\"\"c\"\r\n"
            + "2024-03-07,\"1\n\",2,1,1.5,10,0,1\r\n"
            + "2024-03-08,1,2,1,1.5,10,0,1"
        let bytes = Array(text.utf8)
        let whole = try Fixtures.read(bytes: bytes)
        #expect(whole.bars.count == 3 && whole.rejects.count == 3)
        // "1,00" volume (no thousands grouping); a split of `ab"c`; an open of "1\n" (its newline makes line 7 part of 6).
        #expect(whole.rejects.map(\.reason) == [.badNumber, .badNumber, .badNumber])
        #expect(whole.rejects.map(\.line) == [3, 5, 6])
        #expect(whole.rejects[1].message == "field 'Split' value 'ab\"c': not a number")
        #expect(whole.bars.map(\.line) == [2, 4, 8])
        #expect(whole.actions.map(\.kind) == [.dividend, .split])
        #expect(whole.actions.last?.value == price("2"))
        for chunk in [1, 2, 3] {
            for buffer in [8, 256 * 1024] {
                let small = try Fixtures.read(bytes: bytes, chunk: chunk, bufferBytes: buffer, batch: 2)
                #expect(small.bars.map(\.bar) == whole.bars.map(\.bar))
                #expect(small.bars.map(\.line) == whole.bars.map(\.line))
                #expect(small.rejects == whole.rejects)
                #expect(small.actions == whole.actions)
            }
        }
    }

    @Test func rejectMessagesNameFieldAndValueAndCapTheRawText() throws {
        let long = String(repeating: "9", count: 3000)
        let text = Self.header + "2024-03-01,1,1e400,0.5,1.5,10,0,1\n" + "2024-03-04,1,\(long),0.5,1.5,10,0,1\n"
        let c = try Fixtures.read(text: text)
        #expect(c.rejects[0].message == "field 'High' value '1e400': number out of range")
        #expect(c.rejects[0].rawText == "2024-03-01,1,1e400,0.5,1.5,10,0,1")
        #expect(c.rejects[1].reason == .numberOutOfRange)
        #expect(c.rejects[1].rawText.utf8.count <= 1003)
        #expect(c.rejects[1].rawText.hasSuffix("…"))
    }

    @Test func splitsAndDividendsBecomeActionsAndTheBarStays() throws {
        let text = Self.header
            + "2024-03-01,1,2,0.5,1.5,10,0.0,1.0\n"  // nothing
            + "2024-03-04,1,2,0.5,1.5,10,0.24,0\n"  // dividend
            + "2024-03-05,1,2,0.5,1.5,10,,7\n"  // 7:1 split
            + "2024-03-06,1,2,0.5,1.5,10,,1/3\n"  // reverse split as a ratio
            + "2024-03-07,1,2,0.5,1.5,10,abc,\n"  // bad dividend: rejected
            + "2024-03-08,1,2,0.5,1.5,10,,1:0\n"  // bad ratio: rejected
        let c = try Fixtures.read(text: text, name: "AAPL.csv")
        #expect(c.bars.count == 4)
        #expect(c.actions.map(\.kind) == [.dividend, .split, .split])
        #expect(c.actions.map(\.value) == [price("0.24"), price("7"), price("0.333333")])
        #expect(c.actions.map(\.exDate.description) == ["2024-03-04", "2024-03-05", "2024-03-06"])
        #expect(c.rejects.map(\.reason) == [.badNumber, .badNumber])
    }

    @Test func symbolColumnCacheFollowsChanges() throws {
        var text = "date,symbol,open,high,low,close,volume\n"
        for s in ["aapl", "aapl", "brk-b", "brk-b", "aapl", "", "b@d", "msft"] {
            text += "2024-03-01,\(s),1,2,0.5,1.5,1\n"
        }
        let c = try Fixtures.read(text: text)
        #expect(c.bars.map(\.bar.symbol.value) == ["AAPL", "AAPL", "BRK.B", "BRK.B", "AAPL", "MSFT"])
        #expect(c.rejects.map(\.reason) == [.missingField, .badSymbol])
        #expect(c.rejects.last?.message.hasPrefix("field 'symbol' value 'b@d'") == true)
    }

    @Test func emptyFieldsInNumbersAreMissingFields() throws {
        let c = try Fixtures.read(text: Self.header + "2024-03-01,1,2,0.5,,10,,\n,,,,,,,\n")
        #expect(c.rejects.map(\.reason) == [.missingField, .missingField])
        #expect(c.rejects.map(\.message) == ["field 'Close' is empty", "field 'Date' is empty"])
    }

    @Test func oneMillionRowFileReadsInFlatMemory() throws {
        // Not a benchmark (see Benchmarks/): checks that a long file is read batch by batch.
        var text = Self.header
        for k in 0..<20_000 {
            text += "\(CivilDate(daysSinceEpoch: Int64(k))),1,2,0.5,1.5,\(k),0,1\n"
        }
        let c = try Fixtures.read(bytes: Array(text.utf8), bufferBytes: 4096, batch: 4096)
        #expect(c.bars.count == 20_000 && c.batches.count == 5)
    }
}
