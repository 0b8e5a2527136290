"""Writes the two requests of requests.lua as corpus-format JSONL, each line
repeated N times: speed-benign.jsonl and speed-attack.jsonl in OUTDIR.

    python3 speed-requests.py OUTDIR N"""

import json
import os
import sys

HEADERS = [
    ["Host", "shop.example"],
    ["User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"],
    ["Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    ["Accept-Language", "en-US,en;q=0.9"],
    ["Accept-Encoding", "gzip, deflate, br"],
    ["Cookie", "session=8f14e45fceea167a5a36dedd4bea2543; theme=dark"],
]
REQUESTS = {
    "benign": ("benign", "benign", "/search?q=running+shoes&page=2&sort=price_asc&size=42"),
    "attack": ("attack", "sqli", "/products?id=1%27%20OR%201%3D1--"),
}

outdir, n = sys.argv[1], int(sys.argv[2])
os.makedirs(outdir, exist_ok=True)
for name, (label, cls, uri) in REQUESTS.items():
    line = json.dumps({"id": f"speed-{name}", "label": label, "class": cls, "method": "GET",
                       "uri": uri, "headers": HEADERS, "body": ""})
    with open(os.path.join(outdir, f"speed-{name}.jsonl"), "w", encoding="utf-8") as f:
        f.write((line + "\n") * n)
