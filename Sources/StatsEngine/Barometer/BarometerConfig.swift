import Foundation
import Yams

/// The monitoring configuration `disparity barometer` reads: a YAML file listing the policy's
/// goals, each a measure on a data set with its design, and how to judge it (datasets/barometer.yaml).
public struct BarometerConfig: Sendable {
    public var title: String
    public var level: Double
    public var goals: [Goal]
    /// The folder data paths are relative to.
    public var folder: URL

    /// One goal: what to estimate, on which rows, compared with what, judged how.
    public struct Goal: Sendable {
        public var id: String
        public var label: String
        public var data: String
        public var design: DesignSpec
        public var statistic: GapStatistic
        public var variable: String
        public var q: Double
        public var denominator: String?
        public var category: String?
        public var subset: RowFilter?
        /// A gap between two groups (focal minus reference) rather than a level.
        public var group: String?
        public var focal: String?
        public var reference: String?
        public var period: Period?
        public var scale: Double
        public var target: Target?
        /// Which way is better: judges the change since the baseline where no target is given.
        public var higherIsBetter: Bool?
        /// For a representation goal (`measure: representation`): the benchmark and the component
        /// reported; `variable` and `focal` then name the group, `subset` the staff compared.
        public var representation: RepresentationGoal?
    }

    /// A representation goal's benchmark (the labour force) and what it reports.
    public struct RepresentationGoal: Sendable {
        public var benchmarkData: String
        public var benchmarkDesign: DesignSpec
        public var benchmarkSubset: RowFilter?
        public var benchmarkCensus: Bool
        public var staffCensus: Bool
        public var standardise: String?
        /// index, difference, standardised index or standardised difference.
        public var component: String
    }

    public static func load(path: String) throws -> BarometerConfig {
        let url = URL(fileURLWithPath: path)
        let root = try ConfigNode.load(path: path)
        guard let goalNodes = root["goals"]?.sequence, !goalNodes.isEmpty else {
            throw DisparityError.data(file: path, "the configuration lists no goals (a 'goals:' sequence)")
        }
        return BarometerConfig(
            title: root["title"]?.scalar ?? "Barometer",
            level: try root["level"].map { try $0.number() } ?? 0.95,
            goals: try goalNodes.enumerated().map { try goal($1, index: $0) },
            folder: url.deletingLastPathComponent())
    }

    private static func goal(_ node: ConfigNode, index: Int) throws -> Goal {
        let id = node["id"]?.scalar ?? "\(index + 1)"
        let at = node.named("goal \(id)")
        func required(_ key: String) throws -> String {
            guard let value = at[key]?.scalar, !value.isEmpty else { throw at.error("'\(key)' is missing") }
            return value
        }
        let statText = at["stat"]?.scalar ?? "mean"
        guard let statistic = GapStatistic(rawValue: statText) else {
            throw at.error("stat '\(statText)' is not one of \(GapStatistic.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var period: Period?
        if let column = at["period"]?.scalar {
            period = Period(column: column, baseline: try required("baseline"), current: try required("current"))
        }
        let group = at["group"]?.scalar
        if group != nil, at["reference"]?.scalar == nil { throw at.error("'group' needs 'reference' (and 'focal')") }
        let direction = at["direction"]?.scalar
        guard direction == nil || direction == "higher" || direction == "lower" else {
            throw at.error("direction must be 'higher' or 'lower' (got '\(direction!)')")
        }
        var representation: RepresentationGoal?
        if at["measure"]?.scalar == "representation" {
            guard let benchmark = at["benchmark"], let data = benchmark["data"]?.scalar else {
                throw at.error("a representation goal needs 'benchmark' with its 'data'")
            }
            let standardise = at["standardise"]?.scalar
            let component = at["report"]?.scalar ?? (standardise == nil ? "index" : "standardised index")
            guard ["index", "difference", "standardised index", "standardised difference"].contains(component),
                  standardise != nil || !component.hasPrefix("standardised") else {
                throw at.error("report '\(component)' is not index, difference, or (with standardise) standardised index or difference")
            }
            guard at["focal"]?.scalar != nil else { throw at.error("a representation goal needs 'focal'") }
            representation = RepresentationGoal(
                benchmarkData: data, benchmarkDesign: try benchmark["design"]?.designSpec() ?? DesignSpec(),
                benchmarkSubset: try benchmark["subset"]?.scalar.map(RowFilter.init(parsing:)),
                benchmarkCensus: benchmark["census"]?.scalar == "true", staffCensus: at["census"]?.scalar == "true",
                standardise: standardise, component: component)
        } else if let measure = at["measure"]?.scalar, measure != "estimate" {
            throw at.error("measure '\(measure)' is not estimate or representation")
        }
        return Goal(
            id: id, label: try required("label"), data: try required("data"), design: try at["design"]?.designSpec() ?? DesignSpec(),
            statistic: statistic, variable: try required("variable"), q: try at["q"].map { try $0.number() } ?? 0.5,
            denominator: at["denominator"]?.scalar, category: at["category"]?.scalar,
            subset: try at["subset"]?.scalar.map(RowFilter.init(parsing:)),
            group: group, focal: at["focal"]?.scalar, reference: at["reference"]?.scalar, period: period,
            scale: at["scale"]?.scalar == "pp" ? 100 : 1, target: try at["target"]?.scalar.map(Target.init(parsing:)),
            higherIsBetter: direction.map { $0 == "higher" }, representation: representation)
    }

}
