import ArgumentParser
import StatsEngine

struct EstimateCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Means, totals, standard deviations, proportions, ratios, quantiles and lower-tail means, with design-based CIs."
    )

    @OptionGroup var options: EstimateOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions
}
