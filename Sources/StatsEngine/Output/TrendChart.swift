import Foundation

// The report's charts, drawn by hand as inline SVG: no script, no font file, no external
// reference. Every text is escaped (`HTMLText`), every number is written with a decimal point
// (SVG's own syntax) whatever the report's language, and the marks stay apart in greyscale:
// filled and hollow points, solid interval bars, a dashed target, a shaded band.

/// A linear map from data values to SVG coordinates, with round ticks (1, 2, 2.5 or 5 × 10^k)
/// that cover every value given.
struct ChartScale {
    /// The ends of the domain (round numbers) and the coordinates they map to.
    let low: Double, high: Double, from: Double, to: Double
    let ticks: [Double]
    /// Decimals the tick labels need.
    let decimals: Int

    init(covering values: [Double], from: Double, to: Double, tickCount: Int = 5) {
        var lo = values.min() ?? 0, hi = values.max() ?? 1
        if hi - lo < 1e-12 * max(1, abs(hi)) { (lo, hi) = (lo - max(abs(lo) * 0.1, 1), hi + max(abs(hi) * 0.1, 1)) }
        let pad = (hi - lo) * 0.05
        (lo, hi) = (lo - pad, hi + pad)
        let raw = (hi - lo) / Double(tickCount)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) } ?? 10 * magnitude
        let (first, last) = (floor(lo / step) * step, ceil(hi / step) * step)
        (low, high) = (first, last)
        ticks = (0...Int(((last - first) / step).rounded())).map { first + Double($0) * step }
        decimals = ReportLanguage.decimals(of: step)
        self.from = from
        self.to = to
    }

    /// The coordinate of `x`.
    func callAsFunction(_ x: Double) -> Double { from + (x - low) / (high - low) * (to - from) }
}

/// SVG building blocks shared by the charts.
enum SVG {
    /// A coordinate as SVG writes it: a decimal point, at most one decimal.
    static func n(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    static func text(_ s: String, x: Double, y: Double, anchor: String = "start", cls: String? = nil, extra: String = "") -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(cls.map { " class=\"\($0)\"" } ?? "")\(extra)>\(HTMLText.escape(s))</text>"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String) -> String {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" class=\"\(cls)\"/>"
    }

    /// The opening tag of a chart `width` × `height` that scales to its container, with an
    /// accessible title.
    static func open(width: Double, height: Double, title: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\">"
            + "<title>\(HTMLText.escape(title))</title>"
    }

    /// A target as the charts label it: "mål ≤ 5,8", "target 0.90–1.10".
    static func targetLabel(_ target: Target, _ language: ReportLanguage) -> String {
        let d = max(ReportLanguage.decimals(of: target.value), target.upper.map(ReportLanguage.decimals) ?? 0)
        let value = language.number(target.value, decimals: d)
        let word = language == .da ? "mål" : "target"
        switch target.comparison {
        case .atMost: return "\(word) ≤ \(value)"
        case .below: return "\(word) < \(value)"
        case .atLeast: return "\(word) ≥ \(value)"
        case .above: return "\(word) > \(value)"
        case .within: return "\(word) \(value)–\(language.number(target.upper!, decimals: d))"
        }
    }

    /// A horizontal target drawn across the plot between `left` and `right`: a dashed line at
    /// a bound, a shaded band with dashed edges for `within` (labelled in the legend).
    static func target(_ target: Target, scale y: ChartScale, left: Double, right: Double) -> String {
        guard target.comparison == .within, let upper = target.upper else {
            return line(left, y(target.value), right, y(target.value), cls: "target")
        }
        let top = y(upper), bottom = y(target.value)
        return "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" height=\"\(n(bottom - top))\" class=\"band\"/>"
            + line(left, top, right, top, cls: "band-edge") + line(left, bottom, right, bottom, cls: "band-edge")
    }
}

/// A measure's figures across every period of the schedule: each figure a point with its
/// confidence interval as a bar, on an ordinal axis that ticks every period, so that periods
/// without a wave of the measure's data stay visible as gaps. The baseline is a hollow point
/// with a dotted reference line, the period reported a larger point with its value, the target
/// a dashed line (a shaded band for `within`), withheld figures `..`.
struct TrendChart {
    /// One figure at a period (the data's wave).
    struct Mark {
        var period: String
        var estimate: Double?
        var low: Double?
        var high: Double?
        /// Withheld by disclosure control: drawn as `..`.
        var withheld: Bool
    }

