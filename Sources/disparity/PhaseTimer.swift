import Foundation

/// Wall-clock time of each phase of a command (read, design, estimate, write), printed to
/// standard error with `--timings` so users and benchmarks see where the time goes.
final class PhaseTimer {
    private let enabled: Bool
    private var last = DispatchTime.now()
    private var phases: [(String, Double)] = []

    init(enabled: Bool) { self.enabled = enabled }

    /// Runs `body` as the phase `name`.
    func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now()
        defer { phases.append((name, Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)) }
        return try body()
    }

    /// Prints the phases, if asked to.
    func report() {
        guard enabled else { return }
        let text = phases.map { String(format: "%@ %.3f s", $0.0, $0.1) }.joined(separator: ", ")
        FileHandle.standardError.write(Data("timings: \(text)\n".utf8))
    }
}
