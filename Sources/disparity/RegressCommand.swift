import ArgumentParser
import StatsEngine

struct RegressCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "regress",
        abstract: "Survey-weighted linear, logistic and Poisson regression with R formulas."
    )

    @OptionGroup var options: RegressOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions
}
