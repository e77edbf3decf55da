#!/usr/bin/env python3
"""Reads a legacy Jutsu Labs SQLite file and a PostgreSQL `jutsu_legacy` schema the way the
Jutsu Labs engine reads its database (SQLAlchemy ORM over psycopg2), and compares the two
bar for bar.

    python jutsu_legacy_reads.py --sqlite FILE --postgres URL [--json OUT]
        [--search-path SCHEMA | --no-search-path] [--expect-schema jutsu_legacy]
        [--raw-invalid exclude|include] [--max-diffs N] [--quiet]
    python jutsu_legacy_reads.py --sqlite FILE --self-test [--json OUT]

URL: postgresql://postgres@/jutsu?host=/tmp/sockdir&port=5433 (psycopg2 is the driver).
The search_path can come from the URL (`options=-csearch_path%3Djutsu_legacy`), from
--search-path (sent as the libpq `options` of every connection), or from the role/database
settings (--no-search-path: the URL must not set one and none is sent). `--postgres
sqlite:///FILE` (or --self-test) reads an SQLite file on the "postgres" side as well: a check
of this script itself.

Checks (the reference side is always the SQLite file):
  range         per (symbol, timeframe) of the file: the single-symbol ORM range query
                (symbol, timeframe, timestamp >= start, timestamp <= end with a midnight end
                extended to 23:59:59.999999, is_valid == True, ORDER BY timestamp, streamed
                with yield_per(1000)) over three windows, its .count(), then the engine's
                read-side filter (weekend by the naive timestamp's weekday; NYSE holiday by
                the America/New_York date, per pandas_market_calendars 'NYSE').
  multi_symbol  symbol IN (every 1D symbol), same filters, ORDER BY timestamp, symbol.
  raw_sql       SELECT timestamp, close FROM market_data WHERE symbol = :s AND timeframe = '1D'
                ORDER BY timestamp, through session.execute(text(...)), per 1D symbol.
  metadata      data_metadata per (symbol, timeframe): last_bar_timestamp, total_bars,
                last_updated presence. Reported only (its "ok" may be false, its
                "fails_exit" is false): a legacy total_bars may count bars later marked
                invalid, so both numbers are printed.
  audit_log     data_audit_log per symbol (and unfiltered), ORDER BY timestamp DESC LIMIT 100.
  ids           market_data.id on the postgres side over every row of range + multi_symbol:
                int, one id per bar and one bar per id, no ORM identity-map collapse, and the
                same ids when everything is read again through a new engine and session.
  resolve       (postgres only) the three names resolve, through search_path, to
                --expect-schema (default jutsu_legacy; '' to skip).

Exit status: 0 when range, multi_symbol, raw_sql, audit_log, ids (and resolve) all match;
1 on any mismatch or a failing postgres query; 2 on usage errors, an unreadable SQLite file
or a failed connection.
"""

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
import traceback
from decimal import Decimal
from urllib.parse import quote

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments, an unreadable reference file, or a failed connection: exit 2."""


try:
    import pandas_market_calendars as mcal
    import pytz
    import sqlalchemy
    from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Integer, Numeric, String,
                            and_, create_engine, text)
    from sqlalchemy.engine import make_url
    from sqlalchemy.orm import Session, declarative_base
except ImportError as e:  # pragma: no cover - environment problem
    print(f"jutsu_legacy_reads: missing Python package ({e}); run scripts/python-env and use "
          f"the python it prints", file=sys.stderr)
    sys.exit(EXIT_USAGE)


# --------------------------------------------------------------------------------------------
# Models: the engine's columns and types for the three tables it reads (written here from its
# schema; DateTime(timezone=True) as in its models). No schema is named: on PostgreSQL the
# names resolve through search_path.
# --------------------------------------------------------------------------------------------

Base = declarative_base()


class MarketData(Base):
    __tablename__ = "market_data"
    id = Column(Integer, primary_key=True)
    symbol = Column(String(10), nullable=False)
    timeframe = Column(String(10), nullable=False)
    timestamp = Column(DateTime(timezone=True), nullable=False)
    open = Column(Numeric(18, 6), nullable=False)
    high = Column(Numeric(18, 6), nullable=False)
    low = Column(Numeric(18, 6), nullable=False)
    close = Column(Numeric(18, 6), nullable=False)
    volume = Column(BigInteger, nullable=False)
    data_source = Column(String(20), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)
    is_valid = Column(Boolean)


class DataMetadata(Base):
    __tablename__ = "data_metadata"
    id = Column(Integer, primary_key=True)
    symbol = Column(String(10), nullable=False)
    timeframe = Column(String(10), nullable=False)
    last_bar_timestamp = Column(DateTime(timezone=True))
    total_bars = Column(Integer)
    last_updated = Column(DateTime(timezone=True))


class DataAuditLog(Base):
    __tablename__ = "data_audit_log"
    id = Column(Integer, primary_key=True)
    symbol = Column(String(10))
    timeframe = Column(String(10))
    operation = Column(String(20), nullable=False)
    status = Column(String(20), nullable=False)
    message = Column(String(500))
    bars_affected = Column(Integer)
    timestamp = Column(DateTime(timezone=True), nullable=False)


# --------------------------------------------------------------------------------------------
# The engine's read-side conventions
# --------------------------------------------------------------------------------------------

def engine_end(end):
    """A midnight end (a date given as a datetime) is extended to the end of that day."""
    if end.hour == 0 and end.minute == 0 and end.second == 0:
        return end.replace(hour=23, minute=59, second=59, microsecond=999999)
    return end


_ET = pytz.timezone("America/New_York")
_NYSE = None
_SESSIONS = {}


def nyse_sessions(year):
    global _NYSE
    if year not in _SESSIONS:
        if _NYSE is None:
            _NYSE = mcal.get_calendar("NYSE")
        sched = _NYSE.schedule(start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31))
        _SESSIONS[year] = set(sched.index.date)
    return _SESSIONS[year]


def is_weekend(ts):
    # The weekday of the timestamp as it comes back (naive: its UTC wall date).
    return ts.weekday() in (5, 6)


def is_holiday(ts):
    # The New York date of the instant (naive taken as UTC); a New York weekend date is left to
    # the weekend rule, which looks at the timestamp itself (so such a bar is kept).
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.timezone.utc)
    d = ts.astimezone(_ET).date()
    if d.weekday() >= 5:
        return False
    return d not in nyse_sessions(d.year)


def engine_filter(bars):
    kept, weekend, holiday = [], 0, 0
    for b in bars:
        if is_weekend(b.timestamp):
            weekend += 1
        elif is_holiday(b.timestamp):
            holiday += 1
        else:
            kept.append(b)
    return kept, weekend, holiday


def range_query(session, symbol, timeframe, start, end):
    return (session.query(MarketData)
            .filter(and_(MarketData.symbol == symbol,
                         MarketData.timeframe == timeframe,
                         MarketData.timestamp >= start,
                         MarketData.timestamp <= end,
                         MarketData.is_valid == True))  # noqa: E712 (the engine's spelling)
            .order_by(MarketData.timestamp.asc()))


def multi_query(session, symbols, timeframe, start, end):
    return (session.query(MarketData)
            .filter(and_(MarketData.symbol.in_(symbols),
                         MarketData.timeframe == timeframe,
                         MarketData.timestamp >= start,
                         MarketData.timestamp <= end,
                         MarketData.is_valid == True))  # noqa: E712
            .order_by(MarketData.timestamp.asc(), MarketData.symbol.asc()))


def id_columns_query(session, q_kind, params):
    """The same filters and order as range_query/multi_query, but selecting plain columns, so
    every row's id is seen as sent (no identity map)."""
    cols = (MarketData.id, MarketData.symbol, MarketData.timeframe, MarketData.timestamp)
    if q_kind == "range":
        symbol, timeframe, start, end = params
        flt = MarketData.symbol == symbol
        order = (MarketData.timestamp.asc(),)
    else:
        symbols, timeframe, start, end = params
        flt = MarketData.symbol.in_(symbols)
        order = (MarketData.timestamp.asc(), MarketData.symbol.asc())
    return (session.query(*cols)
            .filter(and_(flt, MarketData.timeframe == timeframe,
                         MarketData.timestamp >= start, MarketData.timestamp <= end,
                         MarketData.is_valid == True))  # noqa: E712
            .order_by(*order))


