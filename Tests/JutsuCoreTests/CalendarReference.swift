import Foundation
import JutsuCore

/// `fixtures/calendar/nyse-closures-2000-2030.csv`: the independent NYSE reference (see the
/// PROVENANCE.md beside it).
enum NYSEReference {
    static let firstDate = date(2000, 1, 1)
    static let lastDate = date(2030, 12, 31)

    /// Date -> kind (`holiday`, `special_closure`, `early_close`).
    static let kinds: [CivilDate: String] = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let path = url.path + "/fixtures/calendar/nyse-closures-2000-2030.csv"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var out: [CivilDate: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", maxSplits: 2)
            guard fields.count == 3, let d = CivilDate(parsing: fields[0]) else { continue }
            out[d] = String(fields[1])
        }
        return out
    }()

    /// What the reference says `d` is.
    static func kind(_ d: CivilDate) -> NYSEDayKind {
        if d.weekday == 0 || d.weekday == 6 { return .weekend }
        switch kinds[d] {
        case "holiday": return .holiday
        case "special_closure": return .specialClosure
        case "early_close": return .earlyClose
        default: return .regularSession
        }
    }
}

/// New York local wall-clock time to UTC, written out from the DST dates rather than taken from
/// `USZone`, so the session-time tests do not check the calendar against its own zone code.
func newYork(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Int64 {
    // Second Sunday of March to first Sunday of November from 2007; first Sunday of April to
    // last Sunday of October before.
    func sunday(_ n: Int, _ month: Int) -> Int {
        let first = date(y, month, 1)
        return 1 + (7 - first.weekday) % 7 + 7 * (n - 1)
    }
    func lastSunday(_ month: Int) -> Int {
        let last = date(y, month, 31)
        return 31 - last.weekday
    }
    let start = y >= 2007 ? (3, sunday(2, 3)) : (4, sunday(1, 4))
    let end = y >= 2007 ? (11, sunday(1, 11)) : (10, lastSunday(10))
    let afterStart = (mo, d) > start || (mo, d) == start && h >= 3
    let beforeEnd = (mo, d) < end || (mo, d) == end && h < 2
    let offsetHours = afterStart && beforeEnd ? 4 : 5
    return utc(y, mo, d, h, mi) + Int64(offsetHours * 3600)
}
