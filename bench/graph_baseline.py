#!/usr/bin/python3
"""The script a researcher writes instead of spamgraph's graph questions, tuned.

    graph_baseline.py --db STORE shares IP|DOMAIN
    graph_baseline.py --db STORE pivot INDICATOR [--depth 2]
    graph_baseline.py --db STORE timeline --campaign ID | --ip IP
    graph_baseline.py --db STORE diff --since DATE [--until DATE] [--campaign ID]
    graph_baseline.py --db STORE campaigns --out RESULT.db [--hub-degree 500]
    graph_baseline.py --db STORE floor

Standard library only (python3's sqlite3); nothing here writes spamgraph's store
(temporary tables live in SQLite's temp database). Each command prints its answer as one JSON document, like
`spamgraph ... --json`; bench/graph.sh sends it to /dev/null and times the whole
process, interpreter start included, as it times spamgraph.

Why this baseline, and why it is fair: someone with the same SQLite store and no
spamgraph would open it with python3's sqlite3 and ask the questions in SQL. The
script is tuned the way such a person would tune it: every statement goes through
the store's own indexes (entity_identity, edge's UNIQUE(src, relation, dst) and
edge_dst, message_link's primary key and message_link_entity, message_time), the
grouping and counting is left to SQLite (GROUP BY, COUNT(DISTINCT), GROUP_CONCAT)
instead of Python loops, relation names are resolved to ids once, and the
connection gets the same page cache spamgraph asks for (cache_size, mmap), and
where SQLite's planner, without statistics on a temporary table, would start from
the wrong end, CROSS JOIN fixes the order (the documented way). It
answers the same questions with the same limits where spamgraph has them (pivot:
the newest 2000 messages per node, 25 children per node), so the time difference
is what spamgraph's code and its precomputed tables (entity_seen) buy, not a
different question:

* shares IP: domains tied to the IP by an edge (helo, ptr, resolves-to; timed by
  the edge's observations) and through its messages (message -sent-from/relayed-by/
  originating-ip-> IP, same message -ROLE-> domain), one row per registrable domain
  (the domain's parent, or itself), as spamgraph answers by default, with its roles,
  first and last time, distinct messages and how many names it stands for.
* shares DOMAIN: the same from a domain (and every name under a registrable one)
  to IPs.
* pivot: spamgraph's algorithm with its SQL: per node its edges in and out and the
  entities its newest 2000 messages share, the 25 most seen kept, breadth first.
* timeline: given the campaign's message ids (campaign_message, as `campaign auto`
  wrote it) or an IP's messages: messages per week, and each indicator (IPs,
  registrable domains, the origin networks: in-prefix and originated-by) with its
  first and last time in that mail, listed in the week it first appeared.
* diff: the obvious query: new indicators are those whose MIN(message.time) over
  message_link falls in the period, gone ones those whose MAX falls in the period
  before; restricted first to the indicators the period's (or the campaign's)
  messages name, so that only their links are read, through message_link_entity.
  There is no precomputed first/last table: that is spamgraph's entity_seen.
* campaigns: union-find over the messages with spamgraph's strong features (weight
  1.0: origin IP, originating IP, the registrable domains a message names as
  sender, signer or link target, and the HELO name its origin gave), the same
  built-in hub list of mail providers, and the same degree rule (a network feature
  linking more than --hub-degree sender domains, or a domain linking more than
  --hub-degree origin /24s, links nothing). Left out: the 0.5 and 0.25 features
  and their combinations (/24s, relays, Message-ID domains, prefixes and ASes),
  which would need spamgraph's whole weighting scheme. The result (clusters of two
  messages or more) is written to a separate SQLite file, one row per message,
  as spamgraph writes campaign_message.
"""
import argparse
import array
import calendar
import json
import sqlite3
import sys
import time

