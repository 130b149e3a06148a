import Foundation
import GRDB

/// The barometer's history: every evaluated period's figures in an SQLite file (through GRDB),
/// with the configuration's and the data files' SHA-256, the version and the time, so that the
/// report can show each measure's trend over all stored periods and a reader can tell exactly
/// what each period rests on.
///
/// Storing a period is one transaction: the period's earlier run, if any, is replaced (never
/// duplicated), and a failure anywhere leaves the file as it was.
public struct BarometerHistory {
    private let queue: DatabaseQueue
    /// The SQLite file's path, named in every error about it.
    public let path: String

    /// One stored period's provenance.
    public struct Run: Sendable, Equatable {
        /// The period evaluated (the key of the run).
        public var period: String
        /// SHA-256 (lowercase hex) of the configuration file.
        public var configSHA256: String
        /// File name → SHA-256 of every data file the period's figures rest on.
        public var dataSHA256: [String: String]
        /// The disparity release that computed the figures (`Release.version`).
        public var version: String
        /// ISO 8601, UTC.
        public var time: String
    }

    /// One measure's stored figure at one period (the whole measure: no breakdown level).
    public struct Point: Sendable, Equatable {
        /// The period evaluated.
        public var period: String
        /// The data's wave used as "now" for the period.
        public var wave: String
        /// The estimate in the measure's unit; nil when withheld or not estimable.
        public var estimate: Double?
        /// The lower end of the confidence interval, in the measure's unit.
        public var low: Double?
        /// The upper end of the confidence interval, in the measure's unit.
        public var high: Double?
        /// Why the figure was withheld by disclosure control; nil when shown. (In a history
        /// stored before `smallest_cell` was kept, a withheld change marks its figure too.)
        public var suppressed: String?
        /// The fewest unweighted observations among the figure's cells; nil in a history stored
        /// before it was kept.
        public var smallestCell: Int? = nil
        /// The fingerprint of the measure's definition the figure was made under
        /// (`BarometerMeasure.definition`); nil in a history stored before it was kept.
        public var definition: String? = nil

        /// The point as disclosure control at `minimumCell` shows it by its own cells: withheld (no
        /// estimate, no interval) when it rests on fewer observations, as the evaluation withholds
        /// a figure; unchanged when it is withheld already or its cells were not stored. A
        /// breakdown level's secondary suppression needs its period's other levels: read it with
        /// `trend(goal:measure:level:in:minimumCell:)`.
        public func disclosed(minimumCell: Int) -> Point {
            guard suppressed == nil, let smallestCell, smallestCell < minimumCell else { return self }
            var withheld = self
            (withheld.estimate, withheld.low, withheld.high) = (nil, nil, nil)
            withheld.suppressed = Figure.withheld(below: minimumCell, smallestCell: smallestCell).suppressed
            return withheld
        }
    }

    /// Opens (creating when missing) the history at `path`.
    /// - Throws: `DisparityError.data` naming the file when it cannot be opened or is not a history:
    ///   a database of tables of its own, or of another program's migrations, is refused before
    ///   anything is written to it (`refuseForeign`).
    public init(path: String) throws {
        self.path = path
        do {
            queue = try DatabaseQueue(path: path)
            try Self.refuseForeign(queue, path: path)
            try Self.migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw DisparityError.data(file: path, "not a barometer history (SQLite said: \(error.message ?? "\(error.resultCode)"))")
        }
    }

