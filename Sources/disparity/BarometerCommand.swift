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

    @Option(help: "The period to evaluate (the configuration's last by default).")
    var period: String?

    @Option(name: .customLong("min-cell"), parsing: .unconditional, help: "Disclosure control: withhold figures resting on fewer observations (Statistics Denmark: 3).")
    var minCell: Int = BarometerEvaluator.defaultMinimumCell

    @Option(help: "Language of labels and sentences: da or en.")
    var lang: ReportLanguage = .da

    @Option(help: "Store the period's figures in this SQLite history (created when missing; the period's earlier run is replaced).")
    var history: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try output.refuseReplacing([config] + (history.map { [$0] } ?? []))
        let timer = PhaseTimer(enabled: output.timings)
        let method = try bootstrap.map { try VarianceMethod.checkedBootstrap(replicates: $0, seed: seed) }
        let configuration = try timer.measure("read") { try BarometerConfig.load(path: config).withVarianceMethod(method) }
        try output.refuseReplacing(configuration.dataFiles)
        guard minCell >= 1 else { throw DisparityError.usage("--min-cell must be at least 1 (got \(minCell))") }
        let result = try timer.measure("estimate") {
            try BarometerEvaluator(config: configuration, minimumCell: minCell).evaluate(period: period)
        }
        try timer.measure("write") {
            if let history { try BarometerHistory(path: history).store(result, config: configuration) }
            try output.emit(.barometer(result, language: lang))
        }
        timer.report()
    }
}
