import Foundation
import XCTest
@testable import StatsEngine

/// One version number: `--version`, the manifest of `run` and the exported notebook all read
/// `Release.version`.
final class VersionTests: XCTestCase {
    func testEveryPlaceReadsTheOneVersion() throws {
        let cli = try CommandLine.run(["--version"])
        XCTAssertEqual(cli.stdout.trimmingCharacters(in: .whitespacesAndNewlines), Release.version)

        let root = FixtureFiles.repository
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("disparity-version-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try CommandLine.run(["run", root.appendingPathComponent("datasets/run.yaml").path, "--out", out.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any]
        XCTAssertEqual(manifest?["version"] as? String, Release.version)
        let notebook = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.ipynb"))) as? [String: Any]
        let metadata = notebook?["metadata"] as? [String: Any]
        XCTAssertEqual((metadata?["disparity"] as? [String: Any])?["version"] as? String, Release.version)
        let committed = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("notebooks-export/manifest.json"))) as? [String: Any]
        XCTAssertEqual(committed?["version"] as? String, Release.version, "notebooks-export is remade with this version")
    }
}
