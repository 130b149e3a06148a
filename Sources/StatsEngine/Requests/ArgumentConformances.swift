import ArgumentParser

// The engine's choices are read from the command line, run specs and barometer goals alike
// through ArgumentParser: each is a String raw-value enum, so its raw values are the words
// accepted and `--help` lists them.

extension Statistic: ExpressibleByArgument {}
extension GapStatistic: ExpressibleByArgument {}
extension ProportionInterval: ExpressibleByArgument {}
extension LonelyPSU: ExpressibleByArgument {}
extension ReplicateType: ExpressibleByArgument {}
extension CalibrationFunction: ExpressibleByArgument {}
extension ReplicateMaking: ExpressibleByArgument {}
extension Family: ExpressibleByArgument {}
extension CovarianceType: ExpressibleByArgument {}
extension OutputFormat: ExpressibleByArgument {}
extension CSVStyle: ExpressibleByArgument {}
extension ReportLanguage: ExpressibleByArgument {}

/// `--scale`: `pp` reports proportions and rates in percentage points.
public enum ReportScale: String, Sendable, CaseIterable, ExpressibleByArgument {
    /// Percentage points: estimates and SEs multiplied by 100.
    case pp

    /// The factor estimates are multiplied by.
    public var factor: Double { 100 }
}

/// `--test` of `table`: R's svychisq names, matched regardless of case.
extension IndependenceTest: ExpressibleByArgument {
    /// The test named `argument` in any case (`f`, `chisq`, `ADJWALD`).
    public init?(argument: String) { self.init(name: argument) }
}