RAW_SQL = ("SELECT timestamp, close FROM market_data "
           "WHERE symbol = :s AND timeframe = '1D' ORDER BY timestamp")


# --------------------------------------------------------------------------------------------
# Values: comparison and JSON rendering
# --------------------------------------------------------------------------------------------

def same(a, b):
    """Equal values of the same kind: Decimals numerically, datetimes with the same
    naive/aware-ness, everything else with the same Python type."""
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return isinstance(a, Decimal) and isinstance(b, Decimal) and a == b
    if isinstance(a, dt.datetime) or isinstance(b, dt.datetime):
        return (isinstance(a, dt.datetime) and isinstance(b, dt.datetime)
                and (a.tzinfo is None) == (b.tzinfo is None) and a == b)
    return type(a) is type(b) and a == b


def jv(v):
    """A value for JSON: datetimes ISO (an aware one keeps its offset), Decimals as strings;
    anything of an unexpected type is tagged with its type."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, float):
        return {"float": repr(v)}
    return {type(v).__name__: str(v)}


def type_name(v):
    if isinstance(v, dt.datetime):
        return "datetime(aware)" if v.tzinfo is not None else "datetime"
    return type(v).__name__


BAR_FIELDS = ("symbol", "timeframe", "timestamp", "open", "high", "low", "close", "volume")
BAR_NOTE_FIELDS = ("data_source", "is_valid")


def bar_row(o):
    return tuple(getattr(o, f) for f in BAR_FIELDS)


def compare_sequences(ref, got, fields, max_diffs):
    """Positional comparison of two row lists. Returns (rows_compared, mismatches, diffs,
    same_rows_other_order)."""
    n = max(len(ref), len(got))
    mismatches, diffs = 0, []
    for i in range(n):
        a = ref[i] if i < len(ref) else None
        b = got[i] if i < len(got) else None
        if a is not None and b is not None:
            bad = [f for f, x, y in zip(fields, a, b) if not same(x, y)]
            if not bad:
                continue
        else:
            bad = ["<missing row>" if b is None else "<extra row>"]
        mismatches += 1
        if len(diffs) < max_diffs:
            d = {"index": i, "fields": bad,
                 "sqlite": None if a is None else {f: jv(x) for f, x in zip(fields, a)},
                 "postgres": None if b is None else {f: jv(y) for f, y in zip(fields, b)}}
            types = {f: [type_name(x), type_name(y)] for f, x, y in zip(fields, a or (), b or ())
                     if f in bad and type_name(x) != type_name(y)}
            if types:
                d["types"] = types
            diffs.append(d)
    other_order = False
    if mismatches and len(ref) == len(got):
        key = lambda r: tuple(repr(jv(x)) for x in r)  # noqa: E731
        other_order = sorted(map(key, ref)) == sorted(map(key, got))
    return n, mismatches, diffs, other_order


def canonical_ties(rows, ts_index):
    """Rows with equal timestamps have no defined order: sort within each run of equal
    timestamps (the overall order stays as the database returned it)."""
    out, i = [], 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j][ts_index] == rows[i][ts_index]:
            j += 1
        out.extend(sorted(rows[i:j], key=lambda r: tuple(repr(jv(x)) for x in r)))
        i = j
    return out


def sqlite_raw_close(v):
    """The raw SELECT of an SQLite file gives the stored REAL/INTEGER; the ORM's Numeric(18, 6)
    reads a REAL as Decimal('%.6f' % value). Raw rows are compared through that same rounding."""
    if isinstance(v, float):
        return Decimal("%.6f" % v)
    if isinstance(v, int) and not isinstance(v, bool):
        return Decimal(v)
    return v


def sqlite_raw_timestamp(v):
    if isinstance(v, str):
        try:
            return dt.datetime.fromisoformat(v)
        except ValueError:
            return v
    return v


def pg_raw_close(v):
    if isinstance(v, float):
        return Decimal("%.6f" % v)
    return v


# --------------------------------------------------------------------------------------------
# Sides
# --------------------------------------------------------------------------------------------

class Side:
    def __init__(self, label, url, connect_args=None, is_reference=False):
        self.label = label
        self.url = url
        self.connect_args = connect_args or {}
        self.is_reference = is_reference
        self.engine = None
        self.dialect = make_url(url).get_backend_name()

    def open(self):
        self.engine = create_engine(self.url, connect_args=self.connect_args)
        try:
            with self.engine.connect() as c:
                c.execute(text("SELECT 1"))
        except Exception as e:
            raise UsageError(f"{self.label}: cannot connect ({redact(self.url)}): "
                             f"{one_line(e)}")
        return self

    def reopen(self):
        """A new engine (new pool, new connections), as a fresh process would have."""
        if self.engine is not None:
            self.engine.dispose()
        return self.open()

    def session(self):
        return Session(self.engine)

    def close(self):
        if self.engine is not None:
            self.engine.dispose()


def one_line(e):
    s = str(e).strip().splitlines()
    return (type(e).__name__ + ": " + (s[0] if s else "")).strip()


def redact(url):
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<url>"


def sqlite_url(path):
    if not os.path.isfile(path):
        raise UsageError(f"no such SQLite file: {path}")
    # Read-only: the reference file is never written (it may sit on a read-only fixture dir).
    return "sqlite:///file:" + quote(os.path.abspath(path)) + "?mode=ro&uri=true"


def run_ref(side, fn):
    """A query on the reference side must work; if it does not, the file is not a legacy
    database this checker knows: a usage error."""
    try:
        return fn()
    except UsageError:
        raise
    except Exception as e:
        raise UsageError(f"reading the SQLite file failed: {one_line(e)}")


class PgError(Exception):
    pass


def run_pg(session, fn):
    try:
        return fn()
    except Exception as e:
        try:
            session.rollback()
        except Exception:
            pass
        raise PgError(one_line(e))


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------

def new_check(name, fails_exit=True):
    return {"name": name, "fails_exit": fails_exit, "ok": True, "queries": 0,
            "rows_compared": 0, "sqlite_rows": 0, "postgres_rows": 0, "mismatches": 0,
            "errors": [], "differences": [], "details": []}


def by_key(ref_rows, got_rows, key_len):
    """Rows matched by their leading key columns instead of position: how many are missing on
    postgres, extra there, or present on both sides with other values (a positional diff after
    one missing row reports every later row)."""
    def index(rows):
        d = {}
        for r in rows:
            d.setdefault(tuple(repr(jv(x)) for x in r[:key_len]), []).append(r)
        return d
    a, b = index(ref_rows), index(got_rows)
    missing = sum(max(len(v) - len(b.get(k, ())), 0) for k, v in a.items())
    extra = sum(max(len(v) - len(a.get(k, ())), 0) for k, v in b.items())
    changed = sum(1 for k, v in a.items() if k in b and len(v) == 1 and len(b[k]) == 1
                  and not all(same(x, y) for x, y in zip(v[0], b[k][0])))
    return {"missing": missing, "extra": extra, "changed": changed}


def finish_query(check, detail, ref_rows, got_rows, fields, max_diffs, extra_mismatch=0,
                 key_len=None):
    n, mism, diffs, other_order = compare_sequences(ref_rows, got_rows, fields, max_diffs)
    detail.update({"rows_compared": n, "mismatches": mism + extra_mismatch,
                   "sqlite_rows": len(ref_rows), "postgres_rows": len(got_rows)})
    if mism and key_len:
        detail["by_key"] = by_key(ref_rows, got_rows, key_len)
    mism += extra_mismatch
    if other_order:
        detail["same_rows_other_order"] = True
    if diffs:
        detail["differences"] = diffs
    check["queries"] += 1
    check["rows_compared"] += n
    check["sqlite_rows"] += len(ref_rows)
    check["postgres_rows"] += len(got_rows)
    check["mismatches"] += mism
    room = max_diffs - len(check["differences"])
    for d in diffs[:max(room, 0)]:
        check["differences"].append(dict(d, query=detail["query"]))
    if mism:
        check["ok"] = False
    check["details"].append(detail)


def query_error(check, detail, err):
    detail["error"] = str(err)
    check["errors"].append({"query": detail["query"], "error": str(err)})
    check["queries"] += 1
    check["mismatches"] += 1  # a query that fails on postgres counts as one mismatch
    check["ok"] = False
    check["details"].append(detail)


def date_midnight(ts):
    return dt.datetime.combine(ts.date(), dt.time())


def windows_for(timestamps):
    """Query windows (start, end as the caller passes them) over a sorted timestamp list:
    the whole series as dates, the middle third as dates, and an exact inner window whose
    bounds are bar timestamps (inclusive on both sides)."""
    n = len(timestamps)
    if n == 0:
        return []
    first, last = timestamps[0], timestamps[-1]
    return [
        ("full", date_midnight(first), date_midnight(last)),
        ("middle", date_midnight(timestamps[n // 3]), date_midnight(timestamps[(2 * n) // 3])),
        ("exact", timestamps[(2 * n) // 5], timestamps[(3 * n) // 5]),
    ]


class IdTracker:
    """market_data ids seen on one side: key (symbol, timeframe, timestamp) <-> id."""

    def __init__(self):
        self.key_ids = {}    # key -> set of ids
        self.id_keys = {}    # id -> set of keys
        self.rows = 0
        self.non_int = []    # samples
        self.non_int_count = 0
        self.collapsed = []  # queries where the ORM returned one object for several rows
        self.orm_vs_columns = 0

    def add_rows(self, rows, query):
        for rid, sym, tf, ts in rows:
            self.rows += 1
            if type(rid) is not int:
                self.non_int_count += 1
                if len(self.non_int) < 5:
                    self.non_int.append({"query": query, "id": jv(rid), "type": type_name(rid)})
                continue
            key = (sym, tf, ts)
            self.key_ids.setdefault(key, set()).add(rid)
            self.id_keys.setdefault(rid, set()).add(key)

    def mapping(self):
        return {k: next(iter(v)) for k, v in self.key_ids.items() if len(v) == 1}


def do_bars(check, ref, pg, ref_s, pg_s, query_name, params, q_kind, max_diffs,
            ref_ids, pg_ids):
    """One ORM bar query on both sides: count(), the streamed rows, the engine filter."""
    if q_kind == "range":
        build = lambda s: range_query(s, *params)  # noqa: E731
    else:
        build = lambda s: multi_query(s, *params)  # noqa: E731
    sym, tf, start, end = params
    detail = {"query": query_name, "timeframe": tf,
              "symbols": list(sym) if q_kind == "multi" else [sym],
              "start": jv(start), "end": jv(end)}

    def side_read(s):
        q = build(s)
        count = q.count()
        objs = list(q.yield_per(1000))  # streamed as the engine does (server-side cursor on PG)
        distinct = len({id(o) for o in objs})
        kept, wk, hol = engine_filter(objs)
        notes = {}
        for o in objs:
            for f in BAR_NOTE_FIELDS:
                v = str(jv(getattr(o, f)))
                notes.setdefault(f, {}).setdefault(v, 0)
                notes[f][v] += 1
        orm_ids = [(o.id, o.symbol, o.timeframe, o.timestamp) for o in objs]
        cols = id_columns_query(s, q_kind, params).all()
        return {"count": count, "rows_raw": len(objs), "distinct_objects": distinct,
                "weekend_dropped": wk, "holiday_dropped": hol,
                "rows": [bar_row(o) for o in kept], "notes": notes,
                "orm_ids": orm_ids, "col_ids": [tuple(r) for r in cols]}

    r = run_ref(ref, lambda: side_read(ref_s))
    ref_ids.add_rows(r["col_ids"], query_name)
    try:
        p = run_pg(pg_s, lambda: side_read(pg_s))
    except PgError as e:
        query_error(check, detail, e)
        return
    pg_ids.add_rows(p["col_ids"], query_name)
    if p["distinct_objects"] != p["rows_raw"]:
        pg_ids.collapsed.append({"query": query_name, "rows": p["rows_raw"],
                                 "distinct_objects": p["distinct_objects"]})
    # ORM ids must be the ids the columns query saw for the same bars.
    col_map = {(sy, tf_, ts): rid for rid, sy, tf_, ts in p["col_ids"]}
    pg_ids.orm_vs_columns += sum(1 for rid, sy, tf_, ts in p["orm_ids"]
                                 if col_map.get((sy, tf_, ts), rid) != rid)
    for name, d in (("sqlite", r), ("postgres", p)):
        detail[name] = {k: d[k] for k in ("count", "rows_raw", "weekend_dropped",
                                           "holiday_dropped")}
        detail[name]["rows"] = len(d["rows"])
        detail[name]["values_seen"] = d["notes"]
    # count() and the pre-filter rows must agree as well as the bars the engine keeps.
    # (Different pre-filter rows show up as bar differences; count() is compared on its own.)
    extra = 0
    if r["count"] != p["count"]:
        detail["count_mismatch"] = [r["count"], p["count"]]
        extra += 1
    finish_query(check, detail, r["rows"], p["rows"], BAR_FIELDS, max_diffs, extra, key_len=3)


def check_range_and_multi(ref, pg, args, series, ref_ids, pg_ids):
    rng, multi = new_check("range"), new_check("multi_symbol")
    ref_s, pg_s = ref.session(), pg.session()
    try:
        for (sym, tf), stamps in series:
            for wname, start, end in windows_for(stamps):
                do_bars(rng, ref, pg, ref_s, pg_s, f"range {sym} {tf} {wname}",
                        (sym, tf, start, engine_end(end)), "range", args.max_diffs,
                        ref_ids, pg_ids)
        daily = sorted(s for (s, tf), _ in series if tf == "1D")
        if daily:
            stamps = sorted(ts for (s, tf), st in series if tf == "1D" for ts in st)
            for wname, start, end in windows_for(stamps)[:2]:
                do_bars(multi, ref, pg, ref_s, pg_s, f"multi 1D {wname}",
                        (tuple(daily), "1D", start, engine_end(end)), "multi", args.max_diffs,
                        ref_ids, pg_ids)
        multi["symbols"] = daily
    finally:
        ref_s.close()
        pg_s.close()
    return rng, multi


def drop_invalid(rows, session, sym, policy):
    """Under --raw-invalid exclude, the rows of an SQLite file's bars not marked valid
    (is_valid 0 or NULL, which the ORM never reads) are left out of the raw-SQL reference."""
    if policy != "exclude":
        return rows, 0
    bad = {sqlite_raw_timestamp(t) for (t,) in session.execute(
        text("SELECT timestamp FROM market_data WHERE symbol = :s AND timeframe = '1D' "
             "AND is_valid IS NOT 1"), {"s": sym}).all()}
    kept = [r for r in rows if r[0] not in bad]
    return kept, len(rows) - len(kept)


def check_raw_sql(ref, pg, args, daily):
    check = new_check("raw_sql")
    check["sql"] = RAW_SQL
    check["invalid_policy"] = args.raw_invalid
    ref_s, pg_s = ref.session(), pg.session()
    fields = ("timestamp", "close")
    try:
        for sym in daily:
            detail = {"query": f"raw {sym} 1D", "symbol": sym}
            rows = run_ref(ref, lambda: ref_s.execute(text(RAW_SQL), {"s": sym}).all())
            ref_types = sorted({f"{type_name(a)}/{type_name(b)}" for a, b in rows})
            ref_rows = [(sqlite_raw_timestamp(a), sqlite_raw_close(b)) for a, b in rows]
            ref_rows, excluded = run_ref(ref, lambda: drop_invalid(ref_rows, ref_s, sym,
                                                                    args.raw_invalid))
            try:
                got = run_pg(pg_s, lambda: pg_s.execute(text(RAW_SQL), {"s": sym}).all())
            except PgError as e:
                query_error(check, detail, e)
                continue
            pg_types = sorted({f"{type_name(a)}/{type_name(b)}" for a, b in got})
            if pg.dialect == "sqlite":
                # A legacy file on the "postgres" side (self-test): read it like the reference.
                got_rows = [(sqlite_raw_timestamp(a), sqlite_raw_close(b)) for a, b in got]
                got_rows, _ = drop_invalid(got_rows, pg_s, sym, args.raw_invalid)
            else:
                got_rows = [(a, pg_raw_close(b)) for a, b in got]
            detail.update({"sqlite_raw_rows": len(rows), "sqlite_invalid_excluded": excluded,
                           "postgres_raw_rows": len(got),
                           "sqlite_types": ref_types, "postgres_types": pg_types})
            finish_query(check, detail, ref_rows, got_rows, fields, args.max_diffs, key_len=1)
    finally:
        ref_s.close()
        pg_s.close()
    return check


def check_metadata(ref, pg, args):
    check = new_check("metadata", fails_exit=False)
    ref_s, pg_s = ref.session(), pg.session()
    try:
        meta = run_ref(ref, lambda: [(m.symbol, m.timeframe, m.last_bar_timestamp, m.total_bars,
                                      m.last_updated) for m in
                                     ref_s.query(DataMetadata)
                                     .order_by(DataMetadata.symbol, DataMetadata.timeframe)])
        valid_counts = dict(run_ref(ref, lambda: [((s, tf), n) for s, tf, n in ref_s.execute(
            text("SELECT symbol, timeframe, count(*) FROM market_data WHERE is_valid = 1 "
                 "GROUP BY symbol, timeframe")).all()]))
        try:
            pg_all = run_pg(pg_s, lambda: [(m.symbol, m.timeframe) for m in
                                           pg_s.query(DataMetadata).all()])
            check["postgres_total_rows"] = len(pg_all)
            ref_keys = {(s, tf) for s, tf, *_ in meta}
            extra = sorted({k for k in pg_all if k not in ref_keys})
            if extra:
                check["postgres_extra"] = [list(k) for k in extra]
        except PgError as e:
            check["errors"].append({"query": "metadata all", "error": str(e)})
            check["mismatches"] += 1
            check["ok"] = False
        for sym, tf, last_ts, total, updated in meta:
            detail = {"query": f"metadata {sym} {tf}", "symbol": sym, "timeframe": tf}
            check["queries"] += 1
            try:
                m = run_pg(pg_s, lambda: pg_s.query(DataMetadata).filter(
                    DataMetadata.symbol == sym, DataMetadata.timeframe == tf).first())
            except PgError as e:
                detail["error"] = str(e)
                check["errors"].append({"query": detail["query"], "error": str(e)})
                check["mismatches"] += 1
                check["ok"] = False
                check["details"].append(detail)
                continue
            check["sqlite_rows"] += 1
            notes = []
            if m is None:
                notes.append("missing on postgres")
                detail["postgres"] = None
            else:
                check["postgres_rows"] += 1
                detail["postgres"] = {"last_bar_timestamp": jv(m.last_bar_timestamp),
                                      "total_bars": m.total_bars,
                                      "last_updated_present": isinstance(m.last_updated,
                                                                         dt.datetime),
                                      "id": jv(m.id)}
                if not same(last_ts, m.last_bar_timestamp):
                    notes.append("last_bar_timestamp differs")
                if total != m.total_bars:
                    notes.append("total_bars differs")
                if (updated is not None) != isinstance(m.last_updated, dt.datetime):
                    notes.append("last_updated presence differs")
            detail["sqlite"] = {"last_bar_timestamp": jv(last_ts), "total_bars": total,
                                "valid_bars": valid_counts.get((sym, tf), 0),
                                "last_updated_present": updated is not None}
            check["rows_compared"] += 1
            if notes:
                detail["notes"] = notes
                check["mismatches"] += 1
                check["ok"] = False  # reported; metadata never decides the exit status
                if len(check["differences"]) < args.max_diffs:
                    check["differences"].append({"query": detail["query"], "notes": notes,
                                                 "sqlite": detail["sqlite"],
                                                 "postgres": detail["postgres"]})
            check["details"].append(detail)
    finally:
        ref_s.close()
        pg_s.close()
    return check


AUDIT_FIELDS = ("timestamp", "operation", "status", "message", "bars_affected", "symbol",
                "timeframe")


def check_audit(ref, pg, args):
    check = new_check("audit_log")
    ref_s, pg_s = ref.session(), pg.session()

    def read(s, sym):
        q = s.query(DataAuditLog)
        if sym is not None:
            q = q.filter(DataAuditLog.symbol == sym)
        rows = q.order_by(DataAuditLog.timestamp.desc()).limit(100).all()
        return canonical_ties([tuple(getattr(r, f) for f in AUDIT_FIELDS) for r in rows], 0)

    try:
        symbols = run_ref(ref, lambda: sorted(s for (s,) in ref_s.query(DataAuditLog.symbol)
                                              .distinct() if s is not None))
        check["symbols"] = symbols
        for sym in [None] + symbols:
            name = "audit all" if sym is None else f"audit {sym}"
            detail = {"query": name, "symbol": sym}
            ref_rows = run_ref(ref, lambda: read(ref_s, sym))
            try:
                got = run_pg(pg_s, lambda: read(pg_s, sym))
            except PgError as e:
                query_error(check, detail, e)
                continue
            finish_query(check, detail, ref_rows, got, AUDIT_FIELDS, args.max_diffs)
    finally:
        ref_s.close()
        pg_s.close()
    return check


def reread_ids(side, series, is_ref):
    """Every range/multi query again through a new engine and session: ids by key, from the
    columns query and from ORM objects loaded with .all()."""
    side.reopen()
    tracker = IdTracker()
    s = side.session()
    orm_map = {}
    try:
        def go():
            queries = []
            for (sym, tf), stamps in series:
                for wname, start, end in windows_for(stamps):
                    queries.append(("range", f"range {sym} {tf} {wname}",
                                    (sym, tf, start, engine_end(end))))
            daily = sorted(x for (x, tf), _ in series if tf == "1D")
            if daily:
                stamps = sorted(ts for (x, tf), st in series if tf == "1D" for ts in st)
                for wname, start, end in windows_for(stamps)[:2]:
                    queries.append(("multi", f"multi 1D {wname}",
                                    (tuple(daily), "1D", start, engine_end(end))))
            for kind, name, params in queries:
                tracker.add_rows([tuple(r) for r in id_columns_query(s, kind, params).all()],
                                 name)
                q = range_query(s, *params) if kind == "range" else multi_query(s, *params)
                for o in q.all():
                    orm_map[(o.symbol, o.timeframe, o.timestamp)] = o.id
        if is_ref:
            run_ref(side, go)
        else:
            run_pg(s, go)
    finally:
        s.close()
    return tracker, orm_map


def check_ids(ref, pg, args, series, ref_ids, pg_ids):
    check = new_check("ids")
    dup_ids = {i: ks for i, ks in pg_ids.id_keys.items() if len(ks) > 1}
    multi_ids = {k: ids for k, ids in pg_ids.key_ids.items() if len(ids) > 1}
    first = pg_ids.mapping()
    unstable, missing_second, second_error = [], 0, None
    try:
        second, orm_map = reread_ids(pg, series, is_ref=False)
        m2 = second.mapping()
        for k, v in first.items():
            w = m2.get(k)
            if w is None:
                missing_second += 1
            elif w != v:
                unstable.append((k, v, w))
        orm_unstable = sum(1 for k, v in orm_map.items() if k in first and first[k] != v)
    except (PgError, UsageError) as e:
        second_error = str(e)
        orm_unstable = 0
        second = None
    ref_map = ref_ids.mapping()
    equal_legacy = sum(1 for k, v in first.items() if ref_map.get(k) == v)
    check.update({
        "rows_checked": pg_ids.rows,
        "bars": len(pg_ids.key_ids),
        "distinct_ids": len(pg_ids.id_keys),
        "non_int": pg_ids.non_int_count,
        "ids_shared_by_several_bars": len(dup_ids),
        "bars_with_several_ids": len(multi_ids),
        "orm_identity_collapses": len(pg_ids.collapsed),
        "orm_vs_columns_differences": pg_ids.orm_vs_columns,
        "unstable_on_reread": len(unstable),
        "orm_unstable_on_reread": orm_unstable,
        "missing_on_reread": missing_second,
        "rows_checked_reread": second.rows if second else 0,
        "equal_to_legacy_id": equal_legacy,
        "sqlite_bars": len(ref_ids.key_ids),
    })
    check["queries"] = 2
    check["rows_compared"] = pg_ids.rows
    check["postgres_rows"] = pg_ids.rows
    check["sqlite_rows"] = ref_ids.rows
    problems = []
    if pg_ids.non_int:
        problems.append({"problem": "id is not an int", "samples": pg_ids.non_int})
    if dup_ids:
        problems.append({"problem": "one id for several bars", "samples": [
            {"id": jv(i), "bars": [[s, tf, jv(ts)] for s, tf, ts in sorted(ks)][:4]}
            for i, ks in list(dup_ids.items())[:args.max_diffs]]})
    if multi_ids:
        problems.append({"problem": "several ids for one bar", "samples": [
            {"bar": [k[0], k[1], jv(k[2])], "ids": sorted(ids)[:4]}
            for k, ids in list(multi_ids.items())[:args.max_diffs]]})
    if pg_ids.collapsed:
        problems.append({"problem": "ORM identity map merged rows", "samples":
                         pg_ids.collapsed[:args.max_diffs]})
    if pg_ids.orm_vs_columns:
        problems.append({"problem": "ORM object id differs from the row's id",
                         "count": pg_ids.orm_vs_columns})
    if unstable or orm_unstable:
        problems.append({"problem": "id changed on a fresh read", "samples": [
            {"bar": [k[0], k[1], jv(k[2])], "first": v, "second": w}
            for k, v, w in unstable[:args.max_diffs]]})
    if missing_second:
        problems.append({"problem": "bars missing on the fresh read", "count": missing_second})
    if second_error:
        problems.append({"problem": "fresh read failed", "error": second_error})
        check["errors"].append({"query": "ids reread", "error": second_error})
    if problems:
        check["ok"] = False
        check["differences"] = problems
        check["mismatches"] = (pg_ids.non_int_count + len(dup_ids) + len(multi_ids)
                               + len(pg_ids.collapsed) + pg_ids.orm_vs_columns + len(unstable)
                               + orm_unstable + missing_second + (1 if second_error else 0))
    return check


def inspect_postgres(pg):
    """Where the three names resolve, what kind of relation and which column types."""
    info = {}
    with pg.engine.connect() as c:
        info["server_version"] = c.execute(text("SHOW server_version")).scalar()
        info["current_user"] = c.execute(text("SELECT current_user")).scalar()
        info["search_path"] = c.execute(text("SELECT current_setting('search_path')")).scalar()
        info["current_schemas"] = list(c.execute(
            text("SELECT current_schemas(false)")).scalar() or [])
        info["timezone"] = c.execute(text("SHOW TimeZone")).scalar()
        rels = {}
        for name in ("market_data", "data_metadata", "data_audit_log"):
            row = c.execute(text(
                "SELECT n.nspname, c.relname, c.relkind, c.oid FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.oid = to_regclass(:n)"), {"n": name}).first()
            if row is None:
                rels[name] = {"resolved": None}
                continue
            kinds = {"r": "table", "v": "view", "m": "materialized view", "p": "table",
                     "f": "foreign table"}
            cols = c.execute(text(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                "WHERE a.attrelid = :oid AND a.attnum > 0 AND NOT a.attisdropped "
                "ORDER BY a.attnum"), {"oid": row[3]}).all()
            rels[name] = {"resolved": f"{row[0]}.{row[1]}", "schema": row[0],
                          "kind": kinds.get(row[2], row[2]),
                          "columns": {a: t for a, t in cols}}
        info["relations"] = rels
    return info


def check_resolve(info, args):
    check = new_check("resolve")
    check["expect_schema"] = args.expect_schema
    for name, r in info["relations"].items():
        check["queries"] += 1
        check["rows_compared"] += 1
        bad = None
        if r.get("resolved") is None:
            bad = f"{name} does not resolve (search_path {info['search_path']!r})"
        elif args.expect_schema and r["schema"] != args.expect_schema:
            bad = f"{name} resolves to {r['resolved']}, not {args.expect_schema}.{name}"
        if bad:
            check["ok"] = False
            check["mismatches"] += 1
            check["differences"].append({"query": f"resolve {name}", "problem": bad})
    return check


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="jutsu_legacy_reads.py",
        description="Compare a legacy Jutsu Labs SQLite file with a PostgreSQL jutsu_legacy "
                    "schema, read the way the Jutsu Labs engine reads (SQLAlchemy ORM).")
    ap.add_argument("--sqlite", required=True, metavar="FILE", help="legacy SQLite database")
    ap.add_argument("--postgres", metavar="URL",
                    help="postgresql://... (psycopg2); sqlite:///FILE reads a file instead")
    ap.add_argument("--self-test", action="store_true",
                    help="read the --sqlite file on both sides (checks this script)")
    sp = ap.add_mutually_exclusive_group()
    sp.add_argument("--search-path", metavar="SCHEMAS",
                    help="send `-c search_path=SCHEMAS` as the connection options")
    sp.add_argument("--no-search-path", action="store_true",
                    help="send no search_path: the role/database setting must resolve the names"
                         " (the URL must not set one either)")
    ap.add_argument("--expect-schema", default="jutsu_legacy", metavar="SCHEMA",
                    help="schema the three names must resolve to on PostgreSQL "
                         "(default jutsu_legacy; '' to skip)")
    ap.add_argument("--raw-invalid", choices=("exclude", "include"), default="exclude",
                    help="raw SQL has no is_valid filter: compare against the file's rows "
                         "without its invalid bars (exclude, default: a schema that serves "
                         "only valid bars) or with them (include)")
    ap.add_argument("--json", metavar="OUT", help="write the full result as JSON here")
    ap.add_argument("--max-diffs", type=int, default=5, metavar="N",
                    help="differences kept per query and per check (default 5)")
    ap.add_argument("--quiet", action="store_true", help="print only the verdict")
    args = ap.parse_args(argv)
    if args.self_test and args.postgres:
        ap.error("--self-test reads the SQLite file on both sides: leave out --postgres")
    if not args.self_test and not args.postgres:
        ap.error("--postgres URL is required (or --self-test)")
    return args


def build_pg_side(args):
    """The postgres side's URL, connect_args and how its search_path is set."""
    if args.self_test:
        return Side("postgres", sqlite_url(args.sqlite)), {"mode": "self-test"}
    url = args.postgres
    try:
        u = make_url(url)
    except Exception as e:
        raise UsageError(f"bad --postgres URL: {one_line(e)}")
    backend = u.get_backend_name()
    if backend == "sqlite":
        if args.search_path or args.no_search_path:
            raise UsageError("--search-path/--no-search-path apply to PostgreSQL only")
        path = u.database or ""
        return Side("postgres", sqlite_url(path)), {"mode": "sqlite", "file": path}
    if backend != "postgresql":
        raise UsageError(f"--postgres must be a postgresql:// URL, not {backend}")
    if u.drivername not in ("postgresql", "postgresql+psycopg2"):
        raise UsageError(f"the engine reads through psycopg2: use postgresql:// or "
                         f"postgresql+psycopg2://, not {u.drivername}://")
    opts = u.query.get("options")
    opts = " ".join(opts) if isinstance(opts, tuple) else (opts or "")
    url_sets_path = "search_path" in opts
    connect_args = {}
    if "connect_timeout" not in u.query:
        connect_args["connect_timeout"] = 10
    if args.search_path:
        if opts:
            raise UsageError("the URL already has `options`: give the search_path either there "
                             "or with --search-path, not both")
        connect_args["options"] = "-c search_path=" + args.search_path.replace(" ", "\\ ")
        mode = {"mode": "flag", "sent": args.search_path}
    elif args.no_search_path:
        if url_sets_path:
            raise UsageError("--no-search-path, but the URL sets search_path in `options`")
        mode = {"mode": "none"}
    elif url_sets_path:
        mode = {"mode": "url", "options": opts}
    else:
        mode = {"mode": "default"}
    return Side("postgres", url, connect_args), mode


