#include "store/schema.h"

#include <algorithm>
#include <string>
#include <vector>

#include "store/entity_merge.h"

namespace sg {

namespace {

// network_seen from scratch: the IPs inside each prefix (in-prefix edges), then each
// AS and route object over its prefixes (originated-by, route-object edges).
constexpr const char* kNetworkSeenFill = R"sql(
INSERT INTO network_seen(network_id, first_seen, last_seen, messages)
  SELECT x.dst, MIN(s.first_seen), MAX(s.last_seen), SUM(s.messages) FROM edge x JOIN entity_seen s ON s.entity_id = x.src
  WHERE x.relation = 'in-prefix' GROUP BY x.dst;
INSERT INTO network_seen(network_id, first_seen, last_seen, messages)
  SELECT * FROM (SELECT y.dst, MIN(n.first_seen), MAX(n.last_seen), SUM(n.messages) FROM edge y
                 JOIN network_seen n ON n.network_id = y.src
                 WHERE y.relation IN ('originated-by', 'route-object') GROUP BY y.dst) WHERE true
  ON CONFLICT DO UPDATE SET first_seen = MIN(first_seen, excluded.first_seen), last_seen = MAX(last_seen, excluded.last_seen),
                            messages = messages + excluded.messages;
)sql";

const char* network_seen_migration() {
  static const std::string kScript = std::string(R"sql(
-- When mail named an IP inside a network (prefix, AS, route object): the first and
-- last entity_seen times of the IPs inside it, and the sum of their messages (a
-- message from two of its IPs counts twice). Kept by every writer (new sightings of
-- an IP, new in-prefix, originated-by and route-object edges) and rebuilt when a
-- dataset's edges are removed.
CREATE TABLE network_seen (
  network_id INTEGER PRIMARY KEY REFERENCES entity(id),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  messages INTEGER NOT NULL
);
CREATE INDEX network_seen_first ON network_seen(first_seen);
CREATE INDEX network_seen_last ON network_seen(last_seen);
-- entity_seen's rows of IPs, kept with them: a period's IPs without reading the
-- kind of every entity mail named in it.
CREATE TABLE ip_seen (
  ip_id INTEGER PRIMARY KEY REFERENCES entity(id),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  messages INTEGER NOT NULL
);
INSERT INTO ip_seen SELECT s.entity_id, s.first_seen, s.last_seen, s.messages FROM entity_seen s
  JOIN entity e ON e.id = s.entity_id WHERE e.kind = 'ip';
CREATE INDEX ip_seen_first ON ip_seen(first_seen);
CREATE INDEX ip_seen_last ON ip_seen(last_seen);
)sql") + kNetworkSeenFill;
  return kScript.c_str();
}

// Each entry moves the schema from version i to i+1. Never edit a released entry:
// add a new one.
const std::vector<const char*>& migrations() {
  static const std::vector<const char*> kMigrations = {
      R"sql(
CREATE TABLE entity (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,          -- ip, prefix, asn, domain, email, url, org, route, campaign
  key TEXT NOT NULL,           -- normalised identity within the kind
  parent_id INTEGER REFERENCES entity(id),  -- registrable domain of a domain, domain of an email
  key_hash INTEGER NOT NULL    -- 64-bit FNV-1a of kind and key: the lookup index (until schema 3)
);
-- An index of 8-byte hashes instead of (kind, key) text: URLs and addresses are
-- long and mostly new, and random inserts into a small index stay in the cache.
-- (kind, key) identity is enforced by the store, which compares the text too.
CREATE INDEX entity_key_hash ON entity(key_hash);
CREATE INDEX entity_parent ON entity(parent_id);
CREATE TABLE relation (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE    -- sent-from, relayed-by, helo, ptr, envelope-from, ...
);
-- Edges between entities (ip -helo-> domain, domain -resolves-to-> ip, ...),
-- aggregated over time; each sighting is an observation.
CREATE TABLE edge (
  id INTEGER PRIMARY KEY,
  src INTEGER NOT NULL REFERENCES entity(id),
  relation TEXT NOT NULL,
  dst INTEGER NOT NULL REFERENCES entity(id),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  count INTEGER NOT NULL,
  trusted INTEGER NOT NULL DEFAULT 0,  -- 1 once any observation was a fact
  UNIQUE (src, relation, dst)
);
CREATE INDEX edge_dst ON edge(dst, relation);
CREATE TABLE message (
  id INTEGER PRIMARY KEY,
  header_hash TEXT NOT NULL UNIQUE,  -- SHA-256 of the header block (LF line ends): the identity
  time INTEGER NOT NULL,
  time_source TEXT NOT NULL,
  subject TEXT,
  source_kind TEXT NOT NULL,
  source_path TEXT NOT NULL,
  source_offset INTEGER,
  uidvalidity INTEGER,
  uid INTEGER,
  ingested_at INTEGER NOT NULL,
  raw_headers BLOB NOT NULL
);
CREATE INDEX message_time ON message(time);
-- A message's own edges (message -envelope-from-> domain, message -sent-from-> ip):
-- seen once, at the message's time, with the message as provenance. Kept apart from
-- `edge` because they are most of the graph and need no aggregation.
CREATE TABLE message_link (
  message_id INTEGER NOT NULL REFERENCES message(id),
  relation_id INTEGER NOT NULL REFERENCES relation(id),
  entity_id INTEGER NOT NULL REFERENCES entity(id),
  trusted INTEGER NOT NULL,
  PRIMARY KEY (message_id, relation_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX message_link_entity ON message_link(entity_id, relation_id);
CREATE TABLE import (
  id INTEGER PRIMARY KEY,
  label TEXT NOT NULL,
  path TEXT NOT NULL,
  time INTEGER NOT NULL
);
-- Provenance of `edge`: every sighting, with the message, lookup or import behind it.
CREATE TABLE observation (
  edge_id INTEGER NOT NULL REFERENCES edge(id),
  time INTEGER NOT NULL,
  source_kind TEXT NOT NULL,   -- message, import, lookup
  source_id INTEGER NOT NULL,  -- message.id, import.id or lookup id
  trusted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (edge_id, time, source_kind, source_id)
) WITHOUT ROWID;
)sql",
      // 2: enrichment. Raw lookups (DNS now; RDAP/WHOIS later) and imported
      // prefix-to-origin datasets, both usable as observation provenance.
      R"sql(
-- One question an enricher asked and the answer it got, kept raw so the derived
-- observations can be re-made. A failed lookup (NXDOMAIN, SERVFAIL, TIMEOUT) is a row
-- too: a domain that stops resolving is news.
CREATE TABLE lookup (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,        -- dns (later rdap, whois, ...)
  entity_id INTEGER NOT NULL REFERENCES entity(id),  -- what the lookup was for
  query TEXT NOT NULL,         -- "example.com A", "137.54.244.103.in-addr.arpa PTR"
  time INTEGER NOT NULL,       -- when it was sent
  status TEXT NOT NULL,        -- NOERROR, NXDOMAIN, SERVFAIL, TIMEOUT, ...
  ttl INTEGER,                 -- smallest TTL of the answer records, NULL when none
  server TEXT NOT NULL DEFAULT '',  -- who answered ("127.0.0.1:5353", "system")
  answer BLOB                  -- the raw response(s): per hop a 4-byte big-endian length, then the bytes
);
CREATE INDEX lookup_entity ON lookup(entity_id, source, time);
-- An imported prefix-to-origin dataset (pfx2as, ip2asn, ip-location-db, pyasn, mmdb).
CREATE TABLE dataset (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,          -- e.g. "ip-location-db-asn", "routeviews-pfx2as"
  format TEXT NOT NULL,        -- pfx2as, ip2asn, ip-location-db, pyasn, mmdb
  path TEXT NOT NULL,
  date INTEGER NOT NULL,       -- the data's own date (from its name, metadata or --date)
  imported_at INTEGER NOT NULL,
  sha256 TEXT NOT NULL UNIQUE, -- of the file as read: the same file is imported once
  rows INTEGER NOT NULL DEFAULT 0
);
-- The dataset's rows: kept whole (not only the prefixes the graph touches) so that
-- `asn ASN` can list everything a dataset says an AS originates.
CREATE TABLE dataset_prefix (
  dataset_id INTEGER NOT NULL REFERENCES dataset(id),
  prefix TEXT NOT NULL,        -- canonical CIDR, "103.244.52.0/22"
  asn INTEGER NOT NULL,
  country TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (dataset_id, prefix, asn)
) WITHOUT ROWID;
CREATE INDEX dataset_prefix_asn ON dataset_prefix(asn, dataset_id);
-- AS names as a dataset gives them (one per AS and dataset).
CREATE TABLE dataset_asn (
  dataset_id INTEGER NOT NULL REFERENCES dataset(id),
  asn INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (dataset_id, asn)
) WITHOUT ROWID;
)sql",
      // 3: identity in the schema, so several processes can write one store. Duplicate
      // entities left by earlier concurrent writers are merged first
      // (merge_duplicate_entities); failed imports that stored no row are dropped, and
      // the same file may be imported once per format.
      R"sql(
CREATE UNIQUE INDEX entity_identity ON entity(kind, key);
DROP INDEX IF EXISTS entity_key_hash;  -- the unique index answers the lookups now; one index less to update
CREATE TABLE dataset_v3 (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  format TEXT NOT NULL,
  path TEXT NOT NULL,
  date INTEGER NOT NULL,
  imported_at INTEGER NOT NULL,
  sha256 TEXT NOT NULL,        -- of the file as read: a file is imported once per format
  rows INTEGER NOT NULL DEFAULT 0,
  UNIQUE (sha256, format)
);
INSERT INTO dataset_v3 SELECT id, name, format, path, date, imported_at, sha256, rows FROM dataset
  WHERE rows > 0 OR format = 'mmdb'
     OR EXISTS (SELECT 1 FROM observation WHERE source_kind = 'dataset' AND source_id = dataset.id);
DELETE FROM dataset_prefix WHERE dataset_id NOT IN (SELECT id FROM dataset_v3);
DELETE FROM dataset_asn WHERE dataset_id NOT IN (SELECT id FROM dataset_v3);
DROP TABLE dataset;
ALTER TABLE dataset_v3 RENAME TO dataset;
)sql",
      // 4: registry facts that are no edge: a domain's registration and expiry
      // dates, a network's name and handle, an allocation's status.
      R"sql(
-- What a registry (RDAP, WHOIS, IRR) or a routing source says of one entity, as
-- name = value, dated by the source's own date where it gives one (a domain's
-- registration event), else by the lookup's time. Provenance as in `observation`.
CREATE TABLE attribute (
  entity_id INTEGER NOT NULL REFERENCES entity(id),
  name TEXT NOT NULL,          -- registered, expires, last-changed, status, network-name, handle, ...
  value TEXT NOT NULL,
  time INTEGER NOT NULL,
  source_kind TEXT NOT NULL,   -- lookup, dataset
  source_id INTEGER NOT NULL,
  PRIMARY KEY (entity_id, name, value, source_kind, source_id)
) WITHOUT ROWID;
)sql",
      // 5: routing history from BGP archives (MRT RIB and update dumps).
      R"sql(
