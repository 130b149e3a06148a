import Foundation
import Yams

/// A YAML (or JSON) node with the place it stands, for errors that name the goal or analysis
/// and the key at fault.
///
/// Values are read only through the accessors that check their YAML shape — `text(_:)` for a
/// key that takes one value, `texts(_:)` for a list of values, `list(_:)` for a list of
/// entries, `mapping(_:)` for a block of keys, `value` for the decoders that accept several
/// shapes — so that a list, a mapping or a null where another shape belongs is an error naming
/// the file, the line and the key, never a value dropped or defaulted.
struct ConfigNode {
    /// The YAML node, read only through the accessors below.
    private let node: Node
    let path: String
    let place: String
    /// The key this node is the value of, and the place of the mapping holding it; nil for the
    /// document and a list's items.
    private(set) var key: String?
    private(set) var owner = ""

    init(node: Node, path: String, place: String) {
        self.node = node
        self.path = path
        self.place = place
    }

    /// The value of `key`, matched by its text as `keys` lists it (a key with a YAML tag, such
    /// as `!x key:` or `!!str key:`, is found by its text too); nil when the key is absent or
    /// this node is not a mapping.
    subscript(key: String) -> ConfigNode? {
        guard let value = node.mapping?.first(where: { $0.key.string == key })?.value else { return nil }
        var child = ConfigNode(node: value, path: path, place: place.isEmpty ? key : "\(place), \(key)")
        child.key = key
        child.owner = place
        return child
    }

    /// A node's shape, as the decoders that accept more than one take it.
    enum Value {
        /// YAML's null (`~`, `null`, or nothing after the key), which is not a value.
        case null
        /// One value's text (a block scalar's surrounding whitespace and line breaks trimmed).
        case text(String)
        /// A list, its items in order.
        case list([ConfigNode])
        /// A mapping of keys.
        case mapping
    }

    /// The node's shape and content.
    var value: Value {
        if node.null != nil { return .null }
        if let scalar = node.scalar {
            // A block scalar (`key: >` or `|` and the value on the lines below) ends in a line
            // break YAML keeps and may be indented or padded: none is part of a value.
            switch scalar.style {
            case .literal, .folded: return .text(scalar.string.trimmingCharacters(in: .whitespacesAndNewlines))
            default: return .text(scalar.string)
            }
        }
        if let items = node.sequence { return .list(items.map { ConfigNode(node: $0, path: path, place: place) }) }
        return .mapping
    }

    /// YAML's null (`~`, `null`, or nothing after the key), which is not a value.
    var isNull: Bool { if case .null = value { return true } else { return false } }

