import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import StatsEngine

/// `disparity barometer --report`: the HTML page on the bundled data over a few periods of a
/// history — self-contained, well-formed SVG, every goal and sentence, withheld figures — and
/// drawn by headless Chromium.
final class BarometerReportTests: XCTestCase {
    static let periods = ["2010", "2012H2", "2014H2"]

    /// The bundled configuration evaluated at `periods` into a new history (once for all tests),
    /// with what the report draws from it.
    struct Evaluated: Sendable {
        var config: BarometerConfig
        var result: BarometerResult
        var context: BarometerHTML.Context
    }

    static let evaluated = Result<Evaluated, any Error> {
        let config = try BarometerConfig.load(path: CoverageTests.datasets.appendingPathComponent("barometer.yaml").path)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let history = try BarometerHistory(path: folder.appendingPathComponent("h.sqlite").path)
        var result: BarometerResult?
        for period in periods {
            result = try BarometerEvaluator(config: config).evaluate(period: period)
            try history.store(result!, config: config)
        }
        return Evaluated(config: config, result: result!, context: try .stored(in: history, config: config))
    }

    /// The report of the last period in `language`.
    private func report(language: ReportLanguage) throws -> (String, BarometerResult) {
        let e = try Self.evaluated.get()
        XCTAssertEqual(e.context.runs.map(\.period), Self.periods)
        return (BarometerHTML.render(e.result, config: e.config, context: e.context, language: language), e.result)
    }

    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// Every `<svg …>…</svg>` of the page.
    private func svgs(_ html: String) -> [String] {
        var out: [String] = [], rest = html[...]
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            out.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return out
    }

