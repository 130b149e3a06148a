/// One measure of a barometer goal: what is estimated, on which data and design, in which unit,
/// and whether it is judged or reported as context.
public struct BarometerMeasure: Sendable {
    /// The measure's id, unique in the configuration (default: goal id plus a letter, `1a`).
    public var id: String
    /// The configuration's line the measure starts on (1-based), for errors; nil where unknown.
    var line: Int?
    /// The measure's label as the report prints it.
    public var label: String
    /// The unit the figures are reported in, which also fixes the official figure's rounding.
    public var unit: MeasureUnit
    /// Reported beside the judged measures, without a verdict.
    public var context: Bool
    /// The data file, relative to the configuration.
    public var data: String
    /// How the measure's data files (data and benchmark) are read: the data options
    /// (`DataOptions`: delimiter, decimal, encoding, na, codes) among its keys or its goal's.
    public var reading: ReadOptions
    /// The survey design of the data: the measure's own, else its goal's, else `DesignSpec()`.
    public var design: DesignSpec
    /// What the measure estimates.
    public var kind: Kind
    /// A column to break the measure down by (every level its own row).
    public var by: String?
    /// The measure's own disclosure threshold (`min-cell`), overriding the barometer's.
    public var minimumCell: Int?
    /// The fingerprint of what the figures depend on (`MeasureDefinition`): a history keeps it
    /// with each figure, so that a trend leaves out figures of another definition of the measure.
    public var definition: String = ""

    /// What the measure estimates.
    public enum Kind: Sendable {
        /// A statistic on the measure's rows (a `gap` request without a group).
        case level(GapRequest)
        /// Focal minus reference (`gap`'s difference).
        case gap(GapRequest)
        /// One part of an Oaxaca-Blinder (or Fairlie/Yun) decomposition of a gap: `component`
        /// is `explained`, `unexplained`, or with `threefold` endowments, coefficients, interaction.
        case decomposition(GapRequest, component: String)
        /// A group's representation in a population against a benchmark.
        case representation(Representation)
    }

    /// A representation measure: the request, the benchmark and the component reported.
    public struct Representation: Sendable {
        /// The representation analysis (population subset, focal group, standardisation).
        public var request: RepresentationRequest
        /// The benchmark data file, relative to the configuration.
        public var benchmarkData: String
        /// The benchmark's design.
        public var benchmarkDesign: DesignSpec
        /// The benchmark is a complete register (no sampling variance).
        public var benchmarkCensus: Bool
        /// The measure's data are a complete register (no sampling variance).
        public var populationCensus: Bool
        /// index, difference, standardised index or standardised difference.
        public var component: String
        /// The benchmark's encoding where it differs from the measure's (`benchmark-encoding`).
        public var benchmarkEncoding: TextEncoding? = nil
    }

    /// How the measure's data are read (its data options), or with `benchmark` a
    /// representation's benchmark: in its own `benchmark-encoding` where given, even when it is
    /// the data's file (then read once in each encoding).
    func reading(benchmark: Bool) -> ReadOptions {
        guard benchmark, case .representation(let r) = kind, let encoding = r.benchmarkEncoding else { return reading }
        var read = reading
        read.encoding = encoding
        read.csv.encoding = encoding
        return read
    }

    /// A goal's `data` and `design`, which its measures inherit unless they set their own.
    struct Inherited {
        var data: String?
        var design: DesignSpec?
        var reading: ReadOptions?
        /// The goal's mapping, whose `data`, `design` and data options the measure inherits.
        var goal: ConfigNode? = nil
    }

    /// The data options (`DataOptions`) a goal or measure may carry, `data` itself aside.
    static let dataOptionKeys = Set(OptionCatalog(DataOptions.self).names).subtracting(["data"])

    /// The measure's own keys (not options of gap or representation).
    static let ownKeys: Set<String> = Set(["id", "label", "unit", "context", "by", "report", "measure", "benchmark", "data", "design"])
        .union(dataOptionKeys)

    /// The data options among `node`'s keys, decoded through `DataOptions` as on the command
    /// line; nil when it has none.
    static func readOptions(_ node: ConfigNode, data: String) throws -> ReadOptions? {
        guard node.keys.contains(where: dataOptionKeys.contains) else { return nil }
        let options = try SpecArguments<DataOptions>(ownKeys: Set(node.keys).subtracting(dataOptionKeys))
            .decode(node, adding: ["--data=\(data)"])
        return try node.placing { try options.readOptions() }
    }

