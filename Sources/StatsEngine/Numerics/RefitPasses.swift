import CLapack
import Foundation

/// The passes of replicate refits (`IRLS.fits` from a start). A pass (`refitPass`) gives every
/// fit's deviance at its coefficients and, for the fits asked for, the normal equations of the
/// step from there: a fit expected to go on gets both in one pass, a fit expected to settle
/// only its deviance (a refit needs no step at the pass its deviance settles); a finished
/// fit's means come from a last pass (`means`), when its separation check reads them.
/// Each pass serves a group of fits, each at its own coefficients with its own prior weights,
/// forming each block of the design once for all of them and working across the fits with
/// level-3 BLAS products. A block holds rows of one cell of the model's categorical inputs
/// (`ModelCells`: the rows of a chunk of `refitChunkRows` sorted by cell), where each column is
/// 0 or its monomial (the product of its other factors), so a block is formed as its distinct
/// monomials M only (10 of the W1 model's 15 columns):
/// - the linear predictors of a block as M·B, B the fits' coefficients summed per monomial in
///   the cell (`ModelCells.cellCoefficients`);
/// - the normal equations as Pᵀ·Ω and Mᵀ·(Ω∘z), P the block's products of monomial pairs
///   mᵢ∘mⱼ (i ≤ j) and Ω the fits' working weights, one column per fit, then spread to the
///   entries of each fit's X'ΩX and X'Ωz present in the cell (`ModelCells.expansion`): the
///   distinct entries of every fit's X'ΩX in one product (55 pairs instead of W1's 120), about
///   half the arithmetic of a cross-product of √Ω·X per fit, and no square roots.
///
/// Means and unit deviances take glibc's vector `exp` and `log` (`Family.means`). A pass
/// keeps η and μ only for the block at hand, recomputing them rather than storing and reading
/// back n values per fit: the passes are bound by memory traffic (each fit's weights are read
/// once a pass) more than by arithmetic. A pass reads each fit's weights as stored and divides
/// its sums by the fit's divisor (a replicate's sum, `ScaledWeights`) once at the end, rather
/// than each of n weights: the same sums to rounding. The sums are ordered otherwise than in
/// `run`, so a refit's coefficients equal those of its fit alone to rounding (about 1e-13
/// relative), not bit for bit; they depend only on the rows and the group, never on the number
/// of cores.
extension IRLSPass {
    /// Rows per block of a refit pass: the block's monomial pairs (55 columns for the W1 model,
    /// 528 at 32 monomials) and the working weights of a group of 80 refits stay in the core's
    /// own cache between forming them and the product that reads them.
    static let refitBlockRows = 256

    /// The most monomials (`ModelCells`) with which linear refits share their passes
    /// (`IRLS.fits`): their 528 pair products of a block (1 MB) stay in a core's cache.
    static let sharedLinearMonomials = 32

    /// Rows sorted by cell at a time (`ModelCells.order`): a fit's weights of a chunk (32 kB)
    /// are read where they are, from a cache, by the chunk's blocks.
    static let refitChunkRows = 4_096

    /// The most cells a pass sorts its rows into: a chunk's blocks keep about 128 rows on
    /// average.
    static let refitCellLimit = 32

    /// The cells a refit pass sorts rows into: the pass's own, else the model's.
    private var passCells: ModelCells { cells ?? x.cells(limit: Self.refitCellLimit) }

    /// What a refit pass gives for one fit.
    struct RefitSums {
        /// Σ wᵢ·d(yᵢ, μᵢ) over the rows with weight, at the pass's coefficients (0 for the
        /// gaussian family: linear refits solve without a deviance test, and a gaussian pass
        /// forms none of the deviance's sums, nor `largestPredictor` or `roundingScale`); NaN
        /// for a fit whose deviance was not asked for.
        var deviance: Double
        /// The rows with weight whose mean is at its bound (`SeparationCheck.pinnedRows`); nil
        /// for a fit whose normal equations were asked for (expected to go on, it is counted at
        /// the pass where it settles; one that settles anyway is counted from its means).
        var pinnedRows: Int?
        /// The largest |η| over the rows, at the pass's coefficients (`DevianceChangeBound`).
        var largestPredictor: Double
        /// Σwᵢ (logistic: the weights' `total` where known, the same at every pass) or
        /// Σwᵢ(yᵢ + μᵢ) (Poisson) over the rows with weight, at the pass's coefficients: the
        /// scale of the deviance's rounding (`DevianceChangeBound`).
        var roundingScale: Double
        /// X'ΩX (p × p, symmetric) and X'Ωz at the pass's means, z = η + (y − μ)/(dμ/dη) the
        /// working response (gaussian: z = y − η, the residuals, whose X'Ωz is the right-hand
        /// side of the step from the pass's coefficients); nil for a fit whose normal equations
        /// were not asked for.
        var normalEquations: (gram: [Double], product: [Double])?
    }

