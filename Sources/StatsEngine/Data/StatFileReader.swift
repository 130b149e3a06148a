import CReadStat
import Foundation

/// Reads SPSS (`.sav`, `.zsav`), Stata (`.dta`) and SAS (`.sas7bdat`, `.xpt`) files through
/// ReadStat into the same columnar `Table` the CSV reader makes, streaming: ReadStat reads the
/// file in buffered pieces and hands over one value at a time, which lands straight in its
/// column's array, so the file itself is never held in memory (`StatFileInput` reads it in
/// 1 MiB pieces). Only the variables `ReadOptions.columns` selects are read.
///
/// What the values become:
/// - Numbers are doubles; a 4-byte float is the shortest decimal that rounds to it (Stata's
///   `float` 0.1 is 0.1, as Stata shows it, not 0.100000001490116).
/// - Missing: system missing, SPSS's user-defined missing values (discrete and ranges), Stata's
///   `.a`–`.z` and SAS's `.A`–`.Z`, `._`, an empty string, and the `--na` codes (a number equal
///   to one, a text or value label spelled as one).
/// - A numeric column with value labels becomes categorical (`StatValueLabels`) unless
///   `--codes` keeps the numbers; a text column is categorical as in a CSV.
/// - Dates and times stay the numbers the file stores; their metadata names the unit.
enum StatFileReader {
    /// Reads `path` with ReadStat's `parser` (`sav`, `dta`, `sas7bdat`, `xport`).
    /// - Throws: `DisparityError.data` naming the file and ReadStat's message when it cannot be
    ///   read (corrupt, truncated, another format), or when it has no rows.
    static func read(path: String, parser name: String, family: StatFileFamily, options: ReadOptions) throws -> Table {
        guard let parser = readstat_parser_init() else { throw DisparityError.data(file: path, "ReadStat could not start") }
        defer { readstat_parser_free(parser) }
        let builder = StatTableBuilder(source: path, family: family, options: options)
        let input = StatFileInput(capacity: options.inputBufferSize)
        input.install(on: parser)
        readstat_set_metadata_handler(parser) { metadata, context in
            StatTableBuilder.of(context).expectRows(Int(readstat_get_row_count(metadata)))
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_variable_handler(parser) { _, variable, labelSet, context in
            let kept = StatTableBuilder.of(context).addVariable(variable!, labelSet: labelSet.map { String(cString: $0) })
            return Int32(kept ? READSTAT_HANDLER_OK : READSTAT_HANDLER_SKIP_VARIABLE)
        }
        readstat_set_value_handler(parser) { row, variable, value, context in
            StatTableBuilder.of(context).add(value, of: variable!)
        }
        readstat_set_value_label_handler(parser) { labelSet, value, label, context in
            StatTableBuilder.of(context).addLabel(value, label: String(cString: label!), set: String(cString: labelSet!))
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_error_handler(parser) { message, context in
            StatTableBuilder.of(context).readStatMessage = message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        // ReadStat keeps the pointer to the encoding's name until the parse ends.
        let encodingName = options.encoding.map { strdup($0.iconvName)! }
        defer { free(encodingName) }
        if let encodingName {
            let status = readstat_set_file_character_encoding(parser, encodingName)
            guard status == READSTAT_OK else { throw DisparityError.data(file: path, "ReadStat: \(String(cString: readstat_error_message(status)))") }
        }
        let context = Unmanaged.passUnretained(builder).toOpaque()
        let status: readstat_error_t = withExtendedLifetime((builder, input)) {
            switch name {
            case "sav": return readstat_parse_sav(parser, path, context)
            case "dta": return readstat_parse_dta(parser, path, context)
            case "sas7bdat": return readstat_parse_sas7bdat(parser, path, context)
            default: return readstat_parse_xport(parser, path, context)
            }
        }
        if let failure = builder.failure { throw failure }
        guard status == READSTAT_OK else {
            var message = String(cString: readstat_error_message(status))
            if let detail = builder.readStatMessage, !detail.isEmpty, detail != message { message += " (\(detail))" }
            if [READSTAT_ERROR_CONVERT, READSTAT_ERROR_CONVERT_BAD_STRING, READSTAT_ERROR_CONVERT_SHORT_STRING,
                READSTAT_ERROR_CONVERT_LONG_STRING].contains(status) {
                message += "; its text is not in \(options.encoding.map { "the encoding --encoding \($0.rawValue) names" } ?? "the encoding it declares"): pass --encoding with the one it is in"
            }
            throw DisparityError.data(file: path, "is not a readable \(family.rawValue) file: \(message)")
        }
        return try builder.table()
    }
}

extension TextEncoding {
    /// The encoding's name as iconv (and so ReadStat) knows it.
    var iconvName: String {
        switch self {
        case .utf8: return "UTF-8"
        case .windows1252: return "WINDOWS-1252"
        case .latin1: return "ISO-8859-1"
        case .utf16: return "UTF-16"
        }
    }
}
