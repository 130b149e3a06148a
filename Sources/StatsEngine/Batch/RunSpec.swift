import Foundation

/// A batch of analyses (`disparity run SPEC --out DIR`): one data set and design, read once, and
/// a list of named analyses whose keys are the long names of the command line's options
/// (INTERFACE.md), decoded through the commands' own option declarations (`EstimateOptions`,
/// `TableOptions`, `RegressOptions`, `GapOptions`, `RepresentationOptions`). YAML or JSON.
public struct RunSpec: Sendable {
    /// One named analysis of the batch.
    public struct Analysis: Sendable {
        /// The analysis's name: letters, digits, `_`, `-`, `.`; it names the output file.
        public var name: String
        /// The command: `estimate`, `table`, `regress`, `gap` or `representation`.
        public var command: String
        /// Files the analysis reads besides the spec's data (a representation's benchmark).
        public var inputs: [String] = []
        /// The columns of the spec's data the analysis reads.
        public var columns: ColumnSelection
        /// How much work the analysis is next to the others (`RelativeWork`).
        public var workRank = 0
        /// Builds the analysis's report from the table and design.
        let run: @Sendable (Table, SurveyDesign) throws -> Report
    }

    /// The data file (`data` key), resolved against the spec's folder; `-` is standard input.
    public var data: String
    /// How the data file is read (the spec's data options).
    public var reading: ReadOptions
    /// The design shared by every analysis (the spec's `design:` block).
    public var design: DesignSpec
    /// The analyses, in spec order.
    public var analyses: [Analysis]
    /// How the analyses' CSV files are spelled (`csv-style: danish` at the top of the spec).
    public var csvStyle: CSVStyle
    /// The specification's own text, kept in the manifest.
    public var text: String
    /// The spec file's path.
    public var path: String

    /// Every file the run reads: the spec, its data, the design's calibration totals and the
    /// analyses' own inputs.
    public var inputs: [String] { [path, data] + otherInputs }

    /// The files the run reads besides the spec and its data, each once, in the order given:
    /// the design's calibration totals, then the analyses' own inputs (a representation's benchmark).
    public var otherInputs: [String] {
        var seen: Set<String> = [path, data]
        return ([design.calibration?.totals].compactMap { $0 } + analyses.flatMap(\.inputs)).filter { $0 != "-" && seen.insert($0).inserted }
    }

    /// The columns of the data the run reads: the design's and every analysis's.
    public var columnsUsed: ColumnSelection { analyses.map(\.columns).reduce(design.columnsUsed) { $0.union($1) } }

