import ArgumentParser
import StatsEngine

struct GapCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "gap",
        abstract: "A statistic in focal groups against a reference group: difference and ratio, with a target verdict."
    )

    @OptionGroup var options: GapOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions
}