    /// Decodes one entry of a goal's `measures`.
    init(_ node: ConfigNode, goal: String, index: Int, inherited: Inherited, level: Double) throws {
        try node.requireMapping(named: "measure \(index + 1) of goal \(goal)'s 'measures'", like: "{label: ..., unit: ..., ...}")
        id = try node.named("goal \(goal), measure \(index + 1)").text("id") ?? "\(goal)\(String(UnicodeScalar(UInt8(97 + min(index, 25)))))"
        definition = MeasureDefinition.fingerprint(measure: node, goal: inherited.goal, level: level)
        line = node.line
        let at = node.named("goal \(goal), measure \(id)")
        guard let label = try at.text("label"), !label.isEmpty else { throw at.usageError("'label' is missing") }
        self.label = label
        let unitText = try at.text("unit") ?? ""
        guard let unit = MeasureUnit(rawValue: unitText) else {
            throw at.usageError("unit \(quoted: unitText) is not one of \(MeasureUnit.allCases.map(\.rawValue).joined(separator: ", "))\(NearestName.hint(for: unitText, among: MeasureUnit.allCases.map(\.rawValue)))")
        }
        self.unit = unit
        context = try Self.flag(at, "context")
        guard let data = try at.text("data", takes: "one data file") ?? inherited.data else { throw at.usageError("'data' is missing (on the measure or its goal)") }
        self.data = data
        reading = try Self.readOptions(at, data: data) ?? inherited.reading ?? ReadOptions()
        design = try at["design"]?.designSpec() ?? inherited.design ?? DesignSpec()
        by = try at.text("by", takes: "one column (a measure breaks down by one column; a breakdown by another is another measure)")
        let levelArgument = "--level=\(level)"
        // Every figure's interval is at the configuration's level (its sentences, report and
        // history say one): a measure's own would be overridden by it, silently.
        if at["level"] != nil {
            throw at.usageError("'level' belongs to the whole configuration (a top-level 'level: \(NumberFormat.label(level))'), not to a measure")
        }
        switch try at.text("measure") {
        case "representation"?:
            kind = .representation(try Self.representation(at, level: levelArgument, like: design))
            guard by == nil else { throw at.usageError("a representation measure has no breakdown ('by')") }
        case nil, "gap"?:
            if let key = ["period", "baseline", "current"].first(where: { at[$0] != nil }) {
                throw at.usageError("\(quoted: key) belongs to the configuration's 'periods', not to a measure")
            }
            // A measure's verdict is its goal's: a target of its own would not be applied.
            if at["target"] != nil { throw at.usageError("'target' belongs to the goal (kind target or band), not to a measure") }
            let options = try SpecArguments<GapOptions>(positionalKeys: GapOptions.positionalKeys, ownKeys: Self.ownKeys)
                .decode(at, adding: [levelArgument])
            var request = try at.placing { try options.request(requiringGroup: false) }
            // A measure is one figure: a gap between its focal group and the reference.
            if !request.group.isEmpty, request.focal == nil {
                throw at.usageError("a gap measure needs 'focal', the group compared with the reference \(quoted: request.reference) (a measure reports one gap; another focal group is another measure)")
            }
            if at["min-cell"] != nil { minimumCell = request.disclosure.minimumCell }
            // The barometer withholds figures itself, cell by cell across waves.
            request.disclosure = .none
            if let report = try at.text("report") {
                guard request.adjust != nil else { throw at.usageError("'report' picks a part of a decomposition: it needs 'adjust'") }
                let parts = ["explained", "unexplained"] + (request.threefold ? ["endowments", "coefficients", "interaction"] : [])
                guard parts.contains(report) else {
                    throw at.usageError("report \(quoted: report) is not one of \(parts.joined(separator: ", "))\(NearestName.hint(for: report, among: parts))")
                }
                kind = .decomposition(request, component: report)
            } else if request.adjust != nil {
                throw at.usageError("a measure with 'adjust' needs 'report: explained' or 'unexplained' (the part it reports)")
            } else {
                kind = request.group.isEmpty ? .level(request) : .gap(request)
            }
            let shares = [GapStatistic.proportion, .ratio].contains(request.statistic)
            if shares, unit == .percent || unit == .percentagePoints, request.scale != 100 {
                throw at.usageError("unit \(quoted: unit.rawValue) reports shares in percent: add 'scale: pp'")
            }
            if by != nil, !request.group.isEmpty { throw at.usageError("a breakdown ('by') is for a level measure (without 'group')") }
            try at.placing { try design.refuseLonelyRuleOnReplicateWeights() }
        case let other?:
            throw at.usageError("measure \(quoted: other) is not gap or representation\(NearestName.hint(for: other, among: ["gap", "representation"]))")
        }
    }

