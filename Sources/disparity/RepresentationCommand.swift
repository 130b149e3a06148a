import ArgumentParser
import StatsEngine

struct RepresentationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "representation",
        abstract: "A group's share of a workforce against its share of a benchmark (the labour force), raw and standardised."
    )

    @OptionGroup var options: RepresentationOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        if data.data == "-", options.benchmark == "-" {
            throw DisparityError.usage("--data - and --benchmark - would both read standard input, which can be read once: name a file for one")
        }
        let populationSpec = try design.spec()
        try output.refuseReplacing([data.data, options.benchmark] + populationSpec.inputFiles)
        let request = try options.request()
        if options.census { try populationSpec.refuseSamplingBesideCensus(benchmarkCensus: options.benchmarkCensus) }
        try populationSpec.refuseSavingOver([data.data, options.benchmark] + populationSpec.inputFiles)
        try populationSpec.refuseTotalsFromStandardInput(beside: [("--data", data.data), ("--benchmark", options.benchmark)])
        try output.refuseColliding(with: populationSpec.savedFiles)
        let benchmarkSpec = options.benchmarkSpec(like: populationSpec)
        let timer = PhaseTimer(enabled: output.timings)
        let (staffTable, benchmarkTable) = try timer.measure("read") {
            (try data.readTable(columns: populationSpec.columnsUsed.union(request.columnsUsed)),
             try TableFile.read(path: options.benchmark,
                                options: options.benchmarkReading(like: data.readOptions()).reading(benchmarkSpec.columnsUsed.union(request.benchmarkColumnsUsed))))
        }
        let sources = try timer.measure("design") {
            (RepresentationSource(table: staffTable, design: try SurveyDesign(spec: populationSpec, table: staffTable), census: options.census),
             RepresentationSource(table: benchmarkTable, design: try SurveyDesign(spec: benchmarkSpec, table: benchmarkTable),
                                  census: options.benchmarkCensus))
        }
        try sources.0.design.saveReplicatesIfRequested(table: staffTable)
        let rows = try timer.measure("estimate") { try RepresentationEstimator(population: sources.0, benchmark: sources.1).estimate(request) }
        try timer.measure("write") { try output.emit(Report.representation(rows, request: request).describing(columns: staffTable.usedMetadata)) }
        timer.report()
    }
}