-- A RIB dump is a dataset (format 'mrt'): its prefix rows are its origins, and
-- `peers` says how many of the collector's peers carried each (prefix, origin).
ALTER TABLE dataset_prefix ADD COLUMN peers INTEGER NOT NULL DEFAULT 0;
-- An update dump is a dataset (format 'mrt-updates') whose rows are its events.
CREATE TABLE bgp_update (
  dataset_id INTEGER NOT NULL REFERENCES dataset(id),
  time INTEGER NOT NULL,
  kind TEXT NOT NULL,          -- 'A' announced, 'W' withdrawn
  prefix TEXT NOT NULL,        -- canonical CIDR
  peer_ip TEXT NOT NULL,
  peer_asn INTEGER NOT NULL,
  origin_asn INTEGER NOT NULL, -- 0 for a withdrawal (and a path without origin)
  as_path TEXT NOT NULL        -- as `bgp dump` writes it; '' for a withdrawal
);
CREATE INDEX bgp_update_prefix ON bgp_update(prefix, time);
CREATE INDEX bgp_update_origin ON bgp_update(origin_asn, time);
CREATE INDEX bgp_update_dataset ON bgp_update(dataset_id);
)sql",
      R"sql(
-- Where `pull` stopped in each mailbox it reads, written in the same transaction
-- as the messages it covers.
CREATE TABLE mail_cursor (
  source TEXT PRIMARY KEY,                 -- imap://user@host:port/MAILBOX, pop3://..., or a local path
  uidvalidity INTEGER NOT NULL DEFAULT 0,  -- IMAP: the mailbox's UIDVALIDITY the UIDs belong to
  last_uid INTEGER NOT NULL DEFAULT 0,     -- IMAP: every message up to this UID is stored
  position INTEGER NOT NULL DEFAULT 0,     -- mbox: bytes read
  fingerprint TEXT NOT NULL DEFAULT '',    -- mbox: the file's identity and the hash of the bytes before position
  updated INTEGER NOT NULL
);
-- Maildir file names and POP3 UIDLs already read, per source.
CREATE TABLE mail_seen (
  source TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (source, name)
) WITHOUT ROWID;
)sql",
      // 7: findings. When mail first and last named each entity (for diff and
      // timeline without scanning every message), and campaigns.
      R"sql(
