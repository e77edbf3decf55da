import JutsuCore
import JutsuPipeline
import Testing

@Suite struct CronExpressionTests {
    /// Every minute of `date` (local wall clock) the expression fires at, as `HH:MM`.
    func firings(_ text: String, on date: CivilDate) throws -> [String] {
        let cron = try CronExpression(parsing: text)
        let days = CivilDate.daysInMonth(year: Int(date.year), month: Int(date.month))
        var out: [String] = []
        for hour in 0..<24 {
            for minute in 0..<60
            where cron.matches(
                minute: minute, hour: hour, day: Int(date.day), month: Int(date.month), weekday: date.weekday,
                daysInMonth: days)
            {
                out.append(format2(hour) + ":" + format2(minute))
            }
        }
        return out
    }

    func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// The days of `year`-`month` on which the expression fires at least once.
    func days(_ text: String, year: Int, month: Int) throws -> [Int] {
        let cron = try CronExpression(parsing: text)
        let count = CivilDate.daysInMonth(year: year, month: month)
        return (1...count).filter { day in
            let date = CivilDate(year: year, month: month, day: day)!
            return (0..<24).contains { hour in
                (0..<60).contains { minute in
                    cron.matches(minute: minute, hour: hour, day: day, month: month, weekday: date.weekday, daysInMonth: count)
                }
            }
        }
    }

