import ArgumentParser
import StatsEngine

struct RegressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regress",
        abstract: "Survey-weighted linear, logistic and Poisson regression with R formulas."
    )

    @OptionGroup var options: RegressOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let request = try options.request()
        try AnalysisCommand.run(data: data, design: design, output: output) { table, design in
            .regression(try RegressionEstimator(table: table, design: design).fit(request), design: design)
        }
    }
}
