import StatsEngine

/// The fuzz check of the formula parser (`FormulaFuzz`, and the kept inputs' replay in the
/// tests): the input (as UTF-8, invalid bytes repaired) is parsed as a model formula and, when
/// it parses, its design matrix is built on a six-row table; and as a `--test`'s list of terms
/// (checked with the request, `FormulaParser.checkTerms`). The only acceptable outcomes are a
/// matrix (a request) or a `DisparityError` whose message is one short line (`FuzzCheck`).
public enum FormulaCheck {
    /// The finding for `bytes` (nil when acceptable).
    public static func finding(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        if let found = FuzzCheck.finding({
            let formula = try ModelFormula(text)
            _ = try DesignMatrix(formula: formula, table: table)
        }) { return found }
        // A text the option parser itself refuses never reaches the request.
        guard let options = try? RegressOptions.parse(["y ~ x1", "--test=\(text)"]) else { return nil }
        return FuzzCheck.finding { _ = try options.request() }
    }

    /// A tiny table every formula is built on: a numeric response, two numeric columns, a
    /// character factor and a 0/1 column, with one missing cell.
    private static let table: Table = {
        let csv = """
        y,x1,x2,g,b
        1.5,2,0.5,a,0
        2.5,3,1.5,b,1
        0.5,,2.5,c,0
        3.5,5,3.5,a,1
        4,1,4.5,b,0
        2,7,5.5,c,1

        """
        do { return try CSVReader.parse(Array(csv.utf8), source: "fuzz.csv") } catch { fatalError("the fuzz table does not parse: \(error)") }
    }()
}
