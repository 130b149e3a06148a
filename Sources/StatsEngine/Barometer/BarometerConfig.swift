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
    }

    public static func load(path: String) throws -> BarometerConfig {
        let url = URL(fileURLWithPath: path)
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DisparityError.data(file: path, "cannot read the barometer configuration")
        }
        let node: Node
        do {
            guard let parsed = try Yams.compose(yaml: text) else { throw DisparityError.data(file: path, "the configuration is empty") }
            node = parsed
        } catch let error as DisparityError { throw error } catch {
            throw DisparityError.data(file: path, "not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        let root = ConfigNode(node: node, path: path, place: "")
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
        return Goal(
            id: id, label: try required("label"), data: try required("data"), design: try designSpec(at["design"], at),
            statistic: statistic, variable: try required("variable"), q: try at["q"].map { try $0.number() } ?? 0.5,
            denominator: at["denominator"]?.scalar, category: at["category"]?.scalar,
            subset: try at["subset"]?.scalar.map(RowFilter.init(parsing:)),
            group: group, focal: at["focal"]?.scalar, reference: at["reference"]?.scalar, period: period,
            scale: at["scale"]?.scalar == "pp" ? 100 : 1, target: try at["target"]?.scalar.map(Target.init(parsing:)),
            higherIsBetter: direction.map { $0 == "higher" })
    }

    private static func designSpec(_ node: ConfigNode?, _ goal: ConfigNode) throws -> DesignSpec {
        guard let node else { return DesignSpec() }
        func list(_ key: String) -> [String] {
            node[key]?.scalar.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        }
        let rule = node["lonely-psu"]?.scalar ?? "fail"
        guard let lonely = LonelyPSU(rawValue: rule) else { throw goal.error("design: lonely-psu '\(rule)' is not a rule") }
        return DesignSpec(weights: node["weights"]?.scalar, strata: node["strata"]?.scalar, clusters: list("cluster"),
                          fpc: list("fpc"), nest: node["nest"]?.scalar == "true", lonelyPSU: lonely,
                          adjustDomainLonely: node["adjust-domain-lonely"]?.scalar == "true")
    }
}

/// A YAML node with the place it stands, for errors that name the goal and key.
struct ConfigNode {
    let node: Node
    let path: String
    let place: String

    subscript(key: String) -> ConfigNode? {
        guard let mapping = node.mapping, let value = mapping[key] else { return nil }
        return ConfigNode(node: value, path: path, place: place.isEmpty ? key : "\(place), \(key)")
    }

    var scalar: String? { node.scalar?.string }
    var sequence: [ConfigNode]? { node.sequence.map { $0.map { ConfigNode(node: $0, path: path, place: place) } } }

    func named(_ name: String) -> ConfigNode { ConfigNode(node: node, path: path, place: name) }

    func number() throws -> Double {
        guard let text = scalar, let v = Double(text) else { throw error("expected a number") }
        return v
    }

    func error(_ message: String) -> DisparityError {
        DisparityError.data(file: path, line: node.mark.map { $0.line }, "\(place): \(message)")
    }
}
