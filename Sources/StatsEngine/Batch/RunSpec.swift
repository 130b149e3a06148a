import Foundation

/// A batch of analyses (`disparity run SPEC --out DIR`): one data set and design, read once, and
/// a list of named analyses whose keys are the long names of the command line's options
/// (INTERFACE.md), decoded through the commands' own option declarations (`EstimateOptions`,
/// `RegressOptions`, `GapOptions`, `RepresentationOptions`). YAML or JSON.
public struct RunSpec: Sendable {
    public struct Analysis: Sendable {
        public var name: String
        public var command: String
        /// Files the analysis reads besides the spec's data (a representation's benchmark).
        public var inputs: [String] = []
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

    /// Every file the run reads: the spec, its data and the analyses' own inputs.
    public var inputs: [String] { [path, data] + analyses.flatMap(\.inputs) }

    /// Reads and checks the spec: unknown keys, invalid values and impossible requests are usage
    /// errors naming the file, the analysis and the key.
    public static func load(path: String) throws -> RunSpec {
        let root = try ConfigNode.load(path: path)
        let dataOptions = try SpecArguments<DataOptions>(ownKeys: ["design", "analyses"]).decode(root)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolved(_ file: String) -> String { file == "-" || file.hasPrefix("/") ? file : folder.appendingPathComponent(file).path }
        let csv = try root.placing { try dataOptions.csvOptions() }
        let design = try root["design"]?.designSpec() ?? DesignSpec()
        guard let entries = root["analyses"]?.sequence, !entries.isEmpty else { throw root.usageError("'analyses' lists no analysis") }
        var names = Set<String>()
        let analyses = try entries.enumerated().map { index, entry -> Analysis in
            let name = entry["name"]?.scalar ?? "analysis_\(index + 1)"
            let at = entry.named("analysis '\(name)'")
            guard name.range(of: "^[A-Za-z0-9_.-]+$", options: .regularExpression) != nil else {
                throw at.usageError("a name may hold letters, digits, '_', '-' and '.' only (it names the CSV file)")
            }
            guard names.insert(name).inserted else { throw at.usageError("the name is used twice") }
            return try AnalysisDecoder(node: at, name: name, lonelyPSU: design.lonelyPSU, csv: csv, resolve: resolved).analysis()
        }
        return RunSpec(data: resolved(dataOptions.data), csv: csv, design: design, analyses: analyses,
                       text: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "", path: path)
    }
}

/// Turns one analysis entry into a request for the matching estimator, through the command's
/// option declaration.
private struct AnalysisDecoder {
    let node: ConfigNode
    let name: String
    let lonelyPSU: LonelyPSU
    /// How the spec's CSV files are read (the benchmark as the data).
    let csv: CSVOptions
    let resolve: (String) -> String

    static let commands = ["estimate", "regress", "gap", "representation"]

    func analysis() throws -> RunSpec.Analysis {
        guard let command = node["command"]?.scalar, !command.isEmpty else { throw node.usageError("'command' is missing") }
        // The data, the design and the output are set once, for the whole spec.
        let shared = OptionCatalog(DataOptions.self).names + OptionCatalog(DesignOptions.self).names + OptionCatalog(OutputOptions.self).names
        if let key = node.keys.first(where: shared.contains) {
            throw node.usageError("'\(key)' is not an option of \(command) (the design and the data are set once, at the top of the spec)")
        }
        switch command {
        case "estimate":
            let options = try decoder(EstimateOptions.self, EstimateOptions.positionalKeys).decode(node)
            let request = try node.placing { try options.request() }
            return RunSpec.Analysis(name: name, command: command) { table, design in
                .estimates(try DescriptiveEstimator(table: table, design: design).estimate(request), request: request, design: design)
            }
        case "regress":
            let options = try decoder(RegressOptions.self, RegressOptions.positionalKeys).decode(node)
            let request = try node.placing { try options.request() }
            return RunSpec.Analysis(name: name, command: command) { table, design in
                .regression(try RegressionEstimator(table: table, design: design).fit(request), design: design)
            }
        case "gap":
            let options = try decoder(GapOptions.self, GapOptions.positionalKeys).decode(node)
            let request = try node.placing { try options.request() }
            return RunSpec.Analysis(name: name, command: command) { table, design in
                .gaps(try GapEstimator(table: table, design: design).estimate(request), request: request, design: design)
            }
        case "representation":
            var options = try decoder(RepresentationOptions.self, RepresentationOptions.positionalKeys).decode(node)
            options.benchmark = resolve(options.benchmark)
            let request = try node.placing { try options.request() }
            let benchmarkSpec = options.benchmarkSpec(lonelyPSU: lonelyPSU)
            let (benchmarkPath, census, benchmarkCensus, csv) = (options.benchmark, options.census, options.benchmarkCensus, csv)
            return RunSpec.Analysis(name: name, command: command, inputs: [benchmarkPath]) { table, design in
                let benchmark = try CSVReader.read(path: benchmarkPath, options: csv)
                let estimator = RepresentationEstimator(
                    population: RepresentationSource(table: table, design: design, census: census),
                    benchmark: RepresentationSource(table: benchmark, design: try SurveyDesign(spec: benchmarkSpec, table: benchmark),
                                                    census: benchmarkCensus))
                return .representation(try estimator.estimate(request), request: request)
            }
        default:
            throw node.usageError("command '\(command)' is not \(Self.commands.joined(separator: ", "))\(NearestName.hint(for: command, among: Self.commands))")
        }
    }

    private func decoder<T>(_ type: T.Type, _ positionals: [String]) -> SpecArguments<T> {
        SpecArguments<T>(positionalKeys: positionals, ownKeys: ["name", "command"])
    }
}