IP_RELATIONS = ("sent-from", "relayed-by", "originating-ip")
SENDER_RELATIONS = ("envelope-from", "header-from", "sender", "reply-to", "dkim-domain")
LINK_RELATIONS = ("url-domain", "list-unsubscribe")
KNOWN_HUBS = (  # analysis/known_hubs.cpp's domains
    "gmail.com googlemail.com google.com outlook.com hotmail.com live.com msn.com microsoft.com office365.com "
    "onmicrosoft.com yahoo.com yahoo.co.jp ymail.com yahoodns.net aol.com icloud.com me.com mac.com apple.com "
    "gmx.net gmx.de web.de mail.ru yandex.ru yandex.net qq.com 163.com 126.com naver.com protonmail.com proton.me "
    "zoho.com docomo.ne.jp ezweb.ne.jp softbank.ne.jp nifty.com biglobe.ne.jp ocn.ne.jp amazonses.com sendgrid.net "
    "mailchimp.com mcsv.net rsgsv.net mailgun.org sparkpostmail.com mandrillapp.com exacttarget.com salesforce.com "
    "constantcontact.com cloudflare.com domaincontrol.com registrar-servers.com googledomains.com "
    "awsdns-hostmaster.amazon nsone.net dnsmadeeasy.com ultradns.net akam.net name-services.com w3.org youtube.com "
    "facebook.com twitter.com x.com instagram.com linkedin.com bit.ly t.co googleusercontent.com amazonaws.com "
    "cloudfront.net akamaiedge.net azurewebsites.net windows.net schema.org").split()
DAY = 86400


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)) if t is not None else None


def parse_day(text, end=False):
    t = calendar.timegm(time.strptime(text, "%Y-%m-%d"))
    return t + DAY - 1 if end else t


def week_start(t):
    day = t // DAY
    return (day - (day + 3) % 7) * DAY


def connect(path):
    db = sqlite3.connect(path)  # read only in practice: nothing here writes the store
    db.execute("PRAGMA cache_size = -65536")
    db.execute("PRAGMA mmap_size = 1073741824")
    return db


def relation_ids(db, names):
    marks = ",".join("?" * len(names))
    return [r[0] for r in db.execute("SELECT id FROM relation WHERE name IN (%s)" % marks, names)]


def entity_id(db, kind, key):
    row = db.execute("SELECT id FROM entity WHERE kind = ? AND key = ?", (kind, key)).fetchone()
    return row[0] if row else None


def is_ip(text):
    return text.replace(".", "").isdigit() or ":" in text


# ----------------------------------------------------------------------------- shares