def print_summary(result, quiet):
    out = sys.stdout
    if not quiet:
        pg = result.get("postgres", {})
        rel = pg.get("relations", {}).get("market_data", {})
        if pg.get("dialect") == "postgresql":
            print(f"postgres: {pg.get('url')}  search_path={pg.get('search_path')!r} "
                  f"({pg.get('search_path_setting', {}).get('mode')})  market_data -> "
                  f"{rel.get('resolved')} ({rel.get('kind')})", file=out)
        else:
            print(f"postgres side: sqlite {pg.get('url')}", file=out)
        for name, c in result["checks"].items():
            status = "OK  " if c["ok"] and not c["mismatches"] else (
                "DIFF" if c["fails_exit"] else "NOTE")
            print(f"{status} {name:<13} {c['queries']:>3} queries, {c['rows_compared']:>6} rows "
                  f"compared (sqlite {c['sqlite_rows']}, postgres {c['postgres_rows']}), "
                  f"{c['mismatches']} mismatches" + ("" if c["fails_exit"] else "  [report only]"),
                  file=out)
            for e in c["errors"][:3]:
                print(f"       error in {e['query']}: {e['error']}", file=out)
            for d in c["differences"][:3]:
                print("       " + json.dumps(d, default=str)[:400], file=out)
    verdict = "MATCH" if result["exit_code"] == EXIT_OK else "MISMATCH"
    print(f"jutsu_legacy_reads: {verdict} ({result['elapsed_s']} s)", file=out)