    /// What the node is, for messages: "a list", "a mapping", "a null (~)" or "the value 'x'".
    var shapeDescription: String {
        switch value {
        case .null: return "a null (~)"
        case .text(let text): return "the value \(quoted: text)"
        case .list: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// The name of this node in messages: its key quoted, else its place, else "the file".
    private var named: String { key.map { "\(quoted: $0)" } ?? (place.isEmpty ? "the file" : place) }

    /// An error at this node's line, its owner's place first: `file:line: goal 1: 'by' …`.
    private func shapeError(_ message: String) -> DisparityError {
        usageError(owner.isEmpty ? message : "\(owner): \(message)", placed: false)
    }

    /// This node as one value's text.
    /// - Parameter what: what the key takes, for the error ("one value", "one column: …").
    /// - Throws: `DisparityError.usage` naming the key and its line for a null, a list or a mapping.
    func text(takes what: String = "one value") throws -> String {
        switch value {
        case .text(let text): return text
        case .null: throw shapeError("\(named) has no value (YAML's null): give one, or leave the key out")
        case .list: throw shapeError("\(named) takes \(what), not a list")
        case .mapping: throw shapeError("\(named) takes \(what), not a mapping")
        }
    }

    /// The text of `key`'s value; nil when the key is absent (`text(takes:)` for the errors).
    func text(_ key: String, takes what: String = "one value") throws -> String? {
        try self[key]?.text(takes: what)
    }

    /// The items of `key`'s list; nil when the key is absent.
    /// - Parameter what: what the list holds, for the error ("the periods").
    /// - Throws: `DisparityError.usage` naming the key and its line for anything but a list.
    func list(_ key: String, of what: String) throws -> [ConfigNode]? {
        guard let value = self[key] else { return nil }
        guard case .list(let items) = value.value else {
            throw value.shapeError("\(quoted: key) is a list of \(what), not \(value.shapeDescription)")
        }
        return items
    }

    /// The texts of `key`'s list, each item one value; nil when the key is absent.
    /// - Throws: `DisparityError.usage` naming the key and the item's line for anything but a
    ///   list, or an item that is not one value.
    func texts(_ key: String, of what: String) throws -> [String]? {
        try list(key, of: what)?.enumerated().map { index, item in
            guard case .text(let text) = item.value else {
                throw item.usageError("\(place.isEmpty ? "" : "\(place): ")item \(index + 1) of \(quoted: key) is \(item.shapeDescription), not one value",
                                      placed: false)
            }
            return text
        }
    }

    /// `key`'s mapping; nil when the key is absent.
    /// - Parameter example: the block as it should read, for the error (`{weights: w, ...}`).
    /// - Throws: `DisparityError.usage` naming the key and its line for anything but a mapping.
    func mapping(_ key: String, like example: String) throws -> ConfigNode? {
        guard let value = self[key] else { return nil }
        try value.requireMapping(like: example)
        return value
    }

    /// Checks that this node is a mapping of keys.
    /// - Parameters:
    ///   - name: what the node is ("goal 2 of 'goals'"); by default its key, or the document.
    ///   - example: the mapping as it should read, for the error.
    /// - Throws: `DisparityError.usage` naming the node and its line otherwise.
    func requireMapping(named name: String? = nil, like example: String) throws {
        guard case .mapping = value else {
            throw shapeError("\(name ?? named) is a mapping of keys \(example), not \(shapeDescription)")
        }
    }

    func named(_ name: String) -> ConfigNode { ConfigNode(node: node, path: path, place: name) }

    /// Parses a YAML or JSON document, with errors naming the file.
    /// - Throws: `DisparityError.usage` naming the file and line of a syntax error, a key given
    ///   twice, a shape `YAMLShape` refuses, an empty file or one not in UTF-8 (`readText`);
    ///   `DisparityError.data` for a file that cannot be read.
    static func load(path: String) throws -> ConfigNode {
        let text = try readText(path: path)
        do {
            try YAMLShape.check(text, path: path)
            guard let node = try Yams.compose(yaml: text) else { throw DisparityError(.usage, "\(path): the file is empty") }
            return ConfigNode(node: node, path: path, place: "")
        } catch let error as DisparityError { throw error } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
            // One key twice in a mapping: which value was meant is the writer's to say.
            throw DisparityError(.usage, "\(path):\(context.mark.line): \(quoted: keys.first ?? "") is given twice in one mapping: keep one")
        } catch YamlError.scanner(_, let problem, let mark, _), YamlError.parser(_, let problem, let mark, _),
                YamlError.composer(_, let problem, let mark, _) {
            // The request is written wrong, as a key of the wrong shape is: a usage error at its place.
            throw DisparityError(.usage, "\(path):\(mark.line): not valid YAML or JSON at column \(mark.column): \(problem)")
        } catch {
            throw DisparityError(.usage, "\(path): not valid YAML or JSON: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
    }

    /// The file's text, which must be UTF-8 (a UTF-8 byte-order mark is skipped).
    /// - Throws: `DisparityError.data` naming the file when it is missing or unreadable; a usage
    ///   error (the request is written wrong) when it is UTF-16 or UTF-32 (by its byte-order mark
    ///   or its NUL bytes) or not valid UTF-8 (naming the line), each saying what to do.
    static func readText(path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DisparityError.data(file: path, FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        let bytes = [UInt8](data)
        let marks: [(String, [UInt8])] = [("UTF-32", [0xFF, 0xFE, 0, 0]), ("UTF-32", [0, 0, 0xFE, 0xFF]),
                                          ("UTF-16", [0xFF, 0xFE]), ("UTF-16", [0xFE, 0xFF])]
        if let (encoding, _) = marks.first(where: { bytes.starts(with: $0.1) }) {
            throw DisparityError(.usage, "\(path): the file is \(encoding) (it starts with a \(encoding) byte-order mark), not UTF-8: save it as UTF-8")
        }
        // UTF-16 without a byte-order mark: text of ASCII characters with a 0 byte beside each
        // (YAML allows no NUL, so a 0 there says so in any case).
        if bytes.count >= 2, bytes.prefix(64).contains(0) {
            let head = bytes.prefix(64)
            let zeroAtOdd = stride(from: 1, to: head.count, by: 2).allSatisfy { head[$0] == 0 }
            let zeroAtEven = stride(from: 0, to: head.count, by: 2).allSatisfy { head[$0] == 0 }
            let encoding = zeroAtOdd ? "UTF-16 (little-endian, without a byte-order mark)" : zeroAtEven ? "UTF-16 (big-endian, without a byte-order mark)" : nil
            throw DisparityError(.usage, "\(path): " + (encoding.map { "the file is \($0), not UTF-8: save it as UTF-8" }
                                                       ?? "the file holds NUL bytes: it is not UTF-8 text (is it UTF-16 or UTF-32?): save it as UTF-8"))
        }
        var iterator = bytes.makeIterator(), decoder = UTF8(), valid = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): valid += UTF8.width(scalar); continue
            case .emptyInput: return String(decoding: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...], as: UTF8.self)
            case .error:
                let line = bytes[..<valid].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
                throw DisparityError(.usage, "\(path):\(line): the file is not valid UTF-8 (is it Windows-1252 or Latin-1?): save it as UTF-8")
            }
        }
    }

    /// The line the node starts on, 1-based.
    var line: Int? { node.mark?.line }

    /// The keys of a mapping, in file order.
    var keys: [String] { node.mapping?.keys.compactMap { $0.string } ?? [] }

    /// The node as canonical text (`MeasureDefinition.canonical`): at the top level, a mapping's
    /// keys in `dropping` left out, or only those in `keeping`.
    func canonical(dropping: Set<String> = [], keeping: Set<String>? = nil) -> String {
        MeasureDefinition.canonical(node, dropping: dropping, keeping: keeping)
    }
}