def shares(db, value):
    out = {}

    def add(key, roles, via, first, last, messages, trusted, names=None):
        row = out.setdefault(key, {"value": key, "roles": set(), "via": set(), "first_seen": first,
                                   "last_seen": last, "messages": 0, "trusted": False})
        if names is not None:
            row["names"] = max(row.get("names", 0), names)
        row["roles"].update(roles.split(","))
        row["via"].add(via)
        row["first_seen"] = min(row["first_seen"], first)
        row["last_seen"] = max(row["last_seen"], last)
        row["messages"] += messages  # per via: an upper bound, as the rows are disjoint by role
        row["trusted"] = row["trusted"] or bool(trusted)

    ip_rel = relation_ids(db, IP_RELATIONS)
    marks = ",".join("?" * len(ip_rel))
    if is_ip(value):
        ip = entity_id(db, "ip", value)
        if ip is None:
            return []
        # By registrable domain, as spamgraph answers by default: a family is the domain
        # and every name under it (its parent).
        for row in db.execute(
                "SELECT COALESCE(p.key, d.key), GROUP_CONCAT(DISTINCT x.relation), MIN(o.time), MAX(o.time),"
                " COUNT(DISTINCT CASE WHEN o.source_kind = 'message' THEN o.source_id END), MAX(o.trusted),"
                " COUNT(DISTINCT d.id)"
                " FROM edge x JOIN entity d ON d.id = CASE WHEN x.src = ?1 THEN x.dst ELSE x.src END"
                " LEFT JOIN entity p ON p.id = d.parent_id JOIN observation o ON o.edge_id = x.id"
                " WHERE (x.src = ?1 OR x.dst = ?1) AND d.kind = 'domain' GROUP BY 1", (ip,)):
            add(row[0], row[1], "direct", *row[2:])
        for row in db.execute(
                "SELECT COALESCE(p.key, d.key), GROUP_CONCAT(DISTINCT r2.name), MIN(l1.time), MAX(l1.time),"
                " COUNT(DISTINCT l1.message_id), MAX(l1.trusted), COUNT(DISTINCT d.id)"
                " FROM message_link l1"
                " JOIN message_link l2 ON l2.message_id = l1.message_id JOIN relation r2 ON r2.id = l2.relation_id"
                " JOIN entity d ON d.id = l2.entity_id LEFT JOIN entity p ON p.id = d.parent_id"
                " WHERE l1.entity_id = ? AND l1.relation_id IN (%s) AND d.kind = 'domain' GROUP BY 1" % marks,
                [ip] + ip_rel):
            add(row[0], row[1], "message", *row[2:])
    else:
        dom = entity_id(db, "domain", value.lower())
        if dom is None:
            return []
        targets = "(SELECT ?1 UNION SELECT id FROM entity WHERE parent_id = ?1 AND kind = 'domain')"
        for row in db.execute(
                "SELECT i.key, GROUP_CONCAT(DISTINCT x.relation), MIN(o.time), MAX(o.time),"
                " COUNT(DISTINCT CASE WHEN o.source_kind = 'message' THEN o.source_id END), MAX(o.trusted)"
                " FROM edge x JOIN entity i ON i.id = CASE WHEN x.dst IN %s THEN x.src ELSE x.dst END"
                " JOIN observation o ON o.edge_id = x.id"
                " WHERE (x.dst IN %s OR x.src IN %s) AND i.kind = 'ip' GROUP BY i.id" % (targets, targets, targets),
                (dom,)):
            add(row[0], row[1], "direct", *row[2:])
        for row in db.execute(
                "SELECT i.key, GROUP_CONCAT(DISTINCT r2.name), MIN(m.time), MAX(m.time), COUNT(DISTINCT m.id),"
                " MAX(l2.trusted)"
                " FROM message_link l1 JOIN message m ON m.id = l1.message_id"
                " JOIN message_link l2 ON l2.message_id = l1.message_id AND l2.relation_id IN (%s)"
                " JOIN relation r2 ON r2.id = l2.relation_id JOIN entity i ON i.id = l2.entity_id"
                " WHERE l1.entity_id IN %s GROUP BY i.id" % (",".join(str(r) for r in ip_rel), targets), (dom,)):
            add(row[0], row[1], "message", *row[2:])
    rows = sorted(out.values(), key=lambda r: (r["first_seen"], r["value"]))
    for r in rows:
        r["roles"], r["via"] = sorted(r["roles"]), sorted(r["via"])
        r["first_seen"], r["last_seen"] = iso(r["first_seen"]), iso(r["last_seen"])
    return rows


# ----------------------------------------------------------------------------- pivot


ENTITY_COLUMNS = "e.id, e.kind, e.key"


