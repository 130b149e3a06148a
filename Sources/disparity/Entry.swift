import ArgumentParser
import Foundation
import StatsEngine

/// The command line: parses options, hands them to the engine, prints. Exit codes follow
/// INTERFACE.md: 0 success, 1 an analysis failed, 2 a usage error; every failure is one line
/// on standard error.
@main
enum Entry {
    static func main() {
        AllocatorTuning.reuseLargeAllocations()
        BlasSetup.useProcessorKernels()
        BlasSetup.useSingleThread()
        do {
            var command = try Disparity.parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch let error as DisparityError {
            fail(error.message, code: error.kind == .usage ? 2 : 1)
        } catch {
            let code = Disparity.exitCode(for: error)
            if code == .success {
                print(Disparity.fullMessage(for: error))
                exit(0)
            }
            let message = Disparity.message(for: error)
            let line = message.isEmpty ? "\(error)" : message.split(separator: "\n").first.map(String.init) ?? message
            // Through DisparityError: the parser's message quotes the argument, which may be long.
            fail(DisparityError(.usage, line).message, code: code == .validationFailure ? 2 : 1)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("disparity: \(message)\n".utf8))
        exit(code)
    }
}

struct Disparity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disparity",
        abstract: "Disparities between population groups in survey and registry microdata.",
        version: Release.version,
        subcommands: [EstimateCommand.self, TableCommand.self, RegressCommand.self, GapCommand.self, RepresentationCommand.self, BarometerCommand.self, RunCommand.self]
    )
}
