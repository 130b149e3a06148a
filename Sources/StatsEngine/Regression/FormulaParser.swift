/// Parses R model formulas (`y ~ a + b*c + factor(d) + I(x^2) - 1`) into a response and a
/// right-hand side, reporting any problem with the character position where it occurs.
///
/// The parser is recursive descent, so its recursion (and that of everything that walks the
/// tree it builds) is bounded: parentheses, function calls, unary minus and `^` may nest at
/// most `maximumNesting` levels, and a formula may hold at most `maximumOperators` operators
/// (each one a node of the tree). Beyond either bound the formula is a usage error naming the
/// character position, never a stack overflow.
struct FormulaParser {
    /// Deepest nesting of parentheses, calls, unary minus and `^` a formula may use.
    static let maximumNesting = 200
    /// Most operators (formula and arithmetic) one formula may contain.
    static let maximumOperators = 1000

    private let text: [Character]
    private let source: String
    /// What the errors call the text: `formula`, or the option that gave a list of terms.
    private let label: String
    private var position = 0
    private var nesting = 0
    private var operators = 0

    init(_ source: String, label: String = "formula") {
        self.source = source
        self.label = label
        self.text = Array(source)
    }

    /// The response variable and the right-hand side.
    static func parse(_ formula: String) throws -> (response: ModelVariable, rhs: FormulaNode) {
        var parser = FormulaParser(formula)
        parser.skipSpace()
        guard let tilde = parser.text.firstIndex(of: "~") else {
            throw parser.error("a formula needs '~' between the response and the terms", at: 0)
        }
        guard tilde > 0, !parser.text[0..<tilde].allSatisfy(\.isWhitespace) else {
            throw parser.error("the response is missing before '~'", at: tilde)
        }
        let response = try parser.variable()
        parser.skipSpace()
        guard parser.peek == "~" else { throw parser.error("expected '~' after the response", at: parser.position) }
        parser.position += 1
        let rhs = try parser.sum()
        parser.skipSpace()
        if parser.position < parser.text.count {
            throw parser.error("unexpected \(quoted: parser.text[parser.position])", at: parser.position)
        }
        return (response, rhs)
    }

    /// A one-line error that quotes the formula (its start, when long) and points at a character.
    func error(_ message: String, at index: Int) -> DisparityError {
        DisparityError.usage("\(label) \(quoted: source): \(message) (at character \(index + 1))")
    }

    // MARK: bounds

    /// Runs `body` one nesting level deeper, refusing to go beyond `maximumNesting`.
    private mutating func nested<T>(_ body: (inout FormulaParser) throws -> T) throws -> T {
        guard nesting < Self.maximumNesting else {
            throw error("nested more than \(Self.maximumNesting) levels deep", at: position)
        }
        nesting += 1
        defer { nesting -= 1 }
        return try body(&self)
    }

    /// Counts an operator just read (at `position - 1`), refusing more than `maximumOperators`.
    private mutating func countOperator() throws {
        operators += 1
        guard operators <= Self.maximumOperators else {
            throw error("more than \(Self.maximumOperators) operators", at: position - 1)
        }
    }

    /// Accepts `c` as an operator, counting it.
    private mutating func acceptOperator(_ c: Character) throws -> Bool {
        guard accept(c) else { return false }
        try countOperator()
        return true
    }

    // MARK: formula operators, lowest precedence first

    private mutating func sum() throws -> FormulaNode {
        var node = try acceptOperator("-") ? FormulaNode.difference(.empty, try product()) : try product()
        while true {
            skipSpace()
            if try acceptOperator("+") { node = .sum(node, try product()) } else if try acceptOperator("-") { node = .difference(node, try product()) } else { return node }
        }
    }

    private mutating func product() throws -> FormulaNode {
        var node = try interaction()
        while try acceptOperator("*") { node = .crossing(node, try interaction()) }
        return node
    }

    private mutating func interaction() throws -> FormulaNode {
        var node = try power()
        while try acceptOperator(":") { node = .interaction(node, try power()) }
        return node
    }