    func testReportIsSelfContainedAndComplete() throws {
        let (html, result) = try report(language: .da)
        // Nothing from outside the file: no script, stylesheet, font or image by reference.
        for forbidden in ["<script", "<link", "@import", "url(", "@font-face", "<img", "<iframe"] {
            XCTAssertFalse(html.lowercased().contains(forbidden), forbidden)
        }
        let references = try NSRegularExpression(pattern: #"(?:src|href)\s*=\s*["']?([^"'\s>]*)"#, options: [.caseInsensitive])
        let matches = references.matches(in: html, range: NSRange(html.startIndex..., in: html))
        XCTAssertFalse(matches.isEmpty, "the summary links to the goals")
        for match in matches {
            let target = String(html[Range(match.range(at: 1), in: html)!]).lowercased()
            XCTAssertTrue(target.hasPrefix("#"), "only links within the page: \(target)")
            XCTAssertFalse(target.contains("http:") || target.contains("https:") || target.contains("//"), target)
        }
        // Every chart is well-formed XML.
        let charts = svgs(html)
        let judged = result.goals.flatMap(\.measures).filter { !$0.measure.context }
        XCTAssertEqual(charts.count, judged.count + 2, "a trend per judged measure, goal 5's areas, goal 2's decomposition")
        for svg in charts {
            let parser = XMLParser(data: Data(svg.utf8))
            XCTAssertTrue(parser.parse(), "SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "") in \(svg.prefix(200))")
        }
        // Every goal, every measure's sentence, in Danish.
        for goal in result.goals {
            XCTAssertTrue(html.contains(HTMLText.escape(goal.goal.label)), goal.goal.id)
            for m in goal.measures {
                XCTAssertTrue(html.contains(HTMLText.escape(m.sentence(goal.goal, level: result.level, language: .da))), m.measure.id)
            }
        }
        XCTAssertTrue(html.contains("<html lang=\"da\">") && html.contains("Overblik") && html.contains("Vurderingsregler"))
        // The history's three periods and their checksums; every area of goal 5.
        XCTAssertTrue(html.contains("over de 3 perioder i historikken"))
        XCTAssertTrue(html.contains(try XCTUnwrap(BarometerConfig.load(path: CoverageTests.datasets.appendingPathComponent("barometer.yaml").path).checksums().data["pupils.csv"])))
        for area in ["Husum", "Valby", "Christianshavn/Holmen"] { XCTAssertTrue(html.contains(">\(area)<"), area) }
        XCTAssertFalse(html.contains(">..<"), "nothing withheld at the default minimum cell")
    }

    /// Every measure's notes (here the benchmark wave goal 3 compares with at 2014H1) are in the
    /// report under the measure, each once, as in every other format.
    func testMeasureNotesAreInTheReport() throws {
        let config = try BarometerConfig.load(path: CoverageTests.datasets.appendingPathComponent("barometer.yaml").path)
        let result = try BarometerEvaluator(config: config).evaluate(period: "2014H1")
        let html = BarometerHTML.render(result, config: config, context: try .unstored(result, config: config), language: .en)
        let notes = Set(result.goals.flatMap(\.measures).flatMap(\.notes))
        XCTAssertTrue(notes.contains { $0.contains("the benchmark is labour_force.csv's wave 2013H2") }, "\(notes)")
        for note in notes { XCTAssertTrue(html.contains("Note: \(HTMLText.escape(note))"), note) }
    }

    /// In the Danish report the barometer's own notes are Danish, each once (the page repeated
    /// the reason a change has no interval in Danish and then in English, and named the
    /// benchmark's wave in English); the English report keeps them as every other format does.
    func testMeasureNotesAreInTheReportsLanguage() throws {
        let config = try BarometerConfig.load(path: CoverageTests.datasets.appendingPathComponent("barometer.yaml").path)
        let result = try BarometerEvaluator(config: config).evaluate(period: "2011H1")
        let notes = result.goals.flatMap(\.measures).flatMap(\.notes)
        XCTAssert(notes.contains(MeasureNotes.overlappingChange(since: "2010")), "\(notes)")
        XCTAssert(notes.contains(MeasureNotes.benchmarkWave("2010", benchmark: "labour_force.csv")), "\(notes)")
        let danish = BarometerHTML.render(result, config: config, context: try .unstored(result, config: config), language: .da)
        for english in ["the change since", "the benchmark is", "overlapping samples", "A change without an interval"] {
            XCTAssertFalse(danish.contains(english), english)
        }
        XCTAssert(danish.contains("Bemærk: benchmarket er bølge 2010 af labour_force.csv"), "the benchmark's wave, in Danish")
        XCTAssert(danish.contains("Bemærk: ændringen siden 2010 har ingen standardfejl: de to tal bygger på overlappende stikprøver"))
        let english = BarometerHTML.render(result, config: config, context: try .unstored(result, config: config), language: .en)
        XCTAssertFalse(english.contains("A change without an interval"), "the reason is the measure's note, once")
        XCTAssert(english.contains("Note: \(HTMLText.escape(MeasureNotes.overlappingChange(since: "2010")))"))
    }

    /// Every kind of the barometer's own notes reads back in Danish, with a wave's or a
    /// breakdown level's prefix kept around it; an estimator's note stays in its words.
    func testEveryBarometerNoteHasItsDanish() {
        let waves = ["2010", "2011H1"], benchmarks = ["lf.csv"]
        let kinds: [(ReportLanguage) -> String] = [
            { MeasureNotes.noBaselineWave("2010", in: $0) }, { MeasureNotes.benchmarkWithoutWave("2011H1", benchmark: "lf.csv", in: $0) },
            { MeasureNotes.benchmarkWave("2010", benchmark: "lf.csv", in: $0) }, { MeasureNotes.overlappingChange(since: "2010", in: $0) },
            { MeasureNotes.changeOfFigureWithoutStandardError(since: "2010", in: $0) }, { MeasureNotes.figureWithoutStandardError(in: $0) },
            { MeasureNotes.noRows("2011H1", in: $0) },
        ]
        for kind in kinds {
            XCTAssertNotEqual(kind(.da), kind(.en))
            XCTAssertEqual(MeasureNotes.translated(kind(.en), to: .da, waves: waves, benchmarks: benchmarks, breakdown: nil), kind(.da))
            XCTAssertEqual(MeasureNotes.translated(kind(.en), to: .en, waves: waves, benchmarks: benchmarks, breakdown: nil), kind(.en))
            XCTAssertEqual(MeasureNotes.translated("area=Nord: " + kind(.en), to: .da, waves: waves, benchmarks: benchmarks, breakdown: "area"),
                           "area=Nord: " + kind(.da))
        }
        let engine = SurveyDesign.zeroDegreesOfFreedomNote
        XCTAssertEqual(MeasureNotes.translated(MeasureNotes.ofWave("2011H1", engine), to: .da, waves: waves, benchmarks: benchmarks, breakdown: nil),
                       "bølge 2011H1: " + engine)
        XCTAssertEqual(MeasureNotes.translated(MeasureNotes.ofWave("2011H1", MeasureNotes.figureWithoutStandardError()), to: .da, waves: waves,
                                               benchmarks: benchmarks, breakdown: nil),
                       "bølge 2011H1: " + MeasureNotes.figureWithoutStandardError(in: .da))
    }

    func testEnglishReport() throws {
        let (html, result) = try report(language: .en)
        XCTAssertTrue(html.contains("<html lang=\"en\">") && html.contains("Overview") && html.contains("Verdict rules"))
        for danish in ["Overblik", "Vurderingsregler", "Periode", "konfidensinterval", "nået"] { XCTAssertFalse(html.contains(danish), danish) }
        for goal in result.goals {
            for m in goal.measures {
                XCTAssertTrue(html.contains(HTMLText.escape(m.sentence(goal.goal, level: result.level, language: .en))), m.measure.id)
            }
        }
    }

    func testWithheldFiguresShowAsDotsWithTheirCount() throws {
        let config = try BarometerConfig.load(path: CoverageTests.datasets.appendingPathComponent("barometer.yaml").path)
        let result = try BarometerEvaluator(config: config, minimumCell: 10_000).evaluate()
        let html = BarometerHTML.render(result, config: config, context: try .unstored(result, config: config), language: .en)
        XCTAssertGreaterThan(result.suppressedCount, 0)
        XCTAssertTrue(html.contains("<span class=\"withheld\" title=\"rests on fewer than 10000 observations\">..</span>"))
        XCTAssertTrue(html.contains("\(result.suppressedCount) figures are withheld:"))
        XCTAssertTrue(html.contains("(no history given)"))
        for svg in svgs(html) { XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse()) }
    }

