import ArgumentParser

/// Decodes a YAML mapping (a run-spec analysis, a barometer goal, a design block) through the
/// same option declaration as the command line: the mapping becomes an argument list — each key
/// `--key=value` (the `=` form, so values starting with '-' stay values), `true` sets a flag and
/// `false` leaves it out, a sequence is joined with ',' for an option that takes a comma list
/// (`OptionCatalog.Entry.takesList`) or repeated for a repeatable one, and the keys holding
/// positional arguments come last after `--` — which ArgumentParser then parses. Its errors
/// become one-line usage errors (exit 2) that name the file, the place, the key and the value as
/// written, with the nearest valid key suggested for an unknown one (and `design:` for a design
/// option where a design block belongs). A null (`~`), or a list where one value belongs, is an
/// error naming the key, never the text `~` or the items joined.
struct SpecArguments<Options: ParsableArguments> {
    /// The keys that hold the positional arguments, in order.
    var positionalKeys: [String] = []
    /// Keys of the mapping handled elsewhere (not options).
    var ownKeys: Set<String> = []
    /// What an unknown key is called in errors ("key", "design option").
    var noun = "key"

    /// Turns `node`'s keys into command-line arguments (`--key=value`, flags for `true`, lists
    /// joined by commas or repeated) plus `extra`, and parses them with `Options`' declaration.
    /// - Throws: `DisparityError.usage` naming the place for a missing positional key, an unknown
    ///   key (with the nearest valid one), a null, a flag that is not true or false, a list where
    ///   one value belongs, a mapping where a value belongs, or an argument the declaration rejects.
    func decode(_ node: ConfigNode, adding extra: [String] = []) throws -> Options {
        let catalog = OptionCatalog(Options.self)
        var options: [String] = [], positionals: [String] = []
        let optionKeys = node.keys.filter { !positionalKeys.contains($0) && !ownKeys.contains($0) }
        // An unknown key first: a misspelt required key (`variabel:`) is named as written, with
        // the key meant, rather than reported as the required key missing.
        if let key = optionKeys.first(where: { catalog[$0] == nil }) {
            let hint = ConfigNode.unknownKeyHint(key, among: catalog.names + positionalKeys + ownKeys.sorted())
            throw node[key]!.usageError("unknown \(noun) \(quoted: key) in \(node.place.isEmpty ? "the file" : node.place)\(hint)", placed: false)
        }
        for key in optionKeys + positionalKeys where node[key]?.isNull == true {
            _ = try node.text(key)
        }
        for key in positionalKeys {
            guard let value = try node.text(key) else { throw node.usageError("\(quoted: key) is missing") }
            positionals.append(value)
        }
        for key in optionKeys {
            let value = node[key]!
            let entry = catalog[key]!
            if entry.isFlag {
                switch value.value {
                case .text("true"): options.append("--\(key)")
                case .text("false"): break
                case .text(let text): throw value.usageError("\(quoted: text) is not true or false")
                default: _ = try node.text(key, takes: "true or false")
                }
            } else if case .list(let items) = value.value {
                guard entry.isRepeating || entry.takesList else { _ = try node.text(key); continue }
                let texts = try items.map { item -> String in
                    guard case .text(let text) = item.value else { throw value.usageError("expected a value or a list of values") }
                    return text
                }
                options += entry.isRepeating ? texts.map { "--\(key)=\($0)" } : ["--\(key)=\(texts.joined(separator: ","))"]
            } else {
                options.append("--\(key)=\(try node.text(key)!)")
            }
        }
        let argv = extra + options + (positionals.isEmpty ? [] : ["--"] + positionals)
        do {
            return try Options.parse(argv)
        } catch {
            let (message, key) = rephrased(Options.message(for: error), catalog: catalog, node: node)
            // An invalid value is placed at its key's line, with the entry's place.
            guard let key, let value = node[key] else { throw node.usageError(message) }
            throw value.usageError(node.place.isEmpty ? message : "\(node.place): \(message)", placed: false)
        }
    }

    /// ArgumentParser's message in the spec's terms (keys instead of options, values as written),
    /// and the key whose value it rejects, if one does.
    private func rephrased(_ message: String, catalog: OptionCatalog, node: ConfigNode) -> (String, key: String?) {
        func key(_ name: String) -> String {
            if name.hasPrefix("<"), let i = catalog.positionals.firstIndex(of: String(name.dropFirst().dropLast())), i < positionalKeys.count {
                return positionalKeys[i]
            }
            return name.hasPrefix("--") ? String(name.dropFirst(2)) : name
        }
        func captures(_ pattern: String) -> [String]? {
            guard let regex = try? Regex(pattern), let match = message.firstMatch(of: regex) else { return nil }
            return match.output.map { $0.substring.map(String.init) ?? "" }
        }
        if let m = captures(#"^The value '(.*)' is invalid for '(--[\w-]+|<[\w-]+>)[^']*'(?::\s*(.*)|\.)?"#) {
            let name = key(m[2])
            let written = (try? node.text(name)) ?? m[1]
            let reason = m.count > 3 && !m[3].isEmpty ? m[3]
                : catalog[name].map { $0.values.isEmpty ? "" : "choose \($0.values.joined(separator: ", "))" } ?? ""
            return ("\(name) \(quoted: written) is not a valid value\(reason.isEmpty ? "" : ": \(reason)")", name)
        }
        if let m = captures(#"^Missing expected argument '(--[\w-]+|<[\w-]+>)"#) { return ("\(quoted: key(m[1])) is missing", nil) }
        if let m = captures(#"^Missing value for '(--[\w-]+)"#) { return ("\(quoted: key(m[1])) needs a value", key(m[1])) }
        return (message.split(separator: "\n").first.map(String.init) ?? message, nil)
    }
}

extension ConfigNode {
    /// What an unknown `key` among `allowed` keys should be: a design option, where a `design:`
    /// block is allowed, belongs in it; otherwise the nearest allowed key, if one is near.
    static func unknownKeyHint(_ key: String, among allowed: [String]) -> String {
        if allowed.contains("design"), OptionCatalog(DesignOptions.self)[key] != nil {
            return "; \(quoted: key) is a design option: it belongs under 'design:'"
        }
        return NearestName.hint(for: key, among: allowed)
    }

    /// A usage error (exit 2) at this node: the file and line, and the place unless `placed` is false.
    func usageError(_ message: String, placed: Bool = true) -> DisparityError {
        let file = path + (line.map { ":\($0)" } ?? "")
        return DisparityError(.usage, "\(file): \(placed && !place.isEmpty ? "\(place): " : "")\(message)")
    }

    /// Runs `body`, placing a usage error it throws at this node (so a request's own checks
    /// name the analysis or goal).
    func placing<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DisparityError where error.kind == .usage {
            throw usageError(error.message)
        }
    }

    /// A design given by the long names of the design options (`DesignOptions`).
    /// - Throws: `DisparityError.usage` naming the key and line where the node is not a mapping.
    func designSpec() throws -> DesignSpec {
        try requireMapping(like: "{weights: w, strata: s, cluster: psu, ...}")
        let options = try SpecArguments<DesignOptions>(noun: "design option").decode(self)
        return try placing { try options.spec() }
    }
}
