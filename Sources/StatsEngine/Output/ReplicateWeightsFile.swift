import Foundation

/// `--save-replicates FILE`: the design's replicate weights as a CSV, one line per data row in
/// the data's order — the row's id (the `--save-replicates-id` column, else `data_line`, the
/// data's line number), `sampling_weight` and `repw1…repwR` (full replicate weights), names no
/// survey file is likely to hold already, so the columns join the data's without a clash —
/// and beside it `FILE.options`, the options that reload them as a `--replicate-weights` design
/// once the columns are joined to the data: type, scale and rscales written in full (shortest
/// round-trip numbers), and `--mse` when set. Both files are written atomically.
extension SurveyDesign {
    /// Writes the replicate weights when the design asks for it (`spec.saveReplicates`).
    /// - Throws: `DisparityError.data` naming the table for an unknown id column; the file
    ///   system's error naming the file.
    public func saveReplicatesIfRequested(table: Table) throws {
        guard let request = spec.saveReplicates, let replicates = replicateWeights else { return }
        let ids: [String]
        let idName: String
        if let name = request.id {
            let column = try table.categorical(name)
            ids = column.codes.map { $0 < 0 ? "" : Tabular.quoteCSV(column.levels[Int($0)], separator: ",") }
            idName = name
        } else {
            ids = (0..<rowCount).map { String(table.line(ofRow: $0)) }
            idName = "data_line"
        }
        let r = replicates.count
        var text = ([idName, "sampling_weight"] + replicates.columns).map { Tabular.quoteCSV($0, separator: ",") }.joined(separator: ",") + "\n"
        text.reserveCapacity(rowCount * (r + 2) * 8)
        for i in 0..<rowCount {
            text += ids[i]
            text += ","
            text += NumberText.shortest(weights[i])
            for j in 0..<r {
                text += ","
                text += NumberText.shortest(replicates.values[j][i])
            }
            text += "\n"
        }
        try AtomicFile.write(text, to: request.path)
        try AtomicFile.write(replicates.reloadingOptions(file: request.path) + "\n", to: request.path + ".options")
    }
}

extension DesignSpec {
    /// Refuses (exit 2) a `--save-replicates` file, or its `.options` note, that is one of
    /// `inputs`, or a device or stream (which cannot take the two files).
    public func refuseSavingOver(_ inputs: [String]) throws {
        // Two files, FILE and FILE.options: a device or a process's stream cannot hold them.
        if let path = saveReplicates?.path, ["/dev/", "/proc/"].contains(where: { path.hasPrefix($0) }) {
            throw DisparityError.usage("--save-replicates \(path): it writes two files (the weights and \(path).options), so it needs a file, not a device or stream")
        }
        try OutputGuard.refuse(savedFiles, overwriting: inputs)
    }

    /// The files `--save-replicates` writes: the weights and their `.options` note (none without it).
    public var savedFiles: [(option: String, path: String)] {
        saveReplicates.map { [("--save-replicates", $0.path), ("--save-replicates", $0.path + ".options")] } ?? []
    }
}

extension ReplicateWeights {
    /// The options that read the saved replicate weights back as an equivalent replicate
    /// design (the variance and `degf` are R's `svrepdesign` with the same settings).
    func reloadingOptions(file: String) -> String {
        let rscaleText = Set(rscales).count == 1 ? NumberText.shortest(rscales[0]) : rscales.map(NumberText.shortest).joined(separator: ",")
        var options = ["--weights sampling_weight", "--replicate-weights 'repw*'", "--replicate-type \(type.rawValue)"]
        if let rho { options.append("--fay-rho \(NumberText.shortest(rho))") }
        options += ["--replicate-scale \(NumberText.shortest(scale))", "--replicate-rscales \(rscaleText)"]
        if mse { options.append("--mse") }
        let origin = made.map { " (\($0.description))" } ?? ""
        return "# The replicate weights of \(URL(fileURLWithPath: file).lastPathComponent)\(origin): join its columns to the data by row,\n"
            + "# then analyse with these design options (--strata, --cluster and --fpc are then not needed).\n"
            + options.joined(separator: " ")
    }
}