    var periods: [String]
    var marks: [Mark]
    /// The baseline's and the current figure's periods.
    var baseline: String?
    var current: String?
    var target: Target?
    /// The value axis' title (the unit in words).
    var unitName: String
    /// Decimals of the value shown at the current point.
    var decimals: Int
    var level: Double
    var language: ReportLanguage
    /// What the chart shows, for screen readers and as its tooltip.
    var title: String

    func svg() -> String {
        let width = 640.0, height = 250.0
        let left = 58.0, right = width - 16, top = 30.0, bottom = height - 44
        let da = language == .da
        var values = marks.flatMap { [$0.estimate, $0.low, $0.high].compactMap { $0 } }
        if let target { values += [target.value] + (target.upper.map { [$0] } ?? []) }
        let y = ChartScale(covering: values, from: bottom, to: top)
        let slot = (right - left) / Double(max(periods.count, 1))
        func x(_ period: String) -> Double? { periods.firstIndex(of: period).map { left + slot * (Double($0) + 0.5) } }
        var out = SVG.open(width: width, height: height, title: title)
        for t in y.ticks {
            out += SVG.line(left, y(t), right, y(t), cls: "grid")
            out += SVG.text(language.number(t, decimals: y.decimals), x: left - 6, y: y(t) + 4, anchor: "end", cls: "tick")
        }
        out += SVG.line(left, bottom, right, bottom, cls: "axis")
        let drawn = Set(marks.filter { $0.estimate != nil || $0.withheld }.map(\.period))
        for p in periods {
            let px = x(p)!
            out += SVG.line(px, bottom, px, bottom + 4, cls: "axis")
            let cls = p == current ? "tick current" : drawn.contains(p) ? "tick" : "tick empty"
            out += SVG.text(p, x: px, y: bottom + 16, anchor: "middle", cls: cls)
        }
        out += SVG.text(da ? "Periode" : "Period", x: (left + right) / 2, y: height - 6, anchor: "middle", cls: "axis-title")
        out += SVG.text(unitName, x: 0, y: 0, anchor: "middle", cls: "axis-title",
                        extra: " transform=\"translate(14 \(SVG.n((top + bottom) / 2))) rotate(-90)\"")
        if let target { out += SVG.target(target, scale: y, left: left, right: right) }
        let baselineMark = marks.first { $0.period == baseline && $0.estimate != nil }
        if let b = baselineMark?.estimate {
            out += SVG.line(left, y(b), right, y(b), cls: "reference")
        }
        let shown = marks.filter { $0.estimate != nil && x($0.period) != nil }
        if shown.count > 1 {
            out += "<polyline class=\"trend\" points=\"" + shown.map { "\(SVG.n(x($0.period)!)),\(SVG.n(y($0.estimate!)))" }.joined(separator: " ") + "\"/>"
        }
        for m in marks {
            guard let px = x(m.period) else { continue }
            if m.withheld {
                out += SVG.text("..", x: px, y: (top + bottom) / 2, anchor: "middle", cls: "withheld")
                continue
            }
            guard let e = m.estimate else { continue }
            if let low = m.low, let high = m.high {
                out += SVG.line(px, y(low), px, y(high), cls: "ci") + SVG.line(px - 4, y(low), px + 4, y(low), cls: "ci")
                    + SVG.line(px - 4, y(high), px + 4, y(high), cls: "ci")
            }
            let cls = m.period == baseline ? "point baseline" : m.period == current ? "point current" : "point"
            out += "<circle cx=\"\(SVG.n(px))\" cy=\"\(SVG.n(y(e)))\" r=\"\(m.period == current ? 5.5 : 4)\" class=\"\(cls)\"/>"
            if m.period == current {
                // Left of the point near the right edge, where the target's label sits.
                let nearEnd = px > right - 2 * slot
                out += SVG.text(language.number(e, decimals: decimals), x: nearEnd ? px - 9 : px + 9, y: y(e) + 4,
                                anchor: nearEnd ? "end" : "start", cls: "value")
            }
        }
        out += legend(x: left, y: 14)
        return out + "</svg>"
    }