    /// A pass of refits: for each fit k at coefficients `betas[k]` with prior weights
    /// `weights[k]`, its deviance (unless `deviances[k]` is false: NaN, no unit deviance
    /// formed; nil: every fit's) and, where `forming[k]`, its normal equations at the same
    /// coefficients (else its pinned rows); a row without weight adds nothing. One result per
    /// fit, in order. A fit's deviance does not depend on whether its normal equations are
    /// formed, nor on the other fits' (bit for bit, for the same group of coefficients). Fits at the same
    /// coefficients (the refits' first pass, all from the full-sample estimate) share a linear
    /// predictor, its means, unit deviances and working responses.
    func refitPass(betas: [[Double]], weights: [ScaledWeights], forming: [Bool], deviances: [Bool]? = nil) -> [RefitSums] {
        let deviances = deviances ?? betas.map { _ in true }
        // The family is passed as a constant to an inlined body, so its switches fold away.
        switch family {
        case .gaussian: return refitPass(betas: betas, weights: weights, forming: forming, deviances: deviances, family: .gaussian)
        case .binomial: return refitPass(betas: betas, weights: weights, forming: forming, deviances: deviances, family: .binomial)
        case .poisson: return refitPass(betas: betas, weights: weights, forming: forming, deviances: deviances, family: .poisson)
        }
    }