def neighbours(db, node, message_limit):
    links = []
    for outgoing in (True, False):
        near, far = ("x.src", "x.dst") if outgoing else ("x.dst", "x.src")
        for row in db.execute(
                "SELECT %s, x.relation, x.first_seen, x.last_seen, x.count, x.trusted FROM edge x"
                " JOIN entity e ON e.id = %s WHERE %s = ?1" % (ENTITY_COLUMNS, far, near), (node,)):
            links.append({"id": row[0], "kind": row[1], "value": row[2], "relation": row[3],
                          "direction": "out" if outgoing else "in", "first_seen": row[4], "last_seen": row[5],
                          "count": row[6], "trust": row[7]})
    total = db.execute("SELECT COUNT(*) FROM message_link WHERE entity_id = ?", (node,)).fetchone()[0]
    for row in db.execute(
            "WITH mine AS (SELECT ml.message_id, ml.relation_id, m.time FROM message_link ml"
            " JOIN message m ON m.id = ml.message_id WHERE ml.entity_id = ?1 ORDER BY m.time DESC LIMIT ?2)"
            " SELECT %s, GROUP_CONCAT(DISTINCT r.name), MIN(mine.time), MAX(mine.time),"
            " COUNT(DISTINCT mine.message_id), MAX(other.trusted)"
            " FROM mine JOIN message_link other ON other.message_id = mine.message_id AND other.entity_id <> ?1"
            " JOIN relation r ON r.id = other.relation_id JOIN entity e ON e.id = other.entity_id"
            " GROUP BY other.entity_id" % ENTITY_COLUMNS, (node, message_limit)):
        links.append({"id": row[0], "kind": row[1], "value": row[2], "relation": row[3], "direction": "message",
                      "first_seen": row[4], "last_seen": row[5], "count": row[6], "trust": row[7]})
    return links, total > message_limit


def pivot(db, kind, value, depth, limit=25, message_limit=2000):
    root_id = entity_id(db, kind, value)
    if root_id is None:
        return None
    tree = {"kind": kind, "value": value, "children": []}
    shown = {root_id}
    level = [(root_id, tree)]
    for d in range(depth):
        next_level = []
        for node_id, node in level:
            links, truncated = neighbours(db, node_id, message_limit)
            node["messages_truncated"] = truncated
            best = {}
            for link in links:
                if link["id"] in shown:
                    continue
                if link["id"] not in best or link["count"] > best[link["id"]]["count"]:
                    best[link["id"]] = link
            kept = sorted(best.values(), key=lambda l: (-l["count"], l["kind"], l["value"]))
            node["more"] = max(0, len(kept) - limit)
            for link in kept[:limit]:
                shown.add(link["id"])
                child = dict(link, children=[], first_seen=iso(link["first_seen"]), last_seen=iso(link["last_seen"]))
                node["children"].append(child)
                next_level.append((link["id"], child))
        level = next_level
    return tree


# ----------------------------------------------------------------------------- timeline


def indicators_of(db, ids_sql, params, since=None, until=None):
    """Indicators of a set of messages given by `ids_sql` (a SELECT of message ids)."""
    where = ""
    args = list(params)
    if since is not None:
        where = " WHERE m.time BETWEEN ? AND ?"
        args += [since, until]
    db.execute("DROP TABLE IF EXISTS temp.ids")
    db.execute("CREATE TEMP TABLE ids (id INTEGER PRIMARY KEY, time INTEGER)")
    db.execute("INSERT INTO temp.ids SELECT m.id, m.time FROM (%s) s JOIN message m ON m.id = s.message_id%s"
               % (ids_sql, where), args)
    weeks = {}
    for week, count in db.execute(
            "SELECT (time / 86400 - (time / 86400 + 3) % 7) * 86400 AS week, COUNT(*) FROM temp.ids GROUP BY week"):
        weeks[week] = count
    rows = []
    # IPs and registrable domains, with their roles, in these messages.
    for row in db.execute(
            "SELECT e.kind, COALESCE(p.key, e.key), GROUP_CONCAT(DISTINCT r.name), MIN(i.time), MAX(i.time),"
            " COUNT(DISTINCT i.id), MAX(ml.trusted)"
            " FROM temp.ids i CROSS JOIN message_link ml ON ml.message_id = i.id JOIN relation r ON r.id = ml.relation_id"
            " JOIN entity e ON e.id = ml.entity_id LEFT JOIN entity p ON p.id = e.parent_id AND e.kind = 'domain'"
            " WHERE e.kind IN ('ip', 'domain') GROUP BY e.kind, COALESCE(p.id, e.id)"):
        rows.append(row)
    # The networks of their IPs: ip -in-prefix-> prefix -originated-by-> asn.
    for row in db.execute(
            "WITH ips AS (SELECT ml.entity_id AS ip, MIN(i.time) AS first, MAX(i.time) AS last, COUNT(DISTINCT i.id) AS n"
            " FROM temp.ids i CROSS JOIN message_link ml ON ml.message_id = i.id"
            " AND ml.relation_id IN (SELECT id FROM relation WHERE name IN ('sent-from', 'relayed-by'))"
            " GROUP BY ml.entity_id)"
            " SELECT n.kind, n.key, 'network', MIN(ips.first), MAX(ips.last), SUM(ips.n), 0 FROM ips"
            " CROSS JOIN edge x ON x.src = ips.ip AND x.relation = 'in-prefix' JOIN entity n ON n.id = x.dst GROUP BY n.id"
            " UNION ALL"
            " SELECT a.kind, a.key, 'network', MIN(ips.first), MAX(ips.last), SUM(ips.n), 0 FROM ips"
            " CROSS JOIN edge x ON x.src = ips.ip AND x.relation = 'in-prefix'"
            " CROSS JOIN edge y ON y.src = x.dst AND y.relation = 'originated-by' JOIN entity a ON a.id = y.dst"
            " GROUP BY a.id"):
        rows.append(row)
    return weeks, rows