-- When mail named an entity, as any of a message's links or hop names: the first
-- and last message time and how many messages. Kept up to date by every message
-- stored, so "what is new since DATE" is one index range.
CREATE TABLE entity_seen (
  entity_id INTEGER PRIMARY KEY REFERENCES entity(id),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  messages INTEGER NOT NULL
);
INSERT INTO entity_seen
  SELECT entity_id, MIN(time), MAX(time), COUNT(*) FROM (
    SELECT DISTINCT ml.entity_id AS entity_id, m.id AS message_id, m.time AS time
      FROM message_link ml JOIN message m ON m.id = ml.message_id
    UNION
    SELECT e.src, m.id, m.time FROM observation o JOIN edge e ON e.id = o.edge_id JOIN message m ON m.id = o.source_id
      WHERE o.source_kind = 'message'
    UNION
    SELECT e.dst, m.id, m.time FROM observation o JOIN edge e ON e.id = o.edge_id JOIN message m ON m.id = o.source_id
      WHERE o.source_kind = 'message')
  GROUP BY entity_id;
CREATE INDEX entity_seen_first ON entity_seen(first_seen);
CREATE INDEX entity_seen_last ON entity_seen(last_seen);
-- A campaign: messages grouped by shared infrastructure (`campaign auto`) or by hand.
CREATE TABLE campaign (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  pinned INTEGER NOT NULL DEFAULT 0,  -- made or changed by hand: `campaign auto` only adds new mail to it
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
-- A message belongs to at most one campaign.
CREATE TABLE campaign_message (
  message_id INTEGER PRIMARY KEY REFERENCES message(id),
  campaign_id INTEGER NOT NULL REFERENCES campaign(id)
);
CREATE INDEX campaign_message_campaign ON campaign_message(campaign_id);
-- What the last `campaign auto` left out of the clustering, and why: an entity so
-- widely shared (a large mail provider, a CDN, shared hosting) that it would merge
-- unrelated campaigns.
CREATE TABLE campaign_hub (
  key TEXT PRIMARY KEY,     -- "domain gmail.com", "asn AS13335", "ip 8.8.8.8", "net 192.0.2.0/24"
  reason TEXT NOT NULL,
  degree INTEGER NOT NULL,  -- how many distinct counterparts it linked (sender domains or networks)
  time INTEGER NOT NULL
);
)sql",
      // 8: read paths at scale. The message's time on each of its links, so the
      // messages naming an entity, newest first or in a period, are one index range
      // that never reads the message rows (they hold the raw headers); and the IPs and
      // domains mail tied together, totalled as messages arrive, for `shares`.
      R"sql(
