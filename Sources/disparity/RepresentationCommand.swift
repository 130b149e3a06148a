import ArgumentParser
import StatsEngine

struct RepresentationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "representation",
        abstract: "A group's share of a workforce against its share of a benchmark (the labour force), raw and standardised."
    )

    @Argument(help: "The column that holds the group (e.g. origin).")
    var column: String

    @Option(help: "The group's level (e.g. minority).")
    var focal: String

    @Option(help: "Only these staff rows, e.g. \"role == manager\".")
    var subset: String?

    @Flag(help: "The staff data are a complete register: no sampling variance.")
    var census = false

    @Option(help: "Standardise for this characteristic of both data sets (e.g. education).")
    var standardise: String?

    @Option(help: "The benchmark data (CSV), e.g. a labour force survey.")
    var benchmark: String

    @Option(name: .customLong("benchmark-subset"), help: "Only these benchmark rows, e.g. \"in_labour_force == 1\".")
    var benchmarkSubset: String?

    @Option(name: .customLong("benchmark-weights"), help: "Benchmark sampling weights.")
    var benchmarkWeights: String?

    @Option(name: .customLong("benchmark-strata"), help: "Benchmark strata.")
    var benchmarkStrata: String?

    @Option(name: .customLong("benchmark-cluster"), help: "Benchmark PSU[,SSU].")
    var benchmarkCluster: String?

    @Option(name: .customLong("benchmark-fpc"), help: "Benchmark fpc per stage.")
    var benchmarkFPC: String?

    @Flag(name: .customLong("benchmark-nest"), help: "Benchmark PSU ids repeat across strata.")
    var benchmarkNest = false

    @Flag(name: .customLong("benchmark-census"), help: "The benchmark is a complete register: no sampling variance.")
    var benchmarkCensus = false

    @Option(parsing: .unconditional, help: "Confidence level.")
    var level: Double = 0.95

    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let request = RepresentationRequest(column: column, focal: focal, subset: try subset.map(RowFilter.init(parsing:)),
                                            benchmarkSubset: try benchmarkSubset.map(RowFilter.init(parsing:)),
                                            standardise: standardise, level: level)
        let staffSpec = try design.spec()
        let benchmarkSpec = DesignSpec(weights: benchmarkWeights, strata: benchmarkStrata, clusters: DesignOptions.list(benchmarkCluster),
                                       fpc: DesignOptions.list(benchmarkFPC), nest: benchmarkNest, lonelyPSU: staffSpec.lonelyPSU)
        _ = try output.resolvedFormat()
        let timer = PhaseTimer(enabled: output.timings)
        let (staffTable, benchmarkTable) = try timer.measure("read") {
            (try data.readTable(), try CSVReader.read(path: benchmark))
        }
        let sources = try timer.measure("design") {
            (RepresentationSource(table: staffTable, design: try SurveyDesign(spec: staffSpec, table: staffTable), census: census),
             RepresentationSource(table: benchmarkTable, design: try SurveyDesign(spec: benchmarkSpec, table: benchmarkTable), census: benchmarkCensus))
        }
        let rows = try timer.measure("estimate") { try RepresentationEstimator(staff: sources.0, benchmark: sources.1).estimate(request) }
        try timer.measure("write") { try output.emit(.representation(rows, request: request)) }
        timer.report()
    }
}
