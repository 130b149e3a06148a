import Foundation

/// The monitoring configuration `disparity barometer` reads (datasets/barometer.yaml): the
/// policy's goals, each judged by one kind of verdict and measured by one or more measures on a
/// data set with its design, followed over the periods of a schedule from a baseline.
///
/// A measure's analysis keys are those of `disparity gap` (a measure without `group` is a level),
/// or of `disparity representation` for `measure: representation`, decoded through the same
/// option declarations as the command line; every other key is the measure's or the goal's own,
/// and an unknown key is an error that suggests the nearest valid one.
public struct BarometerConfig: Sendable {
    /// The barometer's title, printed at the head of the report.
    public var title: String
    /// The confidence level of every interval (0.95 by default).
    public var level: Double
    /// The periods the barometer follows, in order, and its baseline.
    public var schedule: PeriodSchedule
    /// The goals, in configuration order.
    public var goals: [Goal]
    /// The folder data paths are relative to.
    public var folder: URL
    /// The configuration file, for checksums and messages.
    public var path: String

    /// What kind of verdict a goal takes.
    public enum GoalKind: String, Sendable, CaseIterable {
        /// A rise (or fall) since the baseline: judged on the change's interval against zero.
        case direction
        /// A level to reach (`<= 5.8`): judged on the current interval against the target.
        case target
        /// An equivalence band (`within 0.9..1.1`): met where the whole interval lies inside.
        case band
    }

    /// Which way is better.
    public enum Direction: String, Sendable, CaseIterable {
        /// Higher figures are better (a rise is an improvement), or lower ones are.
        case higher, lower
    }

    /// One policy goal.
    public struct Goal: Sendable {
        /// The goal's id, unique in the configuration; measure ids default to it plus a letter.
        public var id: String
        /// The policy's own words.
        public var label: String
        /// How the goal is judged.
        public var kind: GoalKind
        /// Which way is better; required for, and used only by, a `direction` goal.
        public var direction: Direction?
        /// The target of a `target` or `band` goal, in its measures' reported unit.
        public var target: Target?
        /// The measures: the ones judged, and `context` ones reported beside them.
        public var measures: [BarometerMeasure]
    }

    /// The goal's own keys.
    static let goalKeys: Set<String> = Set(["id", "label", "kind", "direction", "target", "data", "design", "measures"])
        .union(BarometerMeasure.dataOptionKeys)

    /// Reads and checks the configuration; errors name the file, line, goal, measure and key.
    /// - Throws: `DisparityError.usage` for an unknown key or impossible value, `.data` for an
    ///   unreadable file.
    public static func load(path: String) throws -> BarometerConfig {
        let root = try ConfigNode.load(path: path)
        try root.requireMapping(like: "(title:, level:, periods:, goals:)")
        try root.rejectUnknownKeys(["title", "level", "periods", "goals"])
        let level = try root["level"].map { node in
            let text = try node.text()
            return try node.placing {
                guard let v = Double(text), v > 0, v < 1 else {
                    throw DisparityError.usage("\(quoted: text) is not a confidence level strictly between 0 and 1")
                }
                // The command line's check of --level: a level whose intervals have a critical value.
                if let problem = ProbabilityOptions.problem(level: v) { throw DisparityError.usage(problem) }
                return v
            }
        } ?? 0.95
        guard let periods = try root.mapping("periods", like: "{column: period, baseline: \"2010\", order: [...]}") else {
            throw root.usageError("'periods' is missing: {column: period, baseline: \"2010\", order: [\"2010\", ...]}")
        }
        try periods.rejectUnknownKeys(["column", "baseline", "order"])
        let column = try periods.text("column", takes: "one column") ?? "period"
        let order = try periods.texts("order", of: "the periods") ?? []
        let baseline = try periods.text("baseline", takes: "one period") ?? ""
        let schedule = try periods.placing { try PeriodSchedule(column: column, order: order, baseline: baseline) }
        guard let goalNodes = try root.list("goals", of: "goals, one '- {id: ..., label: ..., measures: [...]}' entry each"), !goalNodes.isEmpty else {
            throw DisparityError(.usage, "\(path): the configuration lists no goals (a 'goals:' sequence)")
        }
        var ids = Set<String>()
        let goals = try goalNodes.enumerated().map { index, node -> Goal in
            let goal = try Self.goal(node, index: index, level: level)
            guard ids.insert(goal.id).inserted else { throw node.usageError("goal id \(quoted: goal.id) is used twice", placed: false) }
            return goal
        }
        var measureLines: [String: Int?] = [:]
        for measure in goals.flatMap(\.measures) {
            guard let first = measureLines[measure.id] else { measureLines[measure.id] = measure.line; continue }
            throw DisparityError.usage("\(path)\(measure.line.map { ":\($0)" } ?? ""): measure id \(quoted: measure.id) is used twice\(first.map { " (first at line \($0))" } ?? "")")
        }
        return BarometerConfig(title: try root.text("title") ?? "Barometer", level: level, schedule: schedule, goals: goals,
                               folder: URL(fileURLWithPath: path).deletingLastPathComponent(), path: path).resolvingTotals()
    }