def timeline(db, ids_sql, params):
    weeks, rows = indicators_of(db, ids_sql, params)
    new_by_week = {}
    indicators = []
    for kind, value, roles, first, last, messages, trusted in sorted(rows, key=lambda r: r[3]):
        indicators.append({"kind": kind, "value": value, "roles": sorted(roles.split(",")), "first_seen": iso(first),
                           "last_seen": iso(last), "messages": messages, "trust": "fact" if trusted else "claim"})
        new_by_week.setdefault(week_start(first), []).append(kind + " " + value)
    return {"messages": sum(weeks.values()), "indicators": indicators,
            "weeks": [{"week": iso(w), "messages": weeks[w], "new": new_by_week.get(w, [])} for w in sorted(weeks)]}


# ----------------------------------------------------------------------------- diff


def diff(db, since, until, campaign):
    newest = db.execute("SELECT MAX(time) FROM message").fetchone()[0] or 0
    now = int(time.time())
    if until is None:
        until = max(now, newest)
    previous = since - (until - since) - 1
    family = "CASE WHEN e.kind = 'domain' THEN COALESCE(e.parent_id, e.id) ELSE e.id END"
    if campaign is None:
        # The indicators the period and the period before name, then MIN/MAX of
        # message.time over all their links (and, for a registrable domain, its names').
        sql = (
            "WITH named AS (SELECT DISTINCT %s AS fid FROM message m JOIN message_link ml ON ml.message_id = m.id"
            " JOIN entity e ON e.id = ml.entity_id WHERE m.time BETWEEN ?1 AND ?2 AND e.kind IN ('ip', 'domain')),"
            " members AS (SELECT fid, fid AS id FROM named UNION ALL"
            "  SELECT n.fid, e.id FROM named n JOIN entity e ON e.parent_id = n.fid AND e.kind = 'domain')"
            " SELECT f.kind, f.key, MIN(m.time), MAX(m.time), COUNT(DISTINCT m.id) FROM members s"
            " JOIN message_link ml ON ml.entity_id = s.id JOIN message m ON m.id = ml.message_id"
            " JOIN entity f ON f.id = s.fid GROUP BY s.fid" % family)
        args = (previous, until)
    else:
        # Only the campaign's mail: MIN/MAX over its messages' links.
        sql = (
            "SELECT e2.kind, e2.key, MIN(m.time), MAX(m.time), COUNT(DISTINCT m.id) FROM campaign_message cm"
            " JOIN message m ON m.id = cm.message_id JOIN message_link ml ON ml.message_id = m.id"
            " JOIN entity e ON e.id = ml.entity_id JOIN entity e2 ON e2.id = %s"
            " WHERE cm.campaign_id = ?1 AND m.time <= ?2 AND e.kind IN ('ip', 'domain') GROUP BY e2.id" % family)
        args = (campaign, until)
    appeared, vanished = [], []
    for kind, key, first, last, messages in db.execute(sql, args):
        row = {"kind": kind, "value": key, "first_seen": iso(first), "last_seen": iso(last), "messages": messages}
        if since <= first <= until:
            appeared.append(row)
        elif previous <= last < since:
            vanished.append(row)
    return {"since": iso(since), "until": iso(until), "appeared": appeared, "vanished": vanished}


