import Foundation

/// A run's output folder written all or nothing: every file goes into a staging folder beside
/// the target (`.NAME.partial-PID`), which then takes the target's place in one atomic exchange
/// (Linux `renameat2(RENAME_EXCHANGE)`), so the target holds either the complete new set or the
/// complete previous one, never a mix. The previous set is then removed. An interrupted run
/// (SIGINT, SIGTERM) removes its staging folder and ends with the signal's exit status (128 + its
/// number); a killed one leaves it, and the next run into the same target removes it.
///
/// The target must be the run's own: missing, empty, or a previous run's folder (it holds
/// `manifest.json`), so that exchanging it can never take away anything else.
final class OutputFolder: @unchecked Sendable {
    let target: URL
    let staging: URL
    private let fileManager = FileManager.default
    private var interruption: [DispatchSourceSignal] = []
    /// The dispositions the handlers replaced, given back once the folder is committed or
    /// discarded (a process that goes on, such as the tests', keeps its own).
    private var replaced: [(signal: Int32, handler: __sighandler_t?)] = []
    /// Held by the exchange and by `discard` while they change the folders, and taken for good
    /// by an interruption: a write that fails because the interruption removed the staging
    /// folder waits in `discard` for the interruption's exit, rather than ending the run as a
    /// failed one (exit 1) first.
    private let folders = NSLock()
    /// Whether the exchange has put the new set in place (read under `folders`).
    private var committed = false

    /// Prepares the staging folder for `path`.
    /// - Throws: `DisparityError.usage` when the target holds files of its own, `.data` when a
    ///   folder cannot be made.
    init(_ path: String) throws {
        target = URL(fileURLWithPath: path).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        guard !name.isEmpty, name != ".", name != ".." else {
            throw DisparityError.usage("--out \(path): name a folder of its own for the run's outputs (not '.')")
        }
        var isFolder: ObjCBool = false
        if fileManager.fileExists(atPath: target.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw DisparityError.usage("--out \(path) is a file, not a folder") }
            let contents = (try? fileManager.contentsOfDirectory(atPath: target.path)) ?? []
            guard contents.isEmpty || contents.contains("manifest.json") else {
                throw DisparityError.usage("--out \(path) holds files that are not a run's outputs (\(contents.sorted().prefix(3).joined(separator: ", "))); name a new or a previous run's folder")
            }
        }
        // Staging folders left by killed runs into the same target.
        let prefix = ".\(name).partial-"
        for entry in (try? fileManager.contentsOfDirectory(atPath: parent.path)) ?? [] where entry.hasPrefix(prefix) {
            if let pid = Int32(entry.dropFirst(prefix.count)), kill(pid, 0) != 0 {
                try? fileManager.removeItem(at: parent.appendingPathComponent(entry))
            }
        }
        staging = parent.appendingPathComponent("\(prefix)\(getpid())")
        // The handlers first, so that no interruption can leave the staging folder behind.
        removeOnInterruption()
        do {
            try? fileManager.removeItem(at: staging)
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw DisparityError.data(file: path, "cannot create the output folder: \(error.localizedDescription)")
        }
    }

    /// Where the file `name` is written before the exchange.
    func path(_ name: String) -> String { staging.appendingPathComponent(name).path }

    /// Puts the staged set in the target's place, atomically, and removes the previous set.
    /// - Throws: `DisparityError.data` when the exchange fails (the target is then unchanged).
    func commit() throws {
        folders.lock()
        defer {
            folders.unlock()
            stopHandlingInterruptions()
        }
        if fileManager.fileExists(atPath: target.path) {
            guard Self.exchange(staging.path, target.path) else {
                try? fileManager.removeItem(at: staging)
                throw DisparityError.data(file: target.path, "could not replace the folder's previous outputs (\(String(cString: strerror(errno)))); it is unchanged")
            }
            try? fileManager.removeItem(at: staging)  // now the previous set
        } else {
            guard rename(staging.path, target.path) == 0 else {
                try? fileManager.removeItem(at: staging)
                throw DisparityError.data(file: target.path, "could not create the output folder (\(String(cString: strerror(errno))))")
            }
        }
        committed = true
    }

    /// Removes the staging folder (a run that failed before writing its outputs).
    func discard() {
        folders.lock()
        defer {
            folders.unlock()
            stopHandlingInterruptions()
        }
        try? fileManager.removeItem(at: staging)
    }

    /// Cancels the interruption handlers and gives the signals their earlier dispositions.
    private func stopHandlingInterruptions() {
        interruption.forEach { $0.cancel() }
        interruption = []
        for (number, handler) in replaced { signal(number, handler) }
        replaced = []
    }

    /// SIGINT and SIGTERM remove the staging folder and end the process with exit status
    /// 128 + the signal's number, as a shell reports a process those signals ended, unless the
    /// process was started ignoring them. The handlers
    /// run on a queue of their own: the shared pool may be busy with the analyses' passes until
    /// the run is writing its outputs.
    private func removeOnInterruption() {
        let queue = DispatchQueue(label: "disparity.interruption", qos: .userInteractive)
        for signalNumber in [SIGINT, SIGTERM] {
            // A signal the process was started ignoring (`nohup`, a script's background job)
            // stays ignored: the run then ends as it would without the handler.
            let previous = signal(signalNumber, SIG_IGN)
            guard unsafeBitCast(previous, to: Int.self) != unsafeBitCast(SIG_IGN, to: Int.self) else { continue }
            replaced.append((signalNumber, previous))
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [self] in
                folders.lock()  // never unlocked: the process ends here
                try? fileManager.removeItem(at: staging)
                let outcome = committed ? "the outputs were complete and are in place" : "the output folder is unchanged"
                FileHandle.standardError.write(Data("disparity: interrupted; \(outcome)\n".utf8))
                // _exit, not exit: the analyses' threads still run, and exit's clean-up of the
                // libraries they use (OpenBLAS's) would race them.
                _exit(128 + signalNumber)
            }
            source.resume()
            interruption.append(source)
        }
    }

    /// `renameat2(RENAME_EXCHANGE)`: swaps two paths atomically (looked up at run time: the C
    /// library declares it only for GNU sources).
    private static func exchange(_ a: String, _ b: String) -> Bool {
        typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: Renameat2.self)
        let renameExchange: UInt32 = 1 << 1
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    }
}
