"""Writes a seeded, class-stratified sample of each corpus file, so that every
engine is judged on the same requests.

    python3 sample.py OUTDIR PER_FILE FILE.jsonl...

PER_FILE 0 keeps whole files. Otherwise each file contributes up to PER_FILE
requests, shared between its classes by water-filling: a class smaller than
its fair share is kept whole, the rest is split among the larger classes
(each drawn at random with a fixed seed, in corpus order)."""

import json
import os
import random
import sys


def allocate(sizes, budget):
    left = dict(sizes)
    alloc = {}
    while left:
        share = budget // len(left)
        small = {k: n for k, n in left.items() if n <= share}
        if not small:
            for i, k in enumerate(sorted(left)):
                alloc[k] = share + (1 if i < budget - share * len(left) else 0)
            return alloc
        for k, n in small.items():
            alloc[k] = n
            budget -= n
            del left[k]
    return alloc


def main():
    outdir, per_file, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    os.makedirs(outdir, exist_ok=True)
    for path in files:
        lines = [l for l in open(path, encoding="utf-8") if l.strip()]
        out = os.path.join(outdir, os.path.basename(path))
        if per_file <= 0 or len(lines) <= per_file:
            keep = lines
        else:
            by_class = {}
            for i, l in enumerate(lines):
                by_class.setdefault(json.loads(l)["class"], []).append(i)
            alloc = allocate({k: len(v) for k, v in by_class.items()}, per_file)
            rng = random.Random(8)
            chosen = []
            for k in sorted(by_class):
                chosen += rng.sample(by_class[k], alloc[k])
            keep = [lines[i] for i in sorted(chosen)]
        with open(out, "w", encoding="utf-8") as f:
            f.writelines(keep)
        print(f"{os.path.basename(path)}: {len(keep)} of {len(lines)} requests", file=sys.stderr)


if __name__ == "__main__":
    main()
