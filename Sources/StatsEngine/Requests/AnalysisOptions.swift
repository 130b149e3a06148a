import ArgumentParser

/// The options of an analysis on one data set and its design — `estimate`, `regress`, `gap`,
/// `table` — as the command line and run specs both use them: they make the checked request
/// before any data is read, and then the report from the data and design. The request names the
/// columns it reads (`ColumnUsing`), and only those (and the design's) are read.
public protocol AnalysisOptions: ParsableArguments {
    associatedtype Request: Sendable & ColumnUsing & RelativeWork
    /// The keys that hold the positional arguments in run specs, in order.
    static var positionalKeys: [String] { get }
    /// The request, checked: impossible options are usage errors (`DisparityError.usage`).
    func checkedRequest() throws -> Request
    /// The analysis of `request` on `table` with `design`, as a report every format is made from.
    /// - Throws: `DisparityError` naming the column, level, term or stratum at fault.
    static func report(_ request: Request, table: Table, design: SurveyDesign) throws -> Report
    /// Checks `request` against the design it will run under, before any data is read (a run
    /// spec's analyses, so that a setting the design would leave unused stops the spec).
    /// - Throws: `DisparityError.usage`.
    static func validate(_ request: Request, under design: DesignSpec) throws
}

extension AnalysisOptions {
    /// Most analyses take any design.
    public static func validate(_ request: Request, under design: DesignSpec) throws {}
}

extension EstimateOptions: AnalysisOptions {
    public func checkedRequest() throws -> EstimateRequest { try request() }

    public static func report(_ request: EstimateRequest, table: Table, design: SurveyDesign) throws -> Report {
        .estimates(try DescriptiveEstimator(table: table, design: design).estimate(request), request: request, design: design)
    }
}

extension TableOptions: AnalysisOptions {
    public func checkedRequest() throws -> CrossTableRequest { try request() }

    public static func report(_ request: CrossTableRequest, table: Table, design: SurveyDesign) throws -> Report {
        .crossTables(try CrossTableEstimator(table: table, design: design).estimate(request), request: request, design: design)
    }
}

extension RegressOptions: AnalysisOptions {
    public func checkedRequest() throws -> RegressionRequest { try request() }

    public static func report(_ request: RegressionRequest, table: Table, design: SurveyDesign) throws -> Report {
        .regression(try RegressionEstimator(table: table, design: design).fit(request), design: design)
    }

    public static func validate(_ request: RegressionRequest, under design: DesignSpec) throws { try request.validate(under: design) }
}

extension GapOptions: AnalysisOptions {
    public func checkedRequest() throws -> GapRequest { try request(requiringGroup: true) }

    public static func report(_ request: GapRequest, table: Table, design: SurveyDesign) throws -> Report {
        .gaps(try GapEstimator(table: table, design: design).estimate(request), request: request, design: design)
    }
}
