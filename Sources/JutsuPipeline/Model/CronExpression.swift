/// A five-field cron expression (minute hour day-of-month month day-of-week), Vixie cron
/// dialect, or a six-field one with a seconds field first (second minute hour day-of-month month
/// day-of-week, as in Quartz, Spring and croner: `*/5 * * * * *` fires every five seconds). A
/// five-field expression fires at second 0 of its minutes.
///
/// Each field is `*`, a number or name, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (`a`
/// through the field's maximum), or a comma list of those. Months may be written `JAN`-`DEC`
/// and weekdays `SUN`-`SAT` (any case); weekday 0 and 7 are both Sunday. Day-of-month accepts
/// `L` (the month's last day) and day-of-week `nL` (the month's last weekday `n`, e.g. `5L`,
/// the last Friday). The macros `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly` and
/// `@yearly` (`@annually`) stand for their usual expressions.
///
/// As in Vixie cron, when both day fields are restricted (neither starts with `*`) a day
/// matches when either does; otherwise both must match (`*/2` counts as unrestricted for
/// this rule, as it does there).
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as written.
    public let text: String
    /// Seconds 0...59 (`0` alone for a five-field expression).
    public let seconds: CronField
    /// Written with the six-field form (a seconds field first).
    public let hasSeconds: Bool
    /// Minutes 0...59.
    public let minutes: CronField
    /// Hours 0...23.
    public let hours: CronField
    /// Days 1...31.
    public let daysOfMonth: CronField
    /// Months 1...12.
    public let months: CronField
    /// Weekdays 0...6, 0 = Sunday.
    public let daysOfWeek: CronField
    /// `L` in day-of-month: the month's last day matches.
    public let lastDayOfMonth: Bool
    /// `nL` in day-of-week: the month's last weekday `n` (0...6) matches.
    public let lastWeekdays: CronField
    /// The day-of-month field starts with `*` (see the type's documentation).
    public let dayOfMonthIsStar: Bool
    /// The day-of-week field starts with `*`.
    public let dayOfWeekIsStar: Bool

    public var description: String { text }

    /// The macro spellings and what they stand for.
    public static let macros: [(name: String, expression: String)] = [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"),
    ]

    /// Parses `text` (surrounding spaces ignored; fields separated by spaces or tabs).
    public init(parsing text: String) throws(CronError) {
        self.text = text
        var body = text.trimmingASCIISpaces()
        if body.hasPrefix("@") {
            let lower = body.lowercased()
            guard let macro = Self.macros.first(where: { $0.name == lower }) else {
                throw CronError(field: nil, message: "unknown macro `\(body)`; use @hourly, @daily, @weekly, @monthly or @yearly")
            }
            body = macro.expression
        }
        var parts = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 || parts.count == 6 else {
            throw CronError(
                field: nil,
                message: "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got \(parts.count)")
        }
        hasSeconds = parts.count == 6
        seconds = hasSeconds ? try Self.parse(parts.removeFirst(), .second).values : CronField([0])
        minutes = try Self.parse(parts[0], .minute).values
        hours = try Self.parse(parts[1], .hour).values
        let dom = try Self.parse(parts[2], .dayOfMonth)
        daysOfMonth = dom.values
        lastDayOfMonth = dom.last
        months = try Self.parse(parts[3], .month).values
        let dow = try Self.parse(parts[4], .dayOfWeek)
        daysOfWeek = dow.values
        lastWeekdays = dow.lastWeekdays
        dayOfMonthIsStar = parts[2].hasPrefix("*")
        dayOfWeekIsStar = parts[4].hasPrefix("*")
    }

    /// True when the expression fires at that local wall-clock second (second 0 of the minute
    /// unless given). `weekday` is 0...6 (0 = Sunday); `daysInMonth` is the length of the month
    /// `day` is in (for `L` and `nL`).
    public func matches(second: Int = 0, minute: Int, hour: Int, day: Int, month: Int, weekday: Int, daysInMonth: Int) -> Bool {
        guard seconds.contains(second), minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
        let domMatch = daysOfMonth.contains(day) || (lastDayOfMonth && day == daysInMonth)
        let dowMatch = daysOfWeek.contains(weekday) || (lastWeekdays.contains(weekday) && day + 7 > daysInMonth)
        if dayOfMonthIsStar || dayOfWeekIsStar { return domMatch && dowMatch }
        return domMatch || dowMatch
    }

    // MARK: - Parsing

    enum Field {
        case second, minute, hour, dayOfMonth, month, dayOfWeek

        var name: String {
            switch self {
            case .second: "second"
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day-of-month"
            case .month: "month"
            case .dayOfWeek: "day-of-week"
            }
        }

        /// Accepted numbers (day-of-week accepts 7 for Sunday).
        var range: ClosedRange<Int> {
            switch self {
            case .second, .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        var names: [String] {
            switch self {
            case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: []
            }
        }

        /// The value of the first name (`JAN` = 1, `SUN` = 0).
        var firstNameValue: Int { self == .month ? 1 : 0 }
    }

    struct ParsedField {
        var values = CronField()
        var last = false
        var lastWeekdays = CronField()
    }

    private static func parse(_ text: String, _ field: Field) throws(CronError) -> ParsedField {
        func fail(_ message: String) -> CronError { CronError(field: field.name, message: "\(field.name) \(message)") }
        var out = ParsedField()
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else { throw fail("field `\(text)` has an empty list element") }
            let upper = item.uppercased()
            if upper == "L" {
                guard field == .dayOfMonth else {
                    throw fail("`L` is only allowed in day-of-month (or as `nL` in day-of-week)")
                }
                out.last = true
                continue
            }
            if upper.count > 1, upper.hasSuffix("L"), !upper.hasPrefix("*") {
                guard field == .dayOfWeek else {
                    throw fail("`\(item)`: `nL` is only allowed in day-of-week")
                }
                let n = try value(String(upper.dropLast()), field, fail)
                out.lastWeekdays.insert(n == 7 ? 0 : n)
                continue
            }
            let stepParts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard stepParts.count <= 2 else { throw fail("`\(item)` has more than one `/`") }
            var step = 1
            if stepParts.count == 2 {
                guard let n = Int(stepParts[1]) else { throw fail("step `\(stepParts[1])` is not a number") }
                guard n >= 1 else { throw fail("step \(n) must be at least 1") }
                guard n <= field.range.upperBound else {
                    throw fail("step \(n) is larger than the field (at most \(field.range.upperBound))")
                }
                step = n
            }
            let base = stepParts[0]
            var low: Int
            var high: Int
            if base == "*" {
                low = field.range.lowerBound
                high = field == .dayOfWeek ? 6 : field.range.upperBound
            } else if let dash = base.firstIndex(of: "-"), dash != base.startIndex {
                low = try value(String(base[..<dash]), field, fail)
                high = try value(String(base[base.index(after: dash)...]), field, fail)
                guard low <= high else { throw fail("range \(base) is backwards (\(low) > \(high))") }
            } else {
                low = try value(base, field, fail)
                // `a/n`: from a to the field's end.
                high = stepParts.count == 2 ? (field == .dayOfWeek ? 6 : field.range.upperBound) : low
            }
            var v = low
            while v <= high {
                out.values.insert(field == .dayOfWeek && v == 7 ? 0 : v)
                v += step
            }
        }
        return out
    }

    /// One number or name of a field, range-checked.
    private static func value(
        _ text: String, _ field: Field, _ fail: (String) -> CronError
    ) throws(CronError) -> Int {
        if let index = field.names.firstIndex(of: text.uppercased()) { return index + field.firstNameValue }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), text.utf8.count <= 4,
            let n = Int(text)
        else {
            let what = field.names.isEmpty ? "a number" : "a number or name (\(field.names.first!)-\(field.names.last!))"
            throw fail("`\(text)` is not \(what)")
        }
        let range = field.range
        guard range.contains(n) else {
            throw fail("\(n) is out of range \(range.lowerBound)-\(range.upperBound)")
        }
        return n
    }
}

/// The set of values of one cron field, as bits (values 0...63).
public struct CronField: Sendable, Equatable, CustomStringConvertible {
    public private(set) var bits: UInt64 = 0

    public init() {}

    public init(_ values: some Sequence<Int>) {
        for v in values { insert(v) }
    }

    public mutating func insert(_ value: Int) {
        precondition((0..<64).contains(value))
        bits |= 1 << UInt64(value)
    }

    public func contains(_ value: Int) -> Bool {
        (0..<64).contains(value) && bits & (1 << UInt64(value)) != 0
    }

    public var isEmpty: Bool { bits == 0 }

    /// The values in increasing order.
    public var values: [Int] { (0..<64).filter(contains) }

    public var description: String { values.map(String.init).joined(separator: ",") }
}

/// Why a cron expression was refused. `message` names the field, e.g. "day-of-month 32 is out
/// of range 1-31".
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `second`, `minute`, `hour`, `day-of-month`, `month`, `day-of-week`; `nil` for the whole
    /// expression.
    public var field: String?
    public var message: String

    public init(field: String?, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}

extension String {
    func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeLast() }
        return String(s)
    }
}
