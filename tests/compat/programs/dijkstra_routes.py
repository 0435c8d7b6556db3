"""Shortest routes on a small weighted road network: Dijkstra with heapq,
path reconstruction, heapq.nsmallest, BFS hop counts and a minimum
spanning tree with Kruskal + union-find.

Exercises: heapq push/pop with tuples, defaultdict(dict), deque BFS,
math.inf / math.isinf, generator functions, union-find class with
path compression, sorted with itemgetter, functools.total_ordering on a
small Route class, frozen dataclass as heap entry, string formatting.
"""

import heapq
import math
from collections import defaultdict, deque
from dataclasses import dataclass, field
from functools import total_ordering
from operator import itemgetter

ROADS = """
Amber   Birch   7
Amber   Cedar   9
Amber   Fir     14
Birch   Cedar   10
Birch   Dogwood 15
Cedar   Dogwood 11
Cedar   Fir     2
Dogwood Elm     6
Elm     Fir     9
Elm     Grove   4
Grove   Hazel   3
Hazel   Dogwood 12
Ivy     Juniper 1
"""


class Graph:
    def __init__(self):
        self._adj = defaultdict(dict)
        self.edge_count = 0

    @classmethod
    def from_text(cls, text: str) -> "Graph":
        g = cls()
        for line in text.strip().splitlines():
            a, b, w = line.split()
            g.add_edge(a, b, int(w))
        return g

    def add_edge(self, a, b, weight):
        self._adj[a][b] = weight
        self._adj[b][a] = weight
        self.edge_count += 1

    def __contains__(self, node):
        return node in self._adj

    def __len__(self):
        return len(self._adj)

    def nodes(self):
        return sorted(self._adj)

    def neighbours(self, node):
        yield from sorted(self._adj[node].items())

    def edges(self):
        for a in self.nodes():
            for b, w in self.neighbours(a):
                if a < b:
                    yield (a, b, w)


@dataclass(order=True, frozen=True)
class QueueEntry:
    cost: int
    node: str = field(compare=True)


def dijkstra(graph: Graph, source: str):
    dist = {n: math.inf for n in graph.nodes()}
    prev = {}
    dist[source] = 0
    heap = [QueueEntry(0, source)]
    pops = 0
    while heap:
        entry = heapq.heappop(heap)
        pops += 1
        if entry.cost > dist[entry.node]:
            continue
        for nb, w in graph.neighbours(entry.node):
            alt = entry.cost + w
            if alt < dist[nb]:
                dist[nb] = alt
                prev[nb] = entry.node
                heapq.heappush(heap, QueueEntry(alt, nb))
    return dist, prev, pops


def reconstruct(prev, source, target):
    path = [target]
    while path[-1] != source:
        if path[-1] not in prev:
            return None
        path.append(prev[path[-1]])
    return path[::-1]


@total_ordering
class Route:
    def __init__(self, stops, cost):
        self.stops = list(stops)
        self.cost = cost

    def __eq__(self, other):
        return (self.cost, self.stops) == (other.cost, other.stops)

    def __lt__(self, other):
        return (self.cost, len(self.stops)) < (other.cost, len(other.stops))

    def __str__(self):
        return "{} ({} km)".format(" -> ".join(self.stops), self.cost)


def hop_counts(graph, source):
    hops = {source: 0}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for nb, _ in graph.neighbours(node):
            if nb not in hops:
                hops[nb] = hops[node] + 1
                queue.append(nb)
    return hops


class DisjointSet:
    def __init__(self, items):
        self.parent = {i: i for i in items}
        self.rank = dict.fromkeys(items, 0)

    def find(self, x):
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a, b) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.rank[ra] < self.rank[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if self.rank[ra] == self.rank[rb]:
            self.rank[ra] += 1
        return True


def kruskal(graph):
    ds = DisjointSet(graph.nodes())
    tree = [e for e in sorted(graph.edges(), key=itemgetter(2, 0, 1)) if ds.union(e[0], e[1])]
    components = len({ds.find(n) for n in graph.nodes()})
    return tree, components


def main() -> object:
    g = Graph.from_text(ROADS)
    dist, prev, pops = dijkstra(g, "Amber")
    routes = []
    for target in g.nodes():
        path = reconstruct(prev, "Amber", target)
        if path and target != "Amber":
            routes.append(Route(path, dist[target]))
    routes.sort()
    nearest = heapq.nsmallest(3, ((d, n) for n, d in dist.items() if n != "Amber" and not math.isinf(d)))
    tree, components = kruskal(g)
    return {
        "nodes": len(g),
        "edges": g.edge_count,
        "distances": {n: (None if math.isinf(d) else d) for n, d in dist.items()},
        "pops": pops,
        "routes": [str(r) for r in routes],
        "longest": str(max(routes)),
        "nearest": nearest,
        "hops": hop_counts(g, "Amber"),
        "unreachable": reconstruct(prev, "Amber", "Ivy"),
        "mst": tree,
        "mst_weight": sum(w for *_, w in tree),
        "components": components,
        "has_ivy": "Ivy" in g,
        "sorted_equal": Route(["a"], 3) == Route(["a"], 3) and Route(["a"], 3) <= Route(["b", "c"], 3),
    }
