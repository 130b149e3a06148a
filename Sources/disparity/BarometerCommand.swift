import ArgumentParser
import StatsEngine

struct BarometerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "barometer",
        abstract: "Every goal of a monitoring configuration (YAML), with estimates, changes and verdicts."
    )

    @Argument(help: "The barometer configuration, e.g. datasets/barometer.yaml.")
    var config: String

    @Option(parsing: .unconditional, help: "Variances of every goal from this many Rao-Wu bootstrap replicates of its designs (overrides the goals' own).")
    var bootstrap: Int?

    @Option(parsing: .unconditional, help: "Seed of the bootstrap (the same numbers on any machine and thread count).")
    var seed: UInt64 = 1

    @OptionGroup var output: OutputOptions

    func run() throws {
        try output.refuseReplacing([config])
        let timer = PhaseTimer(enabled: output.timings)
        let method = try bootstrap.map { try VarianceMethod.checkedBootstrap(replicates: $0, seed: seed) }
        let configuration = try timer.measure("read") { try BarometerConfig.load(path: config).withVarianceMethod(method) }
        try output.refuseReplacing(configuration.dataFiles)
        let results = try timer.measure("estimate") { try BarometerEvaluator(config: configuration).evaluate() }
        try timer.measure("write") { try output.emit(.barometer(results, config: configuration)) }
        timer.report()
    }
}