# ----------------------------------------------------------------------------- campaigns


def campaigns(db, out_path, hub_degree):
    rel = {name: rid for rid, name in db.execute("SELECT id, name FROM relation")}
    origin_rel = {rel[n] for n in ("sent-from", "originating-ip") if n in rel}
    sender_rel = {rel[n] for n in SENDER_RELATIONS if n in rel}
    link_rel = {rel[n] for n in LINK_RELATIONS if n in rel}
    parent = dict(db.execute("SELECT id, parent_id FROM entity WHERE kind = 'domain' AND parent_id IS NOT NULL"))
    hubs = set()
    for name in KNOWN_HUBS:
        hid = entity_id(db, "domain", name)
        if hid is not None:
            hubs.add(hid)
    net24 = {}  # ip id -> its /24 (text key; IPv6: first three groups)
    for eid, key in db.execute("SELECT id, key FROM entity WHERE kind = 'ip'"):
        net24[eid] = key.rsplit(".", 1)[0] if "." in key else ":".join(key.split(":")[:3])
    # HELO names the origin gave: (message -> set of registrable domains), from the observations.
    helo_of = {}
    for message, ip, domain in db.execute(
            "SELECT o.source_id, x.src, x.dst FROM edge x JOIN observation o ON o.edge_id = x.id"
            " WHERE x.relation = 'helo' AND o.source_kind = 'message'"):
        helo_of.setdefault(message, []).append((ip, parent.get(domain, domain)))

    # One pass over message_link in message order: each message's strong features.
    message_ids = array.array("q")
    offsets = array.array("q", [0])
    features = array.array("q")   # entity ids: IPs, registrable domains
    is_sender = array.array("b")  # 1 when the feature is a sender domain (for the hub degree)
    origins_of = array.array("q")  # per message: offset into origin_nets
    origin_nets = []
    counts = {}

    def finish(mid, feats, origins, senders):
        for ip, domain in helo_of.get(mid, ()):
            if ip in origins:
                feats.add(domain)
        message_ids.append(mid)
        for f in feats:
            features.append(f)
            is_sender.append(1 if f in senders else 0)
            counts[f] = counts.get(f, 0) + 1
        offsets.append(len(features))
        origins_of.append(len(origin_nets))
        origin_nets.append(frozenset(net24.get(ip, "") for ip in origins))

    current, feats, origins, senders = None, set(), set(), set()
    for mid, rid, eid in db.execute("SELECT message_id, relation_id, entity_id FROM message_link ORDER BY message_id"):
        if mid != current:
            if current is not None:
                finish(current, feats, origins, senders)
            current, feats, origins, senders = mid, set(), set(), set()
        if rid in origin_rel:
            feats.add(eid)
            origins.add(eid)
        elif rid in sender_rel:
            d = parent.get(eid, eid)
            feats.add(d)
            senders.add(d)
        elif rid in link_rel:
            feats.add(parent.get(eid, eid))
    if current is not None:
        finish(current, feats, origins, senders)
    helo_of = None

    # Hubs by degree: only features in more than hub_degree messages can exceed it.
    heavy = {f for f, n in counts.items() if n > hub_degree}
    partners = {f: set() for f in heavy}
    ip_ids = net24
    for m in range(len(message_ids)):
        lo, hi = offsets[m], offsets[m + 1]
        for k in range(lo, hi):
            f = features[k]
            if f not in heavy:
                continue
            if f in ip_ids:  # a network feature: distinct sender domains
                partners[f].update(features[j] for j in range(lo, hi) if is_sender[j])
            else:  # a domain: distinct origin /24s
                partners[f].update(origin_nets[m])
    hubs.update(f for f, p in partners.items() if len(p) > hub_degree)

    # Union-find over messages: a feature joins every message that has it to the first one.
    n = len(message_ids)
    up = array.array("l", range(n))

    def find(x):
        root = x
        while up[root] != root:
            root = up[root]
        while up[x] != root:
            up[x], x = root, up[x]
        return root

    first = {}
    for m in range(n):
        for k in range(offsets[m], offsets[m + 1]):
            f = features[k]
            if f in hubs:
                continue
            other = first.setdefault(f, m)
            if other != m:
                a, b = find(m), find(other)
                if a != b:
                    up[max(a, b)] = min(a, b)
    sizes = {}
    roots = [find(m) for m in range(n)]
    for r in roots:
        sizes[r] = sizes.get(r, 0) + 1
    out = sqlite3.connect(out_path)
    out.execute("DROP TABLE IF EXISTS campaign_message")
    out.execute("CREATE TABLE campaign_message (message_id INTEGER PRIMARY KEY, campaign INTEGER NOT NULL)")
    with out:
        out.executemany("INSERT INTO campaign_message VALUES (?, ?)",
                        ((message_ids[m], message_ids[roots[m]]) for m in range(n) if sizes[roots[m]] >= 2))
    out.close()
    clusters = sorted((s for s in sizes.values() if s >= 2), reverse=True)
    return {"messages": n, "campaigns": len(clusters), "clustered": sum(clusters), "largest": clusters[:5],
            "hubs": len(hubs), "features": len(counts)}