    /// Refuses a database that holds tables but is not a history (its `runs` and `figures` and
    /// the migrations' own table, none but this history's migrations applied), reading only:
    /// migrating it would add tables to another program's database.
    private static func refuseForeign(_ queue: DatabaseQueue, path: String) throws {
        let (tables, applied) = try queue.read { db -> (Set<String>, Set<String>) in
            let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
            let applied = tables.contains("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
            return (tables, Set(applied))
        }
        guard !tables.isEmpty else { return }
        let known = Set(migrator.migrations)
        guard tables.isSuperset(of: ["runs", "figures", "grdb_migrations"]), applied.isSubset(of: known) else {
            let listed = tables.sorted().prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (tables.count > 3 ? ", …" : "")
            throw DisparityError.data(file: path, "not a barometer history: its tables (\(listed)) are another database's; name a new file or an earlier run's history (nothing was written to it)")
        }
    }

    /// Removes the history at `path` with SQLite's companion files (its journal, write-ahead
    /// log and shared memory): a history a failed run created.
    public static func remove(at path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "runs") { t in
                t.primaryKey("period", .text)
                t.column("config_sha256", .text).notNull()
                t.column("data_sha256", .text).notNull()
                t.column("version", .text).notNull()
                t.column("time", .text).notNull()
            }
            try db.create(table: "figures") { t in
                t.column("period", .text).notNull().references("runs", onDelete: .cascade)
                t.column("goal", .text).notNull()
                t.column("measure", .text).notNull()
                t.column("level", .text).notNull()
                t.column("wave", .text).notNull()
                for name in ["estimate", "std_error", "conf_low", "conf_high", "change", "change_std_error", "change_conf_low",
                             "change_conf_high", "population"] {
                    t.column(name, .double)
                }
                t.column("n", .integer)
                t.column("verdict", .text)
                t.column("official_verdict", .text)
                t.column("suppressed", .text)
                t.primaryKey(["period", "goal", "measure", "level"])
            }
        }
        // v2: a figure's smallest cell, so that a report at a stricter --min-cell withholds what
        // that rule withholds, and its change's suppression apart from its own.
        migrator.registerMigration("v2") { db in
            try db.alter(table: "figures") { t in
                t.add(column: "smallest_cell", .integer)
                t.add(column: "change_suppressed", .text)
            }
        }
        // v3: the fingerprint of the measure's definition each figure was made under, so that a
        // trend does not mix figures of a measure's earlier definition with its current one.
        migrator.registerMigration("v3") { db in
            try db.alter(table: "figures") { t in t.add(column: "definition_sha256", .text) }
        }
        // v4: on a measure's own row, the fewest observations of its breakdown's rows without a
        // level (`MeasureResult.unlistedCell`), a cell of the levels' line at a stricter --min-cell.
        migrator.registerMigration("v4") { db in
            try db.alter(table: "figures") { t in t.add(column: "unlisted_cell", .integer) }
        }
        return migrator
    }

    /// Stores `result` as its period's run, replacing an earlier run of the same period, in one
    /// transaction.
    public func store(_ result: BarometerResult, configSHA256: String, dataSHA256: [String: String], version: String,
                      time: Date = Date()) throws {
        try store([result], configSHA256: configSHA256, dataSHA256: dataSHA256, version: version, time: time)
    }

    /// Stores each of `results` as its period's run, replacing earlier runs of those periods,
    /// all in one transaction: an interrupted or failed write leaves the history as it was.
    public func store(_ results: [BarometerResult], configSHA256: String, dataSHA256: [String: String], version: String,
                      time: Date = Date()) throws {
        let stamp = ISO8601DateFormatter().string(from: time)
        let data = String(decoding: try JSONSerialization.data(withJSONObject: dataSHA256, options: [.sortedKeys]), as: UTF8.self)
        try write {
            try queue.write { db in
                for result in results {
                    try db.execute(sql: "DELETE FROM runs WHERE period = ?", arguments: [result.period])
                    try db.execute(sql: "INSERT INTO runs (period, config_sha256, data_sha256, version, time) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [result.period, configSHA256, data, version, stamp])
                    for goal in result.goals {
                        // A measure whose data have no wave yet at the period has no figure to store.
                        for m in goal.measures {
                            guard let wave = m.wave else { continue }
                            try insert(db, result.period, goal.goal.id, m.measure.id, m.measure.definition, level: "", wave: wave, m.current,
                                       change: m.changeSinceBaseline, n: m.n, population: m.population,
                                       verdict: m.verdict?.rawValue, official: m.official?.rawValue, unlistedCell: m.unlistedCell)
                            for b in m.breakdown {
                                try insert(db, result.period, goal.goal.id, m.measure.id, m.measure.definition, level: b.level, wave: wave, b.current,
                                           change: b.changeSinceBaseline, n: b.n, population: b.population, verdict: nil, official: nil)
                            }
                        }
                    }
                }
            }
        }
    }

    private func insert(_ db: Database, _ period: String, _ goal: String, _ measure: String, _ definition: String, level: String, wave: String,
                        _ figure: Figure, change: Figure?, n: Int, population: Double?, verdict: String?, official: String?,
                        unlistedCell: Int? = nil) throws {
        let v = figure.value, c = change?.value
        try db.execute(sql: """
            INSERT INTO figures (period, goal, measure, level, wave, estimate, std_error, conf_low, conf_high, change,
                                 change_std_error, change_conf_low, change_conf_high, population, n, verdict, official_verdict, suppressed,
                                 smallest_cell, change_suppressed, definition_sha256, unlisted_cell)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [period, goal, measure, level, wave, v?.estimate, v?.standardError, v?.low, v?.high, c?.estimate,
                             c?.standardError, c?.low, c?.high, population, n, verdict, official, figure.suppressed,
                             figure.smallestCell, change?.suppressed, definition, unlistedCell])
    }

    /// The stored runs, in the schedule's order.
    public func runs(in schedule: PeriodSchedule) throws -> [Run] {
        let rows = try read { try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM runs") } }
        return try rows.map { row in
            let json: String = row["data_sha256"]
            let data = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String] ?? [:]
            return Run(period: row["period"], configSHA256: row["config_sha256"], dataSHA256: data, version: row["version"], time: row["time"])
        }.sorted { (schedule.position($0.period) ?? .max) < (schedule.position($1.period) ?? .max) }
    }

    /// A measure's figures over every stored period, in the schedule's order (breakdown level
    /// `level`, or the whole measure). With `minimumCell`, each as disclosure control at that
    /// threshold shows it, as a run at it would: a figure on fewer observations withheld
    /// (`Point.disclosed`), and a breakdown level's also where, with it, a withheld level of its
    /// period could be worked out: the period's levels are a line whose total, the measure, is
    /// shown, so where one alone is withheld the shown level of the fewest rows is withheld with
    /// it (`DisclosureControl.complementary`, as `BarometerEvaluator` withholds them; a level of
    /// no rows hides nothing, one stored without its cells is chosen last; the rows without a
    /// level, whose cell the measure's row keeps, are a cell of the line never shown). The whole measure is
    /// no part of a line (its levels' cells are subsets of its own, so they are withheld
    /// wherever it is), and its own cells decide alone.
    public func trend(goal: String, measure: String, level: String = "", in schedule: PeriodSchedule,
                      minimumCell: Int? = nil) throws -> [Point] {
        let rows = try read {
            try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT period, level, wave, estimate, conf_low, conf_high, suppressed, smallest_cell, definition_sha256 FROM figures WHERE goal = ? AND measure = ? AND (level = ? OR (? AND level <> ''))",
                                 arguments: [goal, measure, level, level != "" && minimumCell != nil])
            }
        }
        var points = rows.map { (level: $0["level"] as String,
                                 point: Point(period: $0["period"], wave: $0["wave"], estimate: $0["estimate"], low: $0["conf_low"],
                                              high: $0["conf_high"], suppressed: $0["suppressed"], smallestCell: $0["smallest_cell"],
                                              definition: $0["definition_sha256"])) }
        if let minimumCell {
            for i in points.indices { points[i].point = points[i].point.disclosed(minimumCell: minimumCell) }
            if level != "" {
                // Per period, the cell of the breakdown's rows without a level (stored on the
                // measure's own row): never shown, a cell of the line, withheld when too small.
                let unlisted = try read {
                    try queue.read { db in
                        try Row.fetchAll(db, sql: "SELECT period, unlisted_cell FROM figures WHERE goal = ? AND measure = ? AND level = '' AND unlisted_cell IS NOT NULL",
                                         arguments: [goal, measure])
                    }
                }
                let unlistedCell = Dictionary(unlisted.map { ($0["period"] as String, $0["unlisted_cell"] as Int) }, uniquingKeysWith: { a, _ in a })
                // Each period's levels, a line: its lone withheld level's complement withheld too.
                for line in Dictionary(grouping: points.indices, by: { points[$0].point.period }).values {
                    let figures = line.map { points[$0].point }
                    var counts = figures.map { $0.estimate == nil && $0.suppressed == nil ? 0 : $0.smallestCell ?? .max }
                    var withheld = figures.map { $0.suppressed != nil }
                    if let cell = unlistedCell[figures[0].period], cell > 0 {
                        counts.append(cell)
                        withheld.append(cell < minimumCell)
                    }
                    for k in DisclosureControl.complementary(counts: counts, withheld: withheld,
                                                             lines: [Array(counts.indices)]) where k < line.count {
                        var point = figures[k]
                        (point.estimate, point.low, point.high) = (nil, nil, nil)
                        point.suppressed = DisclosureControl(minimumCell: minimumCell).complementaryCause
                        points[line[k]].point = point
                    }
                }
            }
        }
        return points.filter { $0.level == level }.map(\.point)
            .sorted { (schedule.position($0.period) ?? .max) < (schedule.position($1.period) ?? .max) }
    }

    private func write(_ body: () throws -> Void) throws {
        do { try body() } catch let error as DatabaseError {
            throw DisparityError.data(file: path, "the history could not be written (SQLite said: \(error.message ?? "\(error.resultCode)")); it is unchanged")
        }
    }

    private func read<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError {
            throw DisparityError.data(file: path, "the history could not be read (SQLite said: \(error.message ?? "\(error.resultCode)"))")
        }
    }
}

extension BarometerHistory {
    /// Stores `result` with the SHA-256 of `config`'s file and of every data file its measures
    /// read (benchmarks included), the release version and the time.
    public func store(_ result: BarometerResult, config: BarometerConfig, time: Date = Date()) throws {
        try store([result], config: config, time: time)
    }

    /// Stores `results` (every period of `--every-period`) so, in one transaction.
    public func store(_ results: [BarometerResult], config: BarometerConfig, time: Date = Date()) throws {
        let sums = try config.checksums()
        try store(results, configSHA256: sums.config, dataSHA256: sums.data, version: Release.version, time: time)
    }
}
