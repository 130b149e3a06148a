import Foundation
@testable import StatsEngine

/// What the oracle tests (R survey, R svyglm, statsmodels) share: reading their expected-value
/// fixtures and data sets, the fixtures' TRUE/FALSE flags and comma lists, the survey design a
/// record describes, and the comparison of the engine's numbers with R's.
enum OracleFixture {
    /// The records of the bundled fixture `folder/name.csv` (`records(_:columns:file:)`).
    static func bundledRecords(_ name: String, in folder: String, columns: [String]) throws -> [OracleRecord] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: folder) else {
            throw OracleFailure("\(folder)/\(name).csv is missing from the test bundle")
        }
        return try records(String(contentsOf: url, encoding: .utf8), columns: columns, file: "\(name).csv")
    }

    /// The records of a fixture, each a dictionary keyed by the header's column names, which must
    /// be `columns` exactly, in order. `file` names the fixture in messages.
    ///
    /// A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF, a leading BOM), kept apart
    /// from the engine's own CSV reader so that the expected values do not pass through it.
    static func records(_ text: String, columns: [String], file: String) throws -> [OracleRecord] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0
        func endField() { row.append(field); field = "" }
        func endRow() { endField(); rows.append(row); row = [] }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"": quoted = true
                case ",": endField()
                case "\r": break
                case "\n": endRow()
                default: field.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        if quoted { throw OracleFailure("\(file) ends inside a quoted field") }
        if !field.isEmpty || !row.isEmpty { endRow() }
        guard let header = rows.first else { throw OracleFailure("\(file) is empty") }
        guard header == columns else { throw OracleFailure("\(file) has columns \(header), not \(columns)") }
        return try rows.dropFirst().enumerated().map { index, fields in
            guard fields.count == header.count else {
                throw OracleFailure("\(file) line \(index + 2) has \(fields.count) fields, not \(header.count)")
            }
            return OracleRecord(fields: Dictionary(uniqueKeysWithValues: zip(header, fields)))
        }
    }

    /// The records grouped by their `case` column: the cases in file order, and each case's
    /// records in file order.
    static func cases(_ records: [OracleRecord]) -> (order: [String], records: [String: [OracleRecord]]) {
        var order: [String] = []
        var cases: [String: [OracleRecord]] = [:]
        for record in records {
            if cases[record["case"]] == nil { order.append(record["case"]) }
            cases[record["case"], default: []].append(record)
        }
        return (order, cases)
    }

    /// The data set `name`.csv in `folder` of the test bundle, read (by the engine's reader, as
    /// the engine reads its input) once and then kept in `cache`.
    static func table(_ name: String, in folder: String, cache: inout [String: Table]) throws -> Table {
        if let table = cache[name] { return table }
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: folder) else {
            throw OracleFailure("data set \(name).csv is missing")
        }
        let table = try CSVReader.read(path: url.path)
        cache[name] = table
        return table
    }

    /// Compares the expected field `name` of an R fixture's `row` (empty: the engine must give
    /// none) with the engine's value and notes a disagreement in `fields`.
    /// Compares the fields every interval row has — estimate, std_error, conf_low, conf_high and
    /// df_value — to 1e-6 relative (1e-12 absolute near zero).
    static func compareInterval(_ row: OracleRecord, estimate: Double?, standardError: Double?, low: Double?, high: Double?,
                                df: Double?, into fields: inout [String]) {
        for (name, actual) in [("estimate", estimate), ("std_error", standardError), ("conf_low", low), ("conf_high", high), ("df_value", df)] {
            compare(row, name, actual, absolute: 1e-12, into: &fields)
        }
    }

    static func compare(_ row: OracleRecord, _ name: String, _ actual: Double?, absolute: Double = 0, into fields: inout [String]) {
        let text = row[name]
        let wanted: Double?
        if text.isEmpty {
            wanted = nil
        } else if let v = Double(text) {
            wanted = v
        } else {
            fields.append("\(name): unreadable expected value '\(text)'")
            return
        }
        if !agree(actual, wanted, absolute: absolute) {
            fields.append("\(name): R \(wanted.map { "\($0)" } ?? "none"), ours \(actual.map { "\($0)" } ?? "none")")
        }
    }

    /// Relative agreement to 1e-6, or absolute to `absolute`; both absent also agrees.
    static func agree(_ actual: Double?, _ expected: Double?, absolute: Double) -> Bool {
        switch (actual, expected) {
        case (nil, nil): return true
        case let (a?, e?):
            guard a.isFinite, e.isFinite else { return a == e || (a.isNaN && e.isNaN) }
            return abs(a - e) <= max(1e-6 * abs(e), absolute)
        default: return false
        }
    }

    /// A fixture's logical: R's `TRUE` or `FALSE`, nothing else.
    static func flag(_ text: String) throws -> Bool {
        switch text {
        case "TRUE": return true
        case "FALSE": return false
        default: throw OracleFailure("expected TRUE or FALSE, found '\(text)'")
        }
    }

    /// A fixture's comma-separated list of names (empty: none).
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// A fixture that cannot be read or does not describe a valid request.
struct OracleFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One record of a fixture, its fields by column name.
struct OracleRecord {
    let fields: [String: String]

    /// The field in column `name`; empty where the field is empty or the fixture has no such column.
    subscript(_ name: String) -> String { fields[name] ?? "" }

    /// The survey design of the record's design columns, of those the fixture has: `weights`,
    /// `strata` (empty: none), `cluster` and `fpc` (comma lists, by stage), `nest` and
    /// `adjust_domain_lonely` (TRUE/FALSE) and `lonely` (a lonely-PSU rule). A column the
    /// fixture lacks takes `DesignSpec`'s default; one it has must hold a valid value.
    func designSpec() throws -> DesignSpec {
        var spec = DesignSpec(
            weights: self["weights"].isEmpty ? nil : self["weights"],
            strata: self["strata"].isEmpty ? nil : self["strata"],
            clusters: OracleFixture.list(self["cluster"]),
            fpc: OracleFixture.list(self["fpc"]))
        if let lonely = fields["lonely"] {
            guard let rule = LonelyPSU(rawValue: lonely) else { throw OracleFailure("unknown lonely rule '\(lonely)'") }
            spec.lonelyPSU = rule
        }
        if let nest = fields["nest"] { spec.nest = try OracleFixture.flag(nest) }
        if let adjust = fields["adjust_domain_lonely"] { spec.adjustDomainLonely = try OracleFixture.flag(adjust) }
        return spec
    }
}
