import ArgumentParser
import StatsEngine

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Means, totals, standard deviations, proportions, ratios, quantiles and lower-tail means, with design-based CIs."
    )

    @OptionGroup var options: EstimateOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let request = try options.request()
        try AnalysisCommand.run(data: data, design: design, output: output) { table, design in
            .estimates(try DescriptiveEstimator(table: table, design: design).estimate(request), request: request, design: design)
        }
    }
}
