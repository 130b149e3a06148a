"""Tables for the side-by-side benchmarks (bench/run-batch.sh, run-domains.sh, run-replicates.sh).

  python3 bench/report.py table DIR STEP...   the median seconds per step of each tool, ratios, peak memory
  python3 bench/report.py steps MANIFEST      a disparity run's manifest timings as "step seconds" lines
  python3 bench/report.py ratios DIR STAT...  per tool, the median STAT_rep over STAT_lin (replicates/linearization)
  python3 bench/report.py check DIR           disparity's, R's and svy's estimates side by side

DIR holds one file per tool and run, TOOL-RUN.txt (TOOL is disparity, R or svy), of "step seconds"
lines (the format of bench/timing.R) plus "process SECONDS" (the whole process's wall clock) and
"peak KB" (its peak resident memory) from /usr/bin/time. A disparity `run` manifest's timings become
such lines with `python3 bench/report.py steps MANIFEST [--analyses]` (--analyses: only the
analyses, for a run of one analysis). check reads DIR/check-TOOL.txt
("check NAME estimate se [low high]" lines; disparity's from its batch DIR/results.json when it
has no such file) and prints them side by side, or only the largest differences when there are
many."""
import json
import statistics
import sys
from pathlib import Path

TOOLS = ["disparity", "R", "svy"]
# A disparity batch's manifest steps, as the rows of the table.
MANIFEST_STEPS = {"read": "read", "parse": "read", "design": "design", "analysis mean_score": "mean",
                  "analysis gap_score": "gap", "analysis linear": "linear", "analysis logistic": "logistic",
                  "analysis quartile": "quantile"}


def parse(path):
    steps = {}
    for line in path.read_text().splitlines():
        fields = line.split()
        if len(fields) == 2:
            try:
                steps[fields[0]] = steps.get(fields[0], 0.0) + float(fields[1])
            except ValueError:
                pass
    return steps


def manifest_steps(path, analyses_only):
    steps = {}
    for timing in json.loads(Path(path).read_text())["timings"]:
        row = MANIFEST_STEPS.get(timing["step"])
        if row and (timing["step"].startswith("analysis ") or not analyses_only):
            steps[row] = steps.get(row, 0.0) + timing["seconds"]
    for row, seconds in steps.items():
        print(f"{row} {seconds:.6f}")


def table(folder, rows):
    runs = {tool: [parse(p) for p in sorted(folder.glob(f"{tool}-*.txt"))] for tool in TOOLS}
    tools = [tool for tool in TOOLS if runs[tool]]
    median = {tool: {row: statistics.median(r[row] for r in runs[tool]) for row in rows + ["process", "peak"]
                     if all(row in r for r in runs[tool])} for tool in tools}
    others = [tool for tool in tools if tool != "disparity"]
    n = max(len(runs[tool]) for tool in tools)
    head = f"{'step':<12}" + "".join(f"{tool + ' s':>13}" for tool in tools)
    head += "".join(f"{tool + '/disp':>11}" for tool in others if "disparity" in tools)
    print(f"seconds, median of {n} run{'s' if n > 1 else ''}")
    print(head)

    def cell(tool, row):
        value = median.get(tool, {}).get(row)
        return f"{value:>13.3f}" if value is not None else f"{'-':>13}"

    def ratio(tool, row):
        ours, theirs = median["disparity"].get(row), median[tool].get(row)
        return f"{theirs / ours:>10.1f}x" if ours and theirs is not None else f"{'-':>11}"

    for row in rows + ["process"]:
        line = f"{row:<12}" + "".join(cell(tool, row) for tool in tools)
        if "disparity" in tools:
            line += "".join(ratio(tool, row) for tool in others)
        print(line)
    peak = f"{'peak MiB':<12}" + "".join(f"{median[tool]['peak'] / 1024:>13.0f}" if "peak" in median[tool] else f"{'-':>13}" for tool in tools)
    if "disparity" in tools and "peak" in median["disparity"]:
        peak += "".join(f"{median[t]['peak'] / median['disparity']['peak']:>10.1f}x" if "peak" in median[t] else f"{'-':>11}" for t in others)
    print(peak)


