import ArgumentParser
import Foundation
import StatsEngine

/// Where the data come from and how the CSV is spelled.
struct DataOptions: ParsableArguments {
    @Option(help: "CSV file to analyse ('-' reads standard input).")
    var data: String

    @Option(help: "Field delimiter: , ; | or tab (detected when omitted).")
    var delimiter: String?

    @Option(help: "Decimal mark: . or , (a comma by default when the delimiter is ;).")
    var decimal: String?

    func readTable() throws -> Table {
        let options = CSVOptions(delimiter: try delimiter.map(CSVOptions.delimiter(named:)),
                                 decimalComma: try decimal.map(CSVOptions.decimalComma(named:)))
        return try CSVReader.read(path: data, options: options)
    }
}

/// The survey design options every analysis command takes.
struct DesignOptions: ParsableArguments {
    @Option(help: "Sampling weight column (every row weighs 1 without it).")
    var weights: String?

    @Option(help: "Stratum column.")
    var strata: String?

    @Option(help: "PSU column, and optionally a second-stage unit column: COL[,COL2].")
    var cluster: String?

    @Option(help: "Finite population correction per stage: population sizes or sampling fractions, COL[,COL2].")
    var fpc: String?

    @Flag(help: "PSU identifiers repeat across strata and are unique only within them.")
    var nest = false

    @Option(name: .customLong("lonely-psu"), help: "A stratum with one PSU: fail, remove, certainty, adjust or average.")
    var lonelyPSU: String = "fail"

    @Flag(name: .customLong("adjust-domain-lonely"), help: "Apply the lonely-PSU rule to strata with one PSU inside a domain too (R's survey.adjust.domain.lonely).")
    var adjustDomainLonely = false

    @Option(parsing: .unconditional, help: "Variances from this many Rao-Wu bootstrap replicates instead of linearization, for every statistic.")
    var bootstrap: Int?

    @Option(help: "Seed of the bootstrap (the same numbers on any machine and thread count).")
    var seed: UInt64 = 1

    func spec() throws -> DesignSpec {
        guard let rule = LonelyPSU(rawValue: lonelyPSU) else {
            throw DisparityError.usage("--lonely-psu must be one of \(LonelyPSU.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(lonelyPSU)')")
        }
        let clusters = Self.list(cluster)
        let fpcs = Self.list(fpc)
        guard clusters.count <= 2, fpcs.count <= 2 else { throw DisparityError.usage("--cluster and --fpc take at most two stages") }
        return DesignSpec(weights: weights, strata: strata, clusters: clusters, fpc: fpcs, nest: nest,
                          lonelyPSU: rule, adjustDomainLonely: adjustDomainLonely,
                          varianceMethod: try bootstrap.map { try VarianceMethod.checkedBootstrap(replicates: $0, seed: seed) } ?? .linearization)
    }

    static func list(_ text: String?) -> [String] {
        text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
    }
}

/// Output format and destination.
struct OutputOptions: ParsableArguments {
    @Option(help: "table, csv or json (table on a terminal; otherwise from --output's extension, else csv).")
    var format: String?

    @Option(help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    @Flag(help: "Print the time each phase took to standard error.")
    var timings = false

    func resolvedFormat() throws -> OutputFormat {
        if let format {
            guard let f = OutputFormat(rawValue: format) else { throw DisparityError.usage("--format must be table, csv or json (got '\(format)')") }
            return f
        }
        if let output, let f = OutputFormat(rawValue: URL(fileURLWithPath: output).pathExtension.lowercased()) { return f }
        return isatty(STDOUT_FILENO) == 1 && output == nil ? .table : .csv
    }

    func emit(_ report: Report) throws {
        let format = try resolvedFormat()
        let text = report.rendered(as: format)
        if format == .csv { for note in report.notes { FileHandle.standardError.write(Data("disparity: note: \(note)\n".utf8)) } }
        if let output { try AtomicFile.write(text, to: output) } else { try AtomicFile.write(Array(text.utf8), to: STDOUT_FILENO, name: "standard output") }
    }
}

/// The common life of an analysis command: check the options, read the data, resolve the
/// design, compute, write — each phase timed for `--timings`.
enum AnalysisCommand {
    static func run(data: DataOptions, design: DesignOptions, output: OutputOptions,
                    _ compute: (Table, SurveyDesign) throws -> Report) throws {
        let spec = try design.spec()
        _ = try output.resolvedFormat()
        let timer = PhaseTimer(enabled: output.timings)
        let table = try timer.measure("read") { try data.readTable() }
        let surveyDesign = try timer.measure("design") { try SurveyDesign(spec: spec, table: table) }
        let report = try timer.measure("estimate") { try compute(table, surveyDesign) }
        try timer.measure("write") { try output.emit(report) }
        timer.report()
    }
}
