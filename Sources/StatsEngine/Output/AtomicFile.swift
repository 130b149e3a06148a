import Foundation

/// Writes a file so that readers see either nothing or the whole of it: the text goes to a
/// temporary file beside the target, which is then renamed over it. A failed or interrupted
/// run never leaves a half-written output. A target that exists and is not a regular file — a
/// device such as /dev/null, a pipe — is written in place instead: renaming over it would
/// replace the device itself.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            guard (info.st_mode & S_IFMT) != S_IFDIR else { throw DisparityError(.data, "\(path): is a directory, not a file") }
            try writeInPlace(text, to: path)
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try writeInPlace(text, to: temporary.path, create: true)
            guard rename(temporary.path, url.path) == 0 else {
                throw DisparityError(.data, "\(path): cannot write: \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(temporary.path)
            throw error
        }
    }

    /// Writes all of `text` through one descriptor, failing on any short or refused write
    /// (a full disk, /dev/full).
    private static func writeInPlace(_ text: String, to path: String, create: Bool = false) throws {
        let fd = create ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644) : open(path, O_WRONLY)
        guard fd >= 0 else { throw DisparityError(.data, "\(path): cannot write: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try Self.write(Array(text.utf8), to: fd, name: path)
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