def ratios(folder, stats):
    runs = {tool: [parse(p) for p in sorted(folder.glob(f"{tool}-*.txt"))] for tool in TOOLS}
    tools = [tool for tool in TOOLS if runs[tool]]
    print("replicate weights / linearization, median of the runs' ratios")
    print(f"{'statistic':<12}" + "".join(f"{tool:>13}" for tool in tools))
    for stat in stats:
        cells = []
        for tool in tools:
            values = [r[f"{stat}_rep"] / r[f"{stat}_lin"] for r in runs[tool]
                      if r.get(f"{stat}_lin") and f"{stat}_rep" in r]
            cells.append(f"{statistics.median(values):>12.1f}x" if values else f"{'-':>13}")
        print(f"{stat:<12}" + "".join(cells))


def disparity_checks(results):
    out = {}
    for analysis in json.loads(results.read_text())["analyses"]:
        name, rows = analysis["name"], analysis.get("results", [])
        if name == "mean_score":
            out["mean"] = [rows[0]["estimate"], rows[0]["std_error"]]
        elif name == "gap_score":
            row = next(r for r in rows if r["component"] == "difference")
            out["gap"] = [row["estimate"], row["std_error"]]
        elif name in ("linear", "logistic"):
            for row in rows:
                if row.get("estimate") is not None and row.get("std_error") is not None:
                    out[f"{name}:{row['term']}"] = [row["estimate"], row["std_error"]]
        elif name == "quartile":
            out["quantile"] = [rows[0][k] for k in ("estimate", "std_error", "conf_low", "conf_high")]
    return out


def check(folder):
    values = {} if (folder / "check-disparity.txt").exists() else {"disparity": disparity_checks(folder / "results.json")}
    for tool in TOOLS:
        path = folder / f"check-{tool}.txt"
        if path.exists():
            values[tool] = {f[1]: [float(x) for x in f[2:]] for f in (l.split() for l in path.read_text().splitlines())
                            if f and f[0] == "check"}
    tools = [t for t in TOOLS if t in values]
    brief = len(values["disparity"]) > 60
    if not brief:
        print(f"{'estimate (se)':<28}" + "".join(f"{t:>44}" for t in tools) + f"{'max rel diff':>14}")
    worst = {t: (0.0, None) for t in tools}
    missing = {t: 0 for t in tools}
    for name, ours in values["disparity"].items():
        cells, diff = [], 0.0
        for tool in tools:
            theirs = values[tool].get(name)
            cells.append(f"{theirs[0]:>22.14g} ({theirs[1]:.12g})".rjust(44) if theirs else f"{'-':>44}")
            if not theirs:
                missing[tool] += 1
                continue
            # An SE below a millionth of the estimate (0 in a one-row domain against 6e-14 of rounding)
            # is compared on the estimate's scale.
            floor = max(1e-6 * abs(ours[0]), 1e-300)
            here = max((abs(a - b) / max(abs(a), abs(b), floor) for a, b in zip(ours, theirs)), default=0.0)
            diff = max(diff, here)
            if here >= worst[tool][0]:
                worst[tool] = (here, name)
        if not brief:
            print(f"{name:<28}" + "".join(cells) + f"{diff:>14.1e}")
    for tool in tools:
        if tool != "disparity":
            print(f"{tool} against disparity: {len(values['disparity']) - missing[tool]} of {len(values['disparity'])} estimates"
                  f" found; largest relative difference of an estimate, SE or bound {worst[tool][0]:.1e} ({worst[tool][1]})")

if __name__ == "__main__":
    if sys.argv[1] == "table":
        table(Path(sys.argv[2]), sys.argv[3:])
    elif sys.argv[1] == "steps":
        manifest_steps(sys.argv[2], "--analyses" in sys.argv[3:])
    elif sys.argv[1] == "ratios":
        ratios(Path(sys.argv[2]), sys.argv[3:])
    elif sys.argv[1] == "check":
        check(Path(sys.argv[2]))
    else:
        sys.exit(__doc__)
