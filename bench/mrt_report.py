#!/usr/bin/python3
"""Helpers of bench/mrt.sh (standard library only).

    mrt_report.py digest                       stdin -> "SHA256 LINES"
    mrt_report.py tables --store DB [--pyasn OUT.dat] [--truth TRUTH]   -> one JSON object
    mrt_report.py timev FILE                   /usr/bin/time -v output -> JSON
    mrt_report.py report ROWS.jsonl RESULTS.json [--check]

tables compares the prefix -> origin table of a fresh store after `spamgraph bgp import
--all` (dataset_prefix rows of the dataset of format 'mrt': one row per (prefix, origin)
with the number of peers that carried it) with pyasn_util_convert.py's output (one
"prefix<TAB>asn" line per prefix) and with the generator's truth (bench/gen_rib.cpp
--truth: "prefix<TAB>origins<TAB>peers", an AS_SET as {a b c}).
"""
import hashlib
import json
import re
import sqlite3
import sys


def digest():
    h = hashlib.sha256()
    lines = 0
    for chunk in iter(lambda: sys.stdin.buffer.read(1 << 20), b""):
        h.update(chunk)
        lines += chunk.count(b"\n")
    print(h.hexdigest(), lines)


def read_store(path):
    table = {}
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    query = ("SELECT p.prefix, p.asn, p.peers FROM dataset_prefix p JOIN dataset d ON d.id = p.dataset_id"
             " WHERE d.format = 'mrt'")
    for prefix, asn, peers in db.execute(query):
        table.setdefault(prefix, {})[asn] = peers
    db.close()
    return table


def read_pyasn(path):
    table = {}
    with open(path, encoding="ascii") as f:
        for line in f:
            if line.startswith(";"):
                continue
            prefix, asn = line.split()
            table[prefix] = int(asn)
    return table


def read_truth(path):
    table = {}
    with open(path, encoding="ascii") as f:
        for line in f:
            prefix, origins, peers = line.rstrip("\n").split("\t")
            as_set = origins.startswith("{")
            table[prefix] = (set(int(a) for a in origins.strip("{}").split()), as_set, int(peers))
    return table


def tables(argv):
    args = dict(zip(argv[::2], argv[1::2]))
    ours = read_store(args["--store"])
    result = {"spamgraph_prefixes": len(ours),
              "spamgraph_rows": sum(len(o) for o in ours.values()),
              "spamgraph_multi_origin": sum(1 for o in ours.values() if len(o) > 1)}
    examples = []
    if "--pyasn" in args:
        py = read_pyasn(args["--pyasn"])
        only_py = [p for p in py if p not in ours]
        only_ours = [p for p in ours if p not in py]
        inside = sum(1 for p, a in py.items() if p in ours and a in ours[p])
        single_equal = sum(1 for p, a in py.items() if p in ours and len(ours[p]) == 1 and a in ours[p])
        single = sum(1 for p in py if p in ours and len(ours[p]) == 1)
        result.update({"pyasn_prefixes": len(py), "only_pyasn": len(only_py), "only_spamgraph": len(only_ours),
                       "pyasn_origin_in_spamgraph_set": inside, "single_origin_prefixes": single,
                       "single_origin_equal": single_equal})
        result["agree_with_pyasn"] = not only_py and not only_ours and inside == len(py)
        examples += ["only in pyasn: %s %d" % (p, py[p]) for p in only_py[:3]]
        examples += ["only in spamgraph: %s %s" % (p, sorted(ours[p])) for p in only_ours[:3]]
        examples += ["pyasn %s %d, spamgraph %s" % (p, a, sorted(ours[p]))
                     for p, a in py.items() if p in ours and a not in ours[p]][:3]
    if "--truth" in args:
        truth = read_truth(args["--truth"])
        origins_equal = peers_equal = 0
        for prefix, (origins, as_set, peers) in truth.items():
            mine = ours.get(prefix)
            if mine is None:
                continue
            if set(mine) == origins:
                origins_equal += 1
            # Each entry counts once per origin it names: an AS_SET names all its members.
            if (all(n == peers for n in mine.values()) if as_set else sum(mine.values()) == peers):
                peers_equal += 1
        result.update({"truth_prefixes": len(truth), "truth_origins_equal": origins_equal,
                       "truth_peers_equal": peers_equal, "truth_multi_origin": sum(
                           1 for o, s, _ in truth.values() if len(o) > 1 and not s),
                       "truth_as_set": sum(1 for _, s, _ in truth.values() if s)})
        result["agree_with_truth"] = origins_equal == peers_equal == len(truth) == len(ours)
        examples += ["truth %s %s, spamgraph %s" % (p, sorted(o), sorted(ours.get(p, {})))
                     for p, (o, _, _) in truth.items() if set(ours.get(p, {})) != o][:3]
    result["examples"] = examples
    print(json.dumps(result))


