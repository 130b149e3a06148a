import ArgumentParser
import StatsEngine

struct TableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Cross-tables: weighted cell, row and column proportions with design-based CIs, and the Rao-Scott test of independence."
    )

    @OptionGroup var options: TableOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let request = try options.request()
        try AnalysisCommand.run(data: data, design: design, output: output) { table, design in
            .crossTables(try CrossTableEstimator(table: table, design: design).estimate(request), request: request, design: design)
        }
    }
}
