#!/usr/bin/env bash
# Sets up, builds, and runs the main job on the bundled case: the two header
# excerpts of the blog post that started spamgraph (data/seed/), then answers
# "which domains share 103.244.54.137", the relays that handed that mail on, and,
# offline from ip-location-db's ASN data (fetched by setup.sh), who routes them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build=$(scripts/build.sh release)
db="${SPAMGRAPH_DEMO_DB:-$build/demo.db}"
rm -f "$db" "$db-wal" "$db-shm"
"$build/spamgraph" --db "$db" ingest data/seed/
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
