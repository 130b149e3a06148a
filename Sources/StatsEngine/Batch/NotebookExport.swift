/// A Jupyter notebook (nbformat 4) that reloads a run's CSV files with pandas, shows each as a
/// table, and draws every gap with its confidence interval against its target with matplotlib (a
/// bound as a line, a band `within a..b` as a shaded span).
/// It holds code and no outputs, so it is the same for the same spec and results, and runs
/// wherever the output folder is.
public enum NotebookExport {
    /// The notebook's JSON text for `results` (in spec order) of `spec`, code cells without outputs.
    public static func notebook(for results: [BatchRunner.Outcome], spec: RunSpec) -> String {
        var cells: [JSONValue] = [
            markdown("# Disparity results\n\nAnalyses of `\(fileName(spec.data))` made by `disparity run` \(Release.version). "
                     + "Each table below is reloaded from the CSV file of the same name; `results.json` holds everything, "
                     + "`manifest.json` how the run was made."),
            code("import json\nimport pandas as pd\nimport matplotlib\nmatplotlib.use(\"Agg\")\nimport matplotlib.pyplot as plt\n\n"
                 + "results = json.load(open(\"results.json\", encoding=\"utf-8\"))\n"
                 + "[(a[\"name\"], a[\"command\"], \"error\" in a) for a in results[\"analyses\"]]"),
        ]
        // A Danish CSV (`csv-style: danish`) is read with its separator, decimal comma and BOM.
        let readOptions = spec.csvStyle == .danish ? ", sep=\";\", decimal=\",\", encoding=\"utf-8-sig\"" : ""
        for outcome in results {
            guard let report = outcome.report else {
                cells.append(markdown("## \(outcome.name)\n\nThis analysis failed: \(outcome.error ?? "")"))
                continue
            }
            cells.append(markdown("## \(outcome.name) (`\(outcome.command)`)"))
            cells.append(code("table = pd.read_csv(\"\(outcome.name).csv\"\(readOptions)\(labelOptions(report.tabular)))\ntable"))
            if outcome.command == "gap" {
                cells.append(code("""
                differences = table[table["component"] == "difference"]
                fig, ax = plt.subplots(figsize=(6, 0.6 + 0.5 * len(differences)))
                y = range(len(differences))
                ax.errorbar(differences["estimate"], y,
                            xerr=[differences["estimate"] - differences["conf_low"], differences["conf_high"] - differences["estimate"]],
                            fmt="o", capsize=4)
                ax.set_yticks(list(y))
                ax.set_yticklabels(differences["focal"].astype(str) + " vs " + differences["reference"].astype(str))
                ax.axvline(0, color="grey", linewidth=0.8)
                for target in differences["target"].dropna().unique():
                    text = str(target)
                    if text.startswith("within "):
                        low, high = (float(end) for end in text[len("within "):].split(".."))
                        ax.axvspan(low, high, color="red", alpha=0.12, label="target " + text)
                    else:
                        ax.axvline(float(text.lstrip("<>=").strip()), color="red", linestyle="--", label="target " + text)
                    ax.legend()
                ax.set_xlabel("difference (focal - reference)")
                ax.set_title("\(outcome.name)")
                fig.tight_layout()
                fig.savefig("\(outcome.name).png")
                """))
            }
        }
        let numbered = cells.enumerated().map { index, cell -> JSONValue in
            guard case .object(let fields) = cell else { return cell }
            return .object(fields.map { $0.0 == "id" ? ("id", .string("cell-\(index + 1)")) : $0 })
        }
        let document: JSONValue = .object([
            ("cells", .array(numbered)),
            ("metadata", .object([
                ("kernelspec", .object([("display_name", .string("Python 3")), ("language", .string("python")), ("name", .string("python3"))])),
                ("language_info", .object([("name", .string("python"))])),
                ("disparity", .object([("version", .string(Release.version))])),
            ])),
            ("nbformat", .number(4)),
            ("nbformat_minor", .number(5)),
        ])
        return document.serialized(pretty: true) + "\n"
    }

    /// pandas' options that read a CSV file as it was written: only an empty cell is missing
    /// (`keep_default_na=False, na_values=[""]`), and every column holding text (group columns,
    /// `category`, `term`, `component`, notes, ...) is read as text (`dtype=str`). pandas' defaults
    /// would read a level `None`, `null`, `NaN`, `N/A` or `nan` as missing, so those domains could
    /// not be told apart, and a level `007` as the number 7. The text columns are those of the
    /// analysis's own output with a text cell, so numbers stay numbers.
    static func labelOptions(_ tabular: Tabular) -> String {
        let text = tabular.columns.indices.filter { column in
            tabular.rows.contains { row in
                if case .text = row[column] { return true }
                return false
            }
        }.map { JSONValue.string(tabular.columns[$0]) }
        // A JSON array of strings is a Python list literal: its escapes (\", \\, \n, \uXXXX) are Python's.
        let dtype = text.isEmpty ? "" : ", dtype=dict.fromkeys(\(JSONValue.array(text).serialized()), str)"
        return ", keep_default_na=False, na_values=[\"\"]" + dtype
    }

    private static func markdown(_ text: String) -> JSONValue {
        .object([("cell_type", .string("markdown")), ("id", .null), ("metadata", .object([])), ("source", source(text))])
    }

    private static func code(_ text: String) -> JSONValue {
        .object([("cell_type", .string("code")), ("execution_count", .null), ("id", .null),
                 ("metadata", .object([])), ("outputs", .array([])), ("source", source(text))])
    }

    /// Source as a list of lines, each but the last with its newline, as Jupyter writes it.
    private static func source(_ text: String) -> JSONValue {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return .array(lines.enumerated().map { i, line in .string(i < lines.count - 1 ? line + "\n" : line) })
    }

    private static func fileName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
}