    /// Reads and checks the spec: unknown keys, invalid values and impossible requests are usage
    /// errors naming the file, the analysis and the key.
    public static func load(path: String) throws -> RunSpec {
        let root = try ConfigNode.load(path: path)
        try root.requireMapping(like: "(data:, design:, analyses:)")
        let dataOptions = try SpecArguments<DataOptions>(ownKeys: ["design", "analyses", "csv-style"]).decode(root)
        // A relative path is the file's own path from the spec's folder (`..` and symbolic links
        // resolved), so a run names the same files whichever folder it is started from.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        @Sendable func resolved(_ file: String) -> String {
            file == "-" || file.hasPrefix("/") ? file : folder.appendingPathComponent(file).resolvingSymlinksInPath().path
        }
        let reading = try root.placing { try dataOptions.readOptions() }
        var design = try root["design"]?.designSpec() ?? DesignSpec()
        if let totals = design.calibration?.totals { design.calibration?.totals = resolved(totals) }
        if let saved = design.saveReplicates?.path { design.saveReplicates?.path = resolved(saved) }
        let csvStyle = try root.text("csv-style").map { text in
            guard let style = CSVStyle(rawValue: text) else {
                throw root["csv-style"]!.usageError("csv-style \(quoted: text) is not a valid value: choose \(CSVStyle.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return style
        } ?? .standard
        let list = root["analyses"]?.isNull == true ? [] : try root.list("analyses", of: "analyses, one '- {name: ..., command: ...}' entry each")
        guard let entries = list, !entries.isEmpty else { throw (root["analyses"] ?? root).usageError("'analyses' lists no analysis", placed: false) }
        for (index, entry) in entries.enumerated() {
            try entry.requireMapping(named: "analysis \(index + 1) of 'analyses'", like: "{name: ..., command: ..., ...}")
        }
        let named = try entries.enumerated().map { index, entry in
            let name = try entry.named("analysis \(index + 1)").text("name") ?? "analysis_\(index + 1)"
            return (name: name, node: entry.named("analysis \(quoted: name)"))
        }
        // The entries are decoded on all cores (each parses its options through ArgumentParser);
        // the first error in spec order is reported, a bad name before its entry's own errors.
        var decoded = [Result<Analysis, Error>?](repeating: nil, count: named.count)
        // A design that only census representations use would describe sampling none applies.
        // (A command or census of the wrong shape is the entry's own error, when it is decoded.)
        let censusOnly = named.allSatisfy { (try? $0.node.text("command")) == "representation" && (try? $0.node.text("census")) == "true" }
        decoded.withUnsafeMutableBufferPointer { slots in
            let (out, inputs) = (UnsafeSendable(slots), UnsafeSendable((named, design, reading)))
            DispatchQueue.concurrentPerform(iterations: named.count) { k in
                let (named, design, reading) = inputs.value
                out.value[k] = Result {
                    try AnalysisDecoder(node: named[k].node, name: named[k].name, design: design, reading: reading, resolve: resolved,
                                        censusOnly: censusOnly).analysis()
                }
            }
        }
        // Names are compared ignoring case: they name files, one file on macOS and Windows.
        var names: [String: String] = [:]
        let analyses = try zip(named, decoded).map { entry, analysis -> Analysis in
            guard entry.name.range(of: "^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$", options: .regularExpression) != nil else {
                throw entry.node.usageError("a name may hold up to 100 letters, digits, '_', '-' and '.', not first (it names the CSV file)")
            }
            if let earlier = names.updateValue(entry.name, forKey: entry.name.lowercased()) {
                throw entry.node.usageError(earlier == entry.name ? "the name is used twice"
                    : "the name is used twice, as \(quoted: earlier) and \(quoted: entry.name) (names that differ only in case name one file on macOS and Windows)")
            }
            return try analysis!.get()
        }
        // The design's lonely-PSU rule beside replicate weights is applied only by a
        // representation's benchmark, which takes it.
        if !analyses.contains(where: { $0.command == "representation" }), let node = root["design"] {
            try node.placing { try design.refuseLonelyRuleOnReplicateWeights() }
        }
        return RunSpec(data: resolved(dataOptions.data), reading: reading, design: design, analyses: analyses, csvStyle: csvStyle,
                       text: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "", path: path)
    }
}

/// Turns one analysis entry into a request for the matching estimator, through the command's
/// option declaration.
private struct AnalysisDecoder {
    let node: ConfigNode
    let name: String
    /// The spec's design (a representation benchmark takes its lonely-PSU rule).
    let design: DesignSpec
    /// How the spec's data files are read (the benchmark as the data).
    let reading: ReadOptions
    let resolve: (String) -> String
    /// Whether every analysis of the spec is a representation of census data, so that none
    /// applies the design's sampling (`DesignSpec.refuseSamplingBesideCensus`).
    let censusOnly: Bool

    static let commands = ["estimate", "table", "regress", "gap", "representation"]

    func analysis() throws -> RunSpec.Analysis {
        guard let command = try node.text("command"), !command.isEmpty else { throw node.usageError("'command' is missing") }
        // The data, the design and the output are set once, for the whole spec; the variance
        // method (`bootstrap`, `seed`) may differ by analysis.
        let varianceKeys: Set<String> = ["bootstrap", "seed"]
        let shared = (OptionCatalog(DataOptions.self).names + OptionCatalog(DesignOptions.self).names + OptionCatalog(OutputOptions.self).names)
            .filter { !varianceKeys.contains($0) }
        if let key = node.keys.first(where: shared.contains) {
            throw node.usageError("\(quoted: key) is not an option of \(command) (the design, the data and csv-style are set once, at the top of the spec)")
        }
        guard node.keys.contains(where: varianceKeys.contains) else { return try self.analysis(command, under: design) }
        // The analysis's method replaces the design's: a seed alone would replace it with
        // linearization, and a bootstrap cannot resample the PSUs replicate weights leave unknown.
        if let seed = node["seed"], node["bootstrap"] == nil {
            throw seed.usageError("\(node.place): 'seed' seeds the analysis's own 'bootstrap', which it lacks (a bootstrap of the design takes the design's seed)", placed: false)
        }
        if case .replicateWeights = design.varianceMethod {
            throw node["bootstrap"]!.usageError("\(node.place): 'bootstrap' resamples the design's PSUs, which its replicate weights leave unknown (--replicate-weights and --bootstrap cannot be combined)", placed: false)
        }
        let options = try SpecArguments<DesignOptions>(ownKeys: Set(node.keys).subtracting(varianceKeys)).decode(node)
        let given = try node.placing { try options.spec().varianceMethod }
        // An analysis's own bootstrap without a seed takes the seed the design gives its own
        // bootstrap (`seed:` beside the design's `bootstrap` or made bootstrap replicates), as the
        // design's bootstrap does, rather than the default 1.
        let method: VarianceMethod
        if node["seed"] == nil, case .bootstrap(let replicates, _) = given, let seed = design.varianceMethod.bootstrapSeed {
            method = .bootstrap(replicates: replicates, seed: seed)
        } else {
            method = given
        }
        var analysed = design
        analysed.varianceMethod = method
        let analysis = try self.analysis(command, under: analysed)
        let run = analysis.run
        return RunSpec.Analysis(name: analysis.name, command: analysis.command, inputs: analysis.inputs, columns: analysis.columns,
                                workRank: analysis.workRank) { table, design in
            try run(table, design.with(varianceMethod: method))
        }
    }