    /// A trend point the report withholds is counted and named with the other withheld figures:
    /// 2011's 4 rows, stored at the default `--min-cell` 3 (shown), are read at 5 and drawn as `..`;
    /// the header counts it and "Disclosure control" names it (before, both said nothing was
    /// withheld beside the chart's `..`).
    func testAWithheldTrendPointIsCountedAndNamed() throws {
        let folder = try temporaryFolder()
        var csv = "period,st,psu,w,y\n"
        for period in ["2010", "2011", "2012", "2013"] {
            for i in 0..<(period == "2011" ? 4 : 16) {
                csv += "\(period),\(i % 2),\(period)_\(i % 4),\(1 + Double(i % 3) / 2),\(10 + Double((i * 7 + Int(period)!) % 11) / 3)\n"
            }
        }
        try csv.write(to: folder.appendingPathComponent("trend.csv"), atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("trend.yaml")
        try """
        title: T
        periods: {column: period, baseline: "2010", order: ["2010", "2011", "2012", "2013"]}
        goals:
          - id: "1"
            label: G1
            kind: direction
            direction: higher
            data: trend.csv
            design: {weights: w, strata: st, cluster: psu}
            measures:
              - {id: m, label: mean, unit: "score points", stat: mean, variable: y}
        """.write(to: config, atomically: true, encoding: .utf8)
        let history = folder.appendingPathComponent("h.sqlite").path
        let stored = try CommandLine.run(["barometer", config.path, "--every-period", "--history", history, "--format", "csv"])
        XCTAssertEqual(stored.status, 0, stored.stderr)
        for (language, header, section, item) in [("en", "1 figure withheld (..)", "1 figure is withheld:", "<li><b>m</b>: trend 2011</li>"),
                                                  ("da", "1 tal tilbageholdt (..)", "1 tal er tilbageholdt:", "<li><b>m</b>: udvikling 2011</li>")] {
            let report = folder.appendingPathComponent("r-\(language).html").path
            let run = try CommandLine.run(["barometer", config.path, "--period", "2013", "--history", history, "--min-cell", "5",
                                           "--lang", language, "--report", report, "--format", "csv"])
            XCTAssertEqual(run.status, 0, run.stderr)
            let html = try String(contentsOfFile: report, encoding: .utf8)
            XCTAssertEqual(html.components(separatedBy: "class=\"withheld\">..</text>").count - 1, 1, "2011's point drawn as ..")
            XCTAssertTrue(html.contains(header), "the header counts it")
            XCTAssertTrue(html.contains(section) && html.contains(item), "the section names it")
            XCTAssertFalse(html.contains("No figure in this report is withheld") || html.contains("intet tal tilbageholdt"))
        }
    }

    func testEscapingOfConfiguredText() {
        XCTAssertEqual(HTMLText.escape(#"<b> & "x" 'y'"#), "&lt;b&gt; &amp; &quot;x&quot; &#39;y&#39;")
    }

    /// The command line writes the report atomically and refuses to write it over an input.
    func testCommandLineWritesTheReportAndRefusesAnInput() throws {
        let folder = try temporaryFolder()
        // The data files are links to the bundled ones, so a failure could never overwrite them.
        for file in try FileManager.default.contentsOfDirectory(atPath: CoverageTests.datasets.path) where file.hasSuffix(".csv") {
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(file), withDestinationURL: CoverageTests.datasets.appendingPathComponent(file))
        }
        let config = folder.appendingPathComponent("barometer.yaml")
        try FileManager.default.copyItem(at: CoverageTests.datasets.appendingPathComponent("barometer.yaml"), to: config)
        let history = folder.appendingPathComponent("h.sqlite").path
        XCTAssertTrue(FileManager.default.createFile(atPath: history, contents: Data()))
        for path in [config.path, folder.appendingPathComponent("pupils.csv").path, CoverageTests.datasets.appendingPathComponent("labour_force.csv").path, history] {
            let run = try CommandLine.run(["barometer", config.path, "--history", history, "--report", path, "--format", "csv"])
            XCTAssertEqual(run.status, 2, run.stderr)
            XCTAssertTrue(run.stderr.contains("--report \(path) is an input of this command"), run.stderr)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: history)).count, 0, "refused before anything was written")
        let same = try CommandLine.run(["barometer", config.path, "--report", folder.appendingPathComponent("x.html").path,
                                        "--output", folder.appendingPathComponent("./x.html").path])
        XCTAssertEqual(same.status, 2, same.stderr)
        let report = folder.appendingPathComponent("report.html").path
        let run = try CommandLine.run(["barometer", config.path, "--lang", "en", "--report", report, "--format", "csv"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let html = try String(contentsOfFile: report, encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        XCTAssertTrue(html.contains("(no history given)"))
    }

    /// Headless Chromium draws the page: a screenshot of the requested size that is not blank.
    func testChromiumDrawsTheReport() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let chromium else { throw XCTSkip("chromium is not installed (scripts/test.sh installs it)") }
        let (html, _) = try report(language: .da)
        let folder = try temporaryFolder()
        let page = folder.appendingPathComponent("report.html"), png = folder.appendingPathComponent("out.png")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let shot = try run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(folder.path)/profile",
                                      "--screenshot=\(png.path)", "--window-size=1200,2000", page.absoluteString])
        XCTAssertTrue(FileManager.default.fileExists(atPath: png.path), "no screenshot: \(shot)")
        // Decode the PNG with Python's standard library (zlib) and count what was drawn.
        let counts = try run("/usr/bin/env", ["python3", "-c", Self.pixelCounter, png.path]).split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        XCTAssertEqual(counts.count, 4, "python3's answer")
        guard counts.count == 4 else { return }
        XCTAssertEqual(counts[0], 1200)
        XCTAssertEqual(counts[1], 2000)
        XCTAssertGreaterThan(counts[2], 0.05, "share of non-white pixels: the page is not blank")
        XCTAssertLessThan(counts[2], 0.9, "share of non-white pixels: the page is not a solid block")
        XCTAssertGreaterThan(counts[3], 0.005, "share of dark pixels: text and marks")
    }

