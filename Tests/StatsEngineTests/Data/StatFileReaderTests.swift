import Foundation
import XCTest
@testable import StatsEngine

/// SPSS, Stata and SAS files read through ReadStat (`TableFile`, `StatFileReader`). The oracle is
/// the CSV reading of the same data: `oracle/statfiles.R` writes `Fixtures/statfiles/people.*`
/// from one data frame with haven — `people.csv` with the value labels as text and user-missing
/// codes empty, `people_codes.csv` with the codes — so every column, and every estimate from
/// the command line, must equal the CSV's to the last digit.
final class StatFileReaderTests: ScratchFolderTestCase {
    private func path(_ name: String, _ ext: String) throws -> String {
        try FixtureFiles.url(name, ext, in: "statfiles").path
    }

    /// The formats with value labels (SPSS, Stata) and those without (SAS keeps labels in catalogs).
    private let labelled = ["sav", "zsav", "dta"]
    private let unlabelled = ["xpt", "sas7bdat"]

    private func read(_ ext: String, _ options: ReadOptions = ReadOptions()) throws -> Table {
        try TableFile.read(path: path("people", ext), options: options)
    }

    /// Each row's text as the categorical column spells it (nil for missing).
    private func labels(_ column: Column) -> [String?] {
        guard case .categorical(let c) = column else { return [] }
        return c.codes.map { $0 < 0 ? nil : c.levels[Int($0)] }
    }

    /// Every column but the date equals the CSV's: numbers bit for bit (NaN where missing) with the
    /// same decimal places, categories row by row.
    private func assertSameColumns(_ table: Table, _ csv: Table, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(table.names, csv.names, what, file: file, line: line)
        XCTAssertEqual(table.rowCount, csv.rowCount, what, file: file, line: line)
        for name in csv.names where name != "born" {
            switch (try table.column(name), try csv.column(name)) {
            case (.numeric(let a), .numeric(let b)):
                XCTAssertEqual(a.values.map(\.bitPattern), b.values.map(\.bitPattern), "\(what) \(name)", file: file, line: line)
                XCTAssertEqual(a.decimals, b.decimals, "\(what) \(name) decimals", file: file, line: line)
            case (.categorical, .categorical):
                XCTAssertEqual(labels(try table.column(name)), labels(try csv.column(name)), "\(what) \(name)", file: file, line: line)
            default:
                XCTFail("\(what) \(name): numeric in one, categorical in the other", file: file, line: line)
            }
        }
    }

    func testEveryFormatReadsTheSameColumnsAsTheCSV() throws {
        let csv = try CSVReader.read(path: path("people", "csv"))
        let codes = try CSVReader.read(path: path("people_codes", "csv"))
        for ext in labelled {
            try assertSameColumns(try read(ext), csv, ext)
            try assertSameColumns(try read(ext, ReadOptions(keepCodes: true)), codes, "\(ext) --codes")
        }
        for ext in unlabelled {
            try assertSameColumns(try read(ext), codes, ext)
            try assertSameColumns(try read(ext, ReadOptions(keepCodes: true)), codes, "\(ext) --codes")
        }
        // The two oracles differ: labels in one, codes in the other.
        guard case .categorical = try csv.column("sex"), case .numeric = try codes.column("sex") else { return XCTFail("labels and codes") }
    }

    /// ReadStat's reads and seeks cross the input buffer's boundaries alike.
    func testSmallInputBuffersReadTheSameTable() throws {
        let codes = try CSVReader.read(path: path("people_codes", "csv"))
        for ext in labelled + unlabelled {
            for size in [1, 7, 4096] {
                var options = ReadOptions(keepCodes: true)
                options.inputBufferSize = size
                try assertSameColumns(try read(ext, options), codes, "\(ext) buffer \(size)")
            }
        }
    }

