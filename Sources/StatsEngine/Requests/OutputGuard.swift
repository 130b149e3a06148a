import Foundation

/// The one check every command makes before it reads anything: no file it would write may be
/// one of its inputs (the data, a benchmark, a configuration or spec, a goal's data). Files are
/// compared by identity — device and inode of what the path resolves to, symlinks followed —
/// so `./data.csv`, an absolute path or a symlink to the data are caught as well as the name.
public enum OutputGuard {
    /// Throws a usage error (exit 2), "`option` needs a file name" (`noun`), for an empty path
    /// (`--output ""`), which names no file: it would fail when written, after the work, with a
    /// message naming no file, or (a SQLite history) be a database that vanishes. `hint`
    /// follows the message (what the option also takes).
    public static func requireName(_ path: String?, option: String, noun: String = "file name", hint: String = "") throws {
        if path?.isEmpty == true { throw DisparityError.usage("\(option) needs a \(noun)\(hint)") }
    }

    /// Throws a usage error (exit 2), "`option` `path` is an input of this command", for the
    /// first output in `outputs` that is the same file as one of `inputs`. Paths that do not
    /// exist yet are never inputs; `-` is what standard input reads (`< data.csv`: that file,
    /// so `--output data.csv` or `/dev/stdin` would replace the data being read).
    public static func refuse(_ outputs: [(option: String, path: String)], overwriting inputs: [String]) throws {
        let identities = Set(inputs.compactMap { $0 == "-" ? standardInputIdentity() : identity($0) })
        guard !identities.isEmpty else { return }
        for (option, path) in outputs {
            if let id = identity(path), identities.contains(id) {
                throw DisparityError.usage("\(option) \(path) is an input of this command")
            }
        }
    }

    /// Throws a usage error (exit 2) when a file in `files` (inputs, or outputs written beside the
    /// folder's) lies within `folder`, which `option` replaces whole (`run --out`: the previous
    /// folder is removed): an input there would be deleted by the run that reads it, an output
    /// written there lost. Folders are compared by identity, symlinks followed, at any depth;
    /// files that do not exist yet are placed by the folder they would be written in.
    public static func refuseWithin(_ option: String, folder: String, _ files: [(role: String, path: String)]) throws {
        guard let replaced = identity(folder) else { return }
        for (role, path) in files where path != "-" && !path.isEmpty {
            var url = URL(fileURLWithPath: target(of: path))
            while url.path != "/" {
                url = url.deletingLastPathComponent()
                if identity(url.path) == replaced {
                    throw DisparityError.usage("\(option) \(folder) is replaced whole by the run, and \(role) \(path) is in it: move it out or name another folder")
                }
            }
        }
    }

    /// Throws a usage error (exit 2), "`a` and `b` name the same file", when two of `outputs`
    /// (nil paths left out) would write one file: their absolute paths compared with symbolic
    /// links resolved, whether the file exists yet or not.
    public static func refuseCollisions(_ outputs: [(option: String, path: String?)]) throws {
        var seen: [String: String] = [:]
        for case let (option, path?) in outputs where path != "-" {
            let resolved = target(of: path)
            if let earlier = seen[resolved] { throw DisparityError.usage("\(earlier) and \(option) name the same file \(path)") }
            seen[resolved] = option
        }
    }

    /// The absolute path a write to `path` reaches: its folder's links resolved, then the links
    /// it is itself followed (to a file that may not exist yet), at most 32 deep.
    private static func target(of path: String) -> String {
        var url = URL(fileURLWithPath: path).standardized
        for _ in 0..<32 {
            url = url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent)
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) else { break }
            url = URL(fileURLWithPath: destination, relativeTo: url.deletingLastPathComponent()).standardized
        }
        return url.path
    }

    private struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// The file standard input reads, when it is one (not a pipe or a terminal).
    private static func standardInputIdentity() -> FileIdentity? {
        var info = stat()
        guard fstat(0, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    private static func identity(_ path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