    @inline(__always)
    private func refitPass(betas: [[Double]], weights: [ScaledWeights], forming: [Bool], deviances: [Bool],
                           family: Family) -> [RefitSums] {
        let p = x.columnCount, fits = betas.count, blockRows = Self.refitBlockRows
        let pairs = p * (p + 1) / 2, height = pairs + p
        let cells = passCells, u = cells.monomials.count, monomialPairs = cells.monomialPairs
        let monomialHeight = monomialPairs + u
        let expansions = (0..<cells.count).map(cells.expansion)
        let (coefficients, groupOf) = Self.sharedPredictors(betas)
        let shared = coefficients.count / p
        // Each shared predictor's fits.
        let members = (0..<shared).map { g in betas.indices.filter { groupOf[$0] == g } }
        // A logistic fit's rounding scale Σwᵢ is the same at every pass: taken from its weights'
        // total where known, not summed row by row.
        let summing = weights.map { family == .poisson || (family == .binomial && $0.total == nil) }
        let cellCoefficients = cells.cellCoefficients(coefficients, count: shared)
        // The fits whose normal equations are formed, each one's column among them, and the
        // shared predictors at which some are.
        let formed = betas.indices.filter { forming[$0] }, forms = formed.count
        let columnOf = (0..<fits).map { k in formed.firstIndex(of: k) ?? -1 }
        let formedAt = (0..<shared).map { g in formed.contains { groupOf[$0] == g } }
        // The shared predictors at which some fit's deviance is asked for.
        let devianceAt = (0..<shared).map { g in betas.indices.contains { groupOf[$0] == g && deviances[$0] } }
        // Every fit at one predictor and forming its normal equations (the refits' first pass,
        // from the full-sample estimate, linear refits' too): their ω and ω∘z differ
        // only by the prior weights, so each fit's X'ΩX = Σᵢ wᵢ·(ωᵢ mᵢmᵢ') and X'Ωz come from
        // the ω-scaled products and the fits' weights themselves, no fit's Ω formed. A block
        // where ω or ω∘z is not finite (a row without weight may have an infinite mean) takes
        // each fit's Ω instead.
        let oneWorkingWeight = shared == 1 && forms == fits
        let parts = partitioned(weights) { range, weights, response in
            // Per formed fit X'ΩX's distinct entries (column pairs i ≤ j in column-major order)
            // and X'Ωz, `height` values a fit; then per fit its deviance, pinned rows, largest
            // |η| and rounding scale from `scalars` on.
            var out = [Double](repeating: 0, count: height * forms + 4 * fits)
            let scalars = height * forms
            // Scratch for a block: μ, the unit deviances, dμ/dη, z, ones, Ω and Ω∘z (one column
            // per formed fit; ω and ω∘z in the first when shared), the monomials' pair products
            // (then, when ω is shared, the monomials times ω∘z); and the formed fits' sums over
            // the range's blocks of each cell (`monomialHeight` values a fit), which the blocks'
            // products add to, spread to X'ΩX's entries once at the end.
            let cellSize = monomialHeight * forms
            let scratch = UnsafeMutablePointer<Double>.allocate(
                capacity: blockRows * (5 + 2 * forms + (forms > 0 ? monomialHeight : 0)) + cellSize * cells.count)
            defer { scratch.deallocate() }
            let mean = scratch, units = mean + blockRows, derivative = units + blockRows, z = derivative + blockRows
            let ones = z + blockRows, omega = ones + blockRows, rhs = omega + blockRows * forms
            ones.initialize(repeating: 1, count: blockRows)
            let products = rhs + blockRows * forms, sums = products + (forms > 0 ? blockRows * monomialHeight : 0)
            sums.initialize(repeating: 0, count: cellSize * cells.count)
            forEachCellBlock(of: range, cells: cells, coefficients: cellCoefficients, count: shared, response: response,
                             weights: weights) { block in
                let m = block.count, y = block.response
                var scaled = false
                for g in 0..<shared {
                    let eta = block.etas + g * blockRows
                    let largest = family == .gaussian ? 0 : Self.largestMagnitude(eta, count: m)
                    family.means(eta, count: m, into: mean)
                    if family != .gaussian && devianceAt[g] { family.unitDeviances(y, mean: mean, count: m, into: units) }
                    // z and dμ/dη once for the fits at these coefficients, then each fit's sums.
                    // A gaussian pass (linear refits) takes the residuals y − η as its working
                    // response: the right-hand side of each fit's step from the pass's coefficients
                    // (dμ/dη = 1 all the same, so that no value the working weights read is left unset).
                    if formedAt[g] && family == .gaussian {
                        for i in 0..<m { (z[i], derivative[i]) = (y[i] - mean[i], 1) }
                    } else if formedAt[g] {
                        family.workingResponses(y, mean: mean, eta: eta, count: m, derivative: derivative, z: z)
                    }
                    if oneWorkingWeight {
                        family.workingWeights(ones, mean: mean, derivative: derivative, z: z, count: m, root: false, omega: omega, rhs: rhs)
                        scaled = Self.allFinite(omega, count: m) && Self.allFinite(rhs, count: m)
                    }
                    for k in members[g] {
                        let w = block.weights + k * Self.refitChunkRows
                        if family != .gaussian {
                            if deviances[k] { out[scalars + 4 * k] += Self.weightedSum(w, units, count: m) }
                            out[scalars + 4 * k + 2] = Self.larger(out[scalars + 4 * k + 2], largest)
                            if summing[k] {
                                out[scalars + 4 * k + 3] += family == .poisson
                                    ? Self.weightedSum(w, y, count: m) + Self.weightedSum(w, mean, count: m)
                                    : Self.total(w, count: m)
                            }
                        }
                        if columnOf[k] < 0 {
                            out[scalars + 4 * k + 1] += Double(SeparationCheck.pinnedRows(family: family, mean: mean, weights: w,
                                                                                response: y, count: m))
                        } else if !scaled {
                            family.workingWeights(w, mean: mean, derivative: derivative, z: z, count: m, root: false,
                                                  omega: omega + columnOf[k] * blockRows, rhs: rhs + columnOf[k] * blockRows)
                        }
                    }
                }
                guard forms > 0 else { return }
                var transT = CChar(UInt8(ascii: "T")), transN = CChar(UInt8(ascii: "N"))
                var mm = Int32(m), ff = Int32(forms), uu = Int32(u), pairCount = Int32(monomialPairs)
                var ld = Int32(blockRows), ldm = Int32(Self.refitChunkRows), ldc = Int32(monomialHeight), one = 1.0
                let cellSums = sums + block.cell * cellSize
                if scaled {
                    // [P∘ω, M∘(ω∘z)]ᵀ·W in one product, P and M beside each other in `products`.
                    Self.pairProducts(block.monomials, rows: m, columns: u, leading: Self.refitChunkRows, scale: omega, into: products)
                    for v in 0..<u {
                        let from = block.monomials + v * Self.refitChunkRows, to = products + (monomialPairs + v) * blockRows
                        for i in 0..<m { to[i] = from[i] * rhs[i] }
                    }
                    var height = Int32(monomialHeight)
                    dgemm_(&transT, &transN, &height, &ff, &mm, &one, products, &ld, block.weights, &ldm, &one, cellSums, &ldc)
                } else {
                    Self.pairProducts(block.monomials, rows: m, columns: u, leading: Self.refitChunkRows, scale: nil, into: products)
                    dgemm_(&transT, &transN, &pairCount, &ff, &mm, &one, products, &ld, omega, &ld, &one, cellSums, &ldc)
                    dgemm_(&transT, &transN, &uu, &ff, &mm, &one, block.monomials, &ldm, rhs, &ld, &one, cellSums + monomialPairs, &ldc)
                }
            }
            out.withUnsafeMutableBufferPointer { out in
                for c in 0..<cells.count {
                    for f in 0..<forms {
                        let o = out.baseAddress! + f * height, s = sums + c * cellSize + f * monomialHeight
                        for (target, source) in expansions[c] { o[target] += s[source] }
                    }
                }
            }
            return out
        }
        return (0..<fits).map { k in
            var deviance = 0.0, pinned = 0.0, largest = 0.0, scale = 0.0
            let at = height * forms + 4 * k, divisor = weights[k].divisor
            for part in parts {
                (deviance, pinned, largest, scale) = (deviance + part[at], pinned + part[at + 1], Self.larger(largest, part[at + 2]),
                                                      scale + part[at + 3])
            }
            if family != .gaussian && !summing[k] { scale = weights[k].total! }
            (deviance, scale) = (deviances[k] ? deviance / divisor : .nan, scale / divisor)
            guard columnOf[k] >= 0 else {
                return RefitSums(deviance: deviance, pinnedRows: Int(pinned), largestPredictor: largest, roundingScale: scale,
                                 normalEquations: nil)
            }
            // Pinned rows are counted only for the fits expected to settle.
            let offset = columnOf[k] * height
            var total = [Double](repeating: 0, count: height)
            for part in parts { for i in 0..<height { total[i] += part[offset + i] } }
            for i in 0..<height { total[i] /= divisor }
            var gram = [Double](repeating: 0, count: p * p), pair = 0
            for j in 0..<p {
                for i in 0...j {
                    (gram[i + j * p], gram[j + i * p]) = (total[pair], total[pair])
                    pair += 1
                }
            }
            return RefitSums(deviance: deviance, pinnedRows: nil, largestPredictor: largest, roundingScale: scale,
                             normalEquations: (gram, Array(total[pairs...])))
        }
    }

