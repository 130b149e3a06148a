import Foundation

/// Writes a file so that readers see either nothing or the whole of it: the text goes to a
/// temporary file beside the target, which is then renamed over it. A failed or interrupted
/// run never leaves a half-written output. A target that exists and is not a regular file — a
/// device such as /dev/null, a pipe — is written in place instead, once the whole file is made:
/// renaming over it would replace the device itself.
public enum AtomicFile {
    /// Writes `text` (UTF-8) to `path`.
    public static func write(_ text: String, to path: String) throws {
        try replace(path) { temporary in try writeInPlace(Array(text.utf8), to: temporary, create: true) }
    }

    /// Makes the file at `path` with `make`, which creates a new file at the path it is given: a
    /// temporary one beside the target, renamed over it once `make` returns and removed if it
    /// throws. A device or pipe target gets the made file's bytes (made in the temporary folder).
    public static func replace(_ path: String, making make: (String) throws -> Void) throws {
        var info = stat()
        let special = stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
        if special, (info.st_mode & S_IFMT) == S_IFDIR { throw DisparityError(.data, "\(path): is a directory, not a file") }
        let url = URL(fileURLWithPath: path)
        let folder = special ? FileManager.default.temporaryDirectory : url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try make(temporary.path)
            if special {
                try writeInPlace(Array(try Data(contentsOf: temporary)), to: path)
                unlink(temporary.path)
            } else if rename(temporary.path, url.path) != 0 {
                throw DisparityError(.data, "\(path): cannot write: \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(temporary.path)
            throw error
        }
    }

    /// Writes all of `bytes` through one descriptor, failing on any short or refused write
    /// (a full disk, /dev/full).
    private static func writeInPlace(_ bytes: [UInt8], to path: String, create: Bool = false) throws {
        let fd = create ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644) : open(path, O_WRONLY)
        guard fd >= 0 else { throw DisparityError(.data, "\(path): cannot write: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try Self.write(bytes, to: fd, name: path)
    }

    /// Writes every byte to a descriptor or throws naming `name`.
    public static func write(_ bytes: [UInt8], to fd: Int32, name: String) throws {
        var done = 0
        try bytes.withUnsafeBytes { buffer in
            while done < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw DisparityError(.data, "\(name): cannot write: \(String(cString: strerror(errno)))") }
                done += n
            }
        }
    }
}
