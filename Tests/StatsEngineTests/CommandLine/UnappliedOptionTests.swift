import Foundation
import XCTest

/// Options that the statistic, the design or the command would not apply are refused (exit 2,
/// one line naming the option and what it applies to) rather than accepted and ignored: on the
/// command line, in `run` specs and in barometer measures. Each stays accepted where it applies.
final class UnappliedOptionTests: ScratchFolderTestCase {

    /// Two strata of four PSUs, groups `a`/`b`, a categorical `c`, three replicate-weight
    /// columns and two waves `t`.
    override func setUpWithError() throws {
        try super.setUpWithError()
        var text = "y,x,g,c,w,s,p,r1,r2,r3,t\n"
        for i in 0..<40 {
            let psu = i % 8
            text += "\(Double((i * 7) % 11) + 0.5),\((i * 3) % 5),\(i % 2 == 0 ? "a" : "b"),\(i % 3 == 0 ? "u" : "v"),\(1 + i % 3),"
                + "\(psu / 4 + 1),\(psu),\(1 + i % 2),\(2 - i % 2),\(1 + i % 4 / 2),\(2020 + i / 2 % 2)\n"
        }
        try text.write(to: directory.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
    }

    private var data: String { directory.appendingPathComponent("d.csv").path }
    private let replicateWeights = ["--weights", "w", "--replicate-weights", "r*", "--replicate-type", "jk1"]

    /// `arguments` on the data fail with a usage error: exit 2, one line holding `fragment`.
    private func assertRefused(_ arguments: [String], _ fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CommandLine.run(arguments + ["--data", data, "--format", "csv"])
        assertUsageError(result, fragment, "\(arguments)", file: file, line: line)
    }

    /// `arguments` on the data succeed.
    private func assertAccepted(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CommandLine.run(arguments + ["--data", data, "--format", "csv"])
        XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)", file: file, line: line)
    }

