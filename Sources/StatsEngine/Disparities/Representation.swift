/// Representation of a group in a population (a workforce, say) against its share in a
/// benchmark population (the labour force): the group's share P in the population, its share B in
/// the benchmark, their difference and ratio (the representation index P/B), and, standardised
/// for a characteristic such as education, the share E the population would have if it kept its
/// own mix of the characteristic but each level mirrored the benchmark: E = Σₑ sₑ·mₑ, with sₑ
/// the population's share at level e and mₑ the group's share of the benchmark at that level.
///
/// The population and the benchmark are independent data sets, each with its own design (a
/// register is declared a census: no sampling variance). Every quantity is a smooth function of
/// the two data sets' shares; their influence values go to each data set's variance engine (or
/// its replicates), and the delta method adds the two independent covariances.
public struct RepresentationRequest: Sendable {
    /// The column naming the group, and the group's level in it.
    public var column: String
    /// The group's level in `column`.
    public var focal: String
    /// Only these population rows (managers, say).
    public var subset: RowFilter?
    /// Only these benchmark rows (labour-force members, say).
    public var benchmarkSubset: RowFilter?
    /// Standardise for this characteristic, which both data sets must have.
    public var standardise: String?
    /// The confidence level, a share strictly between 0 and 1.
    public var level: Double
    /// 100 for percentage points.
    public var scale: Double

    /// A request; by default shares are reported in percentage points (`scale` 100).
    public init(column: String, focal: String, subset: RowFilter? = nil, benchmarkSubset: RowFilter? = nil,
                standardise: String? = nil, level: Double = 0.95, scale: Double = 100) {
        self.column = column
        self.focal = focal
        self.subset = subset
        self.benchmarkSubset = benchmarkSubset
        self.standardise = standardise
        self.level = level
        self.scale = scale
    }
}

/// One data set of a representation comparison: its table, design, and whether it is a census.
public struct RepresentationSource: Sendable {
    /// The data set's rows.
    public var table: Table
    /// The data set's design (weights, strata, PSUs, or replicate weights).
    public var design: SurveyDesign
    /// A census (a register) has no sampling variance: its shares carry zero covariance.
    public var census: Bool

    /// A data set to compare.
    public init(table: Table, design: SurveyDesign, census: Bool) {
        self.table = table
        self.design = design
        self.census = census
    }
}

/// One row of `disparity representation` output. Shares and differences are in the request's
/// scale (percentage points by default); indices are unitless ratios. Intervals are Wald
/// intervals on the normal.
public struct RepresentationRow: Sendable {
    /// share, benchmark, difference, index, and with standardisation expected,
    /// standardised difference, standardised index.
    public var component: String
    /// The component's estimate (a share, difference or index).
    public var estimate: Double
    /// The standard error of `estimate`, by the delta method over both data sets' covariances.
    public var standardError: Double
    /// The lower end of the confidence interval; nil where none exists.
    public var confidenceLow: Double?
    /// The upper end of the confidence interval; nil where none exists.
    public var confidenceHigh: Double?
    /// A note on the standard error (replicates left out, in the population or the benchmark).
    public var note: String? = nil
    /// Whether the row rests on a sampled side whose compared rows leave its design 0 degrees of
    /// freedom (one PSU, or one observation): the group's share there has a standard error of 0
    /// (R's) that measures nothing (`SurveyDesign.zeroDegreesOfFreedomNote`, in `note`), so no
    /// verdict rests on the row (the barometer's `Figure.standardErrorMeasuresNothing`).
    public var standardErrorMeasuresNothing = false
}

/// `disparity representation`: the group's share in a population against its share in an
/// independent benchmark, optionally standardised for a characteristic (see
/// `RepresentationRequest`), with delta-method standard errors.
public struct RepresentationEstimator: Sendable {
    /// The population whose composition is judged (the workforce).
    public let population: RepresentationSource
    /// The benchmark population (the labour force).
    public let benchmark: RepresentationSource

    /// An estimator comparing `population` with `benchmark`.
    public init(population: RepresentationSource, benchmark: RepresentationSource) {
        self.population = population
        self.benchmark = benchmark
    }

