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
    @Option(help: ArgumentHelp("PSU column, and optionally a second-stage unit column: COL[,COL2].", valueName: "psu[,ssu]"))
    public var cluster: String?

    /// `--fpc`: population sizes or sampling fractions per stage, `COL[,COL2]`.
    @Option(help: ArgumentHelp("Finite population correction per stage: population sizes or sampling fractions, COL[,COL2].", valueName: "n1[,n2]"))
    public var fpc: String?

    /// `--nest`: PSU ids are unique only within strata.
    @Flag(help: "PSU identifiers repeat across strata and are unique only within them.")
    public var nest = false

    /// `--lonely-psu`: what a stratum with one PSU contributes (R's `survey.lonely.psu`).
    @Option(name: .customLong("lonely-psu"), help: "A stratum with one PSU: fail, remove, certainty, adjust or average.")
    public var lonelyPSU: LonelyPSU = .fail

    /// `--adjust-domain-lonely`: apply the lonely-PSU rule inside domains too (the rules that
    /// change there, `adjust` and `average`, under linearization).
    @Flag(name: .customLong("adjust-domain-lonely"), help: "Apply --lonely-psu adjust or average to strata with one PSU inside a domain too (R's survey.adjust.domain.lonely).")
    public var adjustDomainLonely = false

    /// `--bootstrap`: the number of Rao-Wu bootstrap replicates; nil uses linearization.
    @Option(parsing: .unconditional, help: "Variances from this many Rao-Wu bootstrap replicates instead of linearization, for every statistic.")
    public var bootstrap: Int?

    /// `--seed`: the seed of `--bootstrap` or `--make-replicates bootstrap|subbootstrap`; nil is
    /// `defaultSeed`.
    @Option(parsing: .unconditional, help: "Seed of --bootstrap or --make-replicates bootstrap or subbootstrap (default 1; the same numbers on any machine and thread count).")
    public var seed: UInt64?

    /// The seed of a bootstrap without `--seed`.
    public static let defaultSeed: UInt64 = 1

    /// `--replicate-weights`: replicate weight columns, a comma list or a glob such as `repw*`
    /// (R's `svrepdesign` `repweights`, full replicate weights); nil: no replicate weights.
    @Option(name: .customLong("replicate-weights"), help: ArgumentHelp("Replicate weight columns (full weights): a comma list or a glob such as 'repw*', matched in file order.", valueName: "col,..."))
    public var replicateWeights: String?

    /// `--replicate-type`: how replicates combine (R's `type`).
    @Option(name: .customLong("replicate-type"), help: "How replicates combine: jk1, jkn, brr, fay, bootstrap, sdr or other (R's svrepdesign type).")
    public var replicateType: ReplicateType?

    /// `--fay-rho`: Fay's rho for `--replicate-type fay`.
    @Option(name: .customLong("fay-rho"), parsing: .unconditional, help: "Fay's rho, for --replicate-type fay.")
    public var fayRho: Double?

    /// `--replicate-scale`: the overall scale (R's `scale`); nil takes R's default for the type.
    @Option(name: .customLong("replicate-scale"), parsing: .unconditional, help: "Overall scale of the replicate variance (default: R's for the type).")
    public var replicateScale: Double?

    /// `--replicate-rscales`: per-replicate scales, one or one per replicate (R's `rscales`).
    @Option(name: .customLong("replicate-rscales"), parsing: .unconditional, help: ArgumentHelp("Per-replicate scales R1,R2,... (one for all, or one per replicate; jkn needs them).", valueName: "r1,r2,..."))
    public var replicateRscales: String?

    /// `--mse`: deviations about the full-sample estimate (R's `mse = TRUE`).
    @Flag(name: .customLong("mse"), help: "Replicate deviations about the full-sample estimate, not the replicates' mean (R's mse=TRUE).")
    public var mse = false

    /// `--calibrate`: a one-sided formula whose model matrix the weights are calibrated on.
    @Option(help: "Calibrate the weights to the population totals of --totals on this one-sided formula, e.g. \"~ sex + factor(agegroup) + income\" (R's calibrate).")
    public var calibrate: String?

    /// `--poststratify`: post-stratify the weights on this column's levels.
    @Option(help: "Post-stratify the weights to the totals of --totals for this column's levels (R's postStratify).")
    public var poststratify: String?

    /// `--rake`: rake the weights to the margins of these columns, to full convergence.
    @Option(help: ArgumentHelp("Rake the weights to the --totals margins of these columns, COL1,COL2 (R's calibrate with calfun=\"raking\", fully converged).", valueName: "col1,col2,..."))
    public var rake: String?

    /// `--totals`: the population totals file of a calibration.
    @Option(help: "Population totals for --calibrate, --poststratify or --rake: a CSV 'variable,level,total' (every level of each factor; '(Intercept)' is the population size).")
    public var totals: String?

    /// `--calfun`: the calibration distance function (R's `calfun`).
    @Option(help: "Calibration distance: linear, raking or logit (R's calfun; logit needs --bounds).")
    public var calfun: CalibrationFunction?

    /// `--bounds`: bounds LO,HI on the calibration g-weights (R's `bounds`).
    @Option(help: ArgumentHelp("Bounds LO,HI on the calibration g-weights, LO < 1 < HI (R's bounds).", valueName: "lo,hi"))
    public var bounds: String?

    /// `--make-replicates`: replicate weights made from the design (R's `as.svrepdesign` `type`).
    @Option(name: .customLong("make-replicates"), help: "Make replicate weights from the design, as R's as.svrepdesign: jk1, jkn, brr, bootstrap or subbootstrap.")
    public var makeReplicates: ReplicateMaking?

    /// `--replicates`: the number of replicates of `--make-replicates bootstrap|subbootstrap`.
    @Option(parsing: .unconditional, help: "Replicates of --make-replicates bootstrap or subbootstrap (default 50, as R); their seed is --seed.")
    public var replicates: Int?

    /// `--save-replicates`: write the design's replicate weights to this CSV.
    @Option(name: .customLong("save-replicates"), help: "Write the replicate weights to this CSV (data_line, sampling_weight, repw1..repwR by data row), with FILE.options holding the options that reload them.")
    public var saveReplicates: String?

    /// `--save-replicates-id`: the column that identifies rows in `--save-replicates`' file.
    @Option(name: .customLong("save-replicates-id"), help: "Column identifying the rows in --save-replicates' file (default: the data's line number).")
    public var saveReplicatesID: String?

    /// Options with their defaults, for ArgumentParser and run specs.
    public init() {}

    /// The design; more than two stages, replicate settings without `--replicate-weights` (or
    /// with `--bootstrap`, or without `--replicate-type`), strata, clusters, fpcs, `--nest` or
    /// `--adjust-domain-lonely` with `--replicate-weights`, `--nest` without strata and clusters, `--make-replicates` with
    /// `--replicate-weights`, `--bootstrap` or replicate settings, `--replicates` or `--seed`
    /// without a bootstrap (of `--make-replicates` for `--replicates`), `--adjust-domain-lonely`
    /// but for linearization under `--lonely-psu adjust` or `average`, or `--save-replicates`
    /// without replicates, is a usage error. (`--lonely-psu` with `--replicate-weights` is
    /// refused where no benchmark takes it: `DesignSpec.refuseLonelyRuleOnReplicateWeights`.)
    public func spec() throws -> DesignSpec {
        let clusters = Self.list(cluster)
        let fpcs = Self.list(fpc)
        guard clusters.count <= 2, fpcs.count <= 2 else { throw DisparityError.usage("--cluster and --fpc take at most two stages") }
        var spec = DesignSpec(weights: weights, strata: strata, clusters: clusters, fpc: fpcs, nest: nest,
                              lonelyPSU: lonelyPSU, adjustDomainLonely: adjustDomainLonely,
                              varianceMethod: try varianceMethod(), calibration: try calibrationSpec())
        // Replicate weights carry the design: strata, clusters and fpcs would be checked and then
        // not applied (R's svrepdesign takes none of them).
        if case .replicateWeights = spec.varianceMethod,
           let first = [(strata != nil, "--strata"), (!clusters.isEmpty, "--cluster"), (!fpcs.isEmpty, "--fpc"), (nest, "--nest"),
                        (adjustDomainLonely, "--adjust-domain-lonely")].first(where: \.0)?.1 {
            throw Self.replacedByReplicateWeights(first)
        }
        if nest, strata == nil || clusters.isEmpty {
            throw DisparityError.usage("--nest makes PSU ids unique within strata: it needs --strata and --cluster")
        }
        // R's survey.adjust.domain.lonely changes only the rules adjust and average, and only
        // linearization's sums by stratum: elsewhere it would be accepted and not applied.
        if adjustDomainLonely {
            guard lonelyPSU == .adjust || lonelyPSU == .average else {
                throw DisparityError.usage("--adjust-domain-lonely applies only to --lonely-psu adjust or average (got \(lonelyPSU.rawValue))")
            }
            if let method = spec.varianceMethod.replicateOption {
                throw DisparityError.usage("--adjust-domain-lonely applies to linearization, whose variance \(method) replaces by its replicates' spread")
            }
        }
        if let saveReplicates {
            try OutputGuard.requireName(saveReplicates, option: "--save-replicates")
            guard spec.varianceMethod.usesReplicateWeights else {
                throw DisparityError.usage("--save-replicates needs --make-replicates or --replicate-weights")
            }
            spec.saveReplicates = SaveReplicatesSpec(path: saveReplicates, id: saveReplicatesID)
        } else if saveReplicatesID != nil {
            throw DisparityError.usage("--save-replicates-id needs --save-replicates")
        }
        return spec
    }

    /// Linearization, the Rao-Wu bootstrap, replicate weights or made replicates, from the options.
    private func varianceMethod() throws -> VarianceMethod {
        if let makeReplicates {
            if replicateWeights != nil { throw DisparityError.usage("--make-replicates and --replicate-weights cannot be combined") }
            if bootstrap != nil { throw DisparityError.usage("--make-replicates and --bootstrap cannot be combined") }
            let given = [(replicateType != nil, "--replicate-type"), (fayRho != nil, "--fay-rho"), (replicateScale != nil, "--replicate-scale"),
                         (replicateRscales != nil, "--replicate-rscales")].filter(\.0).map(\.1)
            if let first = given.first { throw DisparityError.usage("\(first) applies to --replicate-weights; --make-replicates uses R's settings for \(makeReplicates.rawValue)") }
            if !makeReplicates.isRandom, let first = [(replicates != nil, "--replicates"), (seed != nil, "--seed")].first(where: \.0)?.1 {
                throw DisparityError.usage("\(first) applies to --make-replicates bootstrap or subbootstrap (\(makeReplicates.rawValue) makes one replicate per PSU or Hadamard column)")
            }
            return .madeReplicates(MakeReplicatesSpec(kind: makeReplicates, replicates: makeReplicates.isRandom ? replicates ?? MakeReplicatesSpec.defaultReplicates : nil,
                                                      seed: makeReplicates.isRandom ? seed ?? Self.defaultSeed : nil, mse: mse))
        }
        if replicates != nil { throw DisparityError.usage("--replicates needs --make-replicates bootstrap or subbootstrap") }
        if seed != nil, bootstrap == nil { throw DisparityError.usage("--seed needs --bootstrap or --make-replicates bootstrap or subbootstrap") }
        guard let replicateWeights else {
            let given = [(replicateType != nil, "--replicate-type"), (fayRho != nil, "--fay-rho"), (replicateScale != nil, "--replicate-scale"),
                         (replicateRscales != nil, "--replicate-rscales"), (mse, "--mse")].filter(\.0).map(\.1)
            if let first = given.first { throw DisparityError.usage("\(first) needs --replicate-weights\(first == "--mse" ? " or --make-replicates" : "")") }
            return try bootstrap.map { try VarianceMethod.checkedBootstrap(replicates: $0, seed: seed ?? Self.defaultSeed) } ?? .linearization
        }
        guard bootstrap == nil else { throw DisparityError.usage("--replicate-weights and --bootstrap cannot be combined") }
        guard let replicateType else {
            throw DisparityError.usage("--replicate-weights needs --replicate-type (\(ReplicateType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let rscales = try replicateRscales.map { text in
            try Self.list(text).map { item in
                guard let v = Double(item) else { throw DisparityError.usage("--replicate-rscales takes numbers (got '\(item)')") }
                return v
            }
        }
        return .replicateWeights(ReplicateWeightsSpec(columns: replicateWeights, type: replicateType, rho: fayRho, scale: replicateScale,
                                                      rscales: rscales, mse: mse))
    }

    /// The refusal of `option`, a setting of linearization's design, beside `--replicate-weights`.
    static func replacedByReplicateWeights(_ option: String) -> DisparityError {
        DisparityError.usage("\(option) describes a design for linearization, which --replicate-weights replaces (its weights carry the design, as in R's svrepdesign): drop \(option)")
    }

    /// A comma list, each item trimmed ("a, b" is ["a", "b"]).
    public static func list(_ text: String?) -> [String] {
        text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
    }
}

extension DesignSpec {
    /// Refuses a lonely-PSU rule beside replicate weights, whose design has no strata or PSUs
    /// for it (R's svrepdesign takes none), where no other design takes the rule from this one:
    /// a representation's benchmark does (`RepresentationOptions.benchmarkSpec(like:)`), so its
    /// callers check only designs without one.
    /// - Throws: `DisparityError.usage` naming `--lonely-psu`.
    public func refuseLonelyRuleOnReplicateWeights() throws {
        guard case .replicateWeights = varianceMethod, lonelyPSU != .fail else { return }
        throw DesignOptions.replacedByReplicateWeights("--lonely-psu")
    }
}
