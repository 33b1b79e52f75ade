#!/usr/bin/env bash
# Sets up, builds, and runs the main job on the bundled case: the two header
# excerpts of the blog post that started spamgraph (data/seed/), then answers
# "which domains share 103.244.54.137", the relays that handed that mail on, and,
# offline from ip-location-db's ASN data (fetched by setup.sh), who routes them;
# then the findings: one campaign, what appeared between the two mails, and the
# report for the blog (Markdown in Japanese; the HTML file beside the store).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build=$(scripts/build.sh release)
db="${SPAMGRAPH_DEMO_DB:-$build/demo.db}"
rm -f "$db" "$db-wal" "$db-shm"
# The excerpts carry no date: the blog quotes the earlier mail first and "the newest"
# second, so they are dated here a few weeks apart.
"$build/spamgraph" --db "$db" ingest --assume-time 2020-01-10T09:00:00Z data/seed/jacks-1.txt
"$build/spamgraph" --db "$db" ingest --assume-time 2020-02-20T09:00:00Z data/seed/jacks-2.txt
echo
"$build/spamgraph" --db "$db" shares 103.244.54.137
# ...and which machines handed each sender's mail on: the relays of 114.113.195.0/24.
for sender in g0zs8omwfqere.link authoranz.xyz; do
  echo
  "$build/spamgraph" --db "$db" shares "$sender"
done
# Who routes them: IP -> prefix -> origin AS -> holder, from an offline dataset.
asn_data=$(ls -d data/downloads/ip-location-db-asn-* | tail -1)
echo
"$build/spamgraph" --db "$db" data import ip-location-db "$asn_data/asn-ipv4.csv"
"$build/spamgraph" --db "$db" enrich asn
echo
"$build/spamgraph" --db "$db" show ip 103.244.54.137 | sed -n '/^  network:/,$p'
echo
"$build/spamgraph" --db "$db" asn AS133027
# Findings: the campaign, what is new since the first mail, and the report.
echo
"$build/spamgraph" --db "$db" campaign auto
echo
"$build/spamgraph" --db "$db" diff --since 2020-01-11 --until 2020-02-28
echo
"$build/spamgraph" --db "$db" report 1 --format md --lang ja --since 2020-01-11
"$build/spamgraph" --db "$db" report 1 --format html --lang ja --since 2020-01-11 -o "${db%.db}-report.html"