    /// The rows `share`, `benchmark`, `difference`, `index` and, with `standardise`, `expected`,
    /// `standardised difference`, `standardised index`, in that order.
    /// - Throws: `DisparityError.data` when a column is missing, the focal level does not occur,
    ///   no rows remain after the subset, a level of the characteristic in the population is
    ///   absent from the benchmark or has no rows; `.analysis` from the variance engine (a lonely
    ///   PSU under `--lonely-psu fail`).
    public func estimate(_ request: RepresentationRequest) throws -> [RepresentationRow] {
        // The characteristic's levels among the population compared (managers may lack some).
        let levels = try request.standardise.map { name -> [String] in
            let column = try population.table.categorical(name)
            let domain = try request.subset?.rows(of: population.table)
            var present = Set<String>()
            for i in 0..<population.table.rowCount where domain?[i] != false && column.codes[i] >= 0 { present.insert(column.levels[Int(column.codes[i])]) }
            return LevelOrder.sorted(Array(present))
        } ?? []
        // θ_S = [P, s₁…s_E] on the population; θ_B = [B, m₁…m_E] on the benchmark.
        let s = try shares(population, request, subset: request.subset, levels: levels, withinLevels: false)
        let b = try shares(benchmark, request, subset: request.benchmarkSubset, levels: levels, withinLevels: true)
        let k = levels.count + 1
        // The population's rows without a level of the characteristic leave every figure, so that
        // the share and the expected share rest on the same rows: said, never silent.
        let leftOut = s.withoutLevel == 0 ? nil
            : "population: \(s.withoutLevel) row\(s.withoutLevel == 1 ? "" : "s") without a value of \(quoted: request.standardise!) left out, the share too: it rests on the rows with one, as the expected share does"
        // A row carries the notes of the sides it rests on (the benchmark's share on the
        // benchmark alone, the population's share on the population alone, the rest on both),
        // and so the flag of a side whose share measures nothing.
        func row(_ name: String, _ value: Double, populationGradient: [Double], benchmarkGradient: [Double], scale: Double) -> RepresentationRow {
            let onPopulation = name != "benchmark", onBenchmark = name != "share"
            let notes = [leftOut, onPopulation ? s.note.map { "population: \($0)" } : nil,
                         onBenchmark ? b.note.map { "benchmark: \($0)" } : nil].compactMap { $0 }
            let note = notes.isEmpty ? nil : notes.joined(separator: "; ")
            let measuresNothing = onPopulation && s.measuresNothing || onBenchmark && b.measuresNothing
            // An index over a share of 0 does not exist: no figure, said (it showed a standard error of 0).
            guard value.isFinite else {
                let why = "no \(name): the \(name == "index" ? "benchmark's share" : "expected share") is 0, so the ratio is undefined"
                return RepresentationRow(component: name, estimate: .nan, standardError: .nan, confidenceLow: nil, confidenceHigh: nil,
                                         note: [note, why].compactMap { $0 }.joined(separator: "; "), standardErrorMeasuresNothing: false)
            }
            var v = 0.0
            for a in 0..<k { for c in 0..<k {
                v += populationGradient[a] * s.covariance[a, c] * populationGradient[c] + benchmarkGradient[a] * b.covariance[a, c] * benchmarkGradient[c]
            } }
            let inferred = Inferred.wald(value, variance: v.isNaN ? v : max(0, v), df: nil, level: request.level).scaled(by: scale)
            return RepresentationRow(component: name, estimate: inferred.estimate, standardError: inferred.standardError ?? .nan,
                                     confidenceLow: inferred.low, confidenceHigh: inferred.high, note: note,
                                     standardErrorMeasuresNothing: measuresNothing)
        }
        let P = s.values[0], B = b.values[0]
        func unit(_ i: Int) -> [Double] { (0..<k).map { $0 == i ? 1 : 0 } }
        let none = [Double](repeating: 0, count: k)
        let sc = request.scale
        var rows = [
            row("share", P, populationGradient: unit(0), benchmarkGradient: none, scale: sc),
            row("benchmark", B, populationGradient: none, benchmarkGradient: unit(0), scale: sc),
            row("difference", P - B, populationGradient: unit(0), benchmarkGradient: unit(0).map { -$0 }, scale: sc),
            row("index", P / B, populationGradient: unit(0).map { $0 / B }, benchmarkGradient: unit(0).map { -$0 * P / (B * B) }, scale: 1),
        ]
        if !levels.isEmpty {
            let shareAt = Array(s.values.dropFirst()), groupAt = Array(b.values.dropFirst())
            let E = zip(shareAt, groupAt).reduce(0) { $0 + $1.0 * $1.1 }
            let dES = [0] + groupAt, dEB = [0] + shareAt
            rows += [
                row("expected", E, populationGradient: dES, benchmarkGradient: dEB, scale: sc),
                row("standardised difference", P - E, populationGradient: zip(unit(0), dES).map { $0 - $1 }, benchmarkGradient: dEB.map { -$0 }, scale: sc),
                row("standardised index", P / E, populationGradient: zip(unit(0), dES).map { $0 / E - $1 * P / (E * E) },
                    benchmarkGradient: dEB.map { -$0 * P / (E * E) }, scale: 1),
            ]
        }
        return rows
    }

