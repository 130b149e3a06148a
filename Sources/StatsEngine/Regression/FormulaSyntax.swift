/// The parsed form of an R model formula, before it is expanded into terms.
///
/// Formula operators (`+ - * : ^` and parentheses) combine *variables*; anything else is a
/// variable: a column name, `factor(col)`, or a numeric expression such as `I(x^2)` or
/// `log(income)` whose own `+ - * / ^` are arithmetic.
indirect enum FormulaNode: Equatable {
    /// Nothing: what a leading `-` subtracts from (`~ -1 + x`).
    case empty
    case variable(ModelVariable)
    case intercept(Bool)
    case sum(FormulaNode, FormulaNode)
    case difference(FormulaNode, FormulaNode)
    case crossing(FormulaNode, FormulaNode)
    case interaction(FormulaNode, FormulaNode)
    case power(FormulaNode, Int)
}

/// A variable of a model: what one column (or, for factors, one group of columns) of the
/// design matrix is made from.
public enum ModelVariable: Hashable, Sendable {
    /// A column as it is: numeric columns enter as numbers, text columns as factors.
    case column(String)
    /// `factor(col)`: the column's values as categories.
    case factor(String)
    /// A numeric expression, with its label as written in canonical form (`I(x^2)`, `log(x)`).
    case expression(ArithmeticExpression, label: String)

    /// The name R gives the variable in coefficient names.
    public var label: String {
        switch self {
        case .column(let name): return name
        case .factor(let name): return "factor(\(name))"
        case .expression(_, let label): return label
        }
    }

    /// The columns of the data the variable reads.
    public var columns: [String] {
        switch self {
        case .column(let name), .factor(let name): return [name]
        case .expression(let e, _): return e.columns
        }
    }
}

/// Arithmetic inside `I()`, `log()` and the like, evaluated row by row.
public indirect enum ArithmeticExpression: Hashable, Sendable {
    /// A numeric literal.
    case number(Double)
    /// A column's value in the row.
    case column(String)
    /// Unary minus.
    case negate(ArithmeticExpression)
    /// `+`, `-`, `*`, `/` or `^` applied to two operands.
    case binary(Character, ArithmeticExpression, ArithmeticExpression)
    /// One of `functions` (`log`, `exp`, `sqrt`, `abs`, `log10`, `log2`) applied to its argument.
    case call(String, ArithmeticExpression)

    /// Functions a formula may apply to numbers.
    static let functions: Set<String> = ["log", "exp", "sqrt", "abs", "log10", "log2"]

    /// The columns the expression reads, in order of first appearance (one walk of the tree).
    var columns: [String] {
        var seen = Set<String>(), ordered: [String] = []
        func collect(_ e: ArithmeticExpression) {
            switch e {
            case .number: return
            case .column(let c): if seen.insert(c).inserted { ordered.append(c) }
            case .negate(let inner), .call(_, let inner): collect(inner)
            case .binary(_, let a, let b): collect(a); collect(b)
            }
        }
        collect(self)
        return ordered
    }

    /// Canonical R-like text: spaces around + and -, none around * / ^, and the parentheses the
    /// expression's structure needs, no more (`I((x + 1)*2)`, `(-x)^2` against `-x^2`), so that
    /// two expressions never read alike. (Without them, `I((x+1)*2)` read `I(x + 1*2)`, and two
    /// terms of a model could share a name.)
    var text: String {
        switch self {
        case .number(let v): return NumberFormat.label(v)
        case .column(let c): return c
        case .negate(let e): return "-" + e.operand(above: Self.unaryPrecedence, orEqual: true)
        case .binary(let op, let a, let b):
            let spaced = op == "+" || op == "-", p = Self.precedence(op)
            // `^` groups to the right (a^b^c is a^(b^c)); the others to the left.
            return a.operand(above: p, orEqual: op == "^") + (spaced ? " \(op) " : "\(op)") + b.operand(above: p, orEqual: op != "^")
        case .call(let f, let e): return "\(f)(\(e.text))"
        }
    }

    /// R's precedence of unary minus: below `^`, above `*` and `/` (`-x^2` is -(x²), `-x*2` is (−x)·2).
    private static let unaryPrecedence = 3

    /// How tightly a binary operator binds: `+ -` 1, `* /` 2, `^` 4.
    private static func precedence(_ op: Character) -> Int { op == "^" ? 4 : op == "*" || op == "/" ? 2 : 1 }

    /// How tightly the expression's outermost operation binds (a negative number as unary minus).
    private var precedence: Int {
        switch self {
        case .number(let v): return v < 0 || (v == 0 && v.sign == .minus) ? Self.unaryPrecedence : 5
        case .column, .call: return 5
        case .negate: return Self.unaryPrecedence
        case .binary(let op, _, _): return Self.precedence(op)
        }
    }

    /// The text as an operand of an operation of precedence `p`: in parentheses where it binds
    /// less tightly (or, with `orEqual`, as tightly).
    private func operand(above p: Int, orEqual: Bool) -> String {
        precedence < p || (orEqual && precedence == p) ? "(\(text))" : text
    }
}