    /// The analysis of `command`, with the spec's design, checked against `analysed` (the
    /// design with the analysis's own variance method).
    private func analysis(_ command: String, under analysed: DesignSpec) throws -> RunSpec.Analysis {
        switch command {
        case "estimate": return try analysis(EstimateOptions.self, command, under: analysed)
        case "table": return try analysis(TableOptions.self, command, under: analysed)
        case "regress": return try analysis(RegressOptions.self, command, under: analysed)
        case "gap": return try analysis(GapOptions.self, command, under: analysed)
        case "representation":
            var options = try decoder(RepresentationOptions.self, RepresentationOptions.positionalKeys).decode(node)
            options.benchmark = resolve(options.benchmark)
            let request = try node.placing { try options.request() }
            if censusOnly { try node.placing { try analysed.refuseSamplingBesideCensus(benchmarkCensus: options.benchmarkCensus) } }
            let benchmarkSpec = options.benchmarkSpec(like: design)
            let benchmarkReading = try node.placing { try options.benchmarkReading(like: reading) }
                .reading(benchmarkSpec.columnsUsed.union(request.benchmarkColumnsUsed))
            let (benchmarkPath, census, benchmarkCensus) = (options.benchmark, options.census, options.benchmarkCensus)
            return RunSpec.Analysis(name: name, command: command, inputs: [benchmarkPath], columns: request.columnsUsed,
                                    workRank: request.workRank) { table, design in
                let benchmark = try TableFile.read(path: benchmarkPath, options: benchmarkReading)
                // The benchmark's variance follows the analysis's method.
                var benchmarkSpec = benchmarkSpec
                benchmarkSpec.varianceMethod = design.spec.varianceMethod.forIndependentSample
                let estimator = RepresentationEstimator(
                    population: RepresentationSource(table: table, design: design, census: census),
                    benchmark: RepresentationSource(table: benchmark, design: try SurveyDesign(spec: benchmarkSpec, table: benchmark),
                                                    census: benchmarkCensus))
                return .representation(try estimator.estimate(request), request: request)
            }
        default:
            throw node.usageError("command \(quoted: command) is not \(Self.commands.joined(separator: ", "))\(NearestName.hint(for: command, among: Self.commands))")
        }
    }

    /// An analysis of the spec's data and design through its command's options, its request
    /// checked against the design it will run under (`AnalysisOptions.validate`).
    private func analysis<Options: AnalysisOptions>(_ type: Options.Type, _ command: String, under analysed: DesignSpec) throws
        -> RunSpec.Analysis {
        let options = try decoder(Options.self, Options.positionalKeys).decode(node)
        let request = try node.placing { try options.checkedRequest() }
        try node.placing { try Options.validate(request, under: analysed) }
        return RunSpec.Analysis(name: name, command: command, columns: request.columnsUsed, workRank: request.workRank) { table, design in
            try Options.report(request, table: table, design: design)
        }
    }

    private func decoder<T>(_ type: T.Type, _ positionals: [String]) -> SpecArguments<T> {
        SpecArguments<T>(positionalKeys: positionals, ownKeys: ["name", "command", "bootstrap", "seed"])
    }
}
