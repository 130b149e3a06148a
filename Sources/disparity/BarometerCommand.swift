import ArgumentParser
import Foundation
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

    @Option(help: "Write the think tank's report to this HTML file (self-contained, atomically; in --lang's language), with trends over the --history.")
    var report: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let timer = PhaseTimer(enabled: output.timings)
        let method = try bootstrap.map { try VarianceMethod.checkedBootstrap(replicates: $0, seed: seed) }
        let configuration = try timer.measure("read") { try BarometerConfig.load(path: config).withVarianceMethod(method) }
        guard minCell >= 1 else { throw DisparityError.usage("--min-cell must be at least 1 (got \(minCell))") }
        if let report { try refuseOverwritingAnInput(report, configuration) }
        let result = try timer.measure("estimate") {
            try BarometerEvaluator(config: configuration, minimumCell: minCell).evaluate(period: period)
        }
        try timer.measure("write") {
            let stored = try history.map { path in
                let history = try BarometerHistory(path: path)
                try history.store(result, config: configuration)
                return history
            }
            if let report {
                let context = try stored.map { try BarometerHTML.Context.stored(in: $0, config: configuration) }
                    ?? BarometerHTML.Context.unstored(result, config: configuration)
                try AtomicFile.write(BarometerHTML.render(result, config: configuration, context: context, language: lang), to: report)
            }
            try output.emit(.barometer(result, language: lang))
        }
        timer.report()
    }

    /// A usage error when `report` names the configuration, a data file, the history or --output:
    /// the report would destroy what it is made from.
    private func refuseOverwritingAnInput(_ report: String, _ configuration: BarometerConfig) throws {
        func canonical(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        let inputs = [("the configuration", config)] + configuration.dataFiles.map { ("a data file", configuration.path(of: $0)) }
            + [history.map { ("the history", $0) }, output.output.map { ("--output", $0) }].compactMap { $0 }
        if let (what, path) = inputs.first(where: { canonical($0.1) == canonical(report) }) {
            throw DisparityError.usage("--report '\(report)' is \(what) (\(path)): choose another file")
        }
    }
}