def timev(path):
    text = open(path, encoding="utf-8", errors="replace").read()

    def field(name):
        m = re.search(r"^\s*" + re.escape(name) + r":\s*(.+)$", text, re.M)
        return m.group(1).strip() if m else None
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    print(json.dumps({"wall": seconds, "user": float(field("User time (seconds)")),
                      "sys": float(field("System time (seconds)")),
                      "rss_kb": int(field("Maximum resident set size (kbytes)")),
                      "exit": int(field("Exit status") or 0)}))


def best(rows, **match):
    chosen = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    return min(chosen, key=lambda r: r["wall"]) if chosen else None


def report(argv):
    rows_file, results_file = argv[0], argv[1]
    check = "--check" in argv
    rows = [json.loads(line) for line in open(rows_file)]
    meta = [r for r in rows if r.get("part") == "meta"][-1]
    problems = []
    mb = 1e6

    print()
    print("== bgp dump F > /dev/null  vs  bgpdump -m F > /dev/null   (best of %d wall; %s)" % (meta["runs"], meta["machine"]))
    print("%-34s %9s %9s %10s %10s %7s %7s %9s %9s  %s" % (
        "file", "MB", "lines", "spamgraph", "bgpdump", "ratio", "cpu x", "RSS MB", "inflate", "same output"))
    dump_ratios = []
    for f in [r for r in rows if r.get("part") == "file"]:
        ours = best(rows, part="dump", tool="spamgraph", file=f["file"])
        theirs = best(rows, part="dump", tool="bgpdump", file=f["file"])
        inflate = best(rows, part="dump", tool="inflate", file=f["file"])
        if not ours or not theirs:
            continue
        ratio = theirs["wall"] / ours["wall"]
        cpu_ratio = (theirs["user"] + theirs["sys"]) / max(ours["user"] + ours["sys"], 1e-3)
        dump_ratios.append(ratio)
        print("%-34s %9.1f %9d %9.2fs %9.2fs %6.2fx %6.2fx %9.1f %9s  %s" % (
            f["file"], f["bytes"] / mb, f["lines"], ours["wall"], theirs["wall"], ratio, cpu_ratio,
            ours["rss_kb"] / 1024, "%.2fs" % inflate["wall"] if inflate else "-",
            "yes" if f["identical"] else "NO"))
        if not f["identical"]:
            problems.append("bgp dump differs from bgpdump -m on %s" % f["file"])
        if ratio < 3:
            problems.append("bgp dump on %s: %.2fx bgpdump, target 3x" % (f["file"], ratio))
    print("  (inflate: zlib decompression alone, what any reader of the .gz pays; cpu x: user+sys ratio)")

    table = [r for r in rows if r.get("part") == "table-file"]
    if table:
        t = table[-1]
        ours = best(rows, part="table", tool="spamgraph")
        theirs = best(rows, part="table", tool="pyasn")
        inflate = best(rows, part="table", tool="inflate")
        print()
        print("== prefix -> origin table of %s (%.1f MB, %s)  (best of %d wall)" % (
            t["file"], t["bytes"] / mb, t["describe"], meta["runs"]))
        for name, r in (("spamgraph --db NEW bgp import --all F", ours), ("pyasn_util_convert.py --single F OUT", theirs),
                        ("zlib inflate alone", inflate)):
            if r:
                print("  %-40s %8.2f s wall %8.2f s cpu %8.1f MB RSS" % (name, r["wall"], r["user"] + r["sys"],
                                                                          r["rss_kb"] / 1024))
        if ours and theirs:
            ratio = theirs["wall"] / ours["wall"]
            print("  ratio pyasn / spamgraph: %.2fx wall, %.2fx cpu (target 20x)" % (
                ratio, (theirs["user"] + theirs["sys"]) / max(ours["user"] + ours["sys"], 1e-3)))
            if inflate:
                print("  at most %.2fx for any reader that inflates this file (pyasn / zlib inflate alone)" % (
                    theirs["wall"] / inflate["wall"]))
            if ratio < 20:
                problems.append("table: %.2fx pyasn, target 20x" % ratio)
        compare = t.get("compare")
        if compare:
            describe_compare(compare, problems)
        elif not ours:
            print("  spamgraph bgp import: not available in this build (skipped)")

    full = [r for r in rows if r.get("part") == "full"]
    if full:
        f = full[-1]
        print()
        print("== full-size import: %s (%.1f MB gzip: %s)" % (f["file"], f["bytes"] / mb, f["describe"]))
        if f.get("import"):
            i = f["import"]
            print("  /usr/bin/time -v spamgraph --db NEW bgp import --all: %.2f s wall (target < 60 s), %.2f s cpu, "
                  "max RSS %.1f MB" % (i["wall"], i["user"] + i["sys"], i["rss_kb"] / 1024))
            if i["wall"] >= 60:
                problems.append("full import: %.1f s, target < 60 s" % i["wall"])
            if i.get("exit"):
                problems.append("full import exited with %d" % i["exit"])
            small = best(rows, part="table", tool="spamgraph")
            if small:
                print("  max RSS at %s: %.1f MB; at full size: %.1f MB (x%.2f for x%.1f the input)" % (
                    table[-1]["file"], small["rss_kb"] / 1024, i["rss_kb"] / 1024, i["rss_kb"] / small["rss_kb"],
                    f["bytes"] / table[-1]["bytes"]))
            if f.get("store_bytes"):
                print("  store: %.1f MB" % (f["store_bytes"] / mb))
        else:
            print("  spamgraph bgp import: not available in this build (skipped)")
        if f.get("pyasn"):
            p = f["pyasn"]
            print("  pyasn_util_convert.py --single: %.2f s wall, %.2f s cpu, max RSS %.1f MB%s" % (
                p["wall"], p["user"] + p["sys"], p["rss_kb"] / 1024,
                "; ratio %.2fx" % (p["wall"] / f["import"]["wall"]) if f.get("import") else ""))
        if f.get("compare"):
            describe_compare(f["compare"], problems)

    json.dump({"rows": rows, "problems": problems}, open(results_file, "w"), indent=1)
    print()
    for p in problems:
        print("TARGET MISSED: " + p)
    if not problems:
        print("all targets met")
    if check and problems:
        sys.exit(1)


