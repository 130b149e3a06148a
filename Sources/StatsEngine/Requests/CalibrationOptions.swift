/// The calibration options of `DesignOptions` (`--calibrate`, `--poststratify`, `--rake`,
/// `--totals`, `--calfun`, `--bounds`) checked and turned into a `CalibrationSpec`.
extension DesignOptions {
    /// The calibration the options ask for, nil without one.
    /// - Throws: `DisparityError.usage` for `--totals` without a calibration option or the
    ///   reverse, two calibration options, `--calfun` or `--bounds` with `--poststratify`,
    ///   `--calfun` other than raking with `--rake`, malformed bounds or bounds that do not
    ///   enclose 1, and `logit` without bounds.
    func calibrationSpec() throws -> CalibrationSpec? {
        let given = [(calibrate, "--calibrate"), (poststratify, "--poststratify"), (rake, "--rake")].filter { $0.0 != nil }
        guard let (value, option) = given.first else {
            for (set, name) in [(totals != nil, "--totals"), (calfun != nil, "--calfun"), (bounds != nil, "--bounds")] where set {
                throw DisparityError.usage("\(name) needs --calibrate, --poststratify or --rake")
            }
            return nil
        }
        guard given.count == 1 else { throw DisparityError.usage("\(given[0].1) and \(given[1].1) cannot be combined; give one calibration") }
        guard let totals, !totals.isEmpty else { throw DisparityError.usage("\(option) needs --totals FILE (a CSV 'variable,level,total')") }
        let range = try bounds.map(Self.bounds)
        switch option {
        case "--calibrate":
            let function = calfun ?? .linear
            if function == .logit, range == nil { throw DisparityError.usage("--calfun logit needs --bounds LO,HI (R: 'Logit calibration requires finite bounds')") }
            return CalibrationSpec(model: .formula(value!), totals: totals, function: function, bounds: range)
        case "--poststratify":
            if calfun != nil || bounds != nil { throw DisparityError.usage("--poststratify takes no --calfun or --bounds (use --calibrate \"~ factor(\(value!)) - 1\" for bounded calibration)") }
            return CalibrationSpec(model: .poststratify(value!), totals: totals)
        default:
            if let calfun, calfun != .raking { throw DisparityError.usage("--rake rakes (calfun raking); use --calibrate for --calfun \(calfun.rawValue)") }
            let columns = Self.list(value).filter { !$0.isEmpty }
            guard !columns.isEmpty else { throw DisparityError.usage("--rake needs one or more columns, COL1,COL2") }
            return CalibrationSpec(model: .rake(columns), totals: totals, function: .raking, bounds: range)
        }
    }

    /// `LO,HI` with LO < 1 < HI (either may be `Inf`/`-Inf`).
    static func bounds(_ text: String) throws -> ClosedRange<Double> {
        let parts = list(text)
        guard parts.count == 2, let low = Double(parts[0]), let high = Double(parts[1]), !low.isNaN, !high.isNaN else {
            throw DisparityError.usage("--bounds takes two numbers LO,HI (got '\(text)')")
        }
        guard low < 1, 1 < high else { throw DisparityError.usage("--bounds \(text): the bounds must satisfy LO < 1 < HI (g = 1 leaves a weight as it is)") }
        return low...high
    }
}
