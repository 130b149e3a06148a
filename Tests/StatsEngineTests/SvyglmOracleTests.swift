import Foundation
import XCTest
@testable import StatsEngine

/// The regression engine against R survey 4.1.1's `svyglm` (gaussian, quasibinomial,
/// quasipoisson) with design-based standard errors, on a stratified design with fpc, a
/// one-stage cluster design (weighted and not), stratified clusters with nested PSU ids and a
/// two-stage design with fpcs at both stages; formulas with numbers, `factor()` and text
/// factors, numeric × factor and factor × factor interactions, `I(x^2)`, `log(x)`, `- 1`, and
/// missing values in the response and in covariates.
///
/// `Fixtures/svyglm/` (data sets, `expected_coefficients.csv`, `expected_tests.csv`) comes from
/// `oracle/svyglm_fixtures.R` (rerun with `Rscript oracle/svyglm_fixtures.R` from the package
/// root). Rows sharing a `case` are one fit. Per coefficient, in R's order, the engine's name
/// and estimate, SE, t, p and `confint(m)` must agree, as must the residual df and the rows
/// used; per case, every `regTermTest` (first each term with more than one coefficient, which
/// the engine tests unasked, then the requested ones). Numbers agree to 1e-6 relative;
/// p-values to 1e-6 relative or 1e-12 absolute.
final class SvyglmOracleTests: XCTestCase {
    func testEngineMatchesRSvyglm() throws {
        let coefficientRecords = try Self.records("expected_coefficients", columns: [
            "case", "data", "weights", "strata", "cluster", "fpc", "nest", "family", "formula", "term", "r_term",
            "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high", "df_residual", "n"])
        let testRecords = try Self.records("expected_tests", columns: [
            "case", "terms", "r_terms", "requested", "F", "df_num", "df_den", "p"])
        XCTAssertGreaterThan(coefficientRecords.count, 100, "expected_coefficients.csv has too few rows")

        // Fits in file order, each with its expected coefficient and test rows.
        var order: [String] = []
        var coefficients: [String: [SvyglmRow]] = [:]
        for record in coefficientRecords {
            if coefficients[record["case"]] == nil { order.append(record["case"]) }
            coefficients[record["case"], default: []].append(record)
        }
        var tests: [String: [SvyglmRow]] = [:]
        for record in testRecords { tests[record["case"], default: []].append(record) }
        let orphans = Set(tests.keys).subtracting(order)
        XCTAssertTrue(orphans.isEmpty, "expected_tests.csv has cases without coefficients: \(orphans.sorted())")

        var tables: [String: Table] = [:]
        var mismatches: [String] = []
        var checkedCoefficients = 0
        var checkedTests = 0
        for id in order {
            let expected = coefficients[id]!
            let expectedTests = tests[id] ?? []
            let first = expected[0]
            let result: RegressionResult
            do {
                for row in expected.dropFirst() where row.request != first.request {
                    throw SvyglmFailure("rows of the case disagree on the design or request")
                }
                if tables[first["data"]] == nil {
                    guard let url = Bundle.module.url(forResource: first["data"], withExtension: "csv", subdirectory: "Fixtures/svyglm") else {
                        throw SvyglmFailure("data set \(first["data"]).csv is missing")
                    }
                    tables[first["data"]] = try CSVReader.read(path: url.path)
                }
                let table = tables[first["data"]]!
                let design = try SurveyDesign(spec: first.designSpec(), table: table)
                let requested = try expectedTests.filter { try SvyglmRow.flag($0["requested"]) }.map { $0["terms"] }
                result = try RegressionEstimator(table: table, design: design).fit(first.regressionRequest(tests: requested))
            } catch {
                mismatches.append("\(id): the engine failed: \(error)")
                continue
            }

            // The fit as a whole: residual df and rows used.
            var caseFields: [String] = []
            if !Self.agree(result.dfResidual, Double(first["df_residual"]), absolute: 0) {
                caseFields.append("df_residual: R \(first["df_residual"]), ours \(result.dfResidual)")
            }
            if Int(first["n"]) != result.n { caseFields.append("n: R \(first["n"]), ours \(result.n)") }
            if !caseFields.isEmpty { mismatches.append("\(id): " + caseFields.joined(separator: "; ")) }

            // Coefficients, in R's order.
            if result.coefficients.count != expected.count {
                mismatches.append("\(id): \(result.coefficients.count) coefficients (\(result.coefficients.map(\.term).joined(separator: ", "))), R has \(expected.count) (\(expected.map { $0["term"] }.joined(separator: ", ")))")
            }
            for (row, ours) in zip(expected, result.coefficients) {
                var fields: [String] = []
                if ours.term != row["term"] { fields.append("term: R \(row["term"]) (\(row["r_term"])), ours \(ours.term)") }
                Self.compare(row, "estimate", ours.estimate, into: &fields)
                Self.compare(row, "std_error", ours.standardError, into: &fields)
                Self.compare(row, "statistic", ours.statistic, into: &fields)
                Self.compare(row, "p_value", ours.pValue, absolute: 1e-12, into: &fields)
                Self.compare(row, "conf_low", ours.confidenceLow, into: &fields)
                Self.compare(row, "conf_high", ours.confidenceHigh, into: &fields)
                if !fields.isEmpty { mismatches.append("\(id) [\(row["term"])]: " + fields.joined(separator: "; ")) }
                checkedCoefficients += 1
            }

            // Wald tests, in R's order: unasked term tests, then the requested ones.
            if result.tests.count != expectedTests.count {
                mismatches.append("\(id): \(result.tests.count) tests (\(result.tests.map(\.terms).joined(separator: ", "))), R has \(expectedTests.count) (\(expectedTests.map { $0["terms"] }.joined(separator: ", ")))")
            }
            for (row, ours) in zip(expectedTests, result.tests) {
                var fields: [String] = []
                if ours.terms != row["terms"] { fields.append("terms: R \(row["terms"]), ours \(ours.terms)") }
                Self.compare(row, "F", ours.statistic, into: &fields)
                Self.compare(row, "df_num", Double(ours.numeratorDF), absolute: 0, into: &fields)
                Self.compare(row, "df_den", ours.denominatorDF, absolute: 0, into: &fields)
                Self.compare(row, "p", ours.pValue, absolute: 1e-12, into: &fields)
                if !fields.isEmpty { mismatches.append("\(id) [test \(row["terms"])]: " + fields.joined(separator: "; ")) }
                checkedTests += 1
            }
        }

        // Every expected row must have been compared: a failed fit or a missing coefficient or
        // test leaves rows unchecked.
        XCTAssertEqual(checkedCoefficients, coefficientRecords.count, "coefficient rows compared against the engine")
        XCTAssertEqual(checkedTests, testRecords.count, "test rows compared against the engine")
        XCTAssertGreaterThan(checkedCoefficients, 100, "coefficient rows compared against the engine")
        XCTAssertGreaterThan(checkedTests, 20, "test rows compared against the engine")
        if !mismatches.isEmpty {
            XCTFail("\(mismatches.count) disagreements with R svyglm:\n" + mismatches.joined(separator: "\n"))
        }
    }

