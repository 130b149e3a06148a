extension BarometerConfig {
    /// The columns each data file is read for, by its path (`path(of:)`): over every measure
    /// reading it, the period column, the measure's design and request and its breakdown
    /// column; for a representation's benchmark, the benchmark design's and request's columns.
    func columnsUsed() -> [String: ColumnSelection] {
        var used: [String: ColumnSelection] = [:]
        func add(_ file: String, _ columns: ColumnSelection) {
            let path = path(of: file)
            used[path] = (used[path] ?? ColumnSelection([schedule.column])).union(columns)
        }
        for measure in goals.flatMap(\.measures) {
            let request: ColumnSelection
            switch measure.kind {
            case .level(let gap), .gap(let gap), .decomposition(let gap, _): request = gap.columnsUsed
            case .representation(let r):
                request = r.request.columnsUsed
                add(r.benchmarkData, r.benchmarkDesign.columnsUsed.union(r.request.benchmarkColumnsUsed))
            }
            add(measure.data, measure.design.columnsUsed.union(request).union(ColumnSelection([measure.by].compactMap { $0 })))
        }
        return used
    }
}
