import ArgumentParser

/// The options of `disparity representation`, declared once for the command line, run specs
/// (key `variable` for the argument) and barometer representation goals.
public struct RepresentationOptions: ParsableArguments {
    /// The column that holds the group (positional argument).
    @Argument(help: "The column that holds the group (e.g. origin).")
    public var column: String

    /// `--focal`: the group's level in `column`.
    @Option(help: "The group's level (e.g. minority).")
    public var focal: String

    /// `--subset`: only these population rows, parsed by `RowFilter(parsing:)`.
    @Option(help: "Only these staff rows, e.g. \"role == manager\" (conditions joined by &; ==, != on labels, <, <=, >, >= on numbers).")
    public var subset: String?

    /// `--census`: the population data are a complete register (no sampling variance).
    @Flag(help: "The staff data are a complete register: no sampling variance.")
    public var census = false

    /// `--standardise`: the characteristic to standardise for, present in both data sets.
    @Option(help: "Standardise for this characteristic of both data sets (e.g. education).")
    public var standardise: String?

    /// `--benchmark`: the path of the benchmark CSV file.
    @Option(help: "The benchmark data (CSV), e.g. a labour force survey.")
    public var benchmark: String

    /// `--benchmark-encoding`: the benchmark's character encoding where it differs from the
    /// data's (`--encoding`'s names); by default the benchmark is read as the data is.
    @Option(name: .customLong("benchmark-encoding"),
            help: "The benchmark's character encoding, where it differs from the data's --encoding: utf-8, windows-1252 (cp1252), latin1 or utf-16.")
    public var benchmarkEncoding: String?

    /// How the benchmark is read: as the data (`data`), in `--benchmark-encoding` where given.
    /// - Throws: `DisparityError.usage` for an encoding not understood.
    public func benchmarkReading(like data: ReadOptions) throws -> ReadOptions {
        guard let benchmarkEncoding else { return data }
        var reading = data
        let encoding = try TextEncoding(named: benchmarkEncoding)
        reading.encoding = encoding
        reading.csv.encoding = encoding
        return reading
    }

    /// `--benchmark-subset`: only these benchmark rows, parsed by `RowFilter(parsing:)`.
    @Option(name: .customLong("benchmark-subset"), help: "Only these benchmark rows, e.g. \"in_labour_force == 1\".")
    public var benchmarkSubset: String?

    /// `--benchmark-weights`: the benchmark's sampling-weight column.
    @Option(name: .customLong("benchmark-weights"), help: "Benchmark sampling weights.")
    public var benchmarkWeights: String?

    /// `--benchmark-strata`: the benchmark's stratum column.
    @Option(name: .customLong("benchmark-strata"), help: "Benchmark strata.")
    public var benchmarkStrata: String?

    /// `--benchmark-cluster`: the benchmark's PSU (and second-stage unit) columns, comma-separated.
    @Option(name: .customLong("benchmark-cluster"), help: ArgumentHelp("Benchmark PSU[,SSU].", valueName: "psu[,ssu]"))
    public var benchmarkCluster: String?

    /// `--benchmark-fpc`: the benchmark's fpc columns, one per stage, comma-separated.
    @Option(name: .customLong("benchmark-fpc"), help: ArgumentHelp("Benchmark fpc per stage.", valueName: "n1[,n2]"))
    public var benchmarkFPC: String?

    /// `--benchmark-nest`: the benchmark's PSU ids repeat across strata.
    @Flag(name: .customLong("benchmark-nest"), help: "Benchmark PSU ids repeat across strata.")
    public var benchmarkNest = false

    /// `--benchmark-census`: the benchmark is a complete register (no sampling variance).
    @Flag(name: .customLong("benchmark-census"), help: "The benchmark is a complete register: no sampling variance.")
    public var benchmarkCensus = false

    /// `--level`: the confidence level, a share strictly between 0 and 1.
    @Option(parsing: .unconditional, help: "Confidence level.")
    public var level: Double = 0.95

    /// Keys that hold the positional arguments in run specs and goals, in order.
    public static let positionalKeys = ["variable"]

    /// Options with their defaults, for ArgumentParser and run specs.
    public init() {}

    /// The request (its subsets parsed). Benchmark design options it would not apply are usage
    /// errors: `--benchmark-nest` without strata and clusters, and the benchmark's sampling
    /// (strata, clusters, fpcs, `--benchmark-nest`) beside `--benchmark-census`; so is a
    /// `--level` outside (0, 1) or without a finite critical value.
    public func request() throws -> RepresentationRequest {
        try ProbabilityOptions.validate(level: level)
        let sampling = [(benchmarkStrata != nil, "--benchmark-strata"), (benchmarkCluster != nil, "--benchmark-cluster"),
                        (benchmarkFPC != nil, "--benchmark-fpc"), (benchmarkNest, "--benchmark-nest")]
        if benchmarkCensus, let first = sampling.first(where: \.0)?.1 {
            throw DisparityError.usage("\(first) describes the benchmark's sampling, which --benchmark-census says it has none of (a register, no sampling variance): drop \(first)")
        }
        if benchmarkNest, benchmarkStrata == nil || benchmarkCluster == nil {
            throw DisparityError.usage("--benchmark-nest makes the benchmark's PSU ids unique within its strata: it needs --benchmark-strata and --benchmark-cluster")
        }
        return RepresentationRequest(column: column, focal: focal, subset: try subset.map(RowFilter.init(parsing:)),
                                     benchmarkSubset: try benchmarkSubset.map(RowFilter.init(parsing:)),
                                     standardise: standardise, level: level)
    }

    /// The benchmark's design, with the population design's lonely-PSU rule and variance method
    /// (linearization when the population has replicate weights: those are the data's columns).
    public func benchmarkSpec(like population: DesignSpec) -> DesignSpec {
        DesignSpec(weights: benchmarkWeights, strata: benchmarkStrata, clusters: DesignOptions.list(benchmarkCluster),
                   fpc: DesignOptions.list(benchmarkFPC), nest: benchmarkNest, lonelyPSU: population.lonelyPSU,
                   varianceMethod: population.varianceMethod.forIndependentSample)
    }
}

extension DesignSpec {
    /// Refuses the options of this design of a representation's data (its population) that
    /// `--census` would leave unapplied: a census (a register) has no sampling for the data's
    /// strata, clusters, fpcs, `--nest`, `--adjust-domain-lonely` or replicate weights to
    /// describe (its weights weigh the rows); with `benchmarkCensus` as well, nothing has a
    /// variance for a `--bootstrap` or a `--lonely-psu` rule, which otherwise pass to the
    /// benchmark's design (`RepresentationOptions.benchmarkSpec(like:)`).
    /// - Throws: `DisparityError.usage` naming the first such option.
    public func refuseSamplingBesideCensus(benchmarkCensus: Bool) throws {
        let sampling = [(strata != nil, "--strata"), (!clusters.isEmpty, "--cluster"), (!fpc.isEmpty, "--fpc"), (nest, "--nest"),
                        (adjustDomainLonely, "--adjust-domain-lonely")]
        if let first = sampling.first(where: \.0)?.1 ?? (varianceMethod.usesReplicateWeights ? varianceMethod.replicateOption : nil) {
            throw DisparityError.usage("\(first) describes the data's sampling, which --census says they have none of (a register, no sampling variance): drop \(first)")
        }
        guard benchmarkCensus, let first = varianceMethod.replicateOption ?? (lonelyPSU != .fail ? "--lonely-psu" : nil) else { return }
        throw DisparityError.usage("\(first) describes sampling, which --census and --benchmark-census say neither data set has (registers, no sampling variance): drop \(first)")
    }
}