    /// Compares one expected field (empty: the engine must give none) and notes a disagreement.
    private static func compare(_ row: SvyglmRow, _ name: String, _ actual: Double?, absolute: Double = 0, into fields: inout [String]) {
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

    private static func records(_ name: String, columns: [String]) throws -> [SvyglmRow] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures/svyglm") else {
            throw SvyglmFailure("Fixtures/svyglm/\(name).csv is missing from the test bundle")
        }
        return try SvyglmCSV.records(String(contentsOf: url, encoding: .utf8), columns: columns, file: "\(name).csv")
    }
}

private struct SvyglmFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One row of a fixture, its fields by column name.
private struct SvyglmRow {
    let fields: [String: String]

    subscript(_ name: String) -> String { fields[name] ?? "" }

    /// The fields that define the engine call (equal across the rows of one case).
    var request: [String] {
        ["data", "weights", "strata", "cluster", "fpc", "nest", "family", "formula", "df_residual", "n"].map { self[$0] }
    }

    func designSpec() throws -> DesignSpec {
        DesignSpec(
            weights: self["weights"].isEmpty ? nil : self["weights"],
            strata: self["strata"].isEmpty ? nil : self["strata"],
            clusters: Self.list(self["cluster"]),
            fpc: Self.list(self["fpc"]),
            nest: try Self.flag(self["nest"]))
    }

    func regressionRequest(tests: [String]) throws -> RegressionRequest {
        guard let family = Family(rawValue: self["family"]) else { throw SvyglmFailure("unknown family '\(self["family"])'") }
        return RegressionRequest(formula: self["formula"], family: family, covariance: .design, level: 0.95, tests: tests)
    }

    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func flag(_ text: String) throws -> Bool {
        switch text {
        case "TRUE": return true
        case "FALSE": return false
        default: throw SvyglmFailure("expected TRUE or FALSE, found '\(text)'")
        }
    }
}

/// A minimal RFC 4180 reader for the fixtures (quoted fields, doubled quotes, CRLF), kept apart
/// from the engine's own CSV reader so that the expected values do not pass through it.
private enum SvyglmCSV {
    static func records(_ text: String, columns: [String], file: String) throws -> [SvyglmRow] {
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
        if quoted { throw SvyglmFailure("\(file) ends inside a quoted field") }
        if !field.isEmpty || !row.isEmpty { endRow() }
        guard let header = rows.first else { throw SvyglmFailure("\(file) is empty") }
        guard header == columns else { throw SvyglmFailure("\(file) has columns \(header), not \(columns)") }
        return try rows.dropFirst().enumerated().map { index, fields in
            guard fields.count == header.count else {
                throw SvyglmFailure("\(file) line \(index + 2) has \(fields.count) fields, not \(header.count)")
            }
            return SvyglmRow(fields: Dictionary(uniqueKeysWithValues: zip(header, fields)))
        }
    }
}
