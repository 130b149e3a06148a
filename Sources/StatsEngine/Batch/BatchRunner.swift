import Foundation

/// Runs a `RunSpec`: reads the data once (the columns the design and the analyses use), builds the design once, runs the analyses in parallel,
/// and writes the output folder all or nothing (`OutputFolder`) — `NAME.csv` per analysis (in the spec's `csv-style`),
/// `results.json`, `results.xlsx` (a sheet per analysis: its CSV rows, or a failed one's name, command and error), a Jupyter notebook and a
/// manifest (input checksums, version, time, the spec, timings). An analysis that
/// fails is reported and the others complete.
public struct BatchRunner {
    /// What happened to each analysis.
    public struct Outcome: Sendable {
        /// The analysis's name, as in the spec.
        public var name: String
        /// The analysis's command (`estimate`, `regress`, `gap`, `representation`).
        public var command: String
        /// The analysis's report; nil when it failed.
        public var report: Report?
        /// The failure's message (a `DisparityError`'s one line); nil when it succeeded.
        public var error: String?
        /// The analysis's wall-clock time, in seconds.
        public var seconds: Double
    }

    /// The batch to run.
    public let spec: RunSpec

    /// A runner of `spec`.
    public init(spec: RunSpec) { self.spec = spec }

    /// Runs everything and writes into `directory` (created if needed); `progress` is told
    /// (finished, total) as analyses complete. Returns the outcomes in spec order. A file the run
    /// would write that is one of its inputs is refused (a usage error) before anything is read.
    public func run(into directory: String, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [Outcome] {
        let written = spec.analyses.map { "\($0.name).csv" } + ["results.json", "results.xlsx", "results.ipynb", "manifest.json"]
        try OutputGuard.refuse(written.map { ("--out", "\(directory)/\($0)") }, overwriting: spec.inputs)
        try spec.design.refuseSavingOver(spec.inputs)
        try OutputGuard.refuseWithin("--out", folder: directory, spec.inputs.map { ("its input", $0) }
                                         + spec.design.savedFiles.map { ("its output \($0.option)", $0.path) })
        let started = Date()
        var timings: [(String, Double)] = []
        func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let start = DispatchTime.now()
            defer { timings.append((name, Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)) }
            return try body()
        }
        // The input's bytes live only until the table is built and their checksum (for the
        // manifest) is taken alongside the parse (an SPSS, Stata or SAS file is read by ReadStat
        // meanwhile); the checksum is waited for on every way out: a failure's exit must not race
        // the hashing thread (in libcrypto).
        let format = try TableFile.format(of: spec.data)
        try TableFile.refuseInapplicable(spec.reading, format: format, path: spec.data)
        let columns = spec.columnsUsed
        let (table, inputSize, checksum) = try { () throws -> (Table, Int, String) in
            let bytes = try timed("read") { try spec.data == "-" ? CSVReader.readStandardInput() : CSVReader.readFile(spec.data) }
            let checksum = BackgroundValue { withExtendedLifetime(bytes) { SHA256.hex(bytes.buffer) } }
            defer { _ = checksum.value }
            let table = try timed("parse") {
                guard format == .csv else { return try TableFile.read(path: spec.data, options: spec.reading.reading(columns)) }
                return try CSVReader.parse(bytes, source: spec.data == "-" ? "<stdin>" : spec.data, options: spec.reading.csv, columns: columns)
            }
            return (table, bytes.buffer.count, checksum.value)
        }()
        let design = try timed("design") { try SurveyDesign(spec: spec.design, table: table) }
        try design.saveReplicatesIfRequested(table: table)
        let folder = try OutputFolder(directory)

        let analyses = spec.analyses
        // The analyses are queued in this order, the most work first (`RelativeWork`); the
        // outcomes stay in spec order. Each is a task of its own on the shared pool, not an
        // iteration of `concurrentPerform`: an analysis's own parallel passes would then be
        // nested in it, and libdispatch runs nested ones on one thread, so the largest analysis
        // ran alone on one core after the others finished (a third of a 1M-row batch's analysis
        // time). As tasks, a core that is done with the small analyses joins the large one's passes.
        let starts = analyses.indices.sorted { (analyses[$1].workRank, $0) < (analyses[$0].workRank, $1) }
        var outcomes = [Outcome?](repeating: nil, count: analyses.count)
        let counter = ProgressCounter(total: analyses.count, report: progress)
        outcomes.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            let group = DispatchGroup()
            for i in starts {
                DispatchQueue.global().async(group: group) {
                    let analysis = analyses[i]
                    let start = DispatchTime.now()
                    var outcome = Outcome(name: analysis.name, command: analysis.command, report: nil, error: nil, seconds: 0)
                    do {
                        // Each analysis records the columns it uses, for its JSON's `columns` block.
                        let recording = table.recordingAnew()
                        outcome.report = try analysis.run(recording, design).describing(columns: recording.usedMetadata)
                    } catch {
                        outcome.error = "\(error)"
                    }
                    outcome.seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                    shared.value[i] = outcome
                    counter.finishOne()
                }
            }
            group.wait()
        }
        let results = outcomes.map { $0! }
        do {
            try timed("write") {
                for outcome in results {
                    if let report = outcome.report { try AtomicFile.write(report.tabular.csv(style: spec.csvStyle), to: folder.path("\(outcome.name).csv")) }
                }
                try Workbook(sheets: results.map { ($0.name, $0.report?.tabular ?? Self.failureSheet($0)) }).write(to: folder.path("results.xlsx"))
                try AtomicFile.write(Self.resultsDocument(results).serialized(pretty: true) + "\n", to: folder.path("results.json"))
                try AtomicFile.write(NotebookExport.notebook(for: results, spec: spec), to: folder.path("results.ipynb"))
            }
            let manifest = manifestDocument(results, inputBytes: inputSize, checksum: checksum, started: started, timings: timings)
            try AtomicFile.write(manifest.serialized(pretty: true) + "\n", to: folder.path("manifest.json"))
            try folder.commit()
        } catch {
            folder.discard()
            throw error
        }
        return results
    }

    /// A failed analysis's sheet in `results.xlsx`, as its entry in `results.json`: one row of
    /// its `name`, `command` and `error`.
    static func failureSheet(_ outcome: Outcome) -> Tabular {
        Tabular(columns: ["name", "command", "error"], rows: [[.text(outcome.name), .text(outcome.command), .text(outcome.error)]])
    }

    /// `{"analyses": [{"name", "command", ...the command's JSON}]}`; a failed analysis carries `error`.
    static func resultsDocument(_ results: [Outcome]) -> JSONValue {
        .object([("analyses", .array(results.map { outcome in
            var fields: [(String, JSONValue)] = [("name", .string(outcome.name)), ("command", .string(outcome.command))]
            if let report = outcome.report, case .object(let body) = report.json {
                fields += body.filter { $0.0 != "command" }
            } else {
                fields.append(("error", .string(outcome.error)))
            }
            return .object(fields)
        }))])
    }

    /// The manifest's entry of an input besides the data (calibration totals, a benchmark):
    /// path, bytes and SHA-256 of the file as it is when the run ends (it was read moments
    /// before); null bytes and checksum where it cannot be read any more.
    private static func inputEntry(_ path: String) -> JSONValue {
        let bytes = FileManager.default.contents(atPath: path).map { Array($0) }
        return .object([("path", .string(path)), ("bytes", .number(bytes.map { Double($0.count) })),
                        ("sha256", .string(bytes.map { SHA256.hex($0) }))])
    }

    private func manifestDocument(_ results: [Outcome], inputBytes: Int, checksum: String, started: Date, timings: [(String, Double)]) -> JSONValue {
        let stamp = ISO8601DateFormatter().string(from: started)
        let total = timings.reduce(0) { $0 + $1.1 } + results.reduce(0) { $0 + $1.seconds }
        return .object([
            ("tool", .string("disparity")), ("version", .string(Release.version)), ("started", .string(stamp)),
            ("spec", .object([("path", .string(spec.path)), ("sha256", .string(SHA256.hex(Array(spec.text.utf8)))), ("text", .string(spec.text))])),
            ("inputs", .array([.object([("path", .string(spec.data)), ("bytes", .number(Double(inputBytes))),
                                        ("sha256", .string(checksum))])] + spec.otherInputs.map(Self.inputEntry))),
            ("timings", .array((timings.map { ($0.0, $0.1) } + results.map { ("analysis \($0.name)", $0.seconds) }).map { name, seconds in
                .object([("step", .string(name)), ("seconds", .number(seconds)), ("share", .number(total > 0 ? seconds / total : 0))])
            })),
            ("failed", .array(results.filter { $0.error != nil }.map { .string($0.name) })),
        ])
    }
}

/// A value computed on another thread, waited for when it is read.
private final class BackgroundValue<T: Sendable>: @unchecked Sendable {
    private var result: T?
    private let group = DispatchGroup()

    init(_ compute: @escaping @Sendable () -> T) {
        group.enter()
        DispatchQueue.global().async {
            self.result = compute()
            self.group.leave()
        }
    }

    var value: T {
        group.wait()
        return result!
    }
}

/// Counts finished analyses across threads for the progress display.
private final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let report: (@Sendable (Int, Int) -> Void)?

    init(total: Int, report: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.report = report
    }

    func finishOne() {
        lock.lock()
        done += 1
        let now = done
        lock.unlock()
        report?(now, total)
    }
}
