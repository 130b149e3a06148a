import Foundation

/// A survey design resolved against a table: per-row weights and dense stratum, PSU and
/// second-stage codes, with the per-stratum and per-PSU counts and finite population corrections
/// that the variance engine needs. Everything is computed once, in one pass per column.
public struct SurveyDesign: Sendable {
    /// The design options it was resolved from.
    public let spec: DesignSpec
    /// The data file, named in errors about the design.
    public let source: String
    /// The number of table rows: the length of every per-row array.
    public let rowCount: Int
    /// Sampling weights (inverse inclusion probabilities).
    public let weights: [Double]

    /// Stratum of each row, `0..<strataLabels.count`.
    public let stratum: [Int32]
    /// Stratum labels, one per stratum code: the stratum column's levels in factor order (one
    /// stratum, "1", without `--strata`).
    public let strataLabels: [String]
    /// PSU of each row, unique across the design, `0..<psuStratum.count`.
    public let psu: [Int32]
    /// The stratum of each PSU, one per PSU.
    public let psuStratum: [Int32]
    /// PSU names for messages; nil when each row is its own PSU (named by its line).
    let psuNames: [String]?
    /// How the data's rows are numbered: a PSU of one row without a name is labelled by it.
    let rowNumbering: RowNumbering
    /// Number of PSUs sampled in each stratum (the full design's, also for domains).
    public let psuCount: [Int]
    /// Population PSUs per stratum (`.infinity` without an fpc).
    public let psuPopulation: [Double]

    /// The second stage, present when two cluster columns are given.
    public let secondStage: SecondStage?

    /// The replicate weights of a replicate-weights design (`--replicate-weights`, or made by
    /// `--make-replicates`), else nil.
    public let replicateWeights: ReplicateWeights?

    /// The calibration of the weights to population totals (`--calibrate`, `--poststratify`,
    /// `--rake`), else nil: `weights` (and the replicates) are then the calibrated weights.
    public let calibration: Calibration?
    /// Values of the whole sample worked out once per design.
    private let wholeSample = WholeSampleValues()

    /// Second-stage units within PSUs.
    public struct SecondStage: Sendable {
        /// Unit of each row, unique across the design.
        public let unit: [Int32]
        /// The PSU of each unit, one per second-stage unit.
        public let unitPSU: [Int32]
        /// Units sampled in each PSU.
        public let unitCount: [Int]
        /// Population units per PSU (`.infinity` without a second-stage fpc).
        public let unitPopulation: [Double]
    }

    /// The number of strata.
    public var strataCount: Int { strataLabels.count }

    /// The name of PSU `p` as messages show it.
    public func psuLabel(_ p: Int) -> String { psuNames?[p] ?? rowNumbering.name(ofRow: p) }
    /// Whether each row is its own PSU (no `--cluster`): PSU r is row r.
    public var rowsArePSUs: Bool { psuNames == nil }
    /// The number of PSUs in the design (all strata).
    public var psuTotal: Int { psuStratum.count }

    /// Whether the variance includes the second stage: only with fpcs at both stages, as in
    /// R's `svyrecvar` (with replacement at stage one the first stage carries it all).
    public var usesSecondStage: Bool {
        secondStage != nil && spec.fpc.count >= 2 && psuPopulation.contains { $0.isFinite }
    }

    /// Design degrees of freedom of the rows `rows` (nil: all), as R's `degf`: PSUs minus strata
    /// among the rows with a non-zero weight; on a replicate-weights design, the rank of the
    /// replicate weights of those rows minus 1 (R's `degf` of the subset replicate design; for the
    /// whole of a design calibrated iteratively, the replicates' before calibration, as R keeps it).
    public func degreesOfFreedom(rows: [Int32]? = nil) -> Int {
        // Rows (distinct) as many as the design's are all of them: every whole-sample analysis
        // of a batch asks, and the answer is worked out once (for replicate weights a read of
        // every replicate's column).
        let whole = rows?.count ?? rowCount == rowCount
        if spec.varianceMethod.usesReplicateWeights, let replicateWeights {
            if let kept = calibration?.replicateDegreesOfFreedom, whole { return kept }
            return whole ? wholeSample.degreesOfFreedom { replicateWeights.degreesOfFreedom(rows: nil) }
                : replicateWeights.degreesOfFreedom(rows: rows)
        }
        if whole { return wholeSample.degreesOfFreedom { linearizedDegreesOfFreedom(rows: nil) } }
        return linearizedDegreesOfFreedom(rows: rows)
    }

    /// `degreesOfFreedom` of a design without replicate weights.
    private func linearizedDegreesOfFreedom(rows: [Int32]?) -> Int {
        // PSUs are marked without a branch per row; a PSU lies in one stratum, so the strata
        // present are those of the PSUs marked.
        var psuSeen = [UInt8](repeating: 0, count: psuTotal)
        psuSeen.withUnsafeMutableBufferPointer { seen in
            weights.withUnsafeBufferPointer { weights in
                psu.withUnsafeBufferPointer { psu in
                    if let rows {
                        for r in rows where weights[Int(r)] != 0 { seen[Int(psu[Int(r)])] = 1 }
                    } else {
                        for r in 0..<rowCount where weights[r] != 0 { seen[Int(psu[r])] = 1 }
                    }
                }
            }
        }
        var strataSeen = [Bool](repeating: false, count: strataCount)
        var psus = 0
        for p in psuSeen.indices where psuSeen[p] != 0 {
            psus += 1
            strataSeen[Int(psuStratum[p])] = true
        }
        return psus - strataSeen.lazy.filter { $0 }.count
    }

    init(spec: DesignSpec, source: String, rowNumbering: RowNumbering, weights: [Double], stratum: [Int32], strataLabels: [String],
         psu: [Int32], psuStratum: [Int32], psuNames: [String]?, psuCount: [Int], psuPopulation: [Double],
         secondStage: SecondStage?, replicateWeights: ReplicateWeights? = nil, calibration: Calibration? = nil) {
        self.spec = spec
        self.source = source
        self.rowNumbering = rowNumbering
        self.rowCount = weights.count
        self.weights = weights
        self.stratum = stratum
        self.strataLabels = strataLabels
        self.psu = psu
        self.psuStratum = psuStratum
        self.psuNames = psuNames
        self.psuCount = psuCount
        self.psuPopulation = psuPopulation
        self.secondStage = secondStage
        self.replicateWeights = replicateWeights
        self.calibration = calibration
    }
}

/// Values of a design's whole sample, computed on first use by whichever analysis asks first
/// (under a lock, so concurrent analyses compute them once) and shared by the design's copies.
private final class WholeSampleValues: @unchecked Sendable {
    private let lock = NSLock()
    private var df: Int?

    /// The design df of all rows, from `compute` the first time.
    func degreesOfFreedom(_ compute: () -> Int) -> Int {
        lock.withLock {
            if let df { return df }
            let value = compute()
            df = value
            return value
        }
    }
}
