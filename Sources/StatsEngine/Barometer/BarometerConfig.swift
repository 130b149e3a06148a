import Foundation
import Yams

/// The monitoring configuration `disparity barometer` reads: a YAML file listing the policy's
/// goals, each a measure on a data set with its design, and how to judge it (datasets/barometer.yaml).
/// A goal's analysis keys are those of `disparity gap` (or, for `measure: representation`, of
/// `disparity representation`), decoded through the same option declarations; every other key
/// is one of the goal's own, and an unknown key is an error that suggests the nearest valid one.
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
        /// How the goal's CSV files are read: the data options (`DataOptions`) among its keys.
        public var csv: CSVOptions
        public var design: DesignSpec
        /// The analysis: a gap between groups, or a level where `group` is empty.
        public var request: GapRequest
        /// Which way is better: judges the change since the baseline where no target is given.
        public var higherIsBetter: Bool?
        /// For a representation goal (`measure: representation`): the benchmark and the component
        /// reported; `variable` and `focal` then name the group, `subset` the staff compared.
        public var representation: RepresentationGoal?

        public var statistic: GapStatistic { request.statistic }
        public var variable: String { request.variable }
        public var subset: RowFilter? { request.subset }
        /// A gap between two groups (focal minus reference) rather than a level.
        public var group: String? { request.group.isEmpty ? nil : request.group }
        public var focal: String? { request.focal }
        public var reference: String? { request.reference.isEmpty ? nil : request.reference }
        public var period: Period? { request.period }
        public var scale: Double { request.scale }
        public var target: Target? { request.target }
    }

    /// A representation goal's benchmark (the labour force) and what it reports.
    public struct RepresentationGoal: Sendable {
        public var request: RepresentationRequest
        public var benchmarkData: String
        public var benchmarkDesign: DesignSpec
        public var benchmarkCensus: Bool
        public var staffCensus: Bool
        /// index, difference, standardised index or standardised difference.
        public var component: String
    }

    /// The goal's own keys (not options of gap or representation), the data options among them.
    static let goalKeys = Set(["id", "label", "design", "measure", "direction", "report", "benchmark"] + OptionCatalog(DataOptions.self).names)
    /// Gap options that have no meaning for a goal on a level (no `group`).
    static let gapOnlyKeys = ["focal", "reference", "adjust", "pooled", "threefold", "logit", "df"]

    /// Reads and checks the configuration; errors name the file, the goal and the key.
    public static func load(path: String) throws -> BarometerConfig {
        let url = URL(fileURLWithPath: path)
        let root = try ConfigNode.load(path: path)
        try root.rejectUnknownKeys(["title", "level", "goals"])
        guard let goalNodes = root["goals"]?.sequence, !goalNodes.isEmpty else {
            throw DisparityError.data(file: path, "the configuration lists no goals (a 'goals:' sequence)")
        }
        let level = try root["level"].map { node in
            try node.placing {
                guard let text = node.scalar, let v = Double(text), v > 0, v < 1 else {
                    throw DisparityError.usage("'\(node.scalar ?? "")' is not a confidence level strictly between 0 and 1")
                }
                return v
            }
        } ?? 0.95
        return BarometerConfig(
            title: root["title"]?.scalar ?? "Barometer", level: level,
            goals: try goalNodes.enumerated().map { try goal($1, index: $0, level: level) },
            folder: url.deletingLastPathComponent())
    }

    private static func goal(_ node: ConfigNode, index: Int, level: Double) throws -> Goal {
        let id = node["id"]?.scalar ?? "\(index + 1)"
        let at = node.named("goal \(id)")
        func required(_ key: String) throws -> String {
            guard let value = at[key]?.scalar, !value.isEmpty else { throw at.error("'\(key)' is missing") }
            return value
        }
        let direction = at["direction"]?.scalar
        guard direction == nil || direction == "higher" || direction == "lower" else {
            throw at.usageError("direction must be 'higher' or 'lower' (got '\(direction!)')")
        }
        let design = try at["design"]?.designSpec() ?? DesignSpec()
        let dataOptions = try SpecArguments<DataOptions>(ownKeys: Set(at.keys).subtracting(OptionCatalog(DataOptions.self).names)).decode(at)
        let csv = try at.placing { try dataOptions.csvOptions() }
        let levelArgument = "--level=\(level)"
        switch at["measure"]?.scalar {
        case "representation"?:
            let representation = try representationGoal(at, level: levelArgument, lonelyPSU: design.lonelyPSU)
            let label = try required("label"), data = try required("data")
            var request = GapRequest(variable: representation.request.column, group: "", reference: "",
                                     focal: representation.request.focal, level: representation.request.level,
                                     target: try at["target"]?.scalar.map { text in try at.placing { try Target(parsing: text) } })
            request.subset = representation.request.subset
            return Goal(id: id, label: label, data: data, csv: csv, design: design, request: request,
                        higherIsBetter: direction.map { $0 == "higher" }, representation: representation)
        case nil, "estimate"?:
            if at["group"] != nil, at["reference"] == nil { throw at.usageError("'group' needs 'reference' (and 'focal')") }
            if at["group"] == nil, let key = gapOnlyKeys.first(where: { at[$0] != nil }) {
                throw at.usageError("'\(key)' needs 'group': a goal without one estimates a level")
            }
            let options = try SpecArguments<GapOptions>(positionalKeys: GapOptions.positionalKeys, ownKeys: goalKeys)
                .decode(at, adding: [levelArgument])
            let request = try at.placing { try options.request(requiringGroup: false) }
            let label = try required("label"), data = try required("data")
            return Goal(id: id, label: label, data: data, csv: csv, design: design, request: request,
                        higherIsBetter: direction.map { $0 == "higher" }, representation: nil)
        case let measure?:
            throw at.usageError("measure '\(measure)' is not estimate or representation\(NearestName.hint(for: measure, among: ["estimate", "representation"]))")
        }
    }

    /// A representation goal: `disparity representation`'s options, the benchmark given as a
    /// block `benchmark: {data, design, subset, census}`.
    private static func representationGoal(_ at: ConfigNode, level: String, lonelyPSU: LonelyPSU) throws -> RepresentationGoal {
        guard let benchmark = at["benchmark"], let data = benchmark["data"]?.scalar else {
            throw at.usageError("a representation goal needs 'benchmark' with its 'data'")
        }
        try benchmark.rejectUnknownKeys(["data", "design", "subset", "census"])
        var extra = [level, "--benchmark=\(data)"]
        if let subset = benchmark["subset"]?.scalar { extra.append("--benchmark-subset=\(subset)") }
        if benchmark["census"]?.scalar == "true" { extra.append("--benchmark-census") }
        guard at["focal"]?.scalar != nil else { throw at.usageError("a representation goal needs 'focal'") }
        let options = try SpecArguments<RepresentationOptions>(positionalKeys: RepresentationOptions.positionalKeys,
                                                               ownKeys: goalKeys.union(["target"]))
            .decode(at, adding: extra)
        let component = at["report"]?.scalar ?? (options.standardise == nil ? "index" : "standardised index")
        guard ["index", "difference", "standardised index", "standardised difference"].contains(component),
              options.standardise != nil || !component.hasPrefix("standardised") else {
            throw at.usageError("report '\(component)' is not index, difference, or (with standardise) standardised index or difference")
        }
        return RepresentationGoal(request: try at.placing { try options.request() }, benchmarkData: options.benchmark,
                                  benchmarkDesign: try benchmark["design"]?.designSpec() ?? options.benchmarkSpec(lonelyPSU: lonelyPSU),
                                  benchmarkCensus: options.benchmarkCensus, staffCensus: options.census, component: component)
    }
}

extension ConfigNode {
    /// Fails on a key of this mapping outside `allowed`, suggesting the nearest allowed one.
    func rejectUnknownKeys(_ allowed: Set<String>) throws {
        for key in keys where !allowed.contains(key) {
            throw self[key]!.usageError("unknown key '\(key)' in \(place.isEmpty ? "the file" : place)\(NearestName.hint(for: key, among: allowed.sorted()))",
                                        placed: false)
        }
    }
}

extension BarometerConfig {
    /// Every data file the goals read (their data and benchmarks), as paths from the working folder.
    public var dataFiles: [String] {
        goals.flatMap { [$0.data] + ($0.representation.map { [$0.benchmarkData] } ?? []) }.map { folder.appendingPathComponent($0).path }
    }

    /// The configuration with every goal's designs (and benchmarks') using `method`; unchanged
    /// when nil.
    public func withVarianceMethod(_ method: VarianceMethod?) -> BarometerConfig {
        guard let method else { return self }
        var copy = self
        for i in copy.goals.indices {
            copy.goals[i].design.varianceMethod = method
            copy.goals[i].representation?.benchmarkDesign.varianceMethod = method
        }
        return copy
    }
}