    /// The group's overall share and, per level of the standardising characteristic, either the
    /// level's share of the rows (`withinLevels` false: the population's mix) or the group's share
    /// within the level (true: the benchmark's), with their joint covariance. On the full sample
    /// (`replicate` false) rows all of weight 0 are an error; a replicate's give NaN shares, which
    /// leave it out of the variance. `withoutLevel` counts the rows of the group column left out
    /// for want of a level of the characteristic (the population's mix only); `measuresNothing`
    /// whether the group's share has a standard error of 0 from rows leaving the design 0
    /// degrees of freedom (`SurveyDesign.measuresNothing`, the note then says so).
    /// Why a population level may be missing from the benchmark: it, or a benchmark level,
    /// reads like UTF-8 text decoded as Windows-1252 or Latin-1 ("hÃ¸j"), one of the files read in
    /// the other's encoding; "" when neither does.
    private static func misreadHint(_ missing: String, benchmarkLevels: [String]) -> String {
        func misread(_ level: String) -> Bool { level.contains("\u{C3}") || level.contains("\u{C2}") }
        let remedy = ": --encoding sets the data's encoding, --benchmark-encoding the benchmark's"
        if misread(missing) { return "; it reads like UTF-8 text decoded as Windows-1252 or Latin-1" + remedy }
        guard let level = benchmarkLevels.first(where: misread) else { return "" }
        return "; the benchmark's level \(quoted: level) reads like UTF-8 text decoded as Windows-1252 or Latin-1" + remedy
    }

