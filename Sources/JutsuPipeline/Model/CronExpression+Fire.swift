import JutsuCore

/// Fire times: the instants (UTC seconds; whole minutes of local time for a five-field
/// expression, whole seconds with a seconds field) at which the expression fires when read in a
/// time zone.
///
/// Daylight-saving time follows cronie / Vixie cron, so that a schedule written for wall-clock
/// time neither runs twice nor is lost at a change:
/// - a local time that does not exist (the spring-forward gap, e.g. 02:30 in New York on
///   2024-03-10) fires once, at the first instant after the gap (03:00 EDT = 07:00Z); several
///   such times in one gap fire together, once;
/// - a local time that happens twice (fall-back, 01:30 in New York on 2024-11-03) fires once,
///   at its first occurrence (01:30 EDT = 05:30Z).
///
/// The search walks local calendar fields, skipping whole months, days, hours and minutes that
/// cannot match, so a yearly expression costs a few hundred steps, not half a million minutes. It
/// looks at most `searchYears` ahead (or back): `30 0 31 2 *` never fires and gives `nil`.
extension CronExpression {
    /// How far `nextFire` and `previousFire` search. Feb 29 on a given weekday recurs within 28 years.
    public static let searchYears = 29

    /// The first fire strictly after the UTC instant `after`, or nil when there is none within
    /// `searchYears`.
    public func nextFire(after: Int64, zone: any ZoneRule) -> Int64? {
        let local = zone.local(fromUTC: after)
        var date = UnixTime.civilDate(ofSeconds: local)
        // Local seconds before this one are already past (or fire at or before `after`).
        var fromSecond = Int(UnixTime.secondOfDay(local))
        let lastDay = date.adding(days: Int64(Self.searchYears) * 366)
        let (hourValues, minuteValues, secondValues) = (hours.values, minutes.values, seconds.values)
        while date <= lastDay {
            guard months.contains(Int(date.month)) else {
                date = Self.firstOfNextMonth(date)
                fromSecond = 0
                continue
            }
            if matchesDay(date) {
                for hour in hourValues where hour >= fromSecond / 3600 {
                    for minute in minuteValues where hour * 60 + minute >= fromSecond / 60 {
                        for second in secondValues where (hour * 60 + minute) * 60 + second >= fromSecond {
                            let wall = UnixTime.seconds(date: date, hour: hour, minute: minute, second: second)
                            // A repeated local time already fired at its first occurrence.
                            if let fire = Self.fireInstant(ofLocal: wall, zone: zone), fire > after { return fire }
                        }
                    }
                }
            }
            date = date.adding(days: 1)
            fromSecond = 0
        }
        return nil
    }

    /// The last fire at or before the UTC instant `atOrBefore` (for catch-up), or nil when there
    /// is none within `searchYears`.
    public func previousFire(atOrBefore: Int64, zone: any ZoneRule) -> Int64? {
        // From two hours later in local time: after a fall-back, a local time later than now's
        // can have its first occurrence before now.
        let local = zone.local(fromUTC: atOrBefore) + 7_200
        var date = UnixTime.civilDate(ofSeconds: local)
        var toSecond = Int(UnixTime.secondOfDay(local))
        let firstDay = date.adding(days: -Int64(Self.searchYears) * 366)
        // Every instant of a local time `wall` near now is at least `wall - maxOffset`: a wall
        // time beyond `atOrBefore + maxOffset` cannot fire in time and is skipped without the
        // zone arithmetic (with a seconds field, the two hours ahead are 7,200 candidates).
        let maxOffset = (-4...4).map { Int64(zone.offsetSeconds(atUTC: atOrBefore + Int64($0) * 3_600)) }.max()!
        let (hourValues, minuteValues, secondValues) = (Array(hours.values.reversed()), Array(minutes.values.reversed()),
                                                        Array(seconds.values.reversed()))
        while date >= firstDay {
            guard months.contains(Int(date.month)) else {
                // The last day of the previous month.
                date = CivilDate(year: Int(date.year), month: Int(date.month), day: 1)!.adding(days: -1)
                toSecond = 86_399
                continue
            }
            if matchesDay(date) {
                for hour in hourValues where hour <= toSecond / 3600 {
                    for minute in minuteValues where hour * 60 + minute <= toSecond / 60 {
                        for second in secondValues where (hour * 60 + minute) * 60 + second <= toSecond {
                            let wall = UnixTime.seconds(date: date, hour: hour, minute: minute, second: second)
                            if wall - maxOffset > atOrBefore { continue }
                            if let fire = Self.fireInstant(ofLocal: wall, zone: zone), fire <= atOrBefore { return fire }
                        }
                    }
                }
            }
            date = date.adding(days: -1)
            toSecond = 86_399
        }
        return nil
    }

    /// True when the day fields match `date` (months are checked by the caller).
    func matchesDay(_ date: CivilDate) -> Bool {
        let daysInMonth = CivilDate.daysInMonth(year: Int(date.year), month: Int(date.month))
        let day = Int(date.day)
        let weekday = date.weekday
        let domMatch = daysOfMonth.contains(day) || (lastDayOfMonth && day == daysInMonth)
        let dowMatch = daysOfWeek.contains(weekday) || (lastWeekdays.contains(weekday) && day + 7 > daysInMonth)
        if dayOfMonthIsStar || dayOfWeekIsStar { return domMatch && dowMatch }
        return domMatch || dowMatch
    }

    /// The UTC instant a local wall-clock time fires at: its first occurrence, or for a time in
    /// a spring-forward gap the first instant after the gap. Nil only when the zone's offset
    /// jumps by more than a day (no real zone does).
    static func fireInstant(ofLocal wall: Int64, zone: any ZoneRule) -> Int64? {
        let guess = wall - Int64(zone.offsetSeconds(forLocal: wall))
        // The offsets in effect around the time: the wall time exists under one or two of them.
        let offsets = [guess - 86_400, guess, guess + 86_400].map { Int64(zone.offsetSeconds(atUTC: $0)) }
            + [Int64(zone.offsetSeconds(forLocal: wall))]
        let occurrences = offsets.map { wall - $0 }.filter { zone.local(fromUTC: $0) == wall }
        if let first = occurrences.min() { return first }
        // In a gap: the first instant whose local time is past `wall` (local time only jumps
        // forward here, so a binary search over the day around it finds the transition).
        var low = guess - 86_400   // local time before `wall`
        var high = guess + 86_400  // local time after `wall`
        guard zone.local(fromUTC: low) < wall, zone.local(fromUTC: high) > wall else { return nil }
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if zone.local(fromUTC: mid) > wall { high = mid } else { low = mid }
        }
        return high
    }

    static func firstOfNextMonth(_ date: CivilDate) -> CivilDate {
        let month = Int(date.month)
        return CivilDate(year: Int(date.year) + (month == 12 ? 1 : 0), month: month == 12 ? 1 : month + 1, day: 1)!
    }
}
