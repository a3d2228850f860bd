#!/usr/bin/python3
"""Reference RFM for the UCI Online Retail invoices, independent of Tailor.

Reads ../shared/data/retail/online_retail_invoices.csv itself (no Tailor code, no database), builds
the orders the way `tailor import orders --map userId=CustomerID,orderId=InvoiceNo,
timestamp=InvoiceDate,total=TotalPrice` does, scores RFM with pandas, and writes
test/fixtures/rfm-retail-reference.json, which test/features/rfm-retail.test.ts compares Tailor with.

Run from the repository root (Debian's python3-pandas; nothing from pip):

    /usr/bin/python3 bench/reference/rfm_reference.py

Definitions (the same as src/core/features/rfm.ts, written out again here on purpose):
- as-of: 00:00 UTC of the day after the last invoice date (2011-12-10T00:00:00Z); the window is
  the 365 days before it, as-of - 365 d < t <= as-of (so invoices dated 2010-12-01..2010-12-10 fall
  outside it, and their customers without later orders are not scored);
- recency = whole days from the last order in the window to as-of; frequency = orders in the window;
  monetary = the sum of their totals, rounded to 1e-6 as floor(x * 1e6 + 0.5) / 1e6;
- score = 1 + floor(5 * (r_min - 1) / n), r_min the 1-based minimum rank (pandas method="min") among
  the n scored customers in ascending order of goodness (recency: most days first);
- FM = ceil((F + M) / 2); the segment comes from the R x FM grid below.

How rows become orders (mirrors src/core/imports/map-order-line.ts and group-orders.ts): a row
without a CustomerID or InvoiceNo, or with a TotalPrice that is not a number, is rejected with its
whole order; consecutive rows with one InvoiceNo are one order, whose total is the first row's; an
InvoiceNo that comes back after other orders is rejected; an order whose rows name different
customers is rejected. Amounts are rounded to 1e-6 on import, and negative totals (there are none
in this already-cleaned extract: cancellations and Quantity <= 0 were dropped upstream) would count
as they are.
"""

import csv
import datetime as dt
import hashlib
import json
import math
import os
import re
import sys

import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "retail", "online_retail_invoices.csv"))
OUT = os.path.join(ROOT, "test", "fixtures", "rfm-retail-reference.json")
WINDOW_DAYS = 365
DAY_MS = 86_400_000

# R (rows, 5 at the top) x FM (columns 1..5).
GRID = {
    5: ["New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"],
    4: ["Promising", "Potential Loyalists", "Potential Loyalists", "Loyal Customers", "Loyal Customers"],
    3: ["About to Sleep", "About to Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"],
    2: ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"],
    1: ["Lost", "Lost", "At Risk", "At Risk", "Can't Lose Them"],
}
SEGMENTS = ["Champions", "Loyal Customers", "Potential Loyalists", "New Customers", "Promising", "Need Attention",
            "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost"]

NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def js_round6(x):
    """JavaScript's Math.round(x * 1e6) / 1e6 (Math.round is floor(v + 0.5); Python's round() is not)."""
    return math.floor(x * 1e6 + 0.5) / 1e6


