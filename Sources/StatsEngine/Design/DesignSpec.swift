/// What a stratum with a single PSU contributes to a variance: R survey's `survey.lonely.psu`.
public enum LonelyPSU: String, Sendable, CaseIterable {
    /// Stop with an error naming the stratum (the default, as in R).
    case fail
    /// Contribute nothing.
    case remove
    /// Treat the PSU as sampled with certainty: nothing.
    case certainty
    /// Centre the stratum at the grand mean instead of its own mean.
    case adjust
    /// Leave the stratum out and scale the others' sum up to all strata.
    case average
}

/// The survey design as the user names it: columns of the data, before they are read.
public struct DesignSpec: Sendable, Equatable {
    /// The sampling-weight column; nil weighs rows 1 (or N_h/n_h with an fpc).
    public var weights: String?
    /// The stratum column; nil is one stratum.
    public var strata: String?
    /// Primary sampling unit, then optionally the second-stage unit.
    public var clusters: [String]
    /// Population size or sampling fraction per stage, in the order of `clusters`.
    public var fpc: [String]
    /// PSU identifiers repeat across strata and are unique only within them.
    public var nest: Bool
    /// What a stratum with one PSU contributes (R's `survey.lonely.psu`).
    public var lonelyPSU: LonelyPSU
    /// Apply the lonely-PSU rule also to a stratum that has one PSU within a domain only
    /// (R's `survey.adjust.domain.lonely`).
    public var adjustDomainLonely: Bool
    /// How statistics become variances on this design: linearization or replicates.
    public var varianceMethod: VarianceMethod
    /// Calibration of the weights to population totals, applied after the design (and its
    /// replicates) are built; nil: none.
    public var calibration: CalibrationSpec?
    /// Where to write the design's replicate weights (`--save-replicates`), nil: not written.
    public var saveReplicates: SaveReplicatesSpec? = nil

    /// A design; the defaults are simple random sampling with replacement, weights 1.
    public init(weights: String? = nil, strata: String? = nil, clusters: [String] = [], fpc: [String] = [],
                nest: Bool = false, lonelyPSU: LonelyPSU = .fail, adjustDomainLonely: Bool = false,
                varianceMethod: VarianceMethod = .linearization, calibration: CalibrationSpec? = nil) {
        self.varianceMethod = varianceMethod
        self.calibration = calibration
        self.weights = weights
        self.strata = strata
        self.clusters = clusters
        self.fpc = fpc
        self.nest = nest
        self.lonelyPSU = lonelyPSU
        self.adjustDomainLonely = adjustDomainLonely
    }
}

/// How a design turns statistics into variances: R's `svydesign` (linearization of influence
/// values) or a replicate design (R's `svrepdesign`/`as.svrepdesign`: the statistic re-estimated
/// on replicate weights). Chosen once, on the design, for every statistic and command.
public enum VarianceMethod: Sendable, Equatable {
    /// Taylor linearization through the variance engine (R's `svyrecvar`).
    case linearization
    /// Rao-Wu rescaling bootstrap with this many replicates, seeded (`RaoWuBootstrap`).
    case bootstrap(replicates: Int, seed: UInt64)
    /// Replicate weight columns of the data (R's `svrepdesign`, `combined.weights = TRUE`).
    case replicateWeights(ReplicateWeightsSpec)
    /// Replicate weights made from the design (R's `as.svrepdesign`); thereafter as
    /// `replicateWeights`.
    case madeReplicates(MakeReplicatesSpec)

    /// The seed of a bootstrap: a Rao-Wu bootstrap's, or made bootstrap replicates'; nil for
    /// the other methods.
    var bootstrapSeed: UInt64? {
        switch self {
        case .bootstrap(_, let seed): return seed
        case .madeReplicates(let made): return made.seed
        case .linearization, .replicateWeights: return nil
        }
    }
}

