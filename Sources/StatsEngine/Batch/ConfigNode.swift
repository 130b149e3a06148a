import Yams

/// A YAML (or JSON) node with the place it stands, for errors that name the goal or analysis
/// and the key at fault.
struct ConfigNode {
    let node: Node
    let path: String
    let place: String

    /// The value of `key`, matched by its text as `keys` lists it (a key with a YAML tag, such
    /// as `!x key:` or `!!str key:`, is found by its text too).
    subscript(key: String) -> ConfigNode? {
        guard let value = node.mapping?.first(where: { $0.key.string == key })?.value else { return nil }
        return ConfigNode(node: value, path: path, place: place.isEmpty ? key : "\(place), \(key)")
    }

    var scalar: String? { node.scalar?.string }
    /// YAML's null (`~`, `null`, or nothing after the key), which is not a value.
    var isNull: Bool { node.null != nil }
    var sequence: [ConfigNode]? { node.sequence.map { $0.map { ConfigNode(node: $0, path: path, place: place) } } }

    func named(_ name: String) -> ConfigNode { ConfigNode(node: node, path: path, place: name) }

    /// Parses a YAML or JSON document, with errors naming the file.
    static func load(path: String) throws -> ConfigNode {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw DisparityError.data(file: path, "cannot read the file")
        }
        do {
            try YAMLShape.check(text, path: path)
            guard let node = try Yams.compose(yaml: text) else { throw DisparityError.data(file: path, "the file is empty") }
            return ConfigNode(node: node, path: path, place: "")
        } catch let error as DisparityError { throw error } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
            // One key twice in a mapping: which value was meant is the writer's to say.
            throw DisparityError(.usage, "\(path):\(context.mark.line): \(quoted: keys.first ?? "") is given twice in one mapping: keep one")
        } catch {
            throw DisparityError.data(file: path, "not valid YAML or JSON: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
    }

    /// The keys of a mapping, in file order.
    var keys: [String] { node.mapping?.keys.compactMap { $0.string } ?? [] }

    func error(_ message: String) -> DisparityError {
        DisparityError.data(file: path, line: node.mark.map { $0.line }, "\(place): \(message)")
    }
}