    /// Value labels name the categories, in code order; a code without a label (4) is named by
    /// itself; `--codes` keeps the numbers; the metadata lists the labels.
    func testValueLabelsBecomeCategoriesInCodeOrder() throws {
        for ext in labelled {
            let table = try read(ext)
            XCTAssertEqual(try table.categorical("region").levels, ["North", "South", "East", "4"], ext)
            XCTAssertEqual(try table.categorical("sex").levels, ["female", "male"], ext)
            XCTAssertEqual(try table.categorical("employed").levels, ["no", "yes"], ext)
            let region = try XCTUnwrap(table.metadata.first { $0.name == "region" })
            XCTAssertEqual(region.kind, .categories)
            XCTAssertEqual(region.label, "Region of residence")
            XCTAssertEqual(region.valueLabels.filter { $0.code < 9 }.map(\.label), ["North", "South", "East"], ext)
            XCTAssertThrowsError(try table.numeric("region")) { error in
                XCTAssert("\(error)".contains("--codes reads its numeric codes"), "\(error)")
            }
            let kept = try read(ext, ReadOptions(keepCodes: true))
            XCTAssertEqual(Set(try kept.numeric("region").filter { !$0.isNaN }), [1, 2, 3, 4], ext)
            XCTAssertEqual(kept.metadata.first { $0.name == "region" }?.kind, .codes, ext)
        }
    }

    /// Codes that share a label (or a label spelled like another code) stay separate levels, as
    /// SPSS and Stata group them, each named `[code] label`: pooled under one name before, two
    /// groups became one without a word. Labels that are `--na` codes still make their codes
    /// missing, shared or not; the other levels keep their plain names.
    func testCodesSharingALabelStaySeparateLevels() throws {
        let labels: [(code: Double, label: String)] = [(1, "same"), (2, "same"), (3, "other"), (5, "4"), (8, "Don't know"), (9, "Don't know")]
        let numbers = NumericColumn([1, 2, 3, 4, 5, 1, 8, 9, .nan])
        guard case .categorical(let column) = StatValueLabels.apply(labels, to: numbers, missing: [], keepCodes: false) else {
            return XCTFail("labelled codes are categories")
        }
        XCTAssertEqual(column.levels, ["[1] same", "[2] same", "other", "[4] 4", "[5] 4", "[8] Don't know", "[9] Don't know"])
        XCTAssertEqual(column.codes, [0, 1, 2, 3, 4, 0, 5, 6, CategoricalColumn.missingCode])
        guard case .categorical(let withNA) = StatValueLabels.apply(labels, to: numbers, missing: ["Don't know"], keepCodes: false) else {
            return XCTFail("labelled codes are categories")
        }
        XCTAssertEqual(withNA.levels, ["[1] same", "[2] same", "other", "[4] 4", "[5] 4"])
        XCTAssertEqual(withNA.codes.filter { $0 < 0 }.count, 3)
        // Text values with labels: the same rule, the `--na` label left as it is (missing).
        XCTAssertEqual(StatValueLabels.distinctNames(["a", "b", "c", "x", "y"], labels: ["same", "same", nil, "NA", "NA"], missing: ["NA"]),
                       ["[a] same", "[b] same", "c", "NA", "NA"])
    }

    /// SPSS's user-missing values (9; the range 98–99), Stata's .a/.b and SAS's .A/.B are missing.
    func testUserDefinedMissingValuesAreMissing() throws {
        for ext in labelled + unlabelled {
            let table = try read(ext, ReadOptions(keepCodes: true))
            let hours = try table.numeric("hours")
            XCTAssertEqual(hours.indices.filter { hours[$0].isNaN }, [2, 16, 39], ext)
            XCTAssertFalse(try table.numeric("region").contains(9), ext)
            XCTAssertEqual(try table.numeric("region").filter(\.isNaN).count, try CSVReader.read(path: path("people_codes", "csv")).numeric("region").filter(\.isNaN).count, ext)
            XCTAssertGreaterThan(try table.numeric("region").filter(\.isNaN).count, 0, ext)
        }
    }

    /// `--na` applies to binary files as to CSV: a number equal to a code, and a value label
    /// spelled as one.
    func testNACodesApply() throws {
        let na = ["9999", "South"]
        let csv = try CSVReader.read(path: path("people", "csv"), options: CSVOptions(missingCodes: na))
        XCTAssertEqual(try csv.numeric("score").filter(\.isNaN).count, 2)
        for ext in labelled {
            try assertSameColumns(try read(ext, ReadOptions(csv: CSVOptions(missingCodes: na))), csv, "\(ext) --na")
        }
        let codes = try CSVReader.read(path: path("people_codes", "csv"), options: CSVOptions(missingCodes: ["9999"]))
        for ext in unlabelled {
            try assertSameColumns(try read(ext, ReadOptions(csv: CSVOptions(missingCodes: ["9999"]))), codes, "\(ext) --na")
        }
    }