    private func shares(_ source: RepresentationSource, _ request: RepresentationRequest, subset: RowFilter?,
                        levels: [String], withinLevels: Bool, replicate: Bool = false)
        throws -> (values: [Double], covariance: Covariance, note: String?, withoutLevel: Int, measuresNothing: Bool) {
        let table = source.table
        let group = try table.categorical(request.column)
        guard let focal = table.level(request.focal, among: group.levels, ofColumn: request.column) else {
            throw DisparityError.data(file: table.source, column: request.column, "the level \(quoted: request.focal) does not occur")
        }
        let domain = try subset?.rows(of: table)
        let characteristic = try request.standardise.map { try table.categorical($0) }
        var codeOf = [Int32](repeating: -1, count: characteristic?.levels.count ?? 0)
        if let characteristic {
            for (i, l) in characteristic.levels.enumerated() { codeOf[i] = Int32(levels.firstIndex(of: l) ?? -1) }
            if withinLevels, let missing = levels.first(where: { !characteristic.levels.contains($0) }) {
                throw DisparityError.data(file: table.source, column: request.standardise!,
                                          "the level \(quoted: missing) of the population does not occur in the benchmark"
                                          + Self.misreadHint(missing, benchmarkLevels: characteristic.levels))
            }
        }
        // The benchmark's overall share counts all its rows; the population's mix only rows with a level.
        var withoutLevel = 0
        let rows = (0..<table.rowCount).compactMap { i -> Int32? in
            guard domain?[i] != false, group.codes[i] >= 0 else { return nil }
            if !withinLevels, let characteristic, characteristic.codes[i] < 0 {
                withoutLevel += 1
                return nil
            }
            return Int32(i)
        }
        guard !rows.isEmpty else { throw DisparityError.data(file: table.source, "no rows in the comparison\(subset.map { " (subset \($0.text))" } ?? "")") }
        let w = source.design.weights
        let k = levels.count + 1
        let level = rows.map { r in
            characteristic.map { c in c.codes[Int(r)] < 0 ? -1 : Int(codeOf[Int(c.codes[Int(r)])]) } ?? -1
        }
        let isFocal = rows.map { group.codes[Int($0)] == Int32(focal) ? 1.0 : 0.0 }
        let W = rows.reduce(0.0) { $0 + w[Int($1)] }
        guard W > 0 || replicate else {
            throw DisparityError.data(file: table.source, "the \(rows.count) rows in the comparison\(subset.map { " (subset \($0.text))" } ?? "") all have weight 0: no rows with a positive weight")
        }
        var totals = [Double](repeating: 0, count: k), weightAt = [Double](repeating: 0, count: k), rowsAt = [Int](repeating: 0, count: k)
        for (i, r) in rows.enumerated() {
            let wi = w[Int(r)]
            totals[0] += wi * isFocal[i]
            if level[i] >= 0 {
                weightAt[level[i] + 1] += wi
                rowsAt[level[i] + 1] += 1
                totals[level[i] + 1] += wi * (withinLevels ? isFocal[i] : 1)
            }
        }
        var values = [totals[0] / W]
        for e in 1..<k {
            guard weightAt[e] > 0 else {
                throw DisparityError.data(file: table.source, column: request.standardise,
                                          "no rows \(rowsAt[e] > 0 ? "with a positive weight " : "")at level \(quoted: levels[e - 1])")
            }
            values.append(withinLevels ? totals[e] / weightAt[e] : weightAt[e] / W)
        }
        guard !source.census else { return (values, Covariance(size: k, values: [Double](repeating: 0, count: k * k)), nil, withoutLevel, false) }
        let estimator = self
        if let replicated = try source.design.replicateCovariance(estimates: values, { replicate in
            try estimator.shares(RepresentationSource(table: source.table, design: replicate, census: false), request,
                                 subset: subset, levels: levels, withinLevels: withinLevels, replicate: true).values
        }) {
            let flat = !replicate && source.design.measuresNothing(standardError: replicated.covariance[0, 0].squareRoot(), estimate: values[0], rows: rows)
            let note = [replicated.note, flat ? SurveyDesign.zeroDegreesOfFreedomNote : nil].compactMap { $0 }
            return (values, replicated.covariance, note.isEmpty ? nil : note.joined(separator: "; "), withoutLevel, flat)
        }
        var influence = [Double](repeating: 0, count: rows.count * k)
        for (i, r) in rows.enumerated() {
            let wi = w[Int(r)]
            influence[i * k] = wi * (isFocal[i] - values[0]) / W
            for e in 1..<k {
                let at = level[i] + 1 == e ? 1.0 : 0.0
                influence[i * k + e] = withinLevels ? wi * at * (isFocal[i] - values[e]) / weightAt[e] : wi * (at - values[e]) / W
            }
        }
        let covariance = try VarianceEngine(design: source.design).covariance(Influence(rows: rows, width: k, values: influence))
        // Rows in one PSU give the group's share a standard error of 0 that measures nothing.
        let flat = source.design.measuresNothing(standardError: covariance[0, 0].squareRoot(), estimate: values[0], rows: rows)
        return (values, covariance, flat ? SurveyDesign.zeroDegreesOfFreedomNote : nil, withoutLevel, flat)
    }
}
