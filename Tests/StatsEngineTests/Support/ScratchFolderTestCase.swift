import Foundation
import XCTest

/// A test case with a fresh scratch folder (`directory`) for each test, removed afterwards:
/// the command-line tests write their data, specs and outputs there.
class ScratchFolderTestCase: XCTestCase {
    /// This test's own folder under the system's temporary folder.
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("disparity-\(type(of: self))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }
}