    /// Dates stay the numbers each format stores, and the metadata names their unit.
    func testDatesAreTheStoredNumbersWithTheirUnitNamed() throws {
        let csv = try CSVReader.read(path: path("people", "csv"))
        // Days since 1960-01-01 of the CSV's ISO dates, in the proleptic Gregorian calendar (as
        // R, Stata, SPSS and SAS count; Foundation's formatters switch to Julian before 1582).
        let days = try labels(csv.column("born")).map { text -> Double in
            let parts = try XCTUnwrap(text).split(separator: "-").compactMap { Int($0) }
            return Double(Self.daysFromCivil(parts[0], parts[1], parts[2]) - Self.daysFromCivil(1960, 1, 1))
        }
        XCTAssertEqual(Array(days.prefix(3)), [0, -1, -137_775])   // 1960-01-01, 1959-12-31, 1582-10-14
        let expected: [String: ([Double], String)] = [
            "sav": (days.map { ($0 + 137_775) * 86400 }, "seconds since 1582-10-14 (SPSS DATE11)"),
            "zsav": (days.map { ($0 + 137_775) * 86400 }, "seconds since 1582-10-14 (SPSS DATE11)"),
            "dta": (days, "days since 1960-01-01 (Stata %td)"),
            "xpt": (days, "days since 1960-01-01 (SAS DATE)"),
            "sas7bdat": (days, "days since 1960-01-01 (SAS DATE)"),
        ]
        for (ext, (values, unit)) in expected {
            let table = try read(ext)
            XCTAssertEqual(try table.numeric("born"), values, ext)
            let born = try XCTUnwrap(table.metadata.first { $0.name == "born" })
            XCTAssertEqual(born.kind, .date, ext)
            XCTAssertEqual(born.unit, unit, ext)
            XCTAssertEqual(born.label, "Date of birth", ext)
        }
        XCTAssertEqual(TemporalFormat.classify("%tc", family: .stata)?.kind, .datetime)
        XCTAssertEqual(TemporalFormat.classify("DATETIME20", family: .spss)?.unit, "seconds since 1582-10-14 (SPSS DATETIME20)")
        XCTAssertEqual(TemporalFormat.classify("DATETIME20", family: .sas)?.unit, "seconds since 1960-01-01 00:00 (SAS DATETIME20)")
        XCTAssertEqual(TemporalFormat.classify("TIME8", family: .sas)?.kind, .time)
        XCTAssertNil(TemporalFormat.classify("F8.2", family: .spss))
        XCTAssertNil(TemporalFormat.classify("%10.0g", family: .stata))
    }