    /// X'W(y − Xβ) of each fit k at coefficients `betas[k]` with prior weights `weights[k]`
    /// (p values a fit; a row without weight adds nothing): the projections of the residuals,
    /// each formed row by row, that refine least-squares solutions from the normal equations
    /// (`LeastSquares`: β += (X'WX)⁻¹X'W(y − Xβ)), formed as `refitPass` forms X'Ωz.
    func residualProjections(betas: [[Double]], weights: [ScaledWeights]) -> [[Double]] {
        let p = x.columnCount, fits = betas.count, blockRows = Self.refitBlockRows
        let cells = passCells, u = cells.monomials.count
        let coefficients = cells.cellCoefficients(betas.flatMap { $0 }, count: fits)
        let pairs = p * (p + 1) / 2, monomialPairs = cells.monomialPairs
        // Per cell, each present column's monomial.
        let expansions = (0..<cells.count).map { c in
            cells.expansion(cell: c).filter { $0.target >= pairs }.map { ($0.target - pairs, $0.source - monomialPairs) }
        }
        let parts = partitioned(weights) { range, weights, response in
            var out = [Double](repeating: 0, count: p * fits)
            // Scratch for a block: each fit's wᵢ(yᵢ − ηᵢ); and each fit's monomials' sums over the
            // range's blocks of each cell, spread to the columns once at the end.
            let scratch = UnsafeMutablePointer<Double>.allocate(capacity: (blockRows + u * cells.count) * fits)
            defer { scratch.deallocate() }
            let weighted = scratch, sums = scratch + blockRows * fits
            sums.initialize(repeating: 0, count: u * fits * cells.count)
            forEachCellBlock(of: range, cells: cells, coefficients: coefficients, count: fits, response: response, weights: weights) { block in
                let m = block.count, y = block.response
                for k in 0..<fits {
                    let eta = block.etas + k * blockRows, w = block.weights + k * Self.refitChunkRows, r = weighted + k * blockRows
                    for i in 0..<m { r[i] = w[i] == 0 ? 0 : w[i] * (y[i] - eta[i]) }
                }
                var transT = CChar(UInt8(ascii: "T")), transN = CChar(UInt8(ascii: "N"))
                var mm = Int32(m), ff = Int32(fits), uu = Int32(u), ldm = Int32(Self.refitChunkRows), ld = Int32(blockRows)
                var one = 1.0
                dgemm_(&transT, &transN, &uu, &ff, &mm, &one, block.monomials, &ldm, weighted, &ld, &one, sums + block.cell * u * fits, &uu)
            }
            for c in 0..<cells.count {
                for k in 0..<fits {
                    for (target, source) in expansions[c] { out[k * p + target] += sums[c * u * fits + k * u + source] }
                }
            }
            return out
        }
        return (0..<fits).map { k in
            var total = [Double](repeating: 0, count: p)
            for part in parts { for j in 0..<p { total[j] += part[k * p + j] } }
            return total.map { $0 / weights[k].divisor }
        }
    }

