/// An R model formula expanded into its terms, as R's `terms()` does: `a*b` becomes
/// `a + b + a:b`, `(a+b)^2` all interactions up to order two, `- x` removes a term and `- 1`
/// (or `+ 0`) the intercept. Terms are ordered by degree, then as written.
public struct ModelFormula: Sendable, Equatable {
    /// One term: a set of variables, kept in the order first written.
    public struct Term: Hashable, Sendable {
        public let variables: [ModelVariable]
        /// `a:b` as R labels the term.
        public var label: String { variables.map(\.label).joined(separator: ":") }

        func sameSet(as other: Term) -> Bool { Set(variables) == Set(other.variables) }
    }

    public let text: String
    public let response: ModelVariable
    public let hasIntercept: Bool
    public let terms: [Term]
    /// The right-hand side's variables in order of first appearance.
    public let variables: [ModelVariable]

    public init(_ text: String) throws {
        let (response, rhs) = try FormulaParser.parse(text)
        var intercept = true
        let expanded = try Self.expand(rhs, intercept: &intercept, formula: text)
        self.text = text
        self.response = response
        self.hasIntercept = intercept
        // R's variable order: first appearance in the formula as written. Each term lists its
        // variables in that order (so `x:num` after `num` is `num:x`), and the terms are
        // stably sorted by degree, as R's terms(keep.order = FALSE).
        var order: [ModelVariable] = []
        for term in expanded { for v in term.variables where !order.contains(v) { order.append(v) } }
        self.variables = order
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        self.terms = expanded.enumerated()
            .sorted { ($0.element.variables.count, $0.offset) < ($1.element.variables.count, $1.offset) }
            .map { Term(variables: $0.element.variables.sorted { rank[$0]! < rank[$1]! }) }
        if terms.isEmpty && !hasIntercept {
            throw DisparityError.usage("formula '\(text)': the model has no terms and no intercept")
        }
    }

    /// All columns of the data the formula reads, response first.
    public var columns: [String] {
        var seen: [String] = []
        for c in response.columns + terms.flatMap({ $0.variables.flatMap(\.columns) }) where !seen.contains(c) { seen.append(c) }
        return seen
    }

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
            return union(try expand(a, intercept: &intercept, formula: formula), try expand(b, intercept: &intercept, formula: formula))
        case .difference(let a, let b):
            let kept = try expand(a, intercept: &intercept, formula: formula)
            if case .intercept(let one) = b {
                if one { intercept = false } else { intercept = true }
                return kept
            }
            var ignored = true
            let removed = try expand(b, intercept: &ignored, formula: formula)
            return kept.filter { t in !removed.contains { $0.sameSet(as: t) } }
        case .interaction(let a, let b):
            return interact(try expand(a, intercept: &intercept, formula: formula), try expand(b, intercept: &intercept, formula: formula))
        case .crossing(let a, let b):
            let left = try expand(a, intercept: &intercept, formula: formula)
            let right = try expand(b, intercept: &intercept, formula: formula)
            return union(union(left, right), interact(left, right))
        case .power(let a, let k):
            let base = try expand(a, intercept: &intercept, formula: formula)
            var result = base
            for _ in 1..<max(1, k) { result = union(result, interact(result, base)) }
            return result
        }
    }

    private static func union(_ a: [Term], _ b: [Term]) -> [Term] {
        var out = a
        for t in b where !out.contains(where: { $0.sameSet(as: t) }) { out.append(t) }
        return out
    }

    private static func interact(_ a: [Term], _ b: [Term]) -> [Term] {
        var out: [Term] = []
        for x in a {
            for y in b {
                var vars = x.variables
                for v in y.variables where !vars.contains(v) { vars.append(v) }
                let t = Term(variables: vars)
                if !out.contains(where: { $0.sameSet(as: t) }) { out.append(t) }
            }
        }
        return out
    }
}