def write_json(path, result):
    if not path:
        return
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=1, default=str)
        f.write("\n")
    os.replace(tmp, path)


def main(argv=None):
    t0 = time.monotonic()
    try:
        args = parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code else EXIT_OK
    import psycopg2  # the engine's driver; imported here so a missing one is a usage error
    result = {
        "tool": "jutsu_legacy_reads", "format": 1,
        "versions": {"python": platform.python_version(), "sqlalchemy": sqlalchemy.__version__,
                     "psycopg2": psycopg2.__version__.split()[0],
                     "pandas_market_calendars": mcal.__version__, "pytz": pytz.__version__},
        "calendar": {"library": "pandas_market_calendars", "name": "NYSE",
                     "version": mcal.__version__},
        "sqlite": {"file": os.path.abspath(args.sqlite)},
        "postgres": {}, "checks": {}, "ok": False, "exit_code": EXIT_USAGE,
    }
    ref = pg = None
    try:
        ref = Side("sqlite", sqlite_url(args.sqlite), is_reference=True).open()
        pg, mode = build_pg_side(args)
        result["postgres"] = {"url": redact(pg.url), "dialect": pg.dialect,
                              "search_path_setting": mode}
        pg.open()
        checks = result["checks"]
        if pg.dialect == "postgresql":
            try:
                info = inspect_postgres(pg)
            except Exception as e:
                raise UsageError(f"postgres: inspecting the connection failed: {one_line(e)}")
            result["postgres"].update(info)
            checks["resolve"] = check_resolve(info, args)

        # The reference series: every (symbol, timeframe) in the file, all its timestamps.
        s = ref.session()
        try:
            rows = run_ref(ref, lambda: s.query(MarketData.symbol, MarketData.timeframe,
                                                 MarketData.timestamp)
                           .order_by(MarketData.symbol, MarketData.timeframe,
                                     MarketData.timestamp).all())
        finally:
            s.close()
        by = {}
        for sym, tf, ts in rows:
            by.setdefault((sym, tf), []).append(ts)
        series = sorted(by.items())
        result["sqlite"]["series"] = [{"symbol": k[0], "timeframe": k[1], "bars": len(v)}
                                      for k, v in series]
        result["sqlite"]["bars"] = len(rows)
        daily = sorted(k[0] for k, _ in series if k[1] == "1D")

        ref_ids, pg_ids = IdTracker(), IdTracker()
        checks["range"], checks["multi_symbol"] = check_range_and_multi(
            ref, pg, args, series, ref_ids, pg_ids)
        checks["raw_sql"] = check_raw_sql(ref, pg, args, daily)
        checks["metadata"] = check_metadata(ref, pg, args)
        checks["audit_log"] = check_audit(ref, pg, args)
        checks["ids"] = check_ids(ref, pg, args, series, ref_ids, pg_ids)

        ok = all(c["ok"] for c in checks.values() if c["fails_exit"])
        result["ok"] = ok
        result["exit_code"] = EXIT_OK if ok else EXIT_MISMATCH
        result["failed_checks"] = [n for n, c in checks.items() if c["fails_exit"] and not c["ok"]]
    except UsageError as e:
        result["error"] = str(e)
        result["exit_code"] = EXIT_USAGE
        print(f"jutsu_legacy_reads: error: {e}", file=sys.stderr)
    except Exception as e:  # a bug or an unexpected failure: not a verdict on the data
        result["error"] = "".join(traceback.format_exception_only(type(e), e)).strip()
        result["exit_code"] = EXIT_USAGE
        traceback.print_exc()
    finally:
        for side in (ref, pg):
            if side is not None:
                side.close()
    result["elapsed_s"] = round(time.monotonic() - t0, 3)
    try:
        write_json(args.json, result)
    except OSError as e:
        print(f"jutsu_legacy_reads: cannot write {args.json}: {e}", file=sys.stderr)
        return EXIT_USAGE
    if result.get("checks"):
        print_summary(result, args.quiet)
    return result["exit_code"]


if __name__ == "__main__":
    sys.exit(main())