    /// Runs a program to completion; its standard output and error.
    private func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Prints a PNG's width, height, share of non-white pixels and share of dark ones (8-bit
    /// RGB or RGBA, not interlaced: what Chromium writes).
    static let pixelCounter = #"""
    import struct, sys, zlib
    data = open(sys.argv[1], 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat = 8, b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0
        elif kind == b'IDAT':
            idat += body
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    prev, i, nonwhite, dark = bytearray(stride), 0, 0, 0
    for y in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            s = line[x] + line[x + 1] + line[x + 2]
            nonwhite += s < 750
            dark += s < 300
        prev = line
    print(w, h, nonwhite / (w * h), dark / (w * h))
    """#
}

/// Why a wave-by-wave change (a decomposition's part, a representation index) has no standard
/// error: overlapping samples, or, between independent waves, a figure without one (which the
/// note also called overlapping samples).
final class WaveByWaveNoteTests: XCTestCase {
    func testAChangeWithoutStandardErrorNamesItsReason() throws {
        func changeNotes(strata: [Set<Int32>], baselineError: Double?) throws -> [String] {
            let waves = WaveContrasts.Waves(current: "2011", baseline: "2010", previous: nil)
            let figures = try WaveByWave(waves: waves, minimumCell: 3, level: 0.95) { wave in
                let error = wave == "2010" ? baselineError : 0.1
                return WaveByWave.AtWave(value: Inferred(estimate: 1, standardError: error, df: nil, low: nil, high: nil), smallestCell: 50,
                                         strata: [wave == "2010" ? strata[0] : strata[1]])
            }
            XCTAssertNil(figures.changeSinceBaseline?.value?.standardError)
            return figures.notes
        }
        XCTAssertEqual(try changeNotes(strata: [[1, 2], [3, 4]], baselineError: nil), [MeasureNotes.changeOfFigureWithoutStandardError(since: "2010")])
        XCTAssertEqual(try changeNotes(strata: [[1, 2], [2, 3]], baselineError: 0.1), [MeasureNotes.overlappingChange(since: "2010")])
    }
}