    /// The means μ = g⁻¹(Xβ) of each fit k at coefficients `betas[k]` (n values; NaN where
    /// `weights[k]` is 0), computed as `refitPass` computes them: a finished refit's means, for
    /// its separation check when it reads them (`SeparationCheck.readsMeans`).
    func means(betas: [[Double]], weights: [ScaledWeights]) -> [[Double]] {
        let n = x.rowCount, fits = betas.count, blockRows = Self.refitBlockRows
        let cells = passCells
        let coefficients = cells.cellCoefficients(betas.flatMap { $0 }, count: fits)
        return arraysFilled(count: fits, length: n) { outputs in
            let outputs = UnsafeSendable(outputs)
            _ = partitioned(weights) { range, weights, response -> [Double] in
                // Scratch for a block: a fit's means.
                let mean = UnsafeMutablePointer<Double>.allocate(capacity: blockRows)
                defer { mean.deallocate() }
                forEachCellBlock(of: range, cells: cells, coefficients: coefficients, count: fits, response: response,
                                 weights: weights) { block in
                    for k in 0..<fits {
                        let w = block.weights + k * Self.refitChunkRows, out = outputs.value[k]
                        family.means(block.etas + k * blockRows, count: block.count, into: mean)
                        for i in 0..<block.count { out[Int(block.rows[i])] = w[i] == 0 ? .nan : mean[i] }
                    }
                }
                return []
            }
        }
    }

    /// Runs `body` on the row ranges of a pass (`BlockedProducts.partitioned`) with a reader of
    /// each fit's `weights` and the response's base address; one result per range, in row order.
    func partitioned(_ weights: [ScaledWeights],
                     _ body: @Sendable (Range<Int>, _ weights: [ScaledWeights.Reader], _ response: UnsafePointer<Double>) -> [Double])
        -> [[Double]] {
        ScaledWeights.withReaders(weights) { readers in
            response.withUnsafeBufferPointer { response in
                let inputs = UnsafeSendable((readers, response.baseAddress!))
                return BlockedProducts.partitioned(x.rowCount) { range in body(range, inputs.value.0, inputs.value.1) }
            }
        }
    }

    /// The distinct coefficient vectors among `betas` (compared bit for bit), one after another
    /// (p × count, column-major), and the position of each fit's among them: fits at the same
    /// coefficients (the refits' first pass, all from the full-sample estimate) share a linear
    /// predictor and its means.
    private static func sharedPredictors(_ betas: [[Double]]) -> (coefficients: [Double], predictorOf: [Int]) {
        var predictors: [[Double]] = [], predictorOf: [Int] = []
        for beta in betas {
            let same = predictors.firstIndex { $0.map(\.bitPattern) == beta.map(\.bitPattern) }
            predictorOf.append(same ?? predictors.count)
            if same == nil { predictors.append(beta) }
        }
        return (predictors.flatMap { $0 }, predictorOf)
    }

