import CYaml

/// Checks a YAML document's shape on libyaml's event stream, before Yams builds the tree —
/// which hashes each mapping's keys to find duplicates, so that a key aliasing a "billion
/// laughs" tree (aliases of aliases, exponentially large) would take minutes. A mapping key must
/// be a plain value (a scalar, or an alias to one) other than a merge key (`<<`), and the
/// document may hold at most `maximumNodes` nodes once its aliases are expanded. Each is a
/// one-line error naming the file and line, found in time linear in the text. Syntax errors are left to Yams, which names them.
enum YAMLShape {
    /// Far above any spec or configuration, far below a billion laughs.
    static let maximumNodes = 100_000

    private struct Frame {
        var isMapping: Bool
        var anchor: String?
        var size = 1
        var expectingKey = true
    }

    /// Walks `text`'s libyaml events, counting nodes with aliases expanded.
    /// - Throws: `DisparityError.usage` naming `path` and the line for a mapping key that is not
    ///   a plain value, a merge key, or a document beyond `maximumNodes` nodes.
    static func check(_ text: String, path: String) throws {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var stack: [Frame] = []
            var sizes: [String: Int] = [:]
            var scalarAnchors = Set<String>()
            func failure(_ line: Int, _ message: String) -> DisparityError {
                DisparityError(.usage, "\(path):\(line + 1): \(message)")
            }
            /// Hands a finished node to its container; `line` is where it starts.
            func add(size: Int, isScalar: Bool, line: Int) throws {
                guard !stack.isEmpty else { return }
                if stack[stack.count - 1].isMapping {
                    if stack[stack.count - 1].expectingKey, !isScalar {
                        throw failure(line, "a key must be a plain value, not a list, a mapping or an alias to one")
                    }
                    stack[stack.count - 1].expectingKey.toggle()
                }
                stack[stack.count - 1].size = min(stack[stack.count - 1].size + size, maximumNodes + 1)
                if stack.reduce(0, { min($0 + $1.size, maximumNodes + 1) }) > maximumNodes {
                    throw failure(line, "the document expands to more than \(maximumNodes) values (aliases of aliases?)")
                }
            }
            func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
                anchor.map { String(cString: $0) }
            }
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                let line = event.start_mark.line
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    if let anchor = name(event.data.scalar.anchor) { sizes[anchor] = 1; scalarAnchors.insert(anchor) }
                    // A merge key (`<<: *anchor`), which Yams half applies: its keys are the
                    // writer's to spell out, each where it is read.
                    if let frame = stack.last, frame.isMapping, frame.expectingKey, event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE,
                       event.data.scalar.length == 2, event.data.scalar.value[0] == UInt8(ascii: "<"), event.data.scalar.value[1] == UInt8(ascii: "<") {
                        throw failure(line, "a YAML merge key ('<<') is not supported: write the keys out (an anchor and alias may stand for a whole value)")
                    }
                    try add(size: 1, isScalar: true, line: line)
                case YAML_ALIAS_EVENT:
                    let anchor = name(event.data.alias.anchor) ?? ""
                    try add(size: sizes[anchor] ?? 1, isScalar: sizes[anchor] == nil || scalarAnchors.contains(anchor), line: line)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let isMapping = event.type == YAML_MAPPING_START_EVENT
                    if let parent = stack.last, parent.isMapping, parent.expectingKey {
                        throw failure(line, "a key must be a plain value, not a list, a mapping or an alias to one")
                    }
                    let anchor = isMapping ? name(event.data.mapping_start.anchor) : name(event.data.sequence_start.anchor)
                    stack.append(Frame(isMapping: isMapping, anchor: anchor))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    let frame = stack.removeLast()
                    if let anchor = frame.anchor { sizes[anchor] = frame.size; scalarAnchors.remove(anchor) }
                    try add(size: frame.size, isScalar: false, line: line)
                default:
                    break
                }
            }
        }
    }
}