def day_ms(s):
    d = dt.datetime.strptime(s.strip(), "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
    return int(d.timestamp()) * 1000


def read_orders(path):
    """[(customer, timestamp ms, total)] for the orders Tailor's import accepts."""
    orders, rejected = [], 0
    seen = set()
    group = None  # {"id", "rows": [(customer, ts, total, ok)], "bad": bool}

    def finish(g):
        nonlocal rejected
        customers = {r[0] for r in g["rows"]}
        if g["bad"] or len(customers) != 1:
            rejected += len(g["rows"])
            return
        customer, ts, total, _ = g["rows"][0]
        orders.append((customer, ts, total))

    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            inv = (row["InvoiceNo"] or "").strip()
            cust = (row["CustomerID"] or "").strip()
            raw_total = (row["TotalPrice"] or "").strip()
            if not inv:
                rejected += 1
                continue
            if group is None or group["id"] != inv:
                if group is not None:
                    finish(group)
                group = {"id": inv, "rows": [], "bad": inv in seen}
                seen.add(inv)
            ok = bool(cust) and NUMBER.match(raw_total) is not None
            try:
                ts = day_ms(row["InvoiceDate"])
            except ValueError:
                ok, ts = False, None
            total = js_round6(float(raw_total)) if NUMBER.match(raw_total) else None
            group["rows"].append((cust, ts, total, ok))
            group["bad"] = group["bad"] or not ok
    if group is not None:
        finish(group)
    return orders, rejected


def score(values_ascending_goodness):
    """1 + floor(5 * (r_min - 1) / n), r_min the minimum rank in ascending goodness."""
    n = len(values_ascending_goodness)
    r_min = values_ascending_goodness.rank(method="min", ascending=True).astype("int64")
    return 1 + (5 * (r_min - 1)) // n


def main():
    with open(DATA, "rb") as fh:
        sha = hashlib.sha256(fh.read()).hexdigest()
    orders, rejected = read_orders(DATA)
    df = pd.DataFrame(orders, columns=["customer", "ts", "total"])
    last_day = df["ts"].max()
    as_of = last_day + DAY_MS  # 00:00 UTC of the day after the last invoice
    start = as_of - WINDOW_DAYS * DAY_MS
    w = df[(df["ts"] > start) & (df["ts"] <= as_of)]

    # math.fsum: the exactly rounded sum, so the reference does not depend on summation order.
    agg = w.groupby("customer").agg(last=("ts", "max"), frequency=("ts", "size"), monetary=("total", lambda s: math.fsum(s)))
    agg["recency"] = (as_of - agg["last"]) // DAY_MS
    agg["monetary"] = agg["monetary"].map(js_round6)
    agg["r"] = score(-agg["recency"])
    agg["f"] = score(agg["frequency"])
    agg["m"] = score(agg["monetary"])
    agg["fm"] = (agg["f"] + agg["m"] + 1) // 2
    agg["segment"] = [GRID[r][fm - 1] for r, fm in zip(agg["r"], agg["fm"])]
    assert agg[["r", "f", "m"]].isin([1, 2, 3, 4, 5]).all().all()

    def group(g):
        if len(g) == 0:
            return {"customers": 0, "meanRecencyDays": None, "meanFrequency": None, "meanMonetary": None}
        return {"customers": int(len(g)), "meanRecencyDays": math.fsum(g["recency"]) / len(g),
                "meanFrequency": math.fsum(g["frequency"]) / len(g), "meanMonetary": math.fsum(g["monetary"]) / len(g)}

    iso = lambda ms: dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    out = {
        "source": "bench/reference/rfm_reference.py (pandas %s), independent of Tailor" % pd.__version__,
        "command": "/usr/bin/python3 bench/reference/rfm_reference.py",
        "data": {"file": "../shared/data/retail/online_retail_invoices.csv", "sha256": sha, "orders": len(orders), "rejectedRows": rejected},
        "asOf": iso(as_of),
        "asOfRule": "00:00 UTC of the day after the last invoice date",
        "windowDays": WINDOW_DAYS,
        "windowStart": iso(start),
        "tieRule": "score = 1 + floor(5 * (r_min - 1) / n), r_min = 1-based minimum rank in ascending order of goodness",
        "segmentRule": "FM = ceil((F + M) / 2); segment = GRID[R][FM] (src/core/features/rfm-segments.ts)",
        "segments": [dict(segment=s, **group(agg[agg["segment"] == s])) for s in SEGMENTS],
        "totals": group(agg),
        "customerColumns": ["recencyDays", "frequency", "monetary", "r", "f", "m", "segment"],
        "customers": {str(c): [int(r.recency), int(r.frequency), float(r.monetary), int(r.r), int(r.f), int(r.m), r.segment]
                      for c, r in agg.sort_index().iterrows()},
    }
    # One customer per line: a readable, diffable fixture.
    head = json.dumps({k: v for k, v in out.items() if k != "customers"}, indent=2)[:-2]
    body = ",\n".join("    %s: %s" % (json.dumps(c), json.dumps(v)) for c, v in out["customers"].items())
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write(head + ',\n  "customers": {\n' + body + "\n  }\n}\n")
    print("%d orders (%d rows rejected), as of %s, %d customers scored -> %s" % (len(orders), rejected, out["asOf"], len(agg), os.path.relpath(OUT, ROOT)))
    for s in out["segments"]:
        print("  %-20s %5d" % (s["segment"], s["customers"]))


if __name__ == "__main__":
    sys.exit(main())
