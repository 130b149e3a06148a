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

    @Option(parsing: .unconditional, help: "Seed of --bootstrap (default 1; the same numbers on any machine and thread count).")
    var seed: UInt64?

    @Option(help: "The period to evaluate (the configuration's last by default).")
    var period: String?

    @Option(name: .customLong("min-cell"), parsing: .unconditional, help: "Disclosure control: withhold figures resting on fewer observations (Statistics Denmark: 3).")
    var minCell: Int = BarometerEvaluator.defaultMinimumCell

    @Option(help: "Language of labels and sentences: da or en.")
    var lang: ReportLanguage = .da

    @Option(help: "Store the period's figures in this SQLite history (created when missing; the period's earlier run is replaced).")
    var history: String?

    @Flag(name: .customLong("every-period"), help: "With --history: evaluate and store every period up to --period (or the last) in turn; the output shows the last.")
    var everyPeriod = false

    @Option(help: "Write the think tank's report to this HTML file (self-contained, atomically; in --lang's language), with trends over the --history.")
    var report: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try OutputGuard.requireName(history, option: "--history")
        try OutputGuard.requireName(report, option: "--report")
        try refuseReplacing([config] + (history.map { [$0] } ?? []))
        let timer = PhaseTimer(enabled: output.timings)
        guard seed == nil || bootstrap != nil else { throw DisparityError.usage("--seed needs --bootstrap") }
        let method = try bootstrap.map { try VarianceMethod.checkedBootstrap(replicates: $0, seed: seed ?? DesignOptions.defaultSeed) }
        let configuration = try timer.measure("read") { try BarometerConfig.load(path: config).withVarianceMethod(method) }
        let inputs = configuration.dataFiles + configuration.totalsFiles
        try refuseReplacing(inputs)
        for goal in configuration.goals {
            for measure in goal.measures { try measure.design.refuseSavingOver([config] + inputs + (history.map { [$0] } ?? [])) }
        }
        guard minCell >= 1 else { throw DisparityError.usage("--min-cell must be at least 1 (got \(minCell))") }
        guard !everyPeriod || history != nil else { throw DisparityError.usage("--every-period stores each period: it needs --history FILE") }
        let last = try configuration.schedule.resolve(period)
        let periods = everyPeriod ? Array(configuration.schedule.order.prefix(through: configuration.schedule.position(last)!)) : [last]
        let evaluator = BarometerEvaluator(config: configuration, minimumCell: minCell)
        // A history this run creates is removed again if the run fails: a failed run leaves nothing.
        let creating = history.map { !FileManager.default.fileExists(atPath: $0) } ?? false
        // Every period is evaluated before the history is opened, and all are stored in one
        // transaction: an interrupted or failed run leaves the history as it was (before, an
        // interrupt left the periods stored so far, a new history half filled).
        var results: [BarometerResult] = []
        for p in periods { results.append(try timer.measure("estimate") { try evaluator.evaluate(period: p) }) }
        let result = results.last
        do {
            let store = try history.map { try BarometerHistory(path: $0) }
            try timer.measure("write") { try store?.store(results, config: configuration) }
            try timer.measure("write") {
                if let report {
                    let context = try store.map { try BarometerHTML.Context.stored(in: $0, config: configuration, minimumCell: minCell) }
                        ?? BarometerHTML.Context.unstored(result!, config: configuration)
                    try AtomicFile.write(BarometerHTML.render(result!, config: configuration, context: context, language: lang), to: report)
                    // Figures of another definition of a measure left out of its trend: said here too.
                    for note in context.notes(configuration) { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
                }
                try output.emit(.barometer(result!, language: lang))
            }
        } catch {
            if creating, let history { BarometerHistory.remove(at: history) }
            throw error
        }
        timer.report()
    }

    /// Refuses (exit 2) an --output or --report that is one of `inputs`, or two of --output,
    /// --report and --history that are one file (through links too), before anything is read or
    /// written.
    private func refuseReplacing(_ inputs: [String]) throws {
        try output.refuseReplacing(inputs)
        if let report { try OutputGuard.refuse([("--report", report)], overwriting: inputs) }
        try output.refuseColliding(with: [("--report", report), ("--history", history)].compactMap { option, path in path.map { (option, $0) } })
    }
}
