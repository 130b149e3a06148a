import ArgumentParser
import Foundation

/// The options an option struct declares, read from ArgumentParser's own description of it
/// (`_dumpHelp`), so run specs, barometer goals and tests know every option without a list
/// kept by hand.
public struct OptionCatalog: Sendable {
    /// One named option or flag.
    public struct Entry: Sendable, Equatable {
        /// The long name, without dashes (the key in specs and goals).
        public var name: String
        /// A flag takes no value (`true` in YAML sets it).
        public var isFlag: Bool
        /// May be given more than once (a YAML sequence gives one value each).
        public var isRepeating: Bool
        /// Takes a comma list in one value (its value name, as `--help` shows it, holds a comma:
        /// `--by <col,...>`), which a YAML sequence may spell.
        public var takesList: Bool
        /// The default as `--help` shows it, if any.
        public var defaultValue: String?
        /// The words an enumerated option accepts.
        public var values: [String]
    }

    /// The named options and flags, in declaration order.
    public let entries: [Entry]
    /// The names of the positional arguments, in order.
    public let positionals: [String]

    /// The catalog of `type`, read once per process (reading it encodes and decodes the
    /// type's whole help as JSON).
    public init<T: ParsableArguments>(_ type: T.Type) {
        self = Self.known.catalog(of: type) { Self(reading: type) }
    }

    /// The catalogs read so far, by type.
    private static let known = CatalogCache()

    /// The catalog of `type` from its `_dumpHelp`.
    private init<T: ParsableArguments>(reading type: T.Type) {
        let json = (try? JSONSerialization.jsonObject(with: Data(T._dumpHelp().utf8))) as? [String: Any]
        let arguments = ((json?["command"] as? [String: Any])?["arguments"] as? [[String: Any]]) ?? []
        var entries: [Entry] = [], positionals: [String] = []
        for argument in arguments {
            let kind = argument["kind"] as? String
            let names = (argument["names"] as? [[String: Any]]) ?? []
            if kind == "positional" {
                positionals.append(argument["valueName"] as? String ?? "")
                continue
            }
            guard let long = names.first(where: { $0["kind"] as? String == "long" })?["name"] as? String,
                  long != "help", long != "version" else { continue }
            entries.append(Entry(name: long, isFlag: kind == "flag", isRepeating: argument["isRepeating"] as? Bool ?? false,
                                 takesList: (argument["valueName"] as? String)?.contains(",") ?? false,
                                 defaultValue: argument["defaultValue"] as? String,
                                 values: (argument["allValues"] as? [String]) ?? (argument["allValueStrings"] as? [String]) ?? []))
        }
        self.entries = entries
        self.positionals = positionals
    }

    /// The entry called `name`.
    public subscript(name: String) -> Entry? { entries.first { $0.name == name } }

    /// Every option's name.
    public var names: [String] { entries.map(\.name) }
}

/// Option catalogs by the type they describe, behind a lock.
private final class CatalogCache: @unchecked Sendable {
    private let lock = NSLock()
    private var catalogs: [ObjectIdentifier: OptionCatalog] = [:]

    /// The catalog kept for `type`, or `read()`'s, kept. Catalogs of different types are read
    /// at the same time on different threads (the lock is not held while reading; two threads
    /// reading the same type both get the same catalog).
    func catalog(of type: Any.Type, read: () -> OptionCatalog) -> OptionCatalog {
        if let known = lock.withLock({ catalogs[ObjectIdentifier(type)] }) { return known }
        let catalog = read()
        return lock.withLock {
            if let known = catalogs[ObjectIdentifier(type)] { return known }
            catalogs[ObjectIdentifier(type)] = catalog
            return catalog
        }
    }
}