ALTER TABLE message_link ADD COLUMN time INTEGER NOT NULL DEFAULT 0;
UPDATE message_link SET time = (SELECT m.time FROM message m WHERE m.id = message_link.message_id);
DROP INDEX message_link_entity;
-- Also serves (entity_id, relation_id) lookups: the table's key columns are in every entry.
CREATE INDEX message_link_entity ON message_link(entity_id, time);
-- One row per IP, domain and the pair of relations that tied them in one message (the
-- IP's: sent-from, relayed-by, originating-ip; the domain's: envelope-from, url, ...),
-- and one row with both relations 0 that counts the messages naming both at all.
-- `trusted` is 1 once the IP's link was a fact in any of them.
CREATE TABLE ip_domain_seen (
  ip_id INTEGER NOT NULL REFERENCES entity(id),
  domain_id INTEGER NOT NULL REFERENCES entity(id),
  ip_relation_id INTEGER NOT NULL,
  domain_relation_id INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  messages INTEGER NOT NULL,
  trusted INTEGER NOT NULL,
  PRIMARY KEY (ip_id, domain_id, ip_relation_id, domain_relation_id)
) WITHOUT ROWID;
CREATE TEMP TABLE pair_link AS
  SELECT i.message_id AS message_id, i.entity_id AS ip_id, d.entity_id AS domain_id, i.relation_id AS ip_relation_id,
         d.relation_id AS domain_relation_id, i.time AS time, i.trusted AS trusted
  FROM message_link i JOIN message_link d ON d.message_id = i.message_id
  WHERE i.relation_id IN (SELECT id FROM relation WHERE name IN ('sent-from', 'relayed-by', 'originating-ip'))
    AND d.entity_id IN (SELECT id FROM entity WHERE kind = 'domain');
INSERT INTO ip_domain_seen
  SELECT ip_id, domain_id, ip_relation_id, domain_relation_id, MIN(time), MAX(time), COUNT(*), MAX(trusted)
  FROM pair_link GROUP BY ip_id, domain_id, ip_relation_id, domain_relation_id;
INSERT INTO ip_domain_seen
  SELECT ip_id, domain_id, 0, 0, MIN(time), MAX(time), COUNT(DISTINCT message_id), MAX(trusted)
  FROM pair_link GROUP BY ip_id, domain_id;
DROP TABLE pair_link;
CREATE INDEX ip_domain_seen_domain ON ip_domain_seen(domain_id);
)sql",
      // 9: a campaign's size and span kept on its row by whatever changes its
      // messages, so listing and finding campaigns reads no message.
      R"sql(
ALTER TABLE campaign ADD COLUMN messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaign ADD COLUMN first_seen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaign ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
UPDATE campaign SET (messages, first_seen, last_seen) = (
  SELECT COUNT(*), COALESCE(MIN(m.time), 0), COALESCE(MAX(m.time), 0)
  FROM campaign_message cm JOIN message m ON m.id = cm.message_id WHERE cm.campaign_id = campaign.id);
)sql",
      // 10: the IP-domain totals by registrable domain too. Spam names thousands of
      // one-off host names under each of its domains; `shares` answers per registrable
      // domain (the family: the domain and every name under it). And one row per pair
      // instead of one per pair of relations: `shares` shows a pair's relations as a
      // set, and its times and count as a whole, so the relations are two bit sets.
      R"sql(