    private mutating func power() throws -> FormulaNode {
        let node = try atom()
        guard try acceptOperator("^") else { return node }
        skipSpace()
        let start = position
        guard case .number(let k)? = try? numberLiteral(), k >= 1, k <= 16, k == k.rounded() else {
            throw error("'^' in a formula takes a whole number from 1 to 16 (write I(x^2) for a power of a number)", at: start)
        }
        return .power(node, Int(k))
    }

    private mutating func atom() throws -> FormulaNode {
        skipSpace()
        let start = position
        if accept("(") {
            let inner = try nested { try $0.sum() }
            guard accept(")") else { throw error("missing ')'", at: position) }
            return inner
        }
        if let c = peek, c.isNumber {
            guard case .number(let v) = try numberLiteral(), v == 0 || v == 1 else {
                throw error("only 0 or 1 may stand alone in a formula", at: start)
            }
            return .intercept(v == 1)
        }
        return .variable(try variable())
    }

    // MARK: variables

    private mutating func variable() throws -> ModelVariable {
        skipSpace()
        let start = position
        let name = try identifier()
        skipSpace()
        guard accept("(") else { return .column(name) }
        switch name {
        case "factor", "as.factor":
            skipSpace()
            let column = try identifier()
            guard accept(")") else { throw error("factor() takes one column name", at: position) }
            return .factor(column)
        case "I":
            let e = try nested { try $0.arithmetic() }
            try closeArithmetic()
            return .expression(e, label: "I(\(e.text))")
        case _ where ArithmeticExpression.functions.contains(name):
            let e = try nested { try $0.arithmetic() }
            try closeArithmetic()
            let call = ArithmeticExpression.call(name, e)
            return .expression(call, label: call.text)
        default:
            throw error("unknown function \(quoted: name) (use factor, I, log, exp, sqrt, abs, log10 or log2)", at: start)
        }
    }

    private mutating func arithmetic() throws -> ArithmeticExpression {
        var node = try arithmeticTerm()
        while true {
            skipSpace()
            if try acceptOperator("+") { node = .binary("+", node, try arithmeticTerm()) } else if try acceptOperator("-") { node = .binary("-", node, try arithmeticTerm()) } else { return node }
        }
    }

    private mutating func arithmeticTerm() throws -> ArithmeticExpression {
        var node = try arithmeticFactor()
        while true {
            skipSpace()
            if try acceptOperator("*") { node = .binary("*", node, try arithmeticFactor()) } else if try acceptOperator("/") { node = .binary("/", node, try arithmeticFactor()) } else { return node }
        }
    }

    private mutating func arithmeticFactor() throws -> ArithmeticExpression {
        skipSpace()
        if try acceptOperator("-") { return .negate(try nested { try $0.arithmeticFactor() }) }
        let base = try arithmeticAtom()
        skipSpace()
        if try acceptOperator("^") { return .binary("^", base, try nested { try $0.arithmeticFactor() }) }
        return base
    }

    private mutating func arithmeticAtom() throws -> ArithmeticExpression {
        skipSpace()
        let start = position
        if accept("(") {
            let e = try nested { try $0.arithmetic() }
            try closeArithmetic()
            return e
        }
        if let c = peek, c.isNumber || c == "." && position + 1 < text.count && text[position + 1].isNumber {
            return try numberLiteral()
        }
        let name = try identifier()
        skipSpace()
        if accept("(") {
            guard ArithmeticExpression.functions.contains(name) else {
                throw error("unknown function \(quoted: name) (use log, exp, sqrt, abs, log10 or log2)", at: start)
            }
            let e = try nested { try $0.arithmetic() }
            try closeArithmetic()
            return .call(name, e)
        }
        return .column(name)
    }