def describe_compare(c, problems):
    line = "  tables: spamgraph %d prefixes (%d rows, %d with several origins)" % (
        c["spamgraph_prefixes"], c["spamgraph_rows"], c["spamgraph_multi_origin"])
    if "pyasn_prefixes" in c:
        line += "; pyasn %d prefixes, %d only there, %d only in spamgraph; pyasn's origin in spamgraph's set: %d" % (
            c["pyasn_prefixes"], c["only_pyasn"], c["only_spamgraph"], c["pyasn_origin_in_spamgraph_set"])
        if not c["agree_with_pyasn"]:
            problems.append("the tables of spamgraph and pyasn differ")
    print(line)
    if "truth_prefixes" in c:
        print("  against the generator's truth (%d prefixes, %d MOAS, %d AS_SET): origins equal %d, peer counts equal %d" % (
            c["truth_prefixes"], c["truth_multi_origin"], c["truth_as_set"], c["truth_origins_equal"],
            c["truth_peers_equal"]))
        if not c["agree_with_truth"]:
            problems.append("spamgraph's table differs from the generated RIB's")
    for e in c.get("examples", []):
        print("    " + e)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "digest":
        digest()
    elif command == "tables":
        tables(sys.argv[2:])
    elif command == "timev":
        timev(sys.argv[2])
    elif command == "report":
        report(sys.argv[2:])
    else:
        sys.exit(__doc__)
