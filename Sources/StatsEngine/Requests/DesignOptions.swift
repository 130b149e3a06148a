import ArgumentParser

/// The survey design options every analysis command takes (INTERFACE.md's design table); also
/// the `design:` block of run specs and barometer goals, decoded through the same declaration.
public struct DesignOptions: ParsableArguments {
    /// `--weights`: the sampling-weight column; nil weighs every row 1 (or N_h/n_h with an fpc).
    @Option(help: "Sampling weight column (every row weighs 1 without it).")
    public var weights: String?

    /// `--strata`: the stratum column; nil is one stratum.
    @Option(help: "Stratum column.")
    public var strata: String?

    /// `--cluster`: the PSU column and optionally the second-stage unit column, `COL[,COL2]`;
    /// nil makes each row its own PSU.
    @Option(help: "PSU column, and optionally a second-stage unit column: COL[,COL2].")
    public var cluster: String?

    /// `--fpc`: population sizes or sampling fractions per stage, `COL[,COL2]`.
    @Option(help: "Finite population correction per stage: population sizes or sampling fractions, COL[,COL2].")
    public var fpc: String?

    /// `--nest`: PSU ids are unique only within strata.
    @Flag(help: "PSU identifiers repeat across strata and are unique only within them.")
    public var nest = false

    /// `--lonely-psu`: what a stratum with one PSU contributes (R's `survey.lonely.psu`).
    @Option(name: .customLong("lonely-psu"), help: "A stratum with one PSU: fail, remove, certainty, adjust or average.")
    public var lonelyPSU: LonelyPSU = .fail

    /// `--adjust-domain-lonely`: apply the lonely-PSU rule inside domains too.
    @Flag(name: .customLong("adjust-domain-lonely"), help: "Apply the lonely-PSU rule to strata with one PSU inside a domain too (R's survey.adjust.domain.lonely).")
    public var adjustDomainLonely = false

    /// `--bootstrap`: the number of Rao-Wu bootstrap replicates; nil uses linearization.
    @Option(parsing: .unconditional, help: "Variances from this many Rao-Wu bootstrap replicates instead of linearization, for every statistic.")
    public var bootstrap: Int?

    /// `--seed`: the bootstrap's seed.
    @Option(parsing: .unconditional, help: "Seed of the bootstrap (the same numbers on any machine and thread count).")
    public var seed: UInt64 = 1

    /// Options with their defaults, for ArgumentParser and run specs.
    public init() {}

    /// The design; more than two stages is a usage error.
    public func spec() throws -> DesignSpec {
        let clusters = Self.list(cluster)
        let fpcs = Self.list(fpc)
        guard clusters.count <= 2, fpcs.count <= 2 else { throw DisparityError.usage("--cluster and --fpc take at most two stages") }
        return DesignSpec(weights: weights, strata: strata, clusters: clusters, fpc: fpcs, nest: nest,
                          lonelyPSU: lonelyPSU, adjustDomainLonely: adjustDomainLonely,
                          varianceMethod: try bootstrap.map { try VarianceMethod.checkedBootstrap(replicates: $0, seed: seed) } ?? .linearization)
    }

    /// A comma list, each item trimmed ("a, b" is ["a", "b"]).
    public static func list(_ text: String?) -> [String] {
        text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
    }
}