    private static func goal(_ node: ConfigNode, index: Int, level: Double) throws -> Goal {
        try node.requireMapping(named: "goal \(index + 1) of 'goals'", like: "{id: ..., label: ..., kind: ..., measures: [...]}")
        let id = try node.named("goal \(index + 1)").text("id") ?? "\(index + 1)"
        let at = node.named("goal \(id)")
        try at.rejectUnknownKeys(goalKeys)
        guard let label = try at.text("label"), !label.isEmpty else { throw at.usageError("'label' is missing") }
        let kindText = try at.text("kind") ?? "direction"
        guard let kind = GoalKind(rawValue: kindText) else {
            throw at.usageError("kind \(quoted: kindText) is not one of \(GoalKind.allCases.map(\.rawValue).joined(separator: ", "))\(NearestName.hint(for: kindText, among: GoalKind.allCases.map(\.rawValue)))")
        }
        let direction = try at.text("direction").map { text -> Direction in
            guard let d = Direction(rawValue: text) else { throw at.usageError("direction must be 'higher' or 'lower' (got \(quoted: text))") }
            return d
        }
        let target = try at.text("target").map { text in try at.placing { try Target(parsing: text) } }
        switch kind {
        case .direction where direction == nil:
            throw at.usageError("a goal of kind direction needs 'direction: higher' or 'lower'")
        case .direction where target != nil:
            // A direction goal is judged on its change; a target there would never be applied.
            throw at.usageError("a goal of kind direction is judged on its change since the baseline: its 'target' would not be used (use kind: target or band)")
        case .target where direction != nil, .band where direction != nil:
            // A target or band goal is judged against its target; a direction there would never be applied.
            throw at.usageError("a goal of kind \(kind.rawValue) is judged against its target: its 'direction' would not be used (the target says which way is better; use kind: direction to judge the change)")
        case .target where target == nil || target?.comparison == .within:
            throw at.usageError("a goal of kind target needs 'target' such as \"<= 5.8\" (a band is kind: band)")
        case .band where target?.comparison != .within:
            throw at.usageError("a goal of kind band needs 'target' such as \"within 0.9..1.1\"")
        default: break
        }
        guard let measureNodes = try at.list("measures", of: "measures, one '- {label: ..., unit: ..., ...}' entry each"), !measureNodes.isEmpty else {
            throw at.usageError("'measures' lists no measures")
        }
        let data = try at.text("data", takes: "one data file")
        let inherited = BarometerMeasure.Inherited(data: data, design: try at["design"]?.designSpec(),
                                                   reading: try BarometerMeasure.readOptions(at, data: data ?? "-"), goal: at)
        let measures = try measureNodes.enumerated().map { i, m in
            try BarometerMeasure(m, goal: id, index: i, inherited: inherited, level: level)
        }
        // A goal's design that only representations of census data inherit describes sampling none applies.
        let inheriting = zip(measureNodes, measures).filter { $0.0["design"] == nil }.map(\.1.kind)
        let censuses = inheriting.compactMap { kind -> Bool? in
            guard case .representation(let r) = kind, r.populationCensus else { return nil }
            return r.benchmarkCensus
        }
        if let design = inherited.design, let node = at["design"], censuses.count == inheriting.count {
            for benchmarkCensus in censuses { try node.placing { try design.refuseSamplingBesideCensus(benchmarkCensus: benchmarkCensus) } }
        }
        guard measures.contains(where: { !$0.context }) else {
            throw at.usageError("every measure is context: at least one must be judged")
        }
        return Goal(id: id, label: label, kind: kind, direction: direction, target: target, measures: measures)
    }
}

extension ConfigNode {
    /// Fails on a key of this mapping outside `allowed`, suggesting the nearest allowed one.
    func rejectUnknownKeys(_ allowed: Set<String>) throws {
        for key in keys where !allowed.contains(key) {
            throw self[key]!.usageError("unknown key \(quoted: key) in \(place.isEmpty ? "the file" : place)\(Self.unknownKeyHint(key, among: allowed.sorted()))",
                                        placed: false)
        }
    }
}

extension BarometerConfig {
    /// Every data file the measures read, benchmarks included, as the configuration names
    /// them, in the order of first use.
    public var dataFileNames: [String] {
        var seen = Set<String>()
        return goals.flatMap(\.measures).flatMap { measure -> [String] in
            if case .representation(let r) = measure.kind { return [measure.data, r.benchmarkData] }
            return [measure.data]
        }.filter { seen.insert($0).inserted }
    }

    /// The path of a data file as named in the configuration: absolute, or relative to its folder.
    public func path(of file: String) -> String {
        file.hasPrefix("/") ? file : folder.appendingPathComponent(file).path
    }

    /// The SHA-256 of the configuration file and of every data file (by the name the
    /// configuration gives it), as read now.
    /// - Throws: `DisparityError.data` naming a file that cannot be read.
    public func checksums() throws -> (config: String, data: [String: String]) {
        func digest(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else { throw DisparityError.data(file: path, "cannot read the file") }
            return SHA256.hex(Array(data))
        }
        var files: [String: String] = [:]
        for name in dataFileNames { files[name] = try digest(path(of: name)) }
        return (try digest(path), files)
    }

    /// Every data file the measures read (their data and benchmarks), as paths from the working folder.
    public var dataFiles: [String] { dataFileNames.sorted().map(path(of:)) }

    /// The configuration with every measure's designs (and benchmarks') using `method`;
    /// unchanged when nil.
    public func withVarianceMethod(_ method: VarianceMethod?) -> BarometerConfig {
        guard let method else { return self }
        var copy = self
        for g in copy.goals.indices {
            for m in copy.goals[g].measures.indices {
                copy.goals[g].measures[m].design.varianceMethod = method
                if case .representation(var r) = copy.goals[g].measures[m].kind {
                    r.benchmarkDesign.varianceMethod = method
                    copy.goals[g].measures[m].kind = .representation(r)
                }
            }
        }
        return copy
    }
}
