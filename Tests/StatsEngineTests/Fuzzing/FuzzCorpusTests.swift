import Foundation
import FuzzChecks
import XCTest

/// Every input kept in `fuzz/corpus/` (the fuzzers' findings, fixed, and the inputs that reach
/// new code) through its target's check, as `fuzz/run.sh TARGET replay` runs it without the
/// sanitizers: a value or a short one-line `DisparityError`, and for the CSV reader the same
/// table whole, in chunks and with every other column.
final class FuzzCorpusTests: XCTestCase {
    func testCSVReaderCorpus() throws { try replay("CSVReaderFuzz", CSVReaderCheck.finding) }

    func testFormulaCorpus() throws { try replay("FormulaFuzz", FormulaCheck.finding) }

    func testSpecCorpus() throws { try replay("SpecFuzz", SpecCheck.finding) }

    /// Each kept input of `target` through `check`; at least ten inputs must be kept.
    private func replay(_ target: String, _ check: ([UInt8]) -> String?, file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = FixtureFiles.repository.appendingPathComponent("fuzz/corpus/\(target)")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertGreaterThanOrEqual(inputs.count, 10, "fuzz/corpus/\(target) keeps too few inputs", file: file, line: line)
        for name in inputs {
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
            if let finding = check(bytes) { XCTFail("fuzz/corpus/\(target)/\(name): \(finding.prefix(600))", file: file, line: line) }
        }
    }
}
