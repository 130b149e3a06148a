import Yams

/// A YAML (or JSON) node with the place it stands, for errors that name the goal or analysis
/// and the key at fault.
struct ConfigNode {
    let node: Node
    let path: String
    let place: String

    subscript(key: String) -> ConfigNode? {
        guard let mapping = node.mapping, let value = mapping[key] else { return nil }
        return ConfigNode(node: value, path: path, place: place.isEmpty ? key : "\(place), \(key)")
    }

    var scalar: String? { node.scalar?.string }
    var sequence: [ConfigNode]? { node.sequence.map { $0.map { ConfigNode(node: $0, path: path, place: place) } } }

    func named(_ name: String) -> ConfigNode { ConfigNode(node: node, path: path, place: name) }

    func number() throws -> Double {
        guard let text = scalar, let v = Double(text) else { throw error("expected a number") }
        return v
    }

    /// Parses a YAML or JSON document, with errors naming the file.
    static func load(path: String) throws -> ConfigNode {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw DisparityError.data(file: path, "cannot read the file")
        }
        do {
            guard let node = try Yams.compose(yaml: text) else { throw DisparityError.data(file: path, "the file is empty") }
            return ConfigNode(node: node, path: path, place: "")
        } catch let error as DisparityError { throw error } catch {
            throw DisparityError.data(file: path, "not valid YAML or JSON: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
    }

    /// The keys of a mapping, in file order.
    var keys: [String] { node.mapping?.keys.compactMap { $0.string } ?? [] }

    /// A comma list, or a YAML sequence of scalars.
    var list: [String] {
        if let items = node.sequence { return items.compactMap { $0.string } }
        return scalar.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
    }

    func error(_ message: String) -> DisparityError {
        DisparityError.data(file: path, line: node.mark.map { $0.line }, "\(place): \(message)")
    }
}

extension ConfigNode {
    /// A design given by the long names of the command line's design options.
    func designSpec() throws -> DesignSpec {
        let rule = self["lonely-psu"]?.scalar ?? "fail"
        guard let lonely = LonelyPSU(rawValue: rule) else { throw error("lonely-psu '\(rule)' is not one of fail, remove, certainty, adjust, average") }
        for key in keys where !["weights", "strata", "cluster", "fpc", "nest", "lonely-psu", "adjust-domain-lonely", "bootstrap", "seed"].contains(key) {
            throw error("unknown design option '\(key)'")
        }
        return DesignSpec(weights: self["weights"]?.scalar, strata: self["strata"]?.scalar, clusters: self["cluster"]?.list ?? [],
                          fpc: self["fpc"]?.list ?? [], nest: self["nest"]?.scalar == "true", lonelyPSU: lonely,
                          adjustDomainLonely: self["adjust-domain-lonely"]?.scalar == "true",
                          varianceMethod: try self["bootstrap"].map { node in
                              guard let n = Int(node.scalar ?? ""), let seed = UInt64(self["seed"]?.scalar ?? "1") else {
                                  throw node.error("bootstrap and seed take whole numbers")
                              }
                              return try VarianceMethod.checkedBootstrap(replicates: n, seed: seed)
                          } ?? .linearization)
    }
}
