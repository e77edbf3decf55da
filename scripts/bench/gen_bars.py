#!/usr/bin/env python3
"""Generates daily OHLCV bars for the import benchmark.

gen_bars.py ROWS SYMBOLS OUT.csv.gz NORMALIZED.csv
  OUT.csv.gz      what a user imports: symbol,date,open,high,low,close,volume (gzip)
  NORMALIZED.csv  the same rows already normalized for `psql \\copy` into market_data:
                  symbol,timeframe,ts,open,high,low,close,volume,data_source
Deterministic (seeded), weekdays only, prices with up to 6 decimals.
"""
import datetime
import gzip
import random
import sys

rows, nsym, out_gz, out_norm = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
per = rows // nsym
rng = random.Random(42)
days = []
d = datetime.date(1990, 1, 1)
while len(days) < per:
    if d.weekday() < 5:
        days.append(d.isoformat())
    d += datetime.timedelta(days=1)

with gzip.open(out_gz, "wt", compresslevel=6, newline="") as g, open(out_norm, "w", newline="") as n:
    g.write("symbol,date,open,high,low,close,volume\n")
    for s in range(nsym):
        sym = "S%04d" % s
        price = rng.uniform(5, 500)
        for day in days:
            price = max(1.0, price * (1 + rng.gauss(0, 0.01)))
            o = round(price * (1 + rng.gauss(0, 0.003)), 6)
            c = round(price, 6)
            h = round(max(o, c) * (1 + abs(rng.gauss(0, 0.004))), 6)
            l = round(min(o, c) * (1 - abs(rng.gauss(0, 0.004))), 6)
            v = rng.randint(1000, 5_000_000)
            g.write(f"{sym},{day},{o:.6f},{h:.6f},{l:.6f},{c:.6f},{v}\n")
            n.write(f"{sym},1d,{day} 00:00:00+00,{o:.6f},{h:.6f},{l:.6f},{c:.6f},{v},csv\n")
