import Foundation

/// One invocation of each command on the bundled data (estimate with --by, gap with --target
/// and --adjust, regress with marginal effects and a requested test, representation, the
/// barometer), shared by the output tests. `Fixtures/output` holds the CSV and JSON these make
/// (remade with `DISPARITY_REMAKE_OUTPUT_FIXTURES=1` when the bundled data change), so a change of
/// layout or of the table code cannot change them unnoticed.
enum ReportCommands {
    static func data(_ name: String) -> String { CoverageTests.datasets.appendingPathComponent(name).path }

    /// The labour force survey's last wave with its design.
    static var labourDesign: [String] {
        ["--data", data("labour_force.csv"), "--weights", "weight", "--strata", "stratum", "--cluster", "psu", "--subset", "period == 2014H2"]
    }

    /// The fixture name and the arguments of each command.
    static var all: [(name: String, arguments: [String])] {
        [
            ("estimate", ["estimate", "mean", "age", "--by", "origin"] + labourDesign),
            ("gap", ["gap", "unemployed", "--stat", "proportion", "--subset", "period == 2014H2 & in_labour_force==1", "--group", "origin",
                     "--reference", "majority", "--focal", "minority", "--scale", "pp", "--target", "<=5.8",
                     "--adjust", "factor(education)+age"] + labourDesign.dropLast(2)),
            ("regress", regress),
            ("representation", ["representation", "origin", "--focal", "minority", "--data", data("municipal_staff.csv"), "--census",
                                "--subset", "period == 2014H2 & role==manager", "--standardise", "education", "--benchmark", data("labour_force.csv"),
                                "--benchmark-weights", "weight", "--benchmark-strata", "stratum", "--benchmark-cluster", "psu",
                                "--benchmark-subset", "period == 2014H2 & in_labour_force==1"]),
            ("barometer", ["barometer", data("barometer.yaml")]),
        ]
    }

    static var regress: [String] {
        ["regress", "unemployed ~ origin + age + factor(education)", "--family", "binomial", "--marginal-effects", "--test", "age"] + labourDesign
    }

    /// The command's output in `format` (a table at `width`), with the data folder's absolute
    /// path written as `datasets/` as the fixtures were made.
    static func output(_ arguments: [String], format: String, width: Int? = nil) throws -> String {
        let result = try CommandLine.run(arguments + ["--format", format] + (width.map { ["--width", String($0)] } ?? []))
        guard result.status == 0 else { throw NSError(domain: "disparity", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
        return result.stdout.replacingOccurrences(of: CoverageTests.datasets.path + "/", with: "datasets/")
    }
}
