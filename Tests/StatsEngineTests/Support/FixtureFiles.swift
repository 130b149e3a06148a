import Foundation
import XCTest
@testable import StatsEngine

/// Access to the committed fixtures (oracle outputs and reference data sets).
enum FixtureFiles {
    /// The repository's root folder (this file is Tests/StatsEngineTests/Support/FixtureFiles.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// The bundled data (`datasets/`).
    static let datasets = repository.appendingPathComponent("datasets")
    /// The test sources' fixture folder, for tests that remake their fixtures on request.
    static let sourceFixtures = repository.appendingPathComponent("Tests/StatsEngineTests/Fixtures")

    static func url(_ name: String, _ ext: String, in folder: String) throws -> URL {
        let sub = folder.isEmpty ? "Fixtures" : "Fixtures/\(folder)"
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: sub) else {
            throw DisparityError.usage("fixture \(sub)/\(name).\(ext) is missing")
        }
        return url
    }

    static func table(_ name: String, in folder: String) throws -> Table {
        try CSVReader.read(path: url(name, "csv", in: folder).path)
    }

    static func json(_ name: String, in folder: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(name, "json", in: folder)))
    }
}

/// NIST's log relative error: the number of correct significant digits (capped at 15).
func logRelativeError(_ estimate: Double, certified: Double) -> Double {
    let error = certified == 0 ? abs(estimate) : abs(estimate - certified) / abs(certified)
    return error == 0 ? 15 : min(15, -log10(error))
}

/// Asserts relative closeness (absolute below `floor`, for values near zero).
func assertClose(_ actual: Double?, _ expected: Double?, rel: Double = 1e-6, floor: Double = 1e-12,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    switch (actual, expected) {
    case (nil, nil): return
    case let (a?, e?):
        let scale = max(abs(e), floor)
        XCTAssert(abs(a - e) <= rel * scale, "\(message()): \(a) vs expected \(e) (rel error \(abs(a - e) / scale))", file: file, line: line)
    default:
        XCTFail("\(message()): \(String(describing: actual)) vs expected \(String(describing: expected))", file: file, line: line)
    }
}
