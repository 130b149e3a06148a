import ArgumentParser
import StatsEngine

struct BarometerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "barometer",
        abstract: "Every goal of a monitoring configuration (YAML), with estimates, changes and verdicts."
    )

    @Argument(help: "The barometer configuration, e.g. datasets/barometer.yaml.")
    var config: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let timer = PhaseTimer(enabled: output.timings)
        let configuration = try timer.measure("read") { try BarometerConfig.load(path: config) }
        let results = try timer.measure("estimate") { try BarometerEvaluator(config: configuration).evaluate() }
        try timer.measure("write") { try output.emit(.barometer(results, config: configuration)) }
        timer.report()
    }
}
