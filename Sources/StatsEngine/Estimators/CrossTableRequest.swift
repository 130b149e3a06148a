/// The test of independence of a cross-table, by R's `svychisq` statistic names.
public enum IndependenceTest: String, Sendable, CaseIterable {
    /// Rao and Scott's second-order correction: Pearson's X² over the trace of the generalized
    /// design-effect matrix Δ, referred to F(d, d·ν) with d = tr(Δ)² / tr(Δ²) (R's default).
    case f = "F"
    /// Rao and Scott's first-order correction: X² divided by the mean eigenvalue of Δ, referred
    /// to χ² with (r−1)(c−1) df; the statistic reported is X² itself, as R prints it.
    case chisq = "Chisq"
    /// The design-based Wald test of the interaction contrasts, over its df, referred to F(q, ν).
    case wald = "Wald"
    /// The adjusted Wald test: the Wald statistic × (ν − q + 1)/(q ν), referred to F(q, ν − q + 1).
    case adjWald = "adjWald"

    /// Whether the test is on the interaction contrasts (Wald, adjusted Wald) rather than the
    /// cells' shares (Rao-Scott).
    var isWald: Bool { self == .wald || self == .adjWald }

    /// R's name, matched regardless of case (`f`, `CHISQ`, `adjwald`).
    public init?(name: String) {
        guard let test = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else { return nil }
        self = test
    }
}

/// One `disparity table ROW COL` analysis.
public struct CrossTableRequest: Sendable {
    /// The row variable.
    public var row: String
    /// The column variable.
    public var column: String
    /// Domain columns (`--by`): one table and one test per combination of their levels.
    public var by: [String] = []
    /// Only these rows (`--subset`): the design kept whole, as R's `subset(design, ...)`.
    public var subset: RowFilter?
    /// The test of independence (`--test`).
    public var test: IndependenceTest = .f
    /// The confidence level of the intervals, a share strictly between 0 and 1.
    public var level: Double = 0.95
    /// The distribution of the cells' intervals (`--df`): by default the normal, as
    /// `confint(svymean(...))`; `design` takes t with the design df of the domain's rows that
    /// have both variables.
    public var degreesOfFreedom: DegreesOfFreedom = .automatic
    /// Which cells are withheld for resting on too few observations (`--min-cell`); a domain
    /// with withheld cells has no test.
    public var disclosure: DisclosureControl = .none

    /// A request for the table of `row` by `column` with the default options.
    public init(row: String, column: String) {
        self.row = row
        self.column = column
    }

    /// Rejects impossible options before any data is touched.
    public func validate() throws {
        try ProbabilityOptions.validate(level: level, degreesOfFreedom: degreesOfFreedom)
        if row == column { throw DisparityError.usage("table needs two different variables (got \(quoted: row) twice)") }
    }
}

/// One cell of a cross-table: its share of the population and its shares within its row and
/// its column, each with a design-based SE and a Wald interval (normal by default, as
/// `confint(svymean(...))`; t with `--df`).
public struct CrossTableCell: Sendable {
    /// `--by` column → level, then the row and column variables → the cell's levels.
    public var group: [(column: String, level: String)]
    /// The share of the whole (domain) population: `svymean(~interaction(ROW, COL))`.
    public var cell: Inferred
    /// The share within the cell's row level: `svyby(~COL, ~ROW, svymean)`.
    public var rowShare: Inferred
    /// The share within the cell's column level: `svyby(~ROW, ~COL, svymean)`.
    public var columnShare: Inferred
    /// Unweighted rows in the cell.
    public var n: Int
    /// Why figures are missing, if they are: disclosure control, replicates left out, or no
    /// rows with a positive weight in the domain, the cell's row or its column.
    public var note: String?
}

/// The result of a test of independence (R's `svychisq`).
public struct IndependenceTestResult: Sendable {
    /// The test performed.
    public var method: IndependenceTest
    /// The statistic as R prints it: F for F, Wald and adjWald; Pearson's X² for Chisq.
    public var statistic: Double
    /// Numerator df (the χ² df for Chisq).
    public var ndf: Double
    /// Denominator df; nil for Chisq.
    public var ddf: Double?
    /// The p-value.
    public var pValue: Double
}

/// The cross-table of one domain: its cells (row levels fastest within each column level, as
/// R's `interaction`) and its test.
public struct CrossTable: Sendable {
    /// `--by` column → level; empty without `--by`.
    public var domain: [(column: String, level: String)]
    /// The cells, every combination of the levels present.
    public var cells: [CrossTableCell]
    /// The test of independence; nil where it is undefined (a single level, no design df).
    public var test: IndependenceTestResult?
    /// Why the test is missing, if it is.
    public var testNote: String?
}
