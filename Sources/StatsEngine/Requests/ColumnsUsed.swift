/// The columns each request and design reads (`ColumnUsing`), from their parsed parts: what
/// `ReadOptions.columns` keeps. A formula that does not parse reads every column, so that its
/// own error comes from the analysis as it would without the selection.

extension RowFilter: ColumnUsing {
    /// The compared columns.
    public var columnsUsed: ColumnSelection { ColumnSelection(conditions.map(\.column)) }
}

extension ModelFormula {
    /// The columns of the formula `parse` makes, every column when it does not parse.
    static func columnsUsed(_ parse: () throws -> ModelFormula) -> ColumnSelection {
        (try? parse()).map { ColumnSelection($0.columns) } ?? .all
    }
}

extension Optional where Wrapped: ColumnUsing {
    /// The wrapped value's columns, none when nil.
    var columnsUsed: ColumnSelection { self?.columnsUsed ?? ColumnSelection([]) }
}

extension CalibrationSpec: ColumnUsing {
    /// The model's columns and the column calibrated within.
    public var columnsUsed: ColumnSelection {
        ModelFormula.columnsUsed(formula).union(ColumnSelection([within].compactMap { $0 }))
    }
}

extension DesignSpec: ColumnUsing {
    /// Weights, strata, clusters, fpc, replicate weight columns (names and patterns), the
    /// calibration's columns and the id column of saved replicates.
    public var columnsUsed: ColumnSelection {
        var items = [weights, strata, saveReplicates?.id].compactMap { $0 } + clusters + fpc
        if case .replicateWeights(let replicates) = varianceMethod { items += DesignOptions.list(replicates.columns) }
        return ColumnSelection(items).union(calibration.columnsUsed)
    }
}

extension EstimateRequest: ColumnUsing {
    /// The variable (an index's items), the denominator, `--by` and the subset's columns.
    public var columnsUsed: ColumnSelection {
        ColumnSelection((index?.items ?? [variable]) + by + [denominator].compactMap { $0 }).union(subset.columnsUsed)
    }
}

extension CrossTableRequest: ColumnUsing {
    /// The row and column variables, `--by` and the subset's columns.
    public var columnsUsed: ColumnSelection { ColumnSelection([row, column] + by).union(subset.columnsUsed) }
}

extension RegressionRequest: ColumnUsing {
    /// Every column of the formula (inside `I(...)`, `factor(...)`, interactions and offsets
    /// too) and the subset's columns.
    public var columnsUsed: ColumnSelection {
        ModelFormula.columnsUsed { try ModelFormula(formula) }.union(subset.columnsUsed)
    }
}

extension GapRequest: ColumnUsing {
    /// The variable, the group (when there is one), the denominator, the period's column, the
    /// `--adjust` covariates and the subset's columns.
    public var columnsUsed: ColumnSelection {
        let named = ColumnSelection([variable, group, denominator, period?.column].compactMap { $0 }.filter { !$0.isEmpty })
        let covariates = adjust.map { text in ModelFormula.columnsUsed { try ModelFormula(rightHandSide: "~ " + text) } }
        return named.union(covariates ?? ColumnSelection([])).union(subset.columnsUsed)
    }
}

extension RepresentationRequest: ColumnUsing {
    /// The population's columns: the group column, the standardising one and the subset's.
    public var columnsUsed: ColumnSelection {
        ColumnSelection([column, standardise].compactMap { $0 }).union(subset.columnsUsed)
    }

    /// The benchmark's columns: the group column, the standardising one and the benchmark
    /// subset's.
    public var benchmarkColumnsUsed: ColumnSelection {
        ColumnSelection([column, standardise].compactMap { $0 }).union(benchmarkSubset.columnsUsed)
    }
}
