"""Prints the side-by-side table of benches/peers/run.sh (markdown) from the
result files in RES_DIR.

    python3 report.py RES_DIR PER_FILE SECS"""

import glob
import json
import os
import sys

ENGINES = [
    ("mirrorguard", "mirrorguard"),
    ("modsec-pl1", "ModSec+CRS PL1"),
    ("modsec-pl2", "ModSec+CRS PL2"),
    ("coraza-pl1", "Coraza+CRS PL1"),
    ("coraza-pl2", "Coraza+CRS PL2"),
    ("libinjection", "libinjection"),
]


def load(res, name):
    path = os.path.join(res, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def by_file(doc):
    return {os.path.splitext(os.path.basename(f["path"]))[0]: f for f in doc["files"]}


def fmt(x, digits=1):
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def main():
    res, per_file, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    docs = {k: load(res, k) for k, _ in ENGINES}
    files = {k: by_file(d) for k, d in docs.items() if d}
    plain = by_file(load(res, "nginx-plain"))
    mg = files["mirrorguard"]
    heads = [h for _, h in ENGINES]
    rows = []
    totals = {k: {"attack": [0, 0], "benign": [0, 0]} for k, _ in ENGINES}
    for stem in sorted(mg):
        for cls in sorted(mg[stem]["classes"], key=lambda c: (c == "benign", c)):
            c0 = mg[stem]["classes"][cls]
            label = c0["label"]
            cells = []
            for k, _ in ENGINES:
                c = files.get(k, {}).get(stem, {}).get("classes", {}).get(cls)
                if not c:
                    cells.append("–")
                    continue
                totals[k][label][0] += c["flagged"]
                totals[k][label][1] += c["total"]
                cells.append(fmt(100.0 * c["flagged"] / c["total"]))
            what = "detected %" if label == "attack" else "**FP %**"
            rows.append([f"{stem} / {cls}", what, str(c0["total"])] + cells)
    for label, what in (("attack", "detected %, all attacks"), ("benign", "**FP %, all benign**")):
        cells = []
        for k, _ in ENGINES:
            f, t = totals[k][label]
            cells.append(f"**{fmt(100.0 * f / t)}**" if t else "–")
        rows.append(["all files", what, str(totals["mirrorguard"][label][1])] + cells)

    # CPU per request over the corpus sample (engine only).
    def corpus_cpu(k):
        fs = files.get(k)
        if not fs:
            return None
        if k == "mirrorguard":
            secs_ = sum(f["analyze_seconds"] for f in fs.values())
        elif k.startswith("modsec"):
            secs_ = sum(f["cpu_seconds"] - plain[s]["cpu_seconds"] for s, f in fs.items())
        else:
            secs_ = sum(f["cpu_seconds"] for f in fs.values())
        n = sum(f["requests"] for f in fs.values())
        return 1e6 * secs_ / n

    # In-process speed on the two fixed requests.
    # mirrorguard's accuracy binary times in wall-clock time: best of its runs.
    inproc = {}
    for k, _ in ENGINES:
        for path in sorted(glob.glob(os.path.join(res, f"speed-{k}.json")) + glob.glob(os.path.join(res, f"speed-{k}-*.json"))):
            with open(path, encoding="utf-8") as fh:
                d = json.load(fh)
            for f in d["files"]:
                kind = "benign" if "benign" in f["path"] else "attack"
                s = f["analyze_seconds"] if k == "mirrorguard" else f["cpu_seconds"]
                v = 1e6 * s / f["requests"]
                inproc[(k, kind)] = min(v, inproc.get((k, kind), v))
    http = {}
    with open(os.path.join(res, "speed-http.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            n = max(r["requests"], 1)
            cpu = r["nginx_cpu"] + (r["receiver_cpu"] if r["target"] == "mirrorguard" else 0.0)
            http[(r["target"], r["request"])] = (1e6 * cpu / n, r)

    def engine_only(k, kind):
        if k.startswith("modsec"):
            return http[(k, kind)][0] - http[("plain", kind)][0]
        return inproc.get((k, kind))

    def stack(k, kind):
        t = "mirrorguard" if k == "mirrorguard" else k
        return http[(t, kind)][0] if (t, kind) in http else None

    speed_rows = [("CPU µs/request, corpus sample, engine only", lambda k: corpus_cpu(k))]
    for kind in ("benign", "attack"):
        speed_rows.append((f"CPU µs/request, {kind} GET, engine only", lambda k, kind=kind: engine_only(k, kind)))
        speed_rows.append((f"  × mirrorguard ({kind} GET, engine only)",
                           lambda k, kind=kind: ratio(engine_only(k, kind), engine_only("mirrorguard", kind))))
        speed_rows.append((f"CPU µs/request, {kind} GET, nginx + engine (wrk)", lambda k, kind=kind: stack(k, kind)))
        speed_rows.append((f"  × mirrorguard ({kind} GET, nginx + engine)",
                           lambda k, kind=kind: ratio(stack(k, kind), stack("mirrorguard", kind))))

    def ratio(a, b):
        return None if a is None or not b else a / b

    for title, fn in speed_rows:
        cells = []
        for k, _ in ENGINES:
            v = fn(k)
            if v is None:
                cells.append("–")
            elif "×" in title:
                cells.append(f"{v:,.0f}×" if v >= 10 else f"{v:.1f}×")
            else:
                cells.append(fmt(v, 2 if v < 10 else 1))
        rows.append([title, "", ""] + cells)

    sample = "whole files" if per_file <= 0 else f"up to {per_file} requests per file, class-stratified, seed 8"
    print(f"Corpus: {sample}. Rates in %; CPU in µs of process CPU time per request.\n")
    header = ["corpus / class", "", "n"] + heads
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---", "---", "---:"] + ["---:"] * len(heads)) + "|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    plain_b = http[("plain", "benign")][0]
    print(f"\nnginx alone serving the same file: {plain_b:.1f} µs/request (benign GET, {secs} s wrk runs, 1 worker).")
    blocked = {k: http[(k, "attack")][1]["non2xx"] for k in ("modsec-pl1", "modsec-pl2", "mirrorguard")}
    print("wrk attack runs answered non-2xx: " + ", ".join(
        f"{k} {blocked[k]}/{http[(k, 'attack')][1]['requests']}" for k in blocked) + ".")
    other = {}
    for k in ("modsec-pl1", "modsec-pl2"):
        for stem, f in files.get(k, {}).items():
            for st, n in f.get("other_status", {}).items():
                other.setdefault(k, {}).setdefault(st, 0)
                other[k][st] += n
    if other:
        print("ModSecurity replay, statuses other than 200/403 (not counted as detections): " + "; ".join(
            f"{k}: " + ", ".join(f"{st}×{n}" for st, n in sorted(v.items())) for k, v in other.items()) + ".")


if __name__ == "__main__":
    main()