    private func assertUsageError(_ result: CommandLine.Result, _ fragment: String, _ what: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 2, "\(what): \(result.stderr)", file: file, line: line)
        let message = result.stderr.trimmingCharacters(in: .newlines)
        XCTAssertEqual(message.split(separator: "\n").count, 1, "\(what): one line: \(message)", file: file, line: line)
        XCTAssert(message.contains(fragment), "\(what): '\(message)' lacks '\(fragment)'", file: file, line: line)
    }

    /// `disparity run` on a spec reading the data with `body` (design and analyses).
    private func run(_ body: String) throws -> CommandLine.Result {
        let spec = directory.appendingPathComponent("s.yaml")
        try "data: d.csv\n\(body)\n".write(to: spec, atomically: true, encoding: .utf8)
        return try CommandLine.run(["run", spec.path, "--out", directory.appendingPathComponent("out").path])
    }

    /// `disparity barometer` on a direction goal over the waves of `t` with `measure`.
    private func barometer(_ measure: String, _ arguments: [String] = []) throws -> CommandLine.Result {
        let config = directory.appendingPathComponent("b.yaml")
        try """
        periods: {column: t, baseline: "2020", order: ["2020", "2021"]}
        goals:
          - {id: "1", label: T, kind: direction, direction: higher, data: d.csv, measures: [\(measure)]}

        """.write(to: config, atomically: true, encoding: .utf8)
        return try CommandLine.run(["barometer", config.path, "--format", "csv"] + arguments)
    }

    func testEstimateOptionsOfOtherStatisticsAreRefused() throws {
        for (option, fragment) in [(["--q", "0.9"], "--q applies only to quantile or lower-mean (got mean)"),
                                   (["--denominator", "x"], "--denominator applies only to ratio (got mean)"),
                                   (["--ci-method", "logit"], "--ci-method applies only to proportion (got mean)"),
                                   (["--item-range", "1,5"], "--item-range applies only to index (got mean)"),
                                   (["--item-weights", "1,2"], "--item-weights applies only to index (got mean)")] {
            try assertRefused(["estimate", "mean", "y"] + option, fragment)
        }
        try assertRefused(["estimate", "quantile", "y", "--ci-method", "wilson"], "--ci-method applies only to proportion (got quantile)")
        try assertAccepted(["estimate", "quantile", "y", "--q", "0.9"])
        try assertAccepted(["estimate", "lower-mean", "y", "--q", "0.25"])
        try assertAccepted(["estimate", "ratio", "y", "--denominator", "w"])
        try assertAccepted(["estimate", "proportion", "c", "--ci-method", "logit"])
        // Korn-Graubard's interval takes the design's df; logit's and Wilson's take --df.
        for df in ["normal", "5"] {
            try assertRefused(["estimate", "proportion", "c", "--ci-method", "korn-graubard", "--df", df, "--strata", "s", "--cluster", "p"],
                              "--df \(df) does not apply to --ci-method korn-graubard, whose interval takes the design's df")
            try assertAccepted(["estimate", "proportion", "c", "--ci-method", "wilson", "--df", df])
        }
        try assertAccepted(["estimate", "proportion", "c", "--ci-method", "korn-graubard", "--df", "design", "--strata", "s", "--cluster", "p"])
        try assertAccepted(["estimate", "index", "y,x", "--item-range", "0,11", "--item-weights", "1,2"])
        // In a run spec, through the same declaration.
        assertUsageError(try run("analyses:\n  - {name: a, command: estimate, stat: mean, variable: y, q: 0.9}"),
                         "s.yaml:3: analysis 'a': --q applies only to quantile or lower-mean (got mean)", "run q")
        assertUsageError(try run("analyses:\n  - {name: a, command: estimate, stat: mean, variable: y, ci-method: logit}"),
                         "--ci-method applies only to proportion (got mean)", "run ci-method")
    }

    func testGapOptionsOfOtherStatisticsAndOfDecompositionsAreRefused() throws {
        let gap = ["gap", "y", "--group", "g", "--reference", "a"]
        for (option, fragment) in [(["--q", "0.9"], "--q applies only to --stat quantile or lower-mean (got --stat mean)"),
                                   (["--denominator", "x"], "--denominator applies only to --stat ratio (got --stat mean)"),
                                   (["--category", "u"], "--category applies only to --stat proportion (got --stat mean)"),
                                   (["--pooled"], "--pooled applies to the decomposition: it needs --adjust"),
                                   (["--threefold"], "--threefold applies to the decomposition: it needs --adjust")] {
            try assertRefused(gap + option, fragment)
        }
        try assertAccepted(gap + ["--stat", "quantile", "--q", "0.75"])
        try assertAccepted(gap + ["--stat", "ratio", "--denominator", "w"])
        try assertAccepted(["gap", "c", "--group", "g", "--reference", "a", "--stat", "proportion", "--category", "u"])
        try assertAccepted(gap + ["--adjust", "x", "--pooled", "--threefold"])
        assertUsageError(try run("analyses:\n  - {name: a, command: gap, variable: y, group: g, reference: a, pooled: true}"),
                         "analysis 'a': --pooled applies to the decomposition", "run pooled")
        // A barometer level (a measure without a group) has no levels to name.
        assertUsageError(try barometer("{label: T, unit: score points, variable: y, q: 0.5}"),
                         "--q applies only to --stat quantile or lower-mean", "barometer q")
        assertUsageError(try barometer("{label: T, unit: score points, variable: y, reference: a}"),
                         "measure 1a: 'reference' names a level of 'group'", "barometer reference")
        assertUsageError(try barometer("{label: T, unit: score points, variable: y, focal: b}"), "'focal' names a level of 'group'",
                         "barometer focal")
        XCTAssertEqual(try barometer("{label: T, unit: score points, variable: y, group: g, reference: a, focal: b}").status, 0)
    }

    /// `--seed` seeds a bootstrap: without one (or with a made jackknife) it would change nothing,
    /// and a run-spec analysis's seed alone would have replaced the design's bootstrap by linearization.
    func testSeedNeedsABootstrap() throws {
        try assertRefused(["estimate", "mean", "y", "--seed", "7"], "--seed needs --bootstrap or --make-replicates bootstrap or subbootstrap")
        try assertRefused(["estimate", "mean", "y", "--cluster", "p", "--make-replicates", "jk1", "--seed", "7"],
                          "--seed applies to --make-replicates bootstrap or subbootstrap (jk1 makes one replicate per PSU")
        try assertRefused(["estimate", "mean", "y", "--seed", "7"] + replicateWeights, "--seed needs --bootstrap")
        try assertAccepted(["estimate", "mean", "y", "--strata", "s", "--cluster", "p", "--bootstrap", "20", "--seed", "7"])
        try assertAccepted(["estimate", "mean", "y", "--cluster", "p", "--make-replicates", "bootstrap", "--replicates", "20", "--seed", "7"])
        assertUsageError(try run("design: {strata: s, cluster: p, bootstrap: 20}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y, seed: 5}"),
                         "s.yaml:4: analysis 'a': 'seed' seeds the analysis's own 'bootstrap'", "run seed")
        assertUsageError(try run("design: {seed: 5}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y}"),
                         "--seed needs --bootstrap", "run design seed")
        XCTAssertEqual(try run("design: {strata: s, cluster: p}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y, bootstrap: 20, seed: 5}").status, 0)
        assertUsageError(try barometer("{label: T, unit: score points, variable: y}", ["--seed", "3"]), "--seed needs --bootstrap", "barometer --seed")
        XCTAssertEqual(try barometer("{label: T, unit: score points, variable: y, design: {strata: s, cluster: p}}", ["--seed", "3", "--bootstrap", "20"]).status, 0)
    }

    /// The lonely-PSU settings describe linearization's strata and PSUs: beside replicate weights
    /// only a representation's benchmark (a linearization design taking the rule) applies
    /// `--lonely-psu`, and `--adjust-domain-lonely` changes only the rules adjust and average.
    func testLonelyPSUSettingsWhereNothingAppliesThem() throws {
        try assertRefused(["estimate", "mean", "y", "--lonely-psu", "remove"] + replicateWeights,
                          "--lonely-psu describes a design for linearization, which --replicate-weights replaces")
        try assertRefused(["estimate", "mean", "y", "--adjust-domain-lonely", "--lonely-psu", "average"] + replicateWeights,
                          "--adjust-domain-lonely describes a design for linearization, which --replicate-weights replaces")
        for rule in ["fail", "remove", "certainty"] {
            try assertRefused(["estimate", "mean", "y", "--strata", "s", "--cluster", "p", "--adjust-domain-lonely", "--lonely-psu", rule],
                              "--adjust-domain-lonely applies only to --lonely-psu adjust or average (got \(rule))")
        }
        try assertRefused(["estimate", "mean", "y", "--strata", "s", "--cluster", "p", "--adjust-domain-lonely", "--lonely-psu", "adjust",
                           "--bootstrap", "20"], "--adjust-domain-lonely applies to linearization, whose variance --bootstrap replaces")
        try assertAccepted(["estimate", "mean", "y", "--strata", "s", "--cluster", "p", "--adjust-domain-lonely", "--lonely-psu", "average"])
        try assertAccepted(["representation", "g", "--focal", "a", "--benchmark", data, "--benchmark-strata", "s", "--benchmark-cluster", "p",
                            "--lonely-psu", "remove"] + replicateWeights)
        let design = "design: {weights: w, replicate-weights: 'r*', replicate-type: jk1, lonely-psu: remove}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y}"
        assertUsageError(try run(design), "s.yaml:2: design: --lonely-psu describes a design for linearization", "run lonely-psu")
        XCTAssertEqual(try run(design + "\n  - {name: b, command: representation, variable: g, focal: a, benchmark: d.csv}").status, 0)
        assertUsageError(try barometer("{label: T, unit: score points, variable: y, design: {weights: w, replicate-weights: 'r*', replicate-type: jk1, lonely-psu: remove}}"),
                         "measure 1a: --lonely-psu describes a design for linearization", "barometer lonely-psu")
    }

    func testNestNeedsStrataAndClusters() throws {
        try assertRefused(["estimate", "mean", "y", "--cluster", "p", "--nest"], "--nest makes PSU ids unique within strata: it needs --strata and --cluster")
        try assertRefused(["estimate", "mean", "y", "--strata", "s", "--nest"], "--nest makes PSU ids unique within strata")
        try assertAccepted(["estimate", "mean", "y", "--strata", "s", "--cluster", "p", "--nest"])
    }

    /// The benchmark's `--benchmark-nest` needs its strata and clusters; a census benchmark
    /// (a register) has no sampling for its strata, clusters and fpcs to describe.
    func testBenchmarkSamplingOptionsItWouldNotApply() throws {
        let representation = ["representation", "g", "--focal", "a", "--benchmark", data]
        try assertRefused(representation + ["--benchmark-cluster", "p", "--benchmark-nest"],
                          "--benchmark-nest makes the benchmark's PSU ids unique within its strata: it needs --benchmark-strata and --benchmark-cluster")
        try assertRefused(representation + ["--benchmark-census", "--benchmark-strata", "s"],
                          "--benchmark-strata describes the benchmark's sampling, which --benchmark-census says it has none of")
        try assertAccepted(representation + ["--benchmark-strata", "s", "--benchmark-cluster", "p", "--benchmark-nest"])
        try assertAccepted(representation + ["--benchmark-census", "--benchmark-weights", "w"])
    }

    /// Census data (`--census`, a register) have no sampling for their strata, clusters, fpcs,
    /// `--nest` or replicate weights to describe; beside `--benchmark-census` too, a bootstrap or
    /// lonely-PSU rule has no variance to change. Their weights still weigh the rows. In run
    /// specs whose analyses are all such representations, and a barometer measure's or goal's design.
    func testPopulationSamplingBesideCensus() throws {
        let representation = ["representation", "g", "--focal", "a", "--benchmark", data, "--census"]
        for (options, option) in [(["--strata", "s"], "--strata"), (["--cluster", "p"], "--cluster"), (["--fpc", "x"], "--fpc"),
                                  (["--strata", "s", "--cluster", "p", "--nest"], "--strata"),
                                  (["--make-replicates", "bootstrap"], "--make-replicates")] {
            try assertRefused(representation + options,
                              "\(option) describes the data's sampling, which --census says they have none of (a register, no sampling variance): drop \(option)")
        }
        try assertRefused(representation + replicateWeights, "--replicate-weights describes the data's sampling, which --census says they have none of")
        try assertRefused(representation + ["--benchmark-census", "--bootstrap", "20"],
                          "--bootstrap describes sampling, which --census and --benchmark-census say neither data set has")
        try assertRefused(representation + ["--benchmark-census", "--lonely-psu", "remove"], "--lonely-psu describes sampling")
        try assertAccepted(representation + ["--weights", "w"])
        // The benchmark's sampling takes the bootstrap and the lonely-PSU rule.
        try assertAccepted(representation + ["--weights", "w", "--bootstrap", "20", "--lonely-psu", "remove",
                                              "--benchmark-strata", "s", "--benchmark-cluster", "p"])
        let analysis = "  - {name: r, command: representation, variable: g, focal: a, benchmark: d.csv, census: true}"
        assertUsageError(try run("design: {weights: w, strata: s}\nanalyses:\n\(analysis)"),
                         "s.yaml:4: analysis 'r': --strata describes the data's sampling, which --census says they have none of", "run census")
        // Another analysis applies the spec's design.
        XCTAssertEqual(try run("design: {weights: w, strata: s}\nanalyses:\n\(analysis)\n  - {name: m, command: estimate, stat: mean, variable: y}").status, 0)
        let measure = "label: T, unit: index, measure: representation, variable: g, focal: a, census: true, benchmark: {data: d.csv}"
        assertUsageError(try barometer("{\(measure), design: {cluster: p}}"), "measure 1a: --cluster describes the data's sampling", "barometer census")
        let goal = directory.appendingPathComponent("g.yaml")
        try """
        periods: {column: t, baseline: "2020", order: ["2020", "2021"]}
        goals:
          - {id: "1", label: T, kind: direction, direction: higher, data: d.csv, design: {fpc: x}, measures: [{\(measure)}]}

        """.write(to: goal, atomically: true, encoding: .utf8)
        assertUsageError(try CommandLine.run(["barometer", goal.path, "--format", "csv"]), "--fpc describes the data's sampling", "barometer goal census")
        XCTAssertEqual(try barometer("{\(measure), design: {weights: w}}").status, 0)
    }

    /// A run-spec analysis's bootstrap replaces the design's variance method: it cannot resample
    /// the PSUs that replicate weights leave unknown.
    func testAnalysisBootstrapBesideReplicateWeights() throws {
        assertUsageError(try run("design: {weights: w, replicate-weights: 'r*', replicate-type: jk1}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y, bootstrap: 20}"),
                         "s.yaml:4: analysis 'a': 'bootstrap' resamples the design's PSUs, which its replicate weights leave unknown", "run bootstrap")
    }

    /// A model-based covariance (`--vcov classical`, `hc0`..`hc3`, `cluster`) does not use the
    /// design's replicates.
    func testModelBasedCovarianceBesideReplicates() throws {
        for vcov in ["classical", "hc1"] {
            try assertRefused(["regress", "y ~ x", "--vcov", vcov, "--strata", "s", "--cluster", "p", "--bootstrap", "20"],
                              "--vcov \(vcov) is model-based and would not use the replicates of --bootstrap: use --vcov design, or drop --bootstrap")
            try assertRefused(["regress", "y ~ x", "--vcov", vcov] + replicateWeights, "would not use the replicates of --replicate-weights")
            try assertAccepted(["regress", "y ~ x", "--vcov", vcov, "--strata", "s", "--cluster", "p"])
        }
        try assertAccepted(["regress", "y ~ x", "--strata", "s", "--cluster", "p", "--bootstrap", "20"])
        // A run spec stops before it reads the data, as a usage error naming the analysis: the
        // design's replicates, an analysis's own bootstrap, --vcov cluster without clusters.
        assertUsageError(try run("design: {weights: w, replicate-weights: 'r*', replicate-type: jk1}\nanalyses:\n  - {name: m, command: regress, formula: 'y ~ x', vcov: hc1}"),
                         "analysis 'm': --vcov hc1 is model-based and would not use the replicates of --replicate-weights", "run vcov replicates")
        assertUsageError(try run("design: {weights: w, strata: s, cluster: p}\nanalyses:\n  - {name: m, command: regress, formula: 'y ~ x', vcov: classical, bootstrap: 20}"),
                         "analysis 'm': --vcov classical is model-based and would not use the replicates of --bootstrap", "run vcov bootstrap")
        assertUsageError(try run("design: {weights: w}\nanalyses:\n  - {name: m, command: regress, formula: 'y ~ x', vcov: cluster}"),
                         "analysis 'm': --vcov cluster needs the design's clusters (--cluster)", "run vcov cluster")
        XCTAssertEqual(try run("design: {weights: w, strata: s, cluster: p}\nanalyses:\n  - {name: m, command: regress, formula: 'y ~ x', vcov: cluster}").status, 0)
    }

    /// A linear model is solved directly, on every design (replicate refits included): IRLS's
    /// iteration limit and tolerance would change nothing in it (they were accepted and ignored).
    func testIterationSettingsOfALinearModel() throws {
        for option in [["--max-iterations", "50"], ["--tolerance", "1e-12"]] {
            let message = "\(option[0]) has no effect on a linear model (--family gaussian), which is solved directly, not by iterations"
            try assertRefused(["regress", "y ~ x"] + option, message)
            try assertRefused(["regress", "y ~ x", "--family", "gaussian", "--strata", "s", "--cluster", "p", "--bootstrap", "20"] + option, message)
            try assertRefused(["regress", "y ~ x"] + replicateWeights + option, message)
            try assertAccepted(["regress", "y ~ x", "--family", "poisson"] + option)
            try assertAccepted(["regress", "x ~ y", "--family", "poisson"] + replicateWeights + option)
            let key = String(option[0].dropFirst(2))
            assertUsageError(try run("analyses:\n  - {name: m, command: regress, formula: 'y ~ x', \(key): \(option[1])}"),
                             "s.yaml:3: analysis 'm': \(message)", "run \(key)")
            XCTAssertEqual(try run("analyses:\n  - {name: m, command: regress, family: poisson, formula: 'y ~ x', \(key): \(option[1])}").status, 0)
        }
    }

    /// A barometer measure's verdict is its goal's; a benchmark given as a block takes its
    /// design, subset and census from the block.
    func testBarometerMeasureKeysItWouldNotApply() throws {
        assertUsageError(try barometer("{label: T, unit: score points, variable: y, target: '<= 3'}"),
                         "measure 1a: 'target' belongs to the goal (kind target or band), not to a measure", "barometer target")
        // A gap measure without its focal group (it crashed: a measure reports one gap).
        assertUsageError(try barometer("{label: T, unit: score points, variable: y, group: g, reference: a}"),
                         "measure 1a: a gap measure needs 'focal', the group compared with the reference 'a'", "barometer focal")
        let representation = "label: T, unit: index, measure: representation, variable: g, focal: a"
        for (key, block) in [("benchmark-weights: w", "design: {weights: w}"), ("benchmark-subset: 'x > 1'", "subset: 'x > 2'"),
                             ("benchmark-census: true", "census: true")] {
            let name = String(key.prefix { $0 != ":" })
            assertUsageError(try barometer("{\(representation), \(key), benchmark: {data: d.csv, \(block)}}"),
                             "'\(name)' and the benchmark's '\(String(block.prefix { $0 != ":" }))' both describe the benchmark: give one", name)
        }
        XCTAssertEqual(try barometer("{\(representation), benchmark-weights: w, benchmark: {data: d.csv, subset: 'x > 1'}}").status, 0)
    }
}
