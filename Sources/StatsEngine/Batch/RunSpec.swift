import Foundation

/// A batch of analyses (`disparity run SPEC --out DIR`): one data set and design, read once, and
/// a list of named analyses whose keys are the long names of the command line's options
/// (INTERFACE.md). YAML or JSON.
public struct RunSpec: Sendable {
    public struct Analysis: Sendable {
        public var name: String
        public var command: String
        /// Builds the analysis's report from the table and design.
        let run: @Sendable (Table, SurveyDesign) throws -> Report
    }

    public var data: String
    public var csv: CSVOptions
    public var design: DesignSpec
    public var analyses: [Analysis]
    /// The specification's own text, kept in the manifest.
    public var text: String
    public var path: String

    public static func load(path: String) throws -> RunSpec {
        let root = try ConfigNode.load(path: path)
        guard let dataPath = root["data"]?.scalar else { throw root.error("'data' (the CSV file) is missing") }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let data = dataPath == "-" || dataPath.hasPrefix("/") ? dataPath : folder.appendingPathComponent(dataPath).path
        let csv = CSVOptions(delimiter: try root["delimiter"]?.scalar.map(CSVOptions.delimiter(named:)),
                             decimalComma: try root["decimal"]?.scalar.map(CSVOptions.decimalComma(named:)))
        guard let entries = root["analyses"]?.sequence, !entries.isEmpty else { throw root.error("'analyses' lists no analysis") }
        var names = Set<String>()
        let analyses = try entries.enumerated().map { index, entry -> Analysis in
            let name = entry["name"]?.scalar ?? "analysis_\(index + 1)"
            let at = entry.named("analysis '\(name)'")
            guard name.range(of: "^[A-Za-z0-9_.-]+$", options: .regularExpression) != nil else {
                throw at.error("a name may hold letters, digits, '_', '-' and '.' only (it names the CSV file)")
            }
            guard names.insert(name).inserted else { throw at.error("the name is used twice") }
            return try AnalysisBuilder(node: at, name: name).analysis()
        }
        return RunSpec(data: data, csv: csv, design: try root["design"]?.designSpec() ?? DesignSpec(), analyses: analyses,
                       text: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "", path: path)
    }
}

/// Turns one analysis entry into a request for the matching estimator.
private struct AnalysisBuilder {
    let node: ConfigNode
    let name: String

    func string(_ key: String) -> String? { node[key]?.scalar }
    func required(_ key: String) throws -> String {
        guard let v = string(key), !v.isEmpty else { throw node.error("'\(key)' is missing") }
        return v
    }
    func number(_ key: String) throws -> Double? { try node[key].map { try $0.number() } }
    func flag(_ key: String) -> Bool { string(key) == "true" }

    /// The keys each command takes; any other is an error (a misspelt option must not be
    /// silently ignored).
    private static let keys: [String: Set<String>] = [
        "estimate": ["stat", "variable", "by", "q", "denominator", "df", "ci-method", "item-range", "item-weights"],
        "regress": ["formula", "family", "vcov", "test", "marginal-effects", "max-iterations", "allow-aliased"],
        "gap": ["variable", "group", "reference", "focal", "stat", "denominator", "q", "category", "scale", "df", "target", "adjust",
                "pooled", "threefold", "logit", "subset", "period", "baseline", "current"],
    ]

    func analysis() throws -> RunSpec.Analysis {
        let command = try required("command")
        if let allowed = Self.keys[command] {
            for key in node.keys where !allowed.contains(key) && !["name", "command", "level"].contains(key) {
                throw node.error("'\(key)' is not an option of \(command) (the design and the data are set once, at the top of the spec)")
            }
        }
        let level = try number("level") ?? 0.95
        switch command {
        case "estimate":
            let statText = try required("stat")
            guard let stat = Statistic(rawValue: statText) else { throw node.error("stat '\(statText)' is not a statistic") }
            var request = EstimateRequest(statistic: stat, variable: try required("variable"), by: node["by"]?.list ?? [],
                                          q: try number("q") ?? 0.5, denominator: string("denominator"), level: level,
                                          degreesOfFreedom: try DegreesOfFreedom(parsing: string("df") ?? "auto"),
                                          proportionInterval: try proportionInterval())
            if stat == .index, let range = node["item-range"]?.list.compactMap(Double.init), range.count == 2 {
                request.index = try CompositeIndex(items: request.variable.split(separator: ",").map(String.init),
                                                   weights: node["item-weights"]?.list.compactMap(Double.init), low: range[0], high: range[1])
            }
            try request.validate()
            let finished = request
            return RunSpec.Analysis(name: name, command: command) { table, design in
                .estimates(try DescriptiveEstimator(table: table, design: design).estimate(finished), request: finished, design: design)
            }
        case "regress":
            let familyText = string("family") ?? "gaussian", vcovText = string("vcov") ?? "design"
            guard let family = Family(rawValue: familyText) else { throw node.error("family '\(familyText)' is not gaussian, binomial or poisson") }
            guard let vcov = CovarianceType(rawValue: vcovText) else { throw node.error("vcov '\(vcovText)' is not a covariance type") }
            let request = RegressionRequest(formula: try required("formula"), family: family, covariance: vcov, level: level,
                                            tests: node["test"]?.list ?? [], marginalEffects: flag("marginal-effects"),
                                            maximumIterations: Int(try number("max-iterations") ?? 25), allowAliased: flag("allow-aliased"))
            _ = try ModelFormula(request.formula)
            let finished = request
            return RunSpec.Analysis(name: name, command: command) { table, design in
                .regression(try RegressionEstimator(table: table, design: design).fit(finished), design: design)
            }
        case "gap":
            let statText = string("stat") ?? "mean"
            guard let stat = GapStatistic(rawValue: statText) else { throw node.error("stat '\(statText)' is not a gap statistic") }
            var request = GapRequest(variable: try required("variable"), group: try required("group"), reference: try required("reference"),
                                     focal: string("focal"), statistic: stat, denominator: string("denominator"), q: try number("q") ?? 0.5,
                                     category: string("category"), scale: string("scale") == "pp" ? 100 : 1, level: level,
                                     degreesOfFreedom: try DegreesOfFreedom(parsing: string("df") ?? "normal"),
                                     target: try string("target").map(Target.init(parsing:)), adjust: string("adjust"),
                                     pooled: flag("pooled"), threefold: flag("threefold"))
            request.logit = flag("logit")
            request.subset = try string("subset").map(RowFilter.init(parsing:))
            if let period = string("period") {
                request.period = Period(column: period, baseline: try required("baseline"), current: try required("current"))
            }
            try request.validate()
            let finished = request
            return RunSpec.Analysis(name: name, command: command) { table, design in
                .gaps(try GapEstimator(table: table, design: design).estimate(finished), request: finished, design: design)
            }
        default:
            throw node.error("command '\(command)' is not estimate, regress or gap")
        }
    }

    private func proportionInterval() throws -> ProportionInterval {
        let text = string("ci-method") ?? "wald"
        guard let method = ProportionInterval(rawValue: text) else { throw node.error("ci-method '\(text)' is not wald, logit, korn-graubard or wilson") }
        return method
    }
}