ALTER TABLE ip_domain_seen RENAME TO ip_domain_seen_by_relation;
DROP INDEX ip_domain_seen_domain;
-- An IP and a domain that one message named: first and last time, how many messages,
-- whether the IP's link was a fact in any, and the relations that named them, as bit
-- sets of relation ids (bit n: relation n; the IP's: sent-from, relayed-by,
-- originating-ip; the domain's: envelope-from, url-domain, ...).
CREATE TABLE ip_domain_seen (
  ip_id INTEGER NOT NULL REFERENCES entity(id),
  domain_id INTEGER NOT NULL REFERENCES entity(id),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  messages INTEGER NOT NULL,
  trusted INTEGER NOT NULL,
  ip_relations INTEGER NOT NULL,
  domain_relations INTEGER NOT NULL,
  PRIMARY KEY (ip_id, domain_id)
) WITHOUT ROWID;
-- The bits are powers of two: the sum of the distinct ones is their union.
INSERT INTO ip_domain_seen
  SELECT ip_id, domain_id, MIN(first_seen), MAX(last_seen),
         MAX(CASE WHEN ip_relation_id = 0 THEN messages ELSE 0 END), MAX(trusted),
         SUM(DISTINCT CASE WHEN ip_relation_id > 0 THEN 1 << ip_relation_id ELSE 0 END),
         SUM(DISTINCT CASE WHEN domain_relation_id > 0 THEN 1 << domain_relation_id ELSE 0 END)
  FROM ip_domain_seen_by_relation GROUP BY ip_id, domain_id;
DROP TABLE ip_domain_seen_by_relation;
CREATE INDEX ip_domain_seen_domain ON ip_domain_seen(domain_id);
-- The same with the family's registrable domain in place of the name: `messages`
-- counts each message once however many names of the family it gave, and `names`
-- how many distinct names of the family mail tied to the IP.
CREATE TABLE ip_family_seen (
  ip_id INTEGER NOT NULL REFERENCES entity(id),
  family_id INTEGER NOT NULL REFERENCES entity(id),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  messages INTEGER NOT NULL,
  names INTEGER NOT NULL,
  trusted INTEGER NOT NULL,
  ip_relations INTEGER NOT NULL,
  domain_relations INTEGER NOT NULL,
  PRIMARY KEY (ip_id, family_id)
) WITHOUT ROWID;
CREATE TEMP TABLE family_link AS
  SELECT i.message_id AS message_id, i.entity_id AS ip_id, COALESCE(e.parent_id, e.id) AS family_id,
         d.entity_id AS domain_id, i.relation_id AS ip_relation_id, d.relation_id AS domain_relation_id,
         i.time AS time, i.trusted AS trusted
  FROM message_link i JOIN message_link d ON d.message_id = i.message_id JOIN entity e ON e.id = d.entity_id
  WHERE i.relation_id IN (SELECT id FROM relation WHERE name IN ('sent-from', 'relayed-by', 'originating-ip'))
    AND e.kind = 'domain';
INSERT INTO ip_family_seen
  SELECT ip_id, family_id, MIN(time), MAX(time), COUNT(DISTINCT message_id), COUNT(DISTINCT domain_id), MAX(trusted),
         SUM(DISTINCT 1 << ip_relation_id), SUM(DISTINCT 1 << domain_relation_id)
  FROM family_link GROUP BY ip_id, family_id;
DROP TABLE family_link;
CREATE INDEX ip_family_seen_family ON ip_family_seen(family_id);
)sql",
      // 10 -> 11: the names under a registrable domain (its subdomains, its email
      // addresses) by kind from the index alone. `shares` asks for a family's domain
      // names: reading each row's kind from the table cost 1,875 scattered page reads
      // for a domain with 1,875 addresses and no subdomain.
      R"sql(
CREATE INDEX entity_parent_kind ON entity(parent_id, kind);
DROP INDEX entity_parent;
)sql",
      // 11 -> 12: entity_seen by registrable domain. A diff speaks of registrable
      // domains; judging each from its names read every name of a family of thousands.
      R"sql(