    private static func flag(_ at: ConfigNode, _ key: String) throws -> Bool {
        switch try at.text(key, takes: "true or false") {
        case nil, "false"?: return false
        case "true"?: return true
        case let text?: throw at.usageError("\(key) \(quoted: text) is not true or false")
        }
    }

    /// `disparity representation`'s options, the benchmark given as a block
    /// `benchmark: {data, design, subset, census}`.
    private static func representation(_ at: ConfigNode, level: String, like design: DesignSpec) throws -> Representation {
        guard let benchmark = try at.mapping("benchmark", like: "{data: ..., design: ..., subset: ..., census: ...}"),
              let data = try benchmark.text("data", takes: "one data file") else {
            throw at.usageError("a representation measure needs 'benchmark' with its 'data'")
        }
        try benchmark.rejectUnknownKeys(["data", "design", "subset", "census"])
        // The block's keys become the options below; the measure's own spelling of one as well
        // would replace it (or, beside the block's design, be left out).
        let blockKeys = ["benchmark-subset": "subset", "benchmark-census": "census", "benchmark-weights": "design",
                         "benchmark-strata": "design", "benchmark-cluster": "design", "benchmark-fpc": "design", "benchmark-nest": "design"]
        for key in at.keys {
            if let block = blockKeys[key], benchmark[block] != nil {
                throw at[key]!.usageError("\(at.place): \(quoted: key) and the benchmark's \(quoted: block) both describe the benchmark: give one", placed: false)
            }
        }
        var extra = [level, "--benchmark=\(data)"]
        if let subset = try benchmark.text("subset") { extra.append("--benchmark-subset=\(subset)") }
        if try flag(benchmark, "census") { extra.append("--benchmark-census") }
        let options = try SpecArguments<RepresentationOptions>(positionalKeys: RepresentationOptions.positionalKeys,
                                                               ownKeys: ownKeys)
            .decode(at, adding: extra)
        let component = try at.text("report") ?? (options.standardise == nil ? "index" : "standardised index")
        guard ["index", "difference", "standardised index", "standardised difference"].contains(component),
              options.standardise != nil || !component.hasPrefix("standardised") else {
            throw at.usageError("report \(quoted: component) is not index, difference, or (with standardise) standardised index or difference")
        }
        // The measure's own design of census data describes sampling nothing applies (its goal's: `BarometerConfig`).
        if options.census, at["design"] != nil {
            try at.placing { try design.refuseSamplingBesideCensus(benchmarkCensus: options.benchmarkCensus) }
        }
        // A benchmark with a design of its own does not take the measure's lonely-PSU rule.
        if benchmark["design"] != nil { try at.placing { try design.refuseLonelyRuleOnReplicateWeights() } }
        return Representation(request: try at.placing { try options.request() }, benchmarkData: options.benchmark,
                              benchmarkDesign: try benchmark["design"]?.designSpec() ?? options.benchmarkSpec(like: design),
                              benchmarkCensus: options.benchmarkCensus, populationCensus: options.census, component: component,
                              benchmarkEncoding: try at.placing { try options.benchmarkEncoding.map(TextEncoding.init(named:)) })
    }
}

/// The unit a measure is reported in, and the precision its official (rounded) figure has.
public enum MeasureUnit: String, Sendable, CaseIterable {
    /// A score's own points (a test score, say): published without decimals.
    case scorePoints = "score points"
    /// Percentage points: a share (×100) or a difference of shares, published with one decimal.
    case percentagePoints = "pp"
    /// Percent: a share ×100, published without decimals.
    case percent = "%"
    /// Points of a composite index, published with one decimal.
    case indexPoints = "index points"
    /// A ratio such as a representation index (1 = parity).
    case index

    /// Decimals of the published figure: the national barometer's style of rounding.
    public var decimals: Int {
        switch self {
        case .scorePoints, .percent: return 0
        case .percentagePoints, .indexPoints: return 1
        case .index: return 2
        }
    }
}
