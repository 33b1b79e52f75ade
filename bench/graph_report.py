#!/usr/bin/python3
"""Times spamgraph's graph questions against bench/graph_baseline.py; records query plans.

    graph_report.py --db STORE --spamgraph BIN [--runs 15] [--setup SETUP.json]
                    [--out RESULTS.json] [--plans PLANS.txt] [--trace-lib graph_sqltrace.so]
                    [--campaign-trace STATEMENTS.txt]

Called by bench/graph.sh once the store is built (see there). Standard library only.

* Parameters come from the store: its time span (message.time), the largest and a
  median-size campaign of `spamgraph campaign show --json`, the busy JA-CKS origin
  103.244.54.137 and its link domain g0zs8omwfqere.link (both in every generated
  store).
* Each question runs as a whole process, the way a user runs it: spamgraph with
  --json, the Python baseline printing its JSON, both to /dev/null; one warm-up
  run (its exit status must be 0), then --runs timed runs; the median and the
  fastest are kept. Wall time from fork to exit (time.perf_counter around
  subprocess.run), so process start, opening the store and writing the JSON count.
* Plans: each spamgraph question runs once more with LD_PRELOAD=--trace-lib, which
  logs the text of every statement it prepares; each distinct statement gets
  EXPLAIN QUERY PLAN (parameters unbound, i.e. NULL: the plan does not depend on
  them without sqlite_stat4). A SCAN of a big table without an index, and a full
  scan of an index (SCAN ... USING [COVERING] INDEX, no constraint), are flagged:
  in a per-question path they read the whole table. --campaign-trace adds the
  statements `campaign auto` ran (traced by graph.sh), where whole scans are the
  design.
"""
import argparse
import calendar
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time

BIG_TABLES = {"message", "message_link", "edge", "observation", "entity", "entity_seen", "campaign_message",
              "dataset_prefix"}
TARGET_MS = 50.0
SLOW_S = 2.0     # a run slower than this ...
SLOW_RUNS = 3    # ... is repeated only this often,
VERY_SLOW_S = 10.0  # and one slower than this runs once after its warm-up
HERE = os.path.dirname(os.path.abspath(__file__))


def day(t):
    return time.strftime("%Y-%m-%d", time.gmtime(t))


def timed(cmd, runs, timeout, env=None):
    """(median ms, min ms, runs done, output bytes of the warm-up, error text or None).

    A warm-up slower than `timeout` seconds is killed and reported; one slower than
    SLOW_S gets SLOW_RUNS timed runs instead of `runs` (one over VERY_SLOW_S: one), so
    that a question that takes minutes does not hold the benchmark for hours (the
    table says how many ran)."""
    try:
        warm = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None, 0, 0, "timeout: over %d s" % timeout
    if warm.returncode != 0:
        return None, None, 0, 0, warm.stderr.decode("utf-8", "replace").strip()[:300]
    times = []
    with open(os.devnull, "wb") as null:
        for _ in range(runs):
            start = time.perf_counter()
            rc = subprocess.run(cmd, stdout=null, stderr=subprocess.DEVNULL, env=env).returncode
            times.append((time.perf_counter() - start) * 1000.0)
            if rc != 0:
                return None, None, 0, 0, "exit %d" % rc
            if (times[0] > SLOW_S * 1000 and len(times) >= SLOW_RUNS) or times[0] > VERY_SLOW_S * 1000:
                break
    return statistics.median(times), min(times), len(times), len(warm.stdout), None


def campaigns(spamgraph, db):
    out = subprocess.run([spamgraph, "--db", db, "campaign", "show", "--json"], stdout=subprocess.PIPE, check=True)
    data = json.loads(out.stdout)
    if isinstance(data, dict):
        data = data.get("campaigns", [])
    return sorted(data, key=lambda c: (-c["messages"], c["id"]))