-- When mail named a registrable domain or any name under it (its family): the first
-- and last message time and how many messages, each counted once. Kept up to date by
-- every message stored, like entity_seen.
CREATE TABLE family_seen (
  family_id INTEGER PRIMARY KEY REFERENCES entity(id),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  messages INTEGER NOT NULL
);
INSERT INTO family_seen
  SELECT family_id, MIN(time), MAX(time), COUNT(DISTINCT message_id) FROM (
    SELECT COALESCE(e.parent_id, e.id) AS family_id, ml.message_id AS message_id, ml.time AS time
      FROM message_link ml JOIN entity e ON e.id = ml.entity_id WHERE e.kind = 'domain'
    UNION ALL
    SELECT COALESCE(e.parent_id, e.id), m.id, m.time FROM observation o JOIN edge x ON x.id = o.edge_id
      JOIN entity e ON e.id = x.src JOIN message m ON m.id = o.source_id
      WHERE o.source_kind = 'message' AND e.kind = 'domain'
    UNION ALL
    SELECT COALESCE(e.parent_id, e.id), m.id, m.time FROM observation o JOIN edge x ON x.id = o.edge_id
      JOIN entity e ON e.id = x.dst JOIN message m ON m.id = o.source_id
      WHERE o.source_kind = 'message' AND e.kind = 'domain')
  GROUP BY family_id;
CREATE INDEX family_seen_first ON family_seen(first_seen);
CREATE INDEX family_seen_last ON family_seen(last_seen);
)sql",
      // 12 -> 13: an edge's sightings totalled per kind of source. `shares IP` read
      // the 80,000 sightings of a busy IP's 23 name edges to count their messages.
      R"sql(
-- The observations of one edge from one kind of source (message, lookup, dataset,
-- import): first and last time, whether any was a fact, and for messages how many
-- distinct messages stated it. Kept up to date with every observation stored, and
-- when a dataset's observations are removed.
CREATE TABLE edge_source (
  edge_id INTEGER NOT NULL REFERENCES edge(id),
  source_kind TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  messages INTEGER NOT NULL,  -- distinct messages; 0 for other kinds of source
  trusted INTEGER NOT NULL,
  PRIMARY KEY (edge_id, source_kind)
) WITHOUT ROWID;
INSERT INTO edge_source
  SELECT edge_id, source_kind, MIN(time), MAX(time),
         CASE WHEN source_kind = 'message' THEN COUNT(DISTINCT source_id) ELSE 0 END, MAX(trusted)
    FROM observation GROUP BY edge_id, source_kind;
)sql",
      // 13 -> 14: which names under a registrable domain have edges. `shares DOMAIN`
      // probed the edge indexes for each of a family's 1,091 names, nearly all URL
      // hosts without any edge: 27 ms of page reads.
      R"sql(
-- A name under a registrable domain (family_id, its parent) that is an end of some
-- edge: a HELO or reverse name, a name DNS resolved. Kept when ingest or enrichment
-- stores an edge. Rows are never removed: a row whose edges are gone costs a probe
-- and changes no answer.
CREATE TABLE family_edge_name (
  family_id INTEGER NOT NULL REFERENCES entity(id),
  entity_id INTEGER NOT NULL REFERENCES entity(id),
  PRIMARY KEY (family_id, entity_id)
) WITHOUT ROWID;
INSERT INTO family_edge_name
  SELECT x.parent_id, x.id FROM edge e JOIN entity x ON x.id = e.src WHERE x.kind = 'domain' AND x.parent_id IS NOT NULL
  UNION
  SELECT x.parent_id, x.id FROM edge e JOIN entity x ON x.id = e.dst WHERE x.kind = 'domain' AND x.parent_id IS NOT NULL;
)sql",
      // 14 -> 15: when mail came from inside each network, and entity_seen's IPs apart.
      // `diff` read every IP inside each network it named to learn whether any was seen
      // before (60% of its time), and every entity of a week to find the IPs among them.
      network_seen_migration(),
      // 15 -> 16: each campaign's indicators and weeks, stored. A timeline read every
      // message of the campaign (1 s for 40,000 messages, 77 s for 800,000); stored
      // facts are one indexed range. Triggers stamp every change that could alter
      // them, so a reader can tell stored facts that are still true from stale ones.
      R"sql(
-- Changes that could alter any campaign's facts: networks and resolved addresses
-- (edges in-prefix, originated-by, route-object, resolves-to), and removed or
-- rewritten links, hop names, messages and entities. Store moves it once per batch
-- that inserted such an edge (Store::upsert_edge is the one insert of edges; a
-- trigger on every insert slowed ingest by a tenth); triggers cover the rest.
CREATE TABLE graph_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO graph_clock VALUES (1, 0);
ALTER TABLE campaign ADD COLUMN members_version INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER campaign_members_in AFTER INSERT ON campaign_message BEGIN
  UPDATE campaign SET members_version = members_version + 1 WHERE id = NEW.campaign_id;
END;
CREATE TRIGGER campaign_members_out AFTER DELETE ON campaign_message BEGIN
  UPDATE campaign SET members_version = members_version + 1 WHERE id = OLD.campaign_id;
END;
CREATE TRIGGER campaign_members_moved AFTER UPDATE ON campaign_message BEGIN
  UPDATE campaign SET members_version = members_version + 1 WHERE id IN (OLD.campaign_id, NEW.campaign_id);
