import ArgumentParser

/// The options of `disparity representation`, declared once for the command line, run specs
/// (key `variable` for the argument) and barometer representation goals.
public struct RepresentationOptions: ParsableArguments {
    @Argument(help: "The column that holds the group (e.g. origin).")
    public var column: String

    @Option(help: "The group's level (e.g. minority).")
    public var focal: String

    @Option(help: "Only these staff rows, e.g. \"role == manager\" (conditions joined by &; ==, != on labels, <, <=, >, >= on numbers).")
    public var subset: String?

    @Flag(help: "The staff data are a complete register: no sampling variance.")
    public var census = false

    @Option(help: "Standardise for this characteristic of both data sets (e.g. education).")
    public var standardise: String?

    @Option(help: "The benchmark data (CSV), e.g. a labour force survey.")
    public var benchmark: String

    @Option(name: .customLong("benchmark-subset"), help: "Only these benchmark rows, e.g. \"in_labour_force == 1\".")
    public var benchmarkSubset: String?

    @Option(name: .customLong("benchmark-weights"), help: "Benchmark sampling weights.")
    public var benchmarkWeights: String?

    @Option(name: .customLong("benchmark-strata"), help: "Benchmark strata.")
    public var benchmarkStrata: String?

    @Option(name: .customLong("benchmark-cluster"), help: "Benchmark PSU[,SSU].")
    public var benchmarkCluster: String?

    @Option(name: .customLong("benchmark-fpc"), help: "Benchmark fpc per stage.")
    public var benchmarkFPC: String?

    @Flag(name: .customLong("benchmark-nest"), help: "Benchmark PSU ids repeat across strata.")
    public var benchmarkNest = false

    @Flag(name: .customLong("benchmark-census"), help: "The benchmark is a complete register: no sampling variance.")
    public var benchmarkCensus = false

    @Option(parsing: .unconditional, help: "Confidence level.")
    public var level: Double = 0.95

    /// Keys that hold the positional arguments in run specs and goals, in order.
    public static let positionalKeys = ["variable"]

    public init() {}

    /// The request (its subsets parsed).
    public func request() throws -> RepresentationRequest {
        RepresentationRequest(column: column, focal: focal, subset: try subset.map(RowFilter.init(parsing:)),
                              benchmarkSubset: try benchmarkSubset.map(RowFilter.init(parsing:)),
                              standardise: standardise, level: level)
    }

    /// The benchmark's design, with the population design's lonely-PSU rule and variance method.
    public func benchmarkSpec(like population: DesignSpec) -> DesignSpec {
        DesignSpec(weights: benchmarkWeights, strata: benchmarkStrata, clusters: DesignOptions.list(benchmarkCluster),
                   fpc: DesignOptions.list(benchmarkFPC), nest: benchmarkNest, lonelyPSU: population.lonelyPSU,
                   varianceMethod: population.varianceMethod)
    }
}
