import ArgumentParser
import StatsEngine

struct TableCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Cross-tables: weighted cell, row and column proportions with design-based CIs, and the Rao-Scott test of independence."
    )

    @OptionGroup var options: TableOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions
}