END;
CREATE TRIGGER graph_clock_edge_out AFTER DELETE ON edge
  WHEN OLD.relation IN ('in-prefix', 'originated-by', 'route-object', 'resolves-to', 'helo', 'ptr') BEGIN
  UPDATE graph_clock SET version = version + 1;
END;
CREATE TRIGGER graph_clock_edge_moved AFTER UPDATE OF src, relation, dst ON edge BEGIN
  UPDATE graph_clock SET version = version + 1;
END;
CREATE TRIGGER graph_clock_link_out AFTER DELETE ON message_link BEGIN
  UPDATE graph_clock SET version = version + 1;
END;
CREATE TRIGGER graph_clock_link_moved AFTER UPDATE OF message_id, relation_id, entity_id, trusted ON message_link BEGIN
  UPDATE graph_clock SET version = version + 1;
END;
CREATE TRIGGER graph_clock_sighting_out AFTER DELETE ON observation WHEN OLD.source_kind = 'message' BEGIN
  UPDATE graph_clock SET version = version + 1;
END;
CREATE TRIGGER graph_clock_message_out AFTER DELETE ON message BEGIN
  UPDATE graph_clock SET version = version + 1;
END;
CREATE TRIGGER graph_clock_entity_moved AFTER UPDATE OF kind, key, parent_id ON entity BEGIN
  UPDATE graph_clock SET version = version + 1;
END;
-- A campaign's stored facts, true while both stamps still match.
CREATE TABLE campaign_facts (
  campaign_id INTEGER PRIMARY KEY REFERENCES campaign(id),
  members_version INTEGER NOT NULL,  -- campaign.members_version they were made at
  graph_version INTEGER NOT NULL,    -- graph_clock.version they were made at
  messages INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  indicators INTEGER NOT NULL
);
-- One indicator of a campaign (analysis/indicator_set.h), in timeline order.
CREATE TABLE campaign_indicator (
  campaign_id INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  kind INTEGER NOT NULL,    -- EntityKind's number: the order a timeline lists kinds in
  value TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  roles TEXT NOT NULL,      -- comma-separated, sorted
  last_seen INTEGER NOT NULL,
  messages INTEGER NOT NULL,
  fact INTEGER NOT NULL,
  ips TEXT NOT NULL,        -- space-separated, sorted, at most kMaxIndicatorIps
  ips_total INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, first_seen, kind, value)
) WITHOUT ROWID;
CREATE INDEX campaign_indicator_last ON campaign_indicator(campaign_id, last_seen);
-- Each week of a campaign (Monday 00:00 UTC onwards) with mail in it, or new indicators.
CREATE TABLE campaign_week (
  campaign_id INTEGER NOT NULL,
  week_start INTEGER NOT NULL,
  messages INTEGER NOT NULL,
  new_indicators INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, week_start)
) WITHOUT ROWID;
-- The key (and kind) of each row's entity, and indexes holding everything a
-- period's question reads: a diff read the entity of every row of a week, one page
-- each, most of its time at a million messages. Store's upserts write them; the
-- triggers fill them in for a row any other writer adds without them.
ALTER TABLE ip_seen ADD COLUMN key TEXT NOT NULL DEFAULT '';
UPDATE ip_seen SET key = (SELECT key FROM entity WHERE id = ip_id);
CREATE TRIGGER ip_seen_key AFTER INSERT ON ip_seen WHEN NEW.key = '' BEGIN
  UPDATE ip_seen SET key = (SELECT key FROM entity WHERE id = NEW.ip_id) WHERE ip_id = NEW.ip_id;
END;
DROP INDEX ip_seen_first;
DROP INDEX ip_seen_last;
CREATE INDEX ip_seen_first ON ip_seen(first_seen, last_seen, messages, key);
CREATE INDEX ip_seen_last ON ip_seen(last_seen, first_seen, messages, key);
ALTER TABLE family_seen ADD COLUMN key TEXT NOT NULL DEFAULT '';
UPDATE family_seen SET key = (SELECT key FROM entity WHERE id = family_id);
CREATE TRIGGER family_seen_key AFTER INSERT ON family_seen WHEN NEW.key = '' BEGIN
  UPDATE family_seen SET key = (SELECT key FROM entity WHERE id = NEW.family_id) WHERE family_id = NEW.family_id;
END;
DROP INDEX family_seen_first;
DROP INDEX family_seen_last;
CREATE INDEX family_seen_first ON family_seen(first_seen, last_seen, messages, key);
CREATE INDEX family_seen_last ON family_seen(last_seen, first_seen, messages, key);
ALTER TABLE network_seen ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE network_seen ADD COLUMN key TEXT NOT NULL DEFAULT '';
UPDATE network_seen SET (kind, key) = (SELECT kind, key FROM entity WHERE id = network_id);
CREATE TRIGGER network_seen_key AFTER INSERT ON network_seen WHEN NEW.key = '' BEGIN
  UPDATE network_seen SET (kind, key) = (SELECT kind, key FROM entity WHERE id = NEW.network_id)
    WHERE network_id = NEW.network_id;