/// How replicate estimates combine into a variance: R's `svrepdesign` `type`.
public enum ReplicateType: String, Sendable, CaseIterable {
    /// Delete-one-PSU jackknife, unstratified; default scale (R−1)/R.
    case jk1
    /// Stratified delete-one jackknife; needs `rscales` ((n_h−1)/n_h per replicate).
    case jkn
    /// Balanced repeated replication; scale 1/R.
    case brr
    /// Fay's BRR with rho; scale 1/(R(1−ρ)²).
    case fay
    /// Bootstrap replicates; scale 1/(R−1).
    case bootstrap
    /// Successive difference replication (R's `successive-difference`); scale 4/R.
    case sdr
    /// Any other scheme; scale 1 unless given.
    case other
}

/// Replicate weight columns as the user names them, and how their estimates combine (R's
/// `svrepdesign` arguments); resolved against a table by `SurveyDesign.init(spec:table:)`.
public struct ReplicateWeightsSpec: Sendable, Equatable {
    /// A comma list of columns, or a glob (`*`, `?`) matched against the columns in file order.
    public var columns: String
    /// How replicates combine (R's `type`).
    public var type: ReplicateType
    /// Fay's rho (type `fay` only).
    public var rho: Double?
    /// The overall scale; nil takes R's default for the type.
    public var scale: Double?
    /// Per-replicate scales: one value for all, or one per replicate; nil is 1 each.
    public var rscales: [Double]?
    /// Deviations about the full-sample estimate rather than the replicates' mean.
    public var mse: Bool

    /// A replicate-weights design; `type` `fay` needs `rho`, `jkn` needs `rscales`.
    public init(columns: String, type: ReplicateType, rho: Double? = nil, scale: Double? = nil,
                rscales: [Double]? = nil, mse: Bool = false) {
        self.columns = columns
        self.type = type
        self.rho = rho
        self.scale = scale
        self.rscales = rscales
        self.mse = mse
    }
}

extension VarianceMethod {
    /// The method for another, independent sample's design (a representation benchmark): the
    /// same bootstrap, but linearization instead of replicate weights, whose columns (or
    /// construction, for made ones) belong to the data they came with.
    public var forIndependentSample: VarianceMethod {
        usesReplicateWeights ? .linearization : self
    }

    /// Whether variances come from replicate weights the design holds (`SurveyDesign.replicateWeights`):
    /// given as columns, or made from the design.
    public var usesReplicateWeights: Bool {
        switch self {
        case .replicateWeights, .madeReplicates: return true
        case .linearization, .bootstrap: return false
        }
    }

    /// The option that chose replicate variances (`--bootstrap`, `--replicate-weights`,
    /// `--make-replicates`); nil for linearization.
    public var replicateOption: String? {
        switch self {
        case .linearization: return nil
        case .bootstrap: return "--bootstrap"
        case .replicateWeights: return "--replicate-weights"
        case .madeReplicates: return "--make-replicates"
        }
    }

    /// The Rao-Wu bootstrap with `replicates` replicates.
    /// - Throws: `DisparityError.usage` unless 2 ≤ replicates ≤ 100,000.
    public static func checkedBootstrap(replicates: Int, seed: UInt64) throws -> VarianceMethod {
        guard replicates >= RaoWuBootstrap.replicateRange.lowerBound, replicates <= RaoWuBootstrap.replicateRange.upperBound else {
            throw DisparityError.usage("--bootstrap takes \(RaoWuBootstrap.replicateRange.lowerBound) to \(RaoWuBootstrap.replicateRange.upperBound) replicates (got \(replicates))")
        }
        return .bootstrap(replicates: replicates, seed: seed)
    }
}

/// `--save-replicates FILE`: the design's replicate weights written to a CSV beside a note of the
/// options that reload them (`ReplicateWeights.save`).
public struct SaveReplicatesSpec: Sendable, Equatable {
    /// The CSV written.
    public var path: String
    /// The column identifying rows in it; nil: the data's line number.
    public var id: String?

    /// A request to write the replicate weights to `path`.
    public init(path: String, id: String? = nil) {
        self.path = path
        self.id = id
    }
}
