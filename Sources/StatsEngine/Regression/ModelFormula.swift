/// An R model formula expanded into its terms, as R's `terms()` does: `a*b` becomes
/// `a + b + a:b`, `(a+b)^2` all interactions up to order two, `- x` removes a term and `- 1`
/// (or `+ 0`) the intercept. Terms are ordered by degree, then as written.
public struct ModelFormula: Sendable, Equatable {
    /// One term: a set of variables, kept in the order first written.
    public struct Term: Hashable, Sendable {
        /// The term's variables, in the order first written.
        public let variables: [ModelVariable]
        /// `a:b` as R labels the term.
        public var label: String { variables.map(\.label).joined(separator: ":") }

    }

    /// The formula as written (for one an option's terms make, `response ~ terms`).
    public let text: String
    /// What errors call the formula: "formula 'y ~ x'", or for one an option's list of terms
    /// makes (`init(response:terms:option:)`) the option and its own text, "--adjust 'x'".
    public let label: String
    /// The option's own text of the terms, for a formula an option's terms make; nil otherwise.
    let optionTerms: String?
    /// The left-hand side.
    public let response: ModelVariable
    /// Whether the model has an intercept (no `- 1` or `+ 0`).
    public let hasIntercept: Bool
    /// The right-hand side's terms, ordered by degree, then as written.
    public let terms: [Term]
    /// The right-hand side's variables in order of first appearance.
    public let variables: [ModelVariable]

    /// Parses and expands `text` (`y ~ a*b + factor(g) - 1`).
    /// - Throws: `DisparityError.usage` naming the formula for a syntax error, too deep nesting or
    ///   too many operators, more than 4096 terms, or a model with no terms and no intercept.
    public init(_ text: String) throws {
        try self.init(text, parsed: try FormulaParser.parse(text))
    }

    /// Parses and expands a one-sided formula `~ a + factor(b)` (a calibration model); its
    /// response is the constant 1, so no row is left out for it.
    /// - Throws: as `init(_:)`, and when anything but blanks stands before `~`.
    public init(rightHandSide text: String) throws {
        try self.init(text, parsed: (.expression(.number(1), label: "1"), try FormulaParser.parseRightHandSide(text)))
    }

    /// The formula `response ~ terms` that an option's list of terms makes (`--adjust "x + z"`
    /// with the gap's variable, `--test "x"`), named in errors by the option and its own text,
    /// positions counted in that text: syntax (`FormulaParser.checkTerms`), expansion, columns.
    /// A list of no terms without an intercept (`"0"`) is not refused here: the caller says
    /// what its option needs.
    /// - Parameter response: the response as a formula spells it (quoted where it must be).
    /// - Throws: `DisparityError.usage` "OPTION 'TERMS': what is wrong".
    init(response: String, terms: String, option: String) throws {
        try FormulaParser.checkTerms(terms, option: option)
        let text = "\(response) ~ \(terms)"
        try self.init(text, parsed: try FormulaParser.parse(text), label: "\(option) \(quoted: terms)", optionTerms: terms)
    }

    /// Whether the formula is one an option's list of terms made (`init(response:terms:option:)`).
    var isOptionTerms: Bool { optionTerms != nil }

    /// The 1-based position of `name` in the text the user wrote (the option's terms, or the
    /// formula), nil where it does not occur there (a gap's variable as the response).
    func position(of name: String) -> Int? {
        let written = optionTerms ?? text
        return written.range(of: name).map { written.distance(from: written.startIndex, to: $0.lowerBound) + 1 }
    }

    private init(_ text: String, parsed: (response: ModelVariable, rhs: FormulaNode), label: String? = nil,
                 optionTerms: String? = nil) throws {
        let (response, rhs) = parsed
        var intercept = true
        let label = label ?? "formula \(quoted: text)"
        let expanded = try Self.expand(rhs, intercept: &intercept, formula: label)
        self.text = text
        self.label = label
        self.optionTerms = optionTerms
        self.response = response
        self.hasIntercept = intercept
        // R's variable order: first appearance in the formula as written. Each term lists its
        // variables in that order (so `x:num` after `num` is `num:x`), and the terms are
        // stably sorted by degree, as R's terms(keep.order = FALSE).
        var order: [ModelVariable] = [], seen = Set<ModelVariable>()
        for term in expanded { for v in term.variables where seen.insert(v).inserted { order.append(v) } }
        self.variables = order
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        self.terms = expanded.enumerated()
            .sorted { ($0.element.variables.count, $0.offset) < ($1.element.variables.count, $1.offset) }
            .map { Term(variables: $0.element.variables.sorted { rank[$0]! < rank[$1]! }) }
        if terms.isEmpty && !hasIntercept && optionTerms == nil {
            throw DisparityError.usage("\(label): the model has no terms and no intercept")
        }
    }

