import Foundation

/// Writes a file so that readers see either nothing or the whole of it: the text goes to a
/// temporary file beside the target, which is then renamed over it. A failed or interrupted
/// run never leaves a half-written output. A symbolic link is followed: the file it names is
/// replaced, never the link. A target that is not a regular file — a device such as /dev/null,
/// a pipe, a process's stream such as /dev/stdout or /proc/self/fd/1, a link to a missing file —
/// is written in place instead, once the whole file is made: renaming over it would replace the
/// device or the link itself.
public enum AtomicFile {
    /// Writes `text` (UTF-8) to `path`.
    public static func write(_ text: String, to path: String) throws {
        try replace(path) { temporary in try writeInPlace(Array(text.utf8), to: temporary, create: true, name: path) }
    }

    /// Makes the file at `path` with `make`, which creates a new file at the path it is given: a
    /// temporary one beside the target (the file a link names), renamed over it once `make`
    /// returns and removed if it throws. A target written in place (see above) gets the made
    /// file's bytes (made in the temporary folder).
    public static func replace(_ path: String, making make: (String) throws -> Void) throws {
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists, (info.st_mode & S_IFMT) == S_IFDIR { throw DisparityError(.data, "\(path): is a directory, not a file") }
        var link = stat()
        let isLink = lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK
        // A process's streams are links to what the process holds open (a pipe, a terminal, a
        // file opened for appending): written through, in order, like a device.
        let stream = ["/dev/", "/proc/"].contains { path.hasPrefix($0) }
        let special = stream || (exists && (info.st_mode & S_IFMT) != S_IFREG) || (isLink && !exists)
        let target = isLink && !special ? (realpath(path, nil).map { resolved in defer { free(resolved) }; return String(cString: resolved) } ?? path) : path
        let url = URL(fileURLWithPath: target)
        let folder = special ? FileManager.default.temporaryDirectory : url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try make(temporary.path)
            if special {
                let bytes = Array(try Data(contentsOf: temporary))
                // The process's own streams through its descriptor (its offset, its append mode).
                if let fd = descriptor(path) { try write(bytes, to: fd, name: path) } else { try writeInPlace(bytes, to: path, create: !exists) }
                unlink(temporary.path)
            } else if rename(temporary.path, url.path) != 0 {
                throw DisparityError(.data, "\(path): cannot write: \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(temporary.path)
            throw error
        }
    }

    /// The descriptor a path names in this process: /dev/stdout and /dev/stderr, /dev/fd/N and
    /// /proc/self/fd/N; nil for any other path.
    private static func descriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return STDOUT_FILENO
        case "/dev/stderr": return STDERR_FILENO
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) { return Int32(path.dropFirst(prefix.count)) }
            return nil
        }
    }

    /// Writes all of `bytes` through one descriptor, failing on any short or refused write
    /// (a full disk, /dev/full). Errors name `name` (the output the user gave, not the
    /// temporary file written for it).
    private static func writeInPlace(_ bytes: [UInt8], to path: String, create: Bool = false, name: String? = nil) throws {
        let fd = create ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644) : open(path, O_WRONLY)
        guard fd >= 0 else { throw DisparityError(.data, "\(name ?? path): cannot write: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try Self.write(bytes, to: fd, name: name ?? path)
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