    /// The ')' closing an arithmetic expression (inside I(), a function or parentheses), or an
    /// error: naming an operator arithmetic here does not have (a comparison, a logical
    /// operator) where one stands, else "missing ')'".
    private mutating func closeArithmetic() throws {
        skipSpace()
        guard accept(")") else {
            if let c = peek, Self.unsupportedOperators.contains(c) {
                var op = String(c)
                if position + 1 < text.count, "=&|".contains(text[position + 1]) { op.append(text[position + 1]) }
                throw error("the operator \(quoted: op) is not supported in I() or a function's argument (supported: +, -, *, /, ^ and the functions log, exp, sqrt, abs, log10, log2)", at: position)
            }
            throw error("missing ')'", at: position)
        }
    }

    /// The first characters of R's comparison, logical and %...% operators, none of them arithmetic.
    private static let unsupportedOperators: Set<Character> = ["<", ">", "=", "!", "&", "|", "%"]

    // MARK: tokens

    private var peek: Character? { position < text.count ? text[position] : nil }

    private mutating func skipSpace() {
        while let c = peek, c.isWhitespace { position += 1 }
    }

    private mutating func accept(_ c: Character) -> Bool {
        skipSpace()
        guard peek == c else { return false }
        position += 1
        return true
    }

    /// A column name: letters, digits, `_` and `.` (not starting with a digit), or any text in backquotes.
    private mutating func identifier() throws -> String {
        skipSpace()
        let start = position
        if accept("`") {
            let nameStart = position
            while let c = peek, c != "`" { position += 1 }
            guard peek == "`" else { throw error("unterminated backquoted name", at: start) }
            let name = String(text[nameStart..<position])
            position += 1
            return name
        }
        while let c = peek, c.isLetter || c.isNumber || c == "_" || c == "." { position += 1 }
        guard position > start, !text[start].isNumber else {
            throw error(peek.map { "expected a column name, found \(quoted: $0)" } ?? "the \(label == "formula" ? "formula" : "text") ends where a column name is expected", at: start)
        }
        return String(text[start..<position])
    }

    private mutating func numberLiteral() throws -> ArithmeticExpression {
        skipSpace()
        let start = position
        while let c = peek, c.isNumber || c == "." || c == "e" || c == "E" ||
            ((c == "-" || c == "+") && position > start && (text[position - 1] == "e" || text[position - 1] == "E")) {
            position += 1
        }
        guard let v = Double(String(text[start..<position])) else { throw error("malformed number", at: start) }
        return .number(v)
    }
}

extension FormulaParser {
    /// The right-hand side of a one-sided formula (`~ a + b`, a calibration model).
    /// - Throws: `DisparityError.usage` pointing at the character, as `parse`, and when anything
    ///   but blanks stands before the `~`.
    static func parseRightHandSide(_ formula: String) throws -> FormulaNode {
        var parser = FormulaParser(formula)
        parser.skipSpace()
        guard parser.accept("~") else {
            throw parser.error("a one-sided formula starts with '~' (as \"~ x1 + x2\")", at: parser.position)
        }
        let rhs = try parser.sum()
        parser.skipSpace()
        if parser.position < parser.text.count {
            throw parser.error("unexpected '\(parser.text[parser.position])'", at: parser.position)
        }
        return rhs
    }

    /// Checks the syntax of a list of terms that an option gives without a response or `~`
    /// (`--test "x1 + x2"`, `--adjust "age + factor(edu)"`), which the caller then reads as a
    /// formula's right-hand side: an error names the option and points at a character of the
    /// text as the user wrote it.
    /// - Throws: `DisparityError.usage` "OPTION 'TEXT': what is wrong (at character N)".
    static func checkTerms(_ terms: String, option: String) throws {
        var parser = FormulaParser(terms, label: option)
        parser.skipSpace()
        if parser.peek == "~" { throw parser.error("give the terms without '~' (as \"x1 + x2\")", at: parser.position) }
        _ = try parser.sum()
        parser.skipSpace()
        if parser.position < parser.text.count {
            throw parser.error("unexpected \(quoted: parser.text[parser.position])", at: parser.position)
        }
    }
}