    /// The key above the plot: estimate, interval, baseline, target.
    private func legend(x: Double, y: Double) -> String {
        let da = language == .da
        let percent = language.number(level * 100, decimals: 0)
        var out = "<circle cx=\"\(SVG.n(x + 4))\" cy=\"\(SVG.n(y - 4))\" r=\"4\" class=\"point\"/>"
            + SVG.text(da ? "skøn" : "estimate", x: x + 12, y: y, cls: "legend")
        out += SVG.line(x + 70, y - 10, x + 70, y + 2, cls: "ci") + SVG.text(da ? "\(percent) %-konfidensinterval" : "\(percent) % confidence interval", x: x + 78, y: y, cls: "legend")
        if baseline != nil {
            out += "<circle cx=\"\(SVG.n(x + 264))\" cy=\"\(SVG.n(y - 4))\" r=\"4\" class=\"point baseline\"/>"
                + SVG.line(x + 274, y - 4, x + 294, y - 4, cls: "reference")
                + SVG.text(da ? "basis" : "baseline", x: x + 300, y: y, cls: "legend")
        }
        if let target {
            out += target.comparison == .within
                ? "<rect x=\"\(SVG.n(x + 360))\" y=\"\(SVG.n(y - 10))\" width=\"22\" height=\"12\" class=\"band\"/>"
                : SVG.line(x + 360, y - 4, x + 382, y - 4, cls: "target")
            out += SVG.text(SVG.targetLabel(target, language), x: x + 388, y: y, cls: "target-label")
        }
        return out
    }
}

/// Figures side by side on one horizontal scale, a row each: a point with its confidence
/// interval, the value at the right, withheld rows as `..`; optionally a reference value (the
/// whole measure) and the target. For a breakdown by area and for a gap beside its parts.
struct IntervalChart {
    /// One row: its label, and the figure or nil when withheld or not estimable.
    struct Row {
        var label: String
        var value: Inferred?
        var withheld: Bool
    }

    var rows: [Row]
    /// A value drawn as a vertical dotted line with its label (the whole measure's figure).
    var reference: (value: Double, label: String)?
    var target: Target?
    var unitName: String
    var decimals: Int
    var language: ReportLanguage
    var title: String

    func svg() -> String {
        let width = 640.0, rowHeight = 26.0
        let left = 190.0, right = width - 70, top = 26.0
        let bottom = top + rowHeight * Double(rows.count)
        let height = bottom + 40
        var values = rows.compactMap(\.value).flatMap { [$0.estimate] + [$0.low, $0.high].compactMap { $0 } }
        if let reference { values.append(reference.value) }
        if let target { values += [target.value] + (target.upper.map { [$0] } ?? []) }
        let x = ChartScale(covering: values, from: left, to: right)
        var out = SVG.open(width: width, height: height, title: title)
        for t in x.ticks {
            out += SVG.line(x(t), top - 6, x(t), bottom, cls: "grid")
            out += SVG.text(language.number(t, decimals: x.decimals), x: x(t), y: bottom + 15, anchor: "middle", cls: "tick")
        }
        out += SVG.line(left, bottom, right, bottom, cls: "axis")
        out += SVG.text(unitName, x: (left + right) / 2, y: height - 6, anchor: "middle", cls: "axis-title")
        if let target, target.comparison == .within, let upper = target.upper {
            out += "<rect x=\"\(SVG.n(x(target.value)))\" y=\"\(SVG.n(top - 6))\" width=\"\(SVG.n(x(upper) - x(target.value)))\" height=\"\(SVG.n(bottom - top + 6))\" class=\"band\"/>"
        } else if let target {
            out += SVG.line(x(target.value), top - 6, x(target.value), bottom, cls: "target")
        }
        if let target {
            out += SVG.text(SVG.targetLabel(target, language), x: x(target.value), y: top - 10, anchor: "middle", cls: "target-label")
        }
        if let reference {
            out += SVG.line(x(reference.value), top - 6, x(reference.value), bottom, cls: "reference")
            out += SVG.text(reference.label, x: x(reference.value), y: top - 10, anchor: "middle", cls: "legend")
        }
        for (i, row) in rows.enumerated() {
            let cy = top + rowHeight * (Double(i) + 0.5)
            let label = row.label.count > 30 ? String(row.label.prefix(29)) + "…" : row.label
            out += "<g><title>\(HTMLText.escape(row.label))</title>" + SVG.text(label, x: left - 10, y: cy + 4, anchor: "end", cls: "row-label") + "</g>"
            guard let v = row.value else {
                out += SVG.text(row.withheld ? ".." : "–", x: left + 8, y: cy + 4, cls: "withheld")
                continue
            }
            if let low = v.low, let high = v.high {
                out += SVG.line(x(low), cy, x(high), cy, cls: "ci")
                    + SVG.line(x(low), cy - 4, x(low), cy + 4, cls: "ci") + SVG.line(x(high), cy - 4, x(high), cy + 4, cls: "ci")
            }
            out += "<circle cx=\"\(SVG.n(x(v.estimate)))\" cy=\"\(SVG.n(cy))\" r=\"4.5\" class=\"point\"/>"
            out += SVG.text(language.number(v.estimate, decimals: decimals), x: width - 8, y: cy + 4, anchor: "end", cls: "value")
        }
        return out + "</svg>"
    }
}
