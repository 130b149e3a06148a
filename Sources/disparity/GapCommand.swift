import ArgumentParser
import StatsEngine

struct GapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gap",
        abstract: "A statistic in focal groups against a reference group: difference and ratio, with a target verdict."
    )

    @OptionGroup var options: GapOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let request = try options.request()
        try AnalysisCommand.run(data: data, design: design, output: output) { table, design in
            .gaps(try GapEstimator(table: table, design: design).estimate(request), request: request, design: design)
        }
    }
}
