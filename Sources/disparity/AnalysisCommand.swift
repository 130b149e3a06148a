import ArgumentParser
import StatsEngine

/// The common life of an analysis command on one data set (no benchmark takes its design's
/// lonely-PSU rule): check the options, read the data (the columns the design and the analysis
/// use), resolve the design, compute, write — each phase timed for `--timings`.
enum AnalysisCommand {
    static func run(data: DataOptions, design: DesignOptions, output: OutputOptions, columns: ColumnSelection,
                    _ compute: (Table, SurveyDesign) throws -> Report) throws {
        let spec = try design.spec()
        try output.refuseReplacing([data.data] + spec.inputFiles)
        try spec.refuseLonelyRuleOnReplicateWeights()
        try spec.refuseSavingOver([data.data] + spec.inputFiles)
        try spec.refuseTotalsFromStandardInput(beside: [("--data", data.data)])
        try output.refuseColliding(with: spec.savedFiles)
        let timer = PhaseTimer(enabled: output.timings)
        let table = try timer.measure("read") { try data.readTable(columns: spec.columnsUsed.union(columns)) }
        let surveyDesign = try timer.measure("design") { try SurveyDesign(spec: spec, table: table) }
        try surveyDesign.saveReplicatesIfRequested(table: table)
        let report = try timer.measure("estimate") { try compute(table, surveyDesign) }.describing(columns: table.usedMetadata)
        try timer.measure("write") { try output.emit(report) }
        timer.report()
    }
}

/// A command that runs one analysis of one data set: its options, the shared data, design and
/// output options, and the one way such a command runs (`AnalysisCommand.run`).
protocol ReportingCommand: ParsableCommand {
    associatedtype Options: AnalysisOptions
    var options: Options { get }
    var data: DataOptions { get }
    var design: DesignOptions { get }
    var output: OutputOptions { get }
}

extension ReportingCommand {
    func run() throws {
        let request = try options.checkedRequest()
        try AnalysisCommand.run(data: data, design: design, output: output, columns: request.columnsUsed) { table, design in
            try Options.report(request, table: table, design: design)
        }
    }
}