    /// All columns of the data the formula reads, response first.
    public var columns: [String] {
        var seen = Set<String>(), ordered: [String] = []
        for c in response.columns + terms.flatMap({ $0.variables.flatMap(\.columns) }) where seen.insert(c).inserted { ordered.append(c) }
        return ordered
    }

    /// Most terms a formula may expand to (`(a + b + … )^k` and crossings of long sums grow
    /// combinatorially); beyond it the formula is refused before the terms are built.
    static let maximumTerms = 4096

    /// Expands a parsed right-hand side into its terms as R's `terms()`: `+` unions, `:`
    /// interacts, `*` both, `^` the interactions up to that order, `-` removes; `1`/`0` set
    /// `intercept`.
    /// - Throws: `DisparityError.usage` naming `formula` (the formula's label) when the expansion would exceed
    ///   `maximumTerms` (counted before the terms are built).
    private static func expand(_ node: FormulaNode, intercept: inout Bool, formula: String) throws -> [Term] {
        switch node {
        case .empty:
            return []
        case .variable(let v):
            return [Term(variables: [v])]
        case .intercept(let present):
            intercept = present
            return []
        case .sum(let a, let b):
            return try union(try expand(a, intercept: &intercept, formula: formula), try expand(b, intercept: &intercept, formula: formula), formula: formula)
        case .difference(let a, let b):
            let kept = try expand(a, intercept: &intercept, formula: formula)
            if case .intercept(let one) = b {
                if one { intercept = false } else { intercept = true }
                return kept
            }
            var ignored = true
            let removed = Set(try expand(b, intercept: &ignored, formula: formula).map { Set($0.variables) })
            return kept.filter { !removed.contains(Set($0.variables)) }
        case .interaction(let a, let b):
            let left = try expand(a, intercept: &intercept, formula: formula)
            let right = try expand(b, intercept: &intercept, formula: formula)
            try refuseMoreThanMaximumTerms(Double(left.count) * Double(right.count), formula: formula)
            return try interact(left, right, formula: formula)
        case .crossing(let a, let b):
            let left = try expand(a, intercept: &intercept, formula: formula)
            let right = try expand(b, intercept: &intercept, formula: formula)
            try refuseMoreThanMaximumTerms(Double(left.count) * Double(right.count), formula: formula)
            return try union(try union(left, right, formula: formula), try interact(left, right, formula: formula), formula: formula)
        case .power(let a, let k):
            let base = try expand(a, intercept: &intercept, formula: formula)
            // The expansion holds the non-empty sets of at most k of the base's variables that are
            // unions of base terms: count that bound before building anything.
            let variables = Set(base.flatMap(\.variables)).count
            var bound = 0.0, choose = 1.0
            for size in 1...max(1, min(k * (base.map(\.variables.count).max() ?? 1), variables)) {
                choose = choose * Double(variables - size + 1) / Double(size)
                bound += choose
            }
            try refuseMoreThanMaximumTerms(bound, formula: formula)
            var result = base
            for _ in 1..<max(1, k) { result = try union(result, try interact(result, base, formula: formula), formula: formula) }
            return result
        }
    }

    /// A usage error when a formula would expand to more than `maximumTerms` terms.
    private static func refuseMoreThanMaximumTerms(_ count: Double, formula: String) throws {
        guard count <= Double(maximumTerms) else {
            throw DisparityError.usage("\(formula): the model would have \(NumberFormat.label(count.rounded())) terms (at most \(maximumTerms)); drop or merge terms")
        }
    }

    /// The terms of `a`, then those of `b` whose variable set is new (linear time).
    private static func union(_ a: [Term], _ b: [Term], formula: String) throws -> [Term] {
        var seen = Set(a.map { Set($0.variables) })
        var out = a
        for t in b where seen.insert(Set(t.variables)).inserted { out.append(t) }
        try refuseMoreThanMaximumTerms(Double(out.count), formula: formula)
        return out
    }

    /// Every term of `a` with every term of `b`, each variable set once (callers bound the
    /// product's size first), refused when the result exceeds `maximumTerms`.
    private static func interact(_ a: [Term], _ b: [Term], formula: String) throws -> [Term] {
        var seen = Set<Set<ModelVariable>>()
        var out: [Term] = []
        for x in a {
            for y in b {
                var vars = x.variables
                let present = Set(vars)
                for v in y.variables where !present.contains(v) { vars.append(v) }
                if seen.insert(Set(vars)).inserted { out.append(Term(variables: vars)) }
            }
        }
        try refuseMoreThanMaximumTerms(Double(out.count), formula: formula)
        return out
    }
}
