#!/usr/bin/python3
"""What single-link clustering by shared infrastructure should find on the generated store.

    /usr/bin/python3 bench/graph_truth.py [--seed 1]

bench/gen_mbox.py builds a world of 250 campaigns (with --seed) before it writes any
message. This script builds the same world and joins every two of its campaigns that
share a sender domain, an origin IP or a link domain, weighting each campaign by its
share of the messages. It prints how many groups that leaves and the share of messages
in the largest: what `campaign auto` can at best separate on that store, since mail
that shares those features is, by the issue's definition, one campaign.
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_mbox as g  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--seed", type=int, default=1)
args = ap.parse_args()
rng = random.Random(args.seed)
w = g.World(rng)
rng = random.Random(1)
w = g.World(rng)
cs = w.campaigns
parent = list(range(len(cs)))
def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]; x = parent[x]
    return x
def union(a, b):
    a, b = find(a), find(b)
    if a != b: parent[a] = b
for feat in ("domains", "origins", "link_domains"):
    owner = {}
    for i, c in enumerate(cs):
        for f in c[feat]:
            if f in owner: union(i, owner[f])
            else: owner[f] = i
tot = sum(w.weights)
comp = {}
for i in range(len(cs)):
    comp.setdefault(find(i), 0.0)
    comp[find(i)] += w.weights[i]
sizes = sorted(comp.values(), reverse=True)
print("components", len(sizes), "largest share of messages %.3f" % (sizes[0] / tot), "next", [round(s / tot, 3) for s in sizes[1:5]])
# sender domains only
parent = list(range(len(cs)))
owner = {}
for i, c in enumerate(cs):
    for f in c["domains"]:
        if f in owner: union(i, owner[f])
        else: owner[f] = i
comp = {}
for i in range(len(cs)):
    comp[find(i)] = comp.get(find(i), 0) + w.weights[i]
s = sorted(comp.values(), reverse=True)
print("sender domains only: components", len(s), "largest %.3f" % (s[0] / tot))
