import ArgumentParser

/// The options of `disparity table`, declared once for the command line and run specs (keys
/// `row` and `col` for the two arguments).
public struct TableOptions: ParsableArguments {
    /// The row variable (first positional argument).
    @Argument(help: "The row variable (categorical).")
    public var row: String

    /// The column variable (second positional argument).
    @Argument(help: "The column variable (categorical).")
    public var col: String

    /// `--test`: R's svychisq statistic, any case.
    @Option(help: "Test of independence (R's svychisq): F (Rao-Scott second order, the default), Chisq (first order), Wald or adjWald; any case.")
    public var test: IndependenceTest = .f

    /// `--by`: domain columns, comma-separated.
    @Option(help: ArgumentHelp("Domains: COL[,COL] (a table and a test per domain; each keeps the whole design).", valueName: "col,..."))
    public var by: String?

    /// `--subset`: a row filter, parsed by `RowFilter(parsing:)`.
    @Option(help: RowFilter.help)
    public var subset: String?

    /// `--level`: the confidence level, a share strictly between 0 and 1.
    @Option(parsing: .unconditional, help: "Confidence level.")
    public var level: Double = 0.95

    /// `--df`: `auto` (the normal), `normal`, `design` or a number, parsed by `DegreesOfFreedom(parsing:)`.
    @Option(parsing: .unconditional, help: "Cell intervals: auto or normal (the normal, as R's confint(svymean)), design (t with the domain's design df), or a number.")
    public var df: String = "auto"

    /// `--min-cell`: the fewest unweighted observations a cell may rest on (1 withholds nothing).
    @Option(name: .customLong("min-cell"), parsing: .unconditional, help: "Disclosure control: withhold cells with fewer unweighted observations, the cells that would reveal them, and then the domain's test (1, the default, withholds nothing).")
    public var minCell: Int = 1

    /// Keys that hold the positional arguments in run specs, in order.
    public static let positionalKeys = ["row", "col"]

    /// Options with their defaults, for ArgumentParser and run specs.
    public init() {}

    /// The validated request.
    public func request() throws -> CrossTableRequest {
        var request = CrossTableRequest(row: row, column: col)
        request.by = DesignOptions.list(by)
        request.subset = try subset.map(RowFilter.init(parsing:))
        request.test = test
        request.level = level
        request.degreesOfFreedom = try DegreesOfFreedom(parsing: df)
        request.disclosure = try DisclosureControl(checked: minCell)
        try request.validate()
        return request
    }
}