END;
DROP INDEX network_seen_first;
DROP INDEX network_seen_last;
CREATE INDEX network_seen_first ON network_seen(first_seen, last_seen, messages, kind, key);
CREATE INDEX network_seen_last ON network_seen(last_seen, first_seen, messages, kind, key);
CREATE TRIGGER campaign_facts_gone AFTER DELETE ON campaign BEGIN
  DELETE FROM campaign_facts WHERE campaign_id = OLD.id;
  DELETE FROM campaign_indicator WHERE campaign_id = OLD.id;
  DELETE FROM campaign_week WHERE campaign_id = OLD.id;
END;
)sql",
  };
  return kMigrations;
}

}  // namespace

int current_schema_version() { return static_cast<int>(migrations().size()); }

Result<SchemaState> inspect_schema(sql::Database& db) {
  SchemaState state;
  auto tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  if (!tables.ok()) return Error{"not a SQLite database, or unreadable: " + tables.error(), db.path()};
  while (tables.step()) state.tables.push_back(tables.text(0));
  if (!tables.error().empty()) return Error{"not a SQLite database, or unreadable: " + tables.error(), db.path()};
  if (state.tables.empty()) return state;

  const bool has_meta = std::find(state.tables.begin(), state.tables.end(), "meta") != state.tables.end();
  std::optional<std::string> recorded;
  if (has_meta) {
    auto query = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
    if (!query.ok()) return Error{"reading meta.schema_version: " + query.error(), db.path()};
    if (query.step()) recorded = query.text(0);
    if (!query.error().empty()) return Error{"reading meta.schema_version: " + query.error(), db.path()};
  }
  // A lone empty meta table is what an interrupted first migration of older builds
  // left: still a new store.
  if (!recorded && state.tables.size() == 1 && has_meta) return state;
  if (!recorded) {
    std::string names;
    for (size_t i = 0; i < state.tables.size() && i < 5; ++i) names += (i ? ", " : "") + state.tables[i];
    if (state.tables.size() > 5) names += ", ...";
    return Error{"not a spamgraph store (it holds the tables " + names +
                     " and no spamgraph schema version); give --db a new file or an existing store",
                 db.path()};
  }
  state.version = parse_schema_version(*recorded);
  if (!state.version)
    return Error{"meta.schema_version is \"" + recorded->substr(0, 40) +
                     "\", not a schema version: the store is damaged",
                 db.path()};
  return state;
}

std::optional<int> parse_schema_version(std::string_view text) {
  // At most six digits: a real version is small, and stoi-style parsing of a huge or
  // signed value is how a damaged store crashed the reader.
  if (text.empty() || text.size() > 6) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1) return std::nullopt;
  return value;
}

Status migrate(sql::Database& db) {
  // Cheap check first, without the write lock: a reader of a current store must not
  // queue behind a writer's batch.
  auto outside = inspect_schema(db);
  if (!outside) return outside.error();
  if (outside->version == current_schema_version()) return Ok{};

  // Everything below runs under one write lock, so two processes opening a new or old
  // store at once migrate it once: the second one finds the work done.
  if (auto status = db.exec("BEGIN IMMEDIATE"); !status) return status;
  auto fail = [&](Error error) -> Status {
    (void)db.exec("ROLLBACK");
    return error;
  };
  auto state = inspect_schema(db);
  if (!state) return fail(state.error());
  int version = state->version.value_or(0);
  if (version > current_schema_version())
    return fail(Error{"written by a newer spamgraph (schema " + std::to_string(version) + ", this build knows " +
                          std::to_string(current_schema_version()) + ")",
                      db.path()});
  if (auto status = db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"); !status)
    return fail(status.error());
  for (; version < current_schema_version(); ++version) {
    if (version + 1 == 3)
      if (auto status = merge_duplicate_entities(db); !status)
        return fail(Error{"migration to schema 3 failed: " + status.error().message, db.path()});
    std::string script = migrations()[static_cast<size_t>(version)];
    script += "\nINSERT INTO meta(key, value) VALUES('schema_version', '" + std::to_string(version + 1) +
              "') ON CONFLICT(key) DO UPDATE SET value = excluded.value;";
    if (auto status = db.exec(script); !status)
      return fail(Error{"migration to schema " + std::to_string(version + 1) + " failed: " + status.error().message,
                        db.path()});
  }
  if (auto status = db.exec("COMMIT"); !status) return fail(status.error());
  return Ok{};
}

Status rebuild_network_seen(sql::Database& db) {
  return db.exec(std::string("DELETE FROM network_seen;") + kNetworkSeenFill);
}

}  // namespace sg
