import Yams

/// A measure's definition as a fingerprint: the SHA-256 of every configuration key its figures
/// depend on, so that a history can tell figures of one definition of a measure from those of
/// another stored under the same id (`BarometerHistory`, the report's trend).
///
/// The keys are the measure's own, except those that only name or present it (`id`, `label`,
/// `unit`, `context`) or decide what is withheld (`min-cell`, which each stored figure's smallest
/// cell already answers), together with the keys its goal gives it (`data`, `design`, the data
/// options) and the confidence level of the intervals. They are taken as written, in a canonical
/// form (mapping keys sorted, scalars as text), so the fingerprint does not depend on the order
/// of keys, on YAML's or JSON's spelling, or on the release that computed it; a definition
/// spelled two ways (a default written out, `stat: mean`, or left out) counts as two, which can only ask for a rerun.
enum MeasureDefinition {
    /// The measure's keys that leave its figures unchanged.
    static let presentationKeys: Set<String> = ["id", "label", "unit", "context", "min-cell"]

    /// The keys a goal passes to its measures.
    static let inheritedKeys: Set<String> = BarometerMeasure.dataOptionKeys.union(["data", "design"])

    /// The fingerprint of `measure` (a measure's mapping) under `goal` (its goal's mapping) at
    /// the confidence `level`: lowercase hex SHA-256.
    static func fingerprint(measure: ConfigNode, goal: ConfigNode?, level: Double) -> String {
        let own = measure.canonical(dropping: presentationKeys)
        // The goal's keys the measure does not set itself: those it inherits.
        let inherited = goal.map { g in g.canonical(keeping: inheritedKeys.subtracting(measure.keys)) } ?? "{}"
        let text = "measure=\(own);goal=\(inherited);level=\(level)"
        return SHA256.hex(Array(text.utf8))
    }

    /// A node as text: a scalar quoted (JSON escapes), a sequence in order, a mapping's keys
    /// sorted; at the top level, a mapping's keys in `dropping` left out, or only those in
    /// `keeping`.
    static func canonical(_ node: Node, dropping: Set<String> = [], keeping: Set<String>? = nil) -> String {
        switch node {
        case .scalar(let s):
            return quoted(s.string)
        case .sequence(let items):
            return "[" + items.map { canonical($0) }.joined(separator: ",") + "]"
        case .mapping(let pairs):
            let entries = pairs.compactMap { pair -> (String, String)? in
                let key = pair.key.string ?? canonical(pair.key)
                guard !dropping.contains(key), keeping?.contains(key) ?? true else { return nil }
                return (key, quoted(key) + ":" + canonical(pair.value))
            }
            return "{" + entries.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: ",") + "}"
        case .alias:
            return "null"
        }
    }

    /// `text` in double quotes, backslashes, quotes and control characters escaped.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