    /// Days from 1970-01-01 to year-month-day in the proleptic Gregorian calendar (Howard
    /// Hinnant's `days_from_civil`).
    private static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The rows of a command's CSV output, sorted (labelled levels come in code order, the CSV's
    /// in text order; the numbers must be the same text).
    private func rows(_ arguments: [String], data: String) throws -> [String] {
        let result = try CommandLine.run(arguments + ["--data", data, "--format", "csv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    /// Mean, proportion (labels as levels), domain mean and a regression with a labelled factor,
    /// from each format on the command line, equal the CSV's to the last digit.
    func testEstimatesEqualTheCSVsExactly() throws {
        let design = ["--weights", "weight", "--strata", "stratum", "--cluster", "psu"]
        let commands: [[String]] = [
            ["estimate", "mean", "income"] + design,
            ["estimate", "proportion", "region"] + design,
            ["estimate", "proportion", "employed"] + design,
            ["estimate", "mean", "income", "--by", "region"] + design,
            ["estimate", "mean", "hours", "--by", "sex"] + design,
            ["regress", "income ~ age + sex + hours"] + design,
        ]
        for command in commands {
            let fromCSV = try rows(command, data: path("people", "csv"))
            let fromCodes = try rows(command, data: path("people_codes", "csv"))
            XCTAssertGreaterThan(fromCSV.count, 1, "\(command)")
            for ext in labelled { XCTAssertEqual(try rows(command, data: path("people", ext)), fromCSV, "\(ext) \(command)") }
            for ext in labelled { XCTAssertEqual(try rows(command + ["--codes"], data: path("people", ext)), fromCodes, "\(ext) --codes \(command)") }
            for ext in unlabelled { XCTAssertEqual(try rows(command, data: path("people", ext)), fromCodes, "\(ext) \(command)") }
        }
    }

    /// The JSON output's `columns` block: name, variable label, type, format (and unit) of the
    /// columns the analysis and design used; none for a CSV.
    func testJSONNamesTheColumnsUsed() throws {
        let result = try CommandLine.run(["estimate", "mean", "born", "--by", "sex", "--weights", "weight", "--data", path("people", "dta"), "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let columns = try XCTUnwrap(json["columns"] as? [[String: Any]])
        XCTAssertEqual(columns.map { $0["name"] as? String }, ["weight", "sex", "born"])
        XCTAssertEqual(columns[0]["label"] as? String, "Design weight")
        XCTAssertEqual(columns[1]["type"] as? String, "categories")
        XCTAssertEqual((columns[1]["value_labels"] as? [[String: Any]])?.map { $0["label"] as? String }, ["female", "male"])
        XCTAssertEqual(columns[2]["type"] as? String, "date")
        XCTAssertEqual(columns[2]["format"] as? String, "%td")
        XCTAssertEqual(columns[2]["unit"] as? String, "days since 1960-01-01 (Stata %td)")
        let plain = try CommandLine.run(["estimate", "mean", "income", "--data", path("people", "csv"), "--format", "json"])
        XCTAssertFalse(plain.stdout.contains("\"columns\""), plain.stdout)
    }

    /// A column of dates is estimated as the numbers the file stores, and every format says so:
    /// JSON's notes, the table's notes, CSV's standard error; a plain number column gets none.
    func testAnEstimateOfDatesNotesTheirUnit() throws {
        let note = "column 'born' holds dates as the numbers the file stores, days since 1960-01-01 (Stata %td)"
        for ext in ["dta", "sav", "sas7bdat"] {
            let data = try path("people", ext)
            let json = try CommandLine.run(["estimate", "mean", "born", "--weights", "weight", "--data", data, "--format", "json"])
            XCTAssertEqual(json.status, 0, json.stderr)
            let notes = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["notes"] as? [String], ext)
            XCTAssertEqual(notes.filter { $0.hasPrefix("column 'born' holds dates as the numbers the file stores") }.count, 1, "\(ext): \(notes)")
            let csv = try CommandLine.run(["estimate", "mean", "born", "--data", data, "--format", "csv"])
            XCTAssert(csv.stderr.contains("note: column 'born' holds dates"), "\(ext): \(csv.stderr)")
            let plain = try CommandLine.run(["estimate", "mean", "income", "--weights", "weight", "--data", data, "--format", "json"])
            XCTAssertFalse(plain.stdout.contains("holds dates"), plain.stdout)
        }
        let table = try CommandLine.run(["estimate", "mean", "born", "--data", path("people", "dta"), "--format", "table"])
        XCTAssert(table.stdout.replacingOccurrences(of: "\n      ", with: " ").contains(note), table.stdout)
    }

    /// `run` reads a binary file too, each analysis listing its own columns.
    func testRunSpecReadsAnSPSSFile() throws {
        let spec = directory.appendingPathComponent("spec.yaml")
        try """
        data: \(try path("people", "sav"))
        design: {weights: weight, strata: stratum, cluster: psu}
        analyses:
          - {name: income, command: estimate, stat: mean, variable: income}
          - {name: region, command: estimate, stat: proportion, variable: region}
        """.write(to: spec, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let result = try CommandLine.run(["run", spec.path, "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let results = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        let analyses = try XCTUnwrap(results["analyses"] as? [[String: Any]])
        XCTAssertEqual((analyses[0]["columns"] as? [[String: Any]])?.map { $0["name"] as? String }, ["stratum", "psu", "weight", "income"])
        XCTAssertEqual((analyses[1]["columns"] as? [[String: Any]])?.map { $0["name"] as? String }, ["stratum", "psu", "weight", "region"])
        let expected = try rows(["estimate", "mean", "income", "--weights", "weight", "--strata", "stratum", "--cluster", "psu"], data: path("people", "csv"))
        let written = try String(contentsOf: out.appendingPathComponent("income.csv"), encoding: .utf8).split(separator: "\n").map(String.init).sorted()
        XCTAssertEqual(written, expected)
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any])
        XCTAssertEqual((manifest["inputs"] as? [[String: Any]])?.first?["sha256"] as? String,
                       SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: path("people", "sav"))))))
    }

    /// Barometer measures read binary files as their CSV twins, `codes: true` among a goal's keys.
    func testBarometerMeasuresReadBinaryFiles() throws {
        func barometer(_ data: String, category: String, codes: Bool = false) throws -> String {
            let config = directory.appendingPathComponent("b.yaml")
            try """
            periods: {column: stratum, baseline: '1', order: ['1', '2', '3', '4']}
            goals:
              - {id: '1', label: T, kind: direction, direction: higher, data: \(data), design: {weights: weight}\(codes ? ", codes: true" : ""), measures: [{label: Income, unit: score points, variable: income, by: sex}, {label: Employed, unit: '%', variable: employed, stat: proportion, category: '\(category)', scale: pp}]}

            """.write(to: config, atomically: true, encoding: .utf8)
            let result = try CommandLine.run(["barometer", config.path, "--format", "csv"])
            XCTAssertEqual(result.status, 0, result.stderr)
            return result.stdout
        }
        let fromCSV = try barometer(try path("people", "csv"), category: "yes")
        let fromCodes = try barometer(try path("people_codes", "csv"), category: "1")
        XCTAssert(fromCSV.contains("Employed"), fromCSV)
        for ext in labelled {
            XCTAssertEqual(try barometer(try path("people", ext), category: "yes"), fromCSV, ext)
            XCTAssertEqual(try barometer(try path("people", ext), category: "1", codes: true), fromCodes, "\(ext) codes")
        }
    }

    /// A Stata 13 file declares no encoding: ReadStat reads it as Windows-1252, `--encoding`
    /// names another, and a wrong one is an error that says so.
    func testEncodingOfAnOldFile() throws {
        for encoding: TextEncoding? in [nil, .latin1, .windows1252] {
            let table = try TableFile.read(path: path("latin1", "dta"), options: ReadOptions(encoding: encoding))
            XCTAssertEqual(try table.categorical("name").levels, ["Ib", "Søren", "Åse"], "\(String(describing: encoding))")
        }
        XCTAssertThrowsError(try TableFile.read(path: path("latin1", "dta"), options: ReadOptions(encoding: .utf8))) { error in
            XCTAssert("\(error)".contains("latin1.dta") && "\(error)".contains("pass --encoding"), "\(error)")
        }
    }

    /// One-line errors: a truncated or corrupt file (its name and ReadStat's message), an unknown
    /// extension, a CSV option with a binary file, `--codes` with a CSV, a missing column.
    func testErrors() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path("people", "sav")))
        let truncated = directory.appendingPathComponent("cut.sav")
        try bytes.prefix(3000).write(to: truncated)
        XCTAssertThrowsError(try TableFile.read(path: truncated.path)) { error in
            XCTAssertEqual("\(error)", "\(truncated.path): is not a readable SPSS file: File did not contain the expected number of rows")
        }
        let dtaBytes = try Data(contentsOf: URL(fileURLWithPath: path("people", "dta")))
        let cutDta = directory.appendingPathComponent("cut.dta")
        try dtaBytes.prefix(dtaBytes.count / 2).write(to: cutDta)
        XCTAssertThrowsError(try TableFile.read(path: cutDta.path)) { error in
            XCTAssert("\(error)".hasPrefix("\(cutDta.path): is not a readable Stata file: "), "\(error)")
        }
        let fake = directory.appendingPathComponent("fake.sas7bdat")
        try "id,x\n1,2\n".write(to: fake, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TableFile.read(path: fake.path)) { error in
            XCTAssert("\(error)".hasPrefix("\(fake.path): is not a readable SAS file: "), "\(error)")
        }
        XCTAssertThrowsError(try TableFile.read(path: path("empty", "dta"))) { error in
            XCTAssert("\(error)".hasSuffix("empty.dta: has no rows"), "\(error)")
        }
        let data = try path("people", "dta")
        let cases: [([String], Int32, String)] = [
            (["--data", directory.appendingPathComponent("d.dat").path], 2, "unknown extension '.dat'"),
            (["--data", data, "--delimiter", ";"], 2, "--delimiter applies to CSV files only; \(data) is a Stata file"),
            (["--data", data, "--decimal", ","], 2, "--decimal applies to CSV files only"),
            (["--data", try path("people", "csv"), "--codes"], 2, "--codes applies to SPSS and Stata files"),
            (["--data", data, "--weights", "wieght"], 1, "column 'wieght': no such column"),
            (["--data", directory.appendingPathComponent("none.sav").path], 1, "none.sav: is not a readable SPSS file: Unable to open file"),
        ]
        for (arguments, status, fragment) in cases {
            let result = try CommandLine.run(["estimate", "mean", "income"] + arguments)
            XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssert(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
        }
    }
}