    /// A block of a refit pass: rows of one cell, valid during the call it is given to.
    struct CellBlock {
        /// The cell (`ModelCells`).
        let cell: Int
        /// The model rows, ascending (`count` values).
        let rows: UnsafePointer<Int32>
        let count: Int
        /// The cell's monomials at the rows (column-major, leading dimension `refitChunkRows`).
        let monomials: UnsafePointer<Double>
        /// The response at the rows.
        let response: UnsafePointer<Double>
        /// Each fit's prior weights at the rows as stored (not divided by the fit's divisor,
        /// `ScaledWeights`: a pass divides its sums), fit k's from `weights + k * refitChunkRows`.
        let weights: UnsafePointer<Double>
        /// The linear predictors at the rows, one column of `refitBlockRows` per coefficient vector.
        let etas: UnsafePointer<Double>
    }

    /// Runs `body` on each block of `range` in turn: the rows of a chunk of `refitChunkRows`
    /// rows sorted by cell (`ModelCells.order`), then cut into blocks of at most
    /// `refitBlockRows` rows of one cell, with the linear predictors of `count` coefficient
    /// vectors (`coefficients`, per cell the monomials × count matrix of
    /// `ModelCells.cellCoefficients`). The chunk's monomials, response and fits' `weights` are
    /// put in cell order once, each written in that order from where its rows are (loads from
    /// scattered places in a column of the chunk, a few kB, wait on each other less than stores
    /// to such places), so a block reads them in place. The blocks and their order depend on the range alone.
    @inline(__always)
    private func forEachCellBlock(of range: Range<Int>, cells: ModelCells, coefficients: [Double], count: Int,
                                  response: UnsafePointer<Double>, weights: [ScaledWeights.Reader], _ body: (CellBlock) -> Void) {
        let chunkRows = Self.refitChunkRows, blockRows = Self.refitBlockRows, u = cells.monomials.count, fits = weights.count
        // Scratch: a column of the chunk (a monomial or a fit's weights) in row order; the
        // chunk's monomials, response and fits' weights in cell order (one column of `chunkRows`
        // each); a block's linear predictors; the chunk's cells and its rows in cell order; the
        // cells' first positions.
        let inRowOrder = UnsafeMutablePointer<Double>.allocate(capacity: chunkRows)
        let inCellOrder = UnsafeMutablePointer<Double>.allocate(capacity: chunkRows * (u + 1 + fits) + blockRows * count)
        let monomials = inCellOrder, y = monomials + chunkRows * u, w = y + chunkRows, etas = w + chunkRows * fits
        let indices = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * chunkRows)
        let cellOf = indices, order = indices + chunkRows
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: cells.count + 1)
        defer {
            inRowOrder.deallocate()
            inCellOrder.deallocate()
            indices.deallocate()
            starts.deallocate()
        }
        coefficients.withUnsafeBufferPointer { coefficients in
            var first = range.lowerBound
            while first < range.upperBound {
                let rows = first..<min(first + chunkRows, range.upperBound), n = rows.count
                cells.order(rows, cells: cellOf, into: order, starts: starts)
                // Each column (its values from the chunk's first row on) in cell order.
                func arrange(_ values: UnsafePointer<Double>, to out: UnsafeMutablePointer<Double>) {
                    let rowValues = values - first
                    for t in 0..<n { out[t] = rowValues[Int(order[t])] }
                }
                for v in 0..<u {
                    x.write(monomial: v, of: cells, rows: rows, to: inRowOrder)
                    arrange(inRowOrder, to: monomials + v * chunkRows)
                }
                arrange(response + first, to: y)
                for k in 0..<fits { arrange(weights[k].storedValues(rows, scratch: inRowOrder), to: w + k * chunkRows) }
                for c in 0..<cells.count {
                    var start = starts[c]
                    while start < starts[c + 1] {
                        let m = min(blockRows, starts[c + 1] - start)
                        Self.predictors(monomials + start, rows: m, columns: u, coefficients: coefficients.baseAddress! + c * u * count,
                                        count: count, into: etas)
                        body(CellBlock(cell: c, rows: order + start, count: m, monomials: monomials + start, response: y + start,
                                       weights: w + start, etas: etas))
                        start += m
                    }
                }
                first = rows.upperBound
            }
        }
    }

    /// The linear predictors of a block: its `columns` monomials (`rows` × columns, leading
    /// dimension `refitChunkRows`) times `count` coefficient vectors (columns × count,
    /// column-major) into `eta` (one column of `refitBlockRows` per vector).
    @inline(__always)
    private static func predictors(_ block: UnsafePointer<Double>, rows: Int, columns: Int, coefficients: UnsafePointer<Double>,
                                   count: Int, into eta: UnsafeMutablePointer<Double>) {
        var transN = CChar(UInt8(ascii: "N")), mm = Int32(rows), kk = Int32(count), pp = Int32(columns)
        var ldm = Int32(refitChunkRows), ld = Int32(refitBlockRows), one = 1.0, zero = 0.0
        dgemm_(&transN, &transN, &mm, &kk, &pp, &one, block, &ldm, coefficients, &pp, &zero, eta, &ld)
    }

    /// The products of a block's column pairs xᵢ∘xⱼ (i ≤ j, in column-major order of the upper
    /// triangle; the block's columns `leading` apart), each times `scale` when given, into
    /// `products` (p(p + 1)/2 columns of `refitBlockRows`).
    @inline(__always)
    private static func pairProducts(_ block: UnsafePointer<Double>, rows: Int, columns p: Int, leading: Int,
                                     scale: UnsafePointer<Double>?, into products: UnsafeMutablePointer<Double>) {
        var pair = 0
        for j in 0..<p {
            for i in 0...j {
                let a = block + i * leading, b = block + j * leading, c = products + pair * refitBlockRows
                if let scale { for r in 0..<rows { c[r] = scale[r] * (a[r] * b[r]) } } else { for r in 0..<rows { c[r] = a[r] * b[r] } }
                pair += 1
            }
        }
    }

    /// Whether all `count` values are finite.
    @inline(__always)
    private static func allFinite(_ v: UnsafePointer<Double>, count: Int) -> Bool {
        var sum = 0.0
        for i in 0..<count { sum += v[i] * 0 }  // 0 unless a value is infinite or NaN
        return sum == 0
    }

    /// The largest |vᵢ| of `count` values (NaN when one is).
    @inline(__always)
    private static func largestMagnitude(_ v: UnsafePointer<Double>, count: Int) -> Double {
        var lanes = SIMD4<Double>.zero, i = 0, nan = false
        while i + 4 <= count {
            let value = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD4<Double>.self)
            let magnitude = value.replacing(with: -value, where: value .< 0)
            nan = nan || any(magnitude .!= magnitude)
            lanes.replace(with: magnitude, where: magnitude .> lanes)  // NaN is noted above
            i += 4
        }
        var largest = lanes.max()
        while i < count {
            nan = nan || v[i].isNaN
            largest = max(largest, abs(v[i]))
            i += 1
        }
        return nan ? .nan : largest
    }

    /// Σ wᵢ over `count` rows, in four interleaved partial sums.
    @inline(__always)
    private static func total(_ w: UnsafePointer<Double>, count: Int) -> Double {
        var lanes = SIMD4<Double>.zero, i = 0
        while i + 4 <= count {
            lanes += UnsafeRawPointer(w + i).loadUnaligned(as: SIMD4<Double>.self)
            i += 4
        }
        var sum = lanes.sum()
        while i < count { sum += w[i]; i += 1 }
        return sum
    }

    /// The larger of two values, NaN when either is.
    @inline(__always)
    private static func larger(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : max(a, b) }

    /// Σ wᵢ·uᵢ over the `count` rows with wᵢ ≠ 0 (a row without weight adds nothing, whatever
    /// its uᵢ), in four interleaved partial sums (a vector's lanes), so that the additions do not
    /// wait on each other.
    @inline(__always)
    private static func weightedSum(_ w: UnsafePointer<Double>, _ u: UnsafePointer<Double>, count: Int) -> Double {
        var lanes = SIMD4<Double>.zero, i = 0
        while i + 4 <= count {
            let weights = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD4<Double>.self)
            let products = weights * UnsafeRawPointer(u + i).loadUnaligned(as: SIMD4<Double>.self)
            lanes += products.replacing(with: 0, where: weights .== 0)
            i += 4
        }
        var sum = lanes.sum()
        while i < count {
            if w[i] != 0 { sum += w[i] * u[i] }
            i += 1
        }
        return sum
    }
}
