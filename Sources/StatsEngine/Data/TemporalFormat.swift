/// Which display formats of SPSS, Stata and SAS mark dates and times, and what their numbers
/// count. Dates and times are read as the numbers the file stores — never converted — and this
/// names them in the column's metadata, so no number is taken for a date of another epoch.
enum TemporalFormat {
    /// The kind and unit of a column of `format` in a file of `family`; nil for a format that
    /// is not a date or time (plain numbers).
    static func classify(_ format: String, family: StatFileFamily) -> (kind: ColumnMetadata.Kind, unit: String)? {
        let upper = format.uppercased()
        switch family {
        case .stata: return stata(format)
        case .spss:
            func starts(_ prefixes: [String]) -> Bool { prefixes.contains { upper.hasPrefix($0) } }
            let epoch = "since 1582-10-14 (SPSS \(format))"
            if starts(["DATETIME", "YMDHMS"]) { return (.datetime, "seconds \(epoch)") }
            if starts(["DATE", "ADATE", "EDATE", "JDATE", "SDATE", "QYR", "MOYR", "WKYR"]) { return (.date, "seconds \(epoch)") }
            if starts(["TIME", "DTIME", "MTIME"]) { return (.time, "seconds (SPSS \(format))") }
            return nil
        case .sas:
            func starts(_ prefixes: [String]) -> Bool { prefixes.contains { upper.hasPrefix($0) } }
            if starts(["DATETIME", "DATEAMPM", "DTDATE", "E8601DT", "B8601DT", "E8601DZ", "MDYAMPM", "NLDATM"]) {
                return (.datetime, "seconds since 1960-01-01 00:00 (SAS \(format))")
            }
            if starts(["TIME", "TOD", "HHMM", "HOUR", "MMSS", "E8601TM", "B8601TM", "NLTIM"]) {
                return (.time, "seconds since midnight (SAS \(format))")
            }
            if starts(["DATE", "DAY", "DDMMYY", "MMDDYY", "YYMMDD", "YYMM", "YYMON", "MONYY", "MMYY", "WEEKDAT", "WORDDAT", "JULIAN",
                       "YYQ", "YEAR", "QTR", "NLDATE", "E8601DA", "B8601DA", "EURDF", "DOWNAME", "MONNAME"]) {
                return (.date, "days since 1960-01-01 (SAS \(format))")
            }
            return nil
        }
    }

    /// Stata's `%t` formats (and the old `%d`), each counted from 1960's first unit.
    private static func stata(_ format: String) -> (kind: ColumnMetadata.Kind, unit: String)? {
        let f = format.hasPrefix("%-") ? "%" + format.dropFirst(2) : Substring(format)
        let named = "(Stata \(format))"
        if f.hasPrefix("%td") || f.hasPrefix("%d") { return (.date, "days since 1960-01-01 \(named)") }
        if f.hasPrefix("%tc") { return (.datetime, "milliseconds since 1960-01-01 00:00, leap seconds ignored \(named)") }
        if f.hasPrefix("%tC") { return (.datetime, "milliseconds since 1960-01-01 00:00, leap seconds counted \(named)") }
        if f.hasPrefix("%tw") { return (.date, "weeks since 1960w1 \(named)") }
        if f.hasPrefix("%tm") { return (.date, "months since 1960m1 \(named)") }
        if f.hasPrefix("%tq") { return (.date, "quarters since 1960q1 \(named)") }
        if f.hasPrefix("%th") { return (.date, "half-years since 1960h1 \(named)") }
        if f.hasPrefix("%ty") { return (.date, "calendar years \(named)") }
        if f.hasPrefix("%tb") { return (.date, "business days of the file's business calendar \(named)") }
        return nil
    }
}