# ----------------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("floor")  # open the store, read one AS's edges: the cost of starting
    p = sub.add_parser("shares")
    p.add_argument("value")
    p = sub.add_parser("pivot")
    p.add_argument("value")
    p.add_argument("--depth", type=int, default=1)
    p = sub.add_parser("timeline")
    p.add_argument("--campaign", type=int)
    p.add_argument("--ip")
    p = sub.add_parser("diff")
    p.add_argument("--since", required=True)
    p.add_argument("--until")
    p.add_argument("--campaign", type=int)
    p = sub.add_parser("campaigns")
    p.add_argument("--out", required=True)
    p.add_argument("--hub-degree", type=int, default=500)
    args = ap.parse_args()

    db = connect(args.db)
    if args.command == "floor":
        result = db.execute("SELECT x.relation, o.kind, o.key FROM entity e JOIN edge x ON x.src = e.id OR x.dst = e.id"
                            " JOIN entity o ON o.id = CASE WHEN x.src = e.id THEN x.dst ELSE x.src END"
                            " WHERE e.kind = 'asn' AND e.key = 'AS58779'").fetchall()
    elif args.command == "shares":
        result = shares(db, args.value)
    elif args.command == "pivot":
        kind = "ip" if is_ip(args.value) else "domain"
        result = pivot(db, kind, args.value, args.depth)
    elif args.command == "timeline":
        if args.campaign is not None:
            result = timeline(db, "SELECT message_id FROM campaign_message WHERE campaign_id = ?", [args.campaign])
        else:
            result = timeline(db, "SELECT message_id FROM message_link WHERE entity_id ="
                                  " (SELECT id FROM entity WHERE kind = 'ip' AND key = ?)", [args.ip])
    elif args.command == "diff":
        result = diff(db, parse_day(args.since), parse_day(args.until, True) if args.until else None, args.campaign)
    else:
        result = campaigns(db, args.out, args.hub_degree)
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