    func error(_ text: String) -> String? {
        do {
            _ = try CronExpression(parsing: text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func fieldsListsRangesAndSteps() throws {
        let cron = try CronExpression(parsing: "0,30 9-17/4 * * *")
        #expect(cron.minutes.values == [0, 30])
        #expect(cron.hours.values == [9, 13, 17])
        #expect(cron.daysOfMonth.values == Array(1...31))
        #expect(cron.months.values == Array(1...12))
        #expect(cron.daysOfWeek.values == Array(0...6))
        #expect(try CronExpression(parsing: "*/15 * * * *").minutes.values == [0, 15, 30, 45])
        #expect(try CronExpression(parsing: "5/20 * * * *").minutes.values == [5, 25, 45])
        #expect(try CronExpression(parsing: "1-3,10,20-21 * * * *").minutes.values == [1, 2, 3, 10, 20, 21])
        #expect(try CronExpression(parsing: "  0\t18  * * 1-5 ").hours.values == [18])
        #expect(try CronExpression(parsing: "0 0 1 1 *").text == "0 0 1 1 *")
    }

    @Test func namesAreCaseInsensitiveAndSundayIsZeroOrSeven() throws {
        #expect(try CronExpression(parsing: "0 0 * jan-Mar,DEC *").months.values == [1, 2, 3, 12])
        #expect(try CronExpression(parsing: "0 0 * * MON-fri").daysOfWeek.values == [1, 2, 3, 4, 5])
        #expect(try CronExpression(parsing: "0 0 * * 7").daysOfWeek.values == [0])
        #expect(try CronExpression(parsing: "0 0 * * 0").daysOfWeek.values == [0])
        #expect(try CronExpression(parsing: "0 0 * * 5-7").daysOfWeek.values == [0, 5, 6])
        #expect(try CronExpression(parsing: "0 0 * * sun").daysOfWeek.values == [0])
        #expect(try CronExpression(parsing: "0 0 * * */2").daysOfWeek.values == [0, 2, 4, 6])
    }

    @Test func macros() throws {
        let pairs = [
            ("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@weekly", "0 0 * * 0"),
            ("@monthly", "0 0 1 * *"), ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@DAILY", "0 0 * * *"),
        ]
        for (macro, expression) in pairs {
            let a = try CronExpression(parsing: macro)
            let b = try CronExpression(parsing: expression)
            #expect(a.text == macro)
            #expect(a.description == macro)
            #expect([a.minutes, a.hours, a.daysOfMonth, a.months, a.daysOfWeek] == [b.minutes, b.hours, b.daysOfMonth, b.months, b.daysOfWeek], "\(macro)")
            #expect(a.dayOfMonthIsStar == b.dayOfMonthIsStar && a.dayOfWeekIsStar == b.dayOfWeekIsStar, "\(macro)")
        }
        #expect(error("@reboot") == "unknown macro `@reboot`; use @hourly, @daily, @weekly, @monthly or @yearly")
    }

    @Test func matchesWallClockMinutes() throws {
        let friday = CivilDate(year: 2024, month: 3, day: 1)!  // a Friday
        #expect(friday.weekday == 5)
        #expect(try firings("0 18 * * 1-5", on: friday) == ["18:00"])
        #expect(try firings("0 18 * * 1-5", on: friday.adding(days: 1)) == [])
        #expect(try firings("*/20 9-10 * * *", on: friday) == ["09:00", "09:20", "09:40", "10:00", "10:20", "10:40"])
        #expect(try firings("@hourly", on: friday).count == 24)
        #expect(try firings("* * * * *", on: friday).count == 1440)
        #expect(try firings("30 9 * MAR *", on: friday) == ["09:30"])
        #expect(try firings("30 9 * APR *", on: friday) == [])
    }

    @Test func lastDayOfMonth() throws {
        #expect(try days("0 0 L * *", year: 2024, month: 2) == [29])
        #expect(try days("0 0 L * *", year: 2023, month: 2) == [28])
        #expect(try days("0 0 L * *", year: 2024, month: 4) == [30])
        #expect(try days("0 0 15,L * *", year: 2024, month: 1) == [15, 31])
        #expect(try days("0 0 l * *", year: 2024, month: 1) == [31])
    }

    @Test func lastWeekdayOfMonth() throws {
        // March 2024: Fridays are 1, 8, 15, 22, 29; Sundays 3 ... 31.
        #expect(try days("0 0 * * 5L", year: 2024, month: 3) == [29])
        #expect(try days("0 0 * * 0L", year: 2024, month: 3) == [31])
        #expect(try days("0 0 * * 7L", year: 2024, month: 3) == [31])
        #expect(try days("0 0 * * 1,5L", year: 2024, month: 3) == [4, 11, 18, 25, 29])
        // February 2024 (29 days): the last Thursday is the 29th.
        #expect(try days("0 0 * * 4L", year: 2024, month: 2) == [29])
    }

    @Test func vixieDaySemantics() throws {
        // Both restricted: either matches (the 13th, or any Friday).
        #expect(try days("0 0 13 * 5", year: 2024, month: 9) == [6, 13, 20, 27])
        // One is `*`: both must match, i.e. only the other one counts.
        #expect(try days("0 0 13 * *", year: 2024, month: 9) == [13])
        #expect(try days("0 0 * * 5", year: 2024, month: 9) == [6, 13, 20, 27])
        // `*/n` counts as unrestricted: intersection.
        #expect(try days("0 0 */2 * 5", year: 2024, month: 9) == [13, 27])
        #expect(try days("0 0 L * 1", year: 2024, month: 9) == [2, 9, 16, 23, 30])
    }

    @Test func errorsNameTheFieldAndTheReason() {
        #expect(error("0 0 32 * *") == "day-of-month 32 is out of range 1-31")
        #expect(error("60 * * * *") == "minute 60 is out of range 0-59")
        #expect(error("0 24 * * *") == "hour 24 is out of range 0-23")
        #expect(error("0 0 0 * *") == "day-of-month 0 is out of range 1-31")
        #expect(error("0 0 * 13 *") == "month 13 is out of range 1-12")
        #expect(error("0 0 * * 8") == "day-of-week 8 is out of range 0-7")
        #expect(error("0 0 * * * * *") == "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 7")
        #expect(error("0 0 * *") == "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 4")
        #expect(error("") == "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 0")
        #expect(error("x * * * *") == "minute `x` is not a number")
        #expect(error("0 0 * FOO *") == "month `FOO` is not a number or name (JAN-DEC)")
        #expect(error("0 0 * * MOM") == "day-of-week `MOM` is not a number or name (SUN-SAT)")
        #expect(error("*/0 * * * *") == "minute step 0 must be at least 1")
        #expect(error("*/x * * * *") == "minute step `x` is not a number")
        #expect(error("0 17-9 * * *") == "hour range 17-9 is backwards (17 > 9)")
        #expect(error("0 0 1,,2 * *") == "day-of-month field `1,,2` has an empty list element")
        #expect(error("0 0 * * L") == "day-of-week `L` is only allowed in day-of-month (or as `nL` in day-of-week)")
        #expect(error("0 0 5L * *") == "day-of-month `5L`: `nL` is only allowed in day-of-week")
        #expect(error("0 0 * * 9L") == "day-of-week 9 is out of range 0-7")
        #expect(error("1/2/3 * * * *") == "minute `1/2/3` has more than one `/`")
        #expect(error("-5 * * * *") == "minute `-5` is not a number")
        #expect(error("*/61 * * * *") == "minute step 61 is larger than the field (at most 59)")
    }

    /// Six fields: a seconds field first (Quartz, Spring, croner); five fields fire at second 0.
    @Test func secondsField() throws {
        let five = try CronExpression(parsing: "*/15 * * * *")
        #expect(!five.hasSeconds)
        #expect(five.seconds.values == [0])
        #expect(five.minutes.values == [0, 15, 30, 45])
        #expect(five.matches(minute: 15, hour: 3, day: 1, month: 1, weekday: 1, daysInMonth: 31))
        #expect(!five.matches(second: 1, minute: 15, hour: 3, day: 1, month: 1, weekday: 1, daysInMonth: 31))

        let every5 = try CronExpression(parsing: "*/5 * * * * *")
        #expect(every5.hasSeconds)
        #expect(every5.seconds.values == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55])
        #expect(every5.minutes.values == Array(0...59))
        #expect(every5.hours.values == Array(0...23))
        #expect(try CronExpression(parsing: "10-12 * * * * *").seconds.values == [10, 11, 12])
        #expect(try CronExpression(parsing: "10-30/7 * * * * *").seconds.values == [10, 17, 24])
        #expect(try CronExpression(parsing: "7/20 * * * * *").seconds.values == [7, 27, 47])
        #expect(try CronExpression(parsing: "0,1,30-31,59 * * * * *").seconds.values == [0, 1, 30, 31, 59])
        // The other fields keep their place after the seconds.
        let six = try CronExpression(parsing: "30 0 18 * * MON-FRI")
        #expect(six.seconds.values == [30])
        #expect(six.minutes.values == [0])
        #expect(six.hours.values == [18])
        #expect(six.daysOfWeek.values == [1, 2, 3, 4, 5])
        #expect(try CronExpression(parsing: "0 0 0 L * *").lastDayOfMonth)
        #expect(six.matches(second: 30, minute: 0, hour: 18, day: 3, month: 6, weekday: 1, daysInMonth: 30))
        #expect(!six.matches(second: 0, minute: 0, hour: 18, day: 3, month: 6, weekday: 1, daysInMonth: 30))
        // `0 * * * * *` is every minute at second 0, the same fires as `* * * * *`.
        let everyMinute = try CronExpression(parsing: "0 * * * * *")
        let five2 = try CronExpression(parsing: "* * * * *")
        #expect([everyMinute.seconds, everyMinute.minutes, everyMinute.hours, everyMinute.daysOfMonth, everyMinute.months,
                 everyMinute.daysOfWeek] == [five2.seconds, five2.minutes, five2.hours, five2.daysOfMonth, five2.months,
                                             five2.daysOfWeek])

        #expect(error("60 * * * * *") == "second 60 is out of range 0-59")
        #expect(error("*/0 * * * * *") == "second step 0 must be at least 1")
        #expect(error("*/61 * * * * *") == "second step 61 is larger than the field (at most 59)")
        #expect(error("5-1 * * * * *") == "second range 5-1 is backwards (5 > 1)")
        #expect(error("L * * * * *") == "second `L` is only allowed in day-of-month (or as `nL` in day-of-week)")
        #expect(error("0 60 * * * *") == "minute 60 is out of range 0-59")
        do {
            _ = try CronExpression(parsing: "x * * * * *")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "second")
        }
    }

    @Test func errorCarriesTheField() {
        do {
            _ = try CronExpression(parsing: "0 0 32 * *")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "day-of-month")
            #expect("\(error)" == "day-of-month 32 is out of range 1-31")
        }
    }
}