def questions(args):
    db = sqlite3.connect(args.db)
    first, last = db.execute("SELECT MIN(time), MAX(time) FROM message").fetchone()
    db.close()
    camps = campaigns(args.spamgraph, args.db)
    auto = [c for c in camps if not c["pinned"]]
    hand = [c for c in camps if c["pinned"] and c["name"].startswith("bench ")]
    if not auto:
        sys.exit("graph_report.py: no automatic campaigns in the store (run campaign auto first)")
    largest = auto[0]
    median = auto[len(auto) // 2]
    last_day = last - last % 86400
    mid = first + (last - first) // 2
    mid_day = mid - mid % 86400
    # A closed month in the past, and a campaign's own last 30 days.
    closed_since, closed_until = day(mid_day), day(mid_day + 29 * 86400)

    def last_30(c):
        return day(calendar.timegm(time.strptime(c["last_seen"][:10], "%Y-%m-%d")) - 29 * 86400)

    ip, domain = "103.244.54.137", "g0zs8omwfqere.link"
    week, month = day(last_day - 6 * 86400), day(last_day - 29 * 86400)
    q = [
        # What every question pays before it asks anything: start, open the store, print a little.
        ("floor: start, open store, show asn AS58779", ["show", "asn", "AS58779"], ["floor"]),
        ("shares IP", ["shares", ip], ["shares", ip]),
        ("shares DOMAIN", ["shares", domain], ["shares", domain]),
        ("pivot IP --depth 2", ["pivot", ip, "--depth", "2"], ["pivot", ip, "--depth", "2"]),
    ]
    for label, c in [("largest auto", largest)] + ([("median auto", median)] if median["id"] != largest["id"] else []) \
            + [("by hand: " + c["name"][6:], c) for c in hand]:
        q.append(("timeline CAMPAIGN (%s, %d msgs)" % (label, c["messages"]), ["timeline", str(c["id"])],
                  ["timeline", "--campaign", str(c["id"])]))
    q += [
        ("timeline IP", ["timeline", "--indicator", ip], ["timeline", "--ip", ip]),
        ("diff --since (last 7 days, open end)", ["diff", "--since", week], ["diff", "--since", week]),
        ("diff --since --until LAST (last 7 days)", ["diff", "--since", week, "--until", day(last_day)],
         ["diff", "--since", week, "--until", day(last_day)]),
        ("diff --since (last 30 days, open end)", ["diff", "--since", month], ["diff", "--since", month]),
        ("diff --since --until (closed 30 days)", ["diff", "--since", closed_since, "--until", closed_until],
         ["diff", "--since", closed_since, "--until", closed_until]),
    ]
    for label, c in [("largest auto", largest)] + [("by hand: " + c["name"][6:], c) for c in hand[:1]]:
        q.append(("diff --since --campaign (%s, 30 days)" % label, ["diff", "--since", last_30(c), "--campaign", str(c["id"])],
                  ["diff", "--since", last_30(c), "--campaign", str(c["id"])]))
    params = {"span": [day(first), day(last)], "ip": ip, "domain": domain,
              "campaigns": [{"id": c["id"], "name": c["name"], "messages": c["messages"], "pinned": c["pinned"]}
                            for c in camps[:10]],
              "campaign_count": len(camps)}
    return q, params


def explain(db, sql):
    """EXPLAIN QUERY PLAN lines of `sql` with every parameter NULL, or an error line."""
    bindings = []
    for _ in range(20):
        try:
            rows = db.execute("EXPLAIN QUERY PLAN " + sql, bindings).fetchall()
        except sqlite3.ProgrammingError as error:
            m = re.search(r"uses (\d+)", str(error))
            if not m:
                return ["(cannot explain: %s)" % error]
            bindings = [None] * int(m.group(1))
            continue
        except sqlite3.Error as error:
            return ["(cannot explain: %s)" % error]
        depth = {0: 0}
        lines = []
        for node, parent, _, detail in rows:
            depth[node] = depth.get(parent, 0) + 1
            lines.append("  " * depth[node] + detail)
        return lines
    return ["(cannot explain: parameters)"]


def flags(lines):
    out = []
    for line in lines:
        text = line.strip()
        m = re.match(r"SCAN (\w+)(?: AS \w+)?(.*)", text)
        if not m or m.group(1) not in BIG_TABLES:
            continue
        rest = m.group(2)
        if "INDEX" not in rest:
            out.append("FULL TABLE SCAN: " + text)
        else:
            out.append("FULL INDEX SCAN: " + text)
    return out


def prepare_count(trace_path):
    """How many statements the traced run prepared, repeats included."""
    if not os.path.exists(trace_path):
        return 0
    with open(trace_path, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if line == "--;\n")


def statements(trace_path):
    if not os.path.exists(trace_path):
        return []
    text = open(trace_path, encoding="utf-8", errors="replace").read()
    seen, out = set(), []
    for sql in text.split("\n--;\n"):
        sql = sql.strip()
        if not sql or sql in seen or sql.upper().startswith(("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT",
                                                              "RELEASE")):
            continue
        if re.match(r"\s*SELECT\s*(\*|name|value)\s*FROM\s*(\S*sqlite_master|sqlite_schema|meta)", sql, re.I):
            continue
        seen.add(sql)
        out.append(sql)
    return out


def write_plans(args, q, plans_path):
    db = sqlite3.connect(args.db)
    trace_dir = re.sub(r"-plans\.txt$", "", plans_path) + "-trace"
    os.makedirs(trace_dir, exist_ok=True)
    sections, flagged, prepares = [], {}, {}
    for name, sg_args, _ in q:
        trace = os.path.join(trace_dir, re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".sql")
        if os.path.exists(trace):
            os.remove(trace)
        env = dict(os.environ, SG_SQLTRACE=trace, LD_PRELOAD=args.trace_lib)
        try:
            subprocess.run([args.spamgraph, "--db", args.db] + sg_args + ["--json"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=env, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            pass  # the statements it prepared are in the trace already
        sections.append((name, sg_args, statements(trace), True))
        prepares[name] = prepare_count(trace)
    if args.campaign_trace:
        sections.append(("campaign auto", ["campaign", "auto"], statements(args.campaign_trace), False))
    # Statements every command prepares when it opens the store (the write path's,
    # prepared once and kept): the common head of every trace, shown once.
    common = []
    traced = [sqls for _, _, sqls, per_query in sections if per_query]
    if traced:
        for i, sql in enumerate(traced[0]):
            if all(len(t) > i and t[i] == sql for t in traced):
                common.append(sql)
            else:
                break
    sections = [(name, sg_args, [x for x in sqls if x not in common], per_query)
                for name, sg_args, sqls, per_query in sections]
    sections.insert(0, ("prepared when the store opens (every command; the write path's statements,"
                        " not run by a question)", [], common, False))
    with open(plans_path, "w", encoding="utf-8") as out:
        out.write("EXPLAIN QUERY PLAN of every statement spamgraph prepared while answering each question\n"
                  "(traced with bench/graph_sqltrace.c; parameters unbound). Store: %s\n"
                  "'!!' marks a scan of a whole big table or index in a per-question path.\n\n" % args.db)
        for name, sg_args, sqls, per_query in sections:
            out.write("=" * 100 + "\n%s%s\n" % (name, "    (spamgraph %s)" % " ".join(sg_args) if sg_args else ""))
            if name in prepares:
                out.write("statements prepared: %d (%d distinct, below)\n" % (prepares[name], len(sqls)))
            out.write("=" * 100 + "\n")
            for sql in sqls:
                lines = explain(db, sql)
                marks = flags(lines)
                out.write("\n" + sql + "\n")
                out.write("\n".join(lines) + "\n")
                for mark in marks:
                    out.write(("!! " if per_query else "   (whole-store pass, expected) ") + mark + "\n")
                if marks and per_query:
                    flagged.setdefault(name, []).extend(marks)
            out.write("\n")
    db.close()
    return flagged, prepares


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--spamgraph", required=True)
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--timeout", type=int, default=300, help="seconds a warm-up run may take (default 300)")
    ap.add_argument("--setup")
    ap.add_argument("--out")
    ap.add_argument("--plans")
    ap.add_argument("--trace-lib")
    ap.add_argument("--campaign-trace")
    ap.add_argument("--only", help="comma-separated substrings of question names to run")
    args = ap.parse_args()

    load_before = os.getloadavg()
    q, params = questions(args)
    if args.only:
        wanted = args.only.split(",")
        q = [x for x in q if any(w in x[0] for w in wanted)]
    flagged, prepares = {}, {}
    if args.plans and args.trace_lib:
        flagged, prepares = write_plans(args, q, args.plans)

    baseline = os.path.join(HERE, "graph_baseline.py")
    rows = []
    for name, sg_args, py_args in q:
        sg = timed([args.spamgraph, "--db", args.db] + sg_args + ["--json"], args.runs, args.timeout)
        py = timed([args.python, baseline, "--db", args.db] + py_args, args.runs, args.timeout)
        row = {"query": name, "spamgraph_args": sg_args, "python_args": py_args,
               "spamgraph_ms": sg[0], "spamgraph_min_ms": sg[1], "spamgraph_runs": sg[2],
               "spamgraph_json_bytes": sg[3], "spamgraph_error": sg[4],
               "python_ms": py[0], "python_min_ms": py[1], "python_runs": py[2], "python_json_bytes": py[3],
               "python_error": py[4], "target_ms": TARGET_MS, "plan_flags": flagged.get(name, []),
               "statements_prepared": prepares.get(name)}
        row["ratio"] = (py[0] / sg[0]) if sg[0] and py[0] else None
        row["target_met"] = sg[0] is not None and sg[0] < TARGET_MS
        rows.append(row)
        sys.stderr.write("  %-45s spamgraph %s  python %s\n" % (
            name, "%.1f ms (%d runs)" % (sg[0], sg[2]) if sg[0] is not None else "ERROR " + str(sg[4]),
            "%.1f ms (%d runs)" % (py[0], py[2]) if py[0] is not None else "ERROR " + str(py[4])))

    def ms(v, runs, error):
        if v is None:
            return "timeout" if error and error.startswith("timeout") else "error"
        return ("%.1f" % v) + ("" if runs >= args.runs else " (%d)" % runs)

    print()
    print("%-47s %13s %11s %8s  %s" % ("query (median of %d runs, whole process)" % args.runs, "spamgraph ms",
                                      "python ms", "ratio", "< 50 ms?"))
    for r in rows:
        print("%-47s %13s %11s %8s  %s" % (r["query"], ms(r["spamgraph_ms"], r["spamgraph_runs"], r["spamgraph_error"]),
                                          ms(r["python_ms"], r["python_runs"], r["python_error"]),
                                          "%.1fx" % r["ratio"] if r["ratio"] else "-",
                                          "yes" if r["target_met"] else "NO"))
    setup = {}
    if args.setup and os.path.exists(args.setup):
        with open(args.setup) as f:
            setup = json.load(f)
    if setup.get("campaign_auto"):
        print()
        print("%-47s %13s %11s %8s  %s" % ("whole-store clustering", "wall s", "max RSS MB", "", "< 60 s?"))
        for r in setup["campaign_auto"]:
            print("%-47s %13.1f %11.0f %8s  %s" % (r["name"], r["wall_s"], r["max_rss_kb"] / 1024.0, "",
                                                   ("yes" if r["wall_s"] < 60 else "NO") if r.get("target") else "-"))
    print("(N) after a time: only N timed runs, the question being slow. Load average %.1f before, %.1f after"
          " (%d CPUs): on a shared machine, the fastest runs (JSON: *_min_ms) are the steadier figure."
          % (load_before[0], os.getloadavg()[0], os.cpu_count()))
    if flagged:
        print()
        print("plans with whole-table or whole-index scans in a per-question path (see %s):" % args.plans)
        for name, marks in flagged.items():
            for mark in sorted(set(marks)):
                print("  %-40s %s" % (name, mark))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"store": args.db, "parameters": params, "runs": args.runs, "queries": rows, "setup": setup,
                       "cpus": os.cpu_count(), "load_average_before": load_before,
                       "load_average_after": os.getloadavg()},
                      f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
