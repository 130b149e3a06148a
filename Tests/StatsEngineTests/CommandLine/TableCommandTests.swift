import Foundation
import XCTest

/// `disparity table` through the real command line: a continuous variable is a one-line error,
/// `--test` takes R's names in any case (and refuses others as usage errors), `--by` gives a test
/// per domain, rows without a positive weight are noted (each note counted over its rows), and a
/// run spec's `command: table` with `row`/`col` keys gives the same numbers.
final class TableCommandTests: ScratchFolderTestCase {
    /// 60 rows: a continuous `income` (60 distinct values), categories `g` and `h`, two strata.
    private var csv: String {
        var text = "stratum,psu,w,income,g,h,k\n"
        for i in 0..<60 {
            text += "\(i % 2 + 1),\(i % 6 + 1),\(1 + Double(i % 5) / 2),\(1000 + i * 17),\(["a", "b", "c"][i % 3]),\(["x", "y"][(i / 3) % 2]),\(i % 2)\n"
        }
        return text
    }

    private let design = ["--weights", "w", "--strata", "stratum", "--cluster", "psu", "--nest"]

    private func data() throws -> String {
        let url = directory.appendingPathComponent("t.csv")
        try csv.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CommandLine.run(["table"] + arguments + design + ["--data", try data(), "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// Rows with values but all of weight 0 (a subset's, or a row level's): the shares they leave
    /// without an estimate are noted as such, and each note is counted over the rows it is on (a
    /// subset of weight 0 gave blank cells, no note on them, and "1 row" for a test note on 4).
    func testRowsWithoutPositiveWeightAreNotedAndCounted() throws {
        let data = directory.appendingPathComponent("z.csv")
        try "c,d,w,g\nu,p,0,a\nv,q,0,a\nu,q,0,a\nv,p,0,a\nu,p,0,b\nu,q,0,b\nv,p,1,b\nv,q,2,b\nx,p,1,b\nx,q,3,b\nv,p,2,b\nx,q,1,b\n"
            .write(to: data, atomically: true, encoding: .utf8)
        func table(_ subset: String) throws -> (rows: [[String: String]], notes: [String]) {
            let result = try CommandLine.run(["table", "c", "d", "--weights", "w", "--subset", subset, "--data", data.path, "--format", "csv"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let lines = result.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let rows = lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
            return (rows, result.stderr.split(separator: "\n").map(String.init))
        }
        let none = try table("g == a")
        XCTAssertEqual(none.rows.count, 4)
        for row in none.rows {
            XCTAssertEqual(row["note"], "no shares: no rows with a positive weight; no test: no rows with a positive weight")
            XCTAssertEqual(row["estimate"], "")
            XCTAssertEqual(row["n"], "1")
        }
        XCTAssertEqual(none.notes, ["disparity: note: 4 rows: no shares: no rows with a positive weight",
                                    "disparity: note: 4 rows: no test: no rows with a positive weight"])
        let level = try table("g == b")
        XCTAssertEqual(level.rows.count, 6)
        for row in level.rows {
            XCTAssertEqual(row["note"]?.hasPrefix("row share: no rows of c=u with a positive weight"), row["c"] == "u", "\(row)")
            XCTAssertEqual(row["row_share"]?.isEmpty, row["c"] == "u", "\(row)")
        }
        XCTAssert(level.notes.contains("disparity: note: 2 rows: row share: no rows of c=u with a positive weight"), "\(level.notes)")
        XCTAssert(level.notes.allSatisfy { !$0.contains("no test") || $0.contains("6 rows") }, "a test note counted over the table's rows: \(level.notes)")
    }

    func testContinuousVariableIsAnError() throws {
        try assertCommandFails(in: directory, csv, ["table", "income", "g"] + design, code: 1, mentions: ["'income' is continuous", "60 distinct"])
        try assertCommandFails(in: directory, csv, ["table", "g", "income"] + design, code: 1, mentions: ["'income' is continuous"])
    }

    func testTestNamesInAnyCase() throws {
        for (given, method) in [("F", "F"), ("f", "F"), ("chisq", "Chisq"), ("CHISQ", "Chisq"), ("adjwald", "adjWald"), ("adjWald", "adjWald"), ("wald", "Wald")] {
            let output = try json(["g", "h", "--test", given])
            let test = try XCTUnwrap(output["test"] as? [String: Any], given)
            XCTAssertNil(output["tests"], given)
            XCTAssertNil(test["group"], given)
            XCTAssertEqual(test["method"] as? String, method, given)
            XCTAssertNotNil(test["statistic"] as? Double, given)
            XCTAssertNotNil(test["p_value"] as? Double, given)
            XCTAssertEqual(test["ddf"] is NSNull, method == "Chisq", given)
            XCTAssertEqual((output["results"] as? [Any])?.count, 6, given)
        }
        try assertCommandFails(in: directory, csv, ["table", "g", "h", "--test", "pearson"] + design, code: 2, mentions: ["pearson"])
    }

    /// Cell intervals are normal by default (R's `confint(svymean(...))`, `df` null); `--df design`
    /// takes t with the design df of the rows in the table: 6 PSUs in 2 strata, 4.
    func testDfChoosesTheIntervalsDistribution() throws {
        for (arguments, df, critical) in [([String](), nil as Double?, 1.959963984540054), (["--df", "design"], 4, 2.7764451051977987),
                                          (["--df", "12"], 12, 2.1788128296672284)] {
            let rows = try XCTUnwrap(try json(["g", "h"] + arguments)["results"] as? [[String: Any]])
            XCTAssertEqual(rows.count, 6)
            for row in rows {
                XCTAssertEqual(row["df"] as? Double, df, "\(arguments)")
                let estimate = try XCTUnwrap(row["row_share"] as? Double), se = try XCTUnwrap(row["row_share_std_error"] as? Double)
                XCTAssertEqual(try XCTUnwrap(row["row_share_conf_high"] as? Double) - estimate, critical * se, accuracy: 1e-12, "\(arguments)")
            }
        }
    }

    func testByGivesATestPerDomainAndMinCellWithholds() throws {
        let output = try json(["g", "h", "--by", "k", "--min-cell", "6"])
        // With --by the key is `tests`, an array of one object per domain with its `group`
        // (README, Output); `test` is the object of a table without --by.
        XCTAssertNil(output["test"])
        let tests = try XCTUnwrap(output["tests"] as? [[String: Any]])
        XCTAssertEqual(tests.count, 2)
        XCTAssertEqual(tests.map { ($0["group"] as? [String: String])?["k"] }, ["0", "1"])
        for test in tests {
            XCTAssertEqual(Set(test.keys).subtracting(["note"]), ["group", "statistic", "ndf", "ddf", "p_value", "method"])
        }
        let rows = try XCTUnwrap(output["results"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 12)
        for row in rows {
            let n = row["n"] as? Double ?? 0
            // A cell of few rows, or one that would reveal such a cell (secondary suppression).
            let small = n > 0 && n < 6, secondary = (row["note"] as? String)?.hasSuffix("(secondary suppression)") ?? false
            XCTAssertEqual(row["estimate"] is NSNull, small || secondary, "\(row)")
            XCTAssertEqual(row["row_share"] is NSNull, small || secondary, "\(row)")
            XCTAssertFalse(small && secondary)
        }
    }

    func testRunSpecMatchesTheCommandLine() throws {
        let path = try data()
        try "data: t.csv\ndesign: {weights: w, strata: stratum, cluster: psu, nest: true}\nanalyses:\n  - {name: t, command: table, row: g, col: h, test: chisq}\n"
            .write(to: directory.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let run = try CommandLine.run(["run", directory.appendingPathComponent("s.yaml").path, "--out", out.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let csv = try String(contentsOf: out.appendingPathComponent("t.csv"), encoding: .utf8)
        let cli = try CommandLine.run(["table", "g", "h", "--test", "Chisq", "--data", path, "--format", "csv"] + design)
        XCTAssertEqual(csv, cli.stdout)
        XCTAssert(csv.hasPrefix("g,h,estimate,std_error,conf_low,conf_high,row_share,"), csv)
    }
}
