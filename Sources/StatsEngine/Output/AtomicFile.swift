import Foundation

/// Writes a file so that readers see either nothing or the whole of it: the text goes to a
/// temporary file beside the target, which is then renamed over it. A failed or interrupted
/// run never leaves a half-written output.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw DisparityError(.data, "\(path): cannot write: \(String(cString: strerror(errno)))")
            }
        } catch let error as DisparityError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw DisparityError(.data, "\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
