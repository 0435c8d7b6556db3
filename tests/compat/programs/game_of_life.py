"""Conway's Game of Life on a small toroidal grid, plus a sparse set-based
variant, with cycle detection.

Exercises: a Grid class with __getitem__/__setitem__ on (y, x) tuples,
__eq__/__hash__/__str__/__len__/__iter__, nested list comprehensions,
augmented assignment on nested items (grid[y][x] += 1), itertools.product,
set comprehensions, frozenset, Counter, zip, enumerate, staticmethod,
classmethod constructors.
"""

from collections import Counter
from itertools import product

GLIDER = """
.#......
..#.....
###.....
........
........
........
"""

BLINKER_AND_BLOCK = """
.........
..#......
..#...##.
..#...##.
.........
"""


class Grid:
    __slots__ = ("height", "width", "cells")

    def __init__(self, height: int, width: int):
        self.height = height
        self.width = width
        self.cells = [[0] * width for _ in range(height)]

    @classmethod
    def parse(cls, text: str) -> "Grid":
        rows = [line for line in text.strip().splitlines() if line]
        grid = cls(len(rows), max(len(r) for r in rows))
        for y, row in enumerate(rows):
            for x, ch in enumerate(row):
                if ch == "#":
                    grid[y, x] = 1
        return grid

    def __getitem__(self, pos):
        y, x = pos
        return self.cells[y % self.height][x % self.width]

    def __setitem__(self, pos, value):
        y, x = pos
        self.cells[y % self.height][x % self.width] = value

    def __iter__(self):
        for y, x in product(range(self.height), range(self.width)):
            if self.cells[y][x]:
                yield (y, x)

    def __len__(self):
        return sum(map(sum, self.cells))

    def __eq__(self, other):
        if not isinstance(other, Grid):
            return NotImplemented
        return self.cells == other.cells

    def __hash__(self):
        return hash(tuple(tuple(row) for row in self.cells))

    def __str__(self):
        return "\n".join("".join("#" if c else "." for c in row) for row in self.cells)

    @staticmethod
    def _offsets():
        return [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)]

    def neighbour_counts(self):
        counts = [[0] * self.width for _ in range(self.height)]
        for y, x in self:
            for dy, dx in self._offsets():
                counts[(y + dy) % self.height][(x + dx) % self.width] += 1
        return counts

    def step(self) -> "Grid":
        counts = self.neighbour_counts()
        nxt = Grid(self.height, self.width)
        for y, row in enumerate(counts):
            for x, n in enumerate(row):
                alive = self.cells[y][x]
                nxt.cells[y][x] = 1 if n == 3 or (alive and n == 2) else 0
        return nxt


def sparse_step(live: frozenset) -> frozenset:
    counts = Counter(
        (y + dy, x + dx) for (y, x) in live for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx
    )
    return frozenset(cell for cell, n in counts.items() if n == 3 or (n == 2 and cell in live))


def run_until_cycle(grid: Grid, limit: int = 100):
    seen = {grid: 0}
    history = [len(grid)]
    for gen in range(1, limit + 1):
        grid = grid.step()
        history.append(len(grid))
        if grid in seen:
            return {"cycle_start": seen[grid], "period": gen - seen[grid], "populations": history}
        seen[grid] = gen
    return {"cycle_start": None, "period": None, "populations": history}


def bounding_box(cells):
    ys = [y for y, _ in cells]
    xs = [x for _, x in cells]
    return [min(ys), min(xs), max(ys), max(xs)]


def main() -> object:
    glider = Grid.parse(GLIDER)
    glider_run = run_until_cycle(glider)

    g = glider
    for _ in range(4):
        g = g.step()
    shifted = sorted(g)
    original = sorted(glider)
    displacement = sorted({(b[0] - a[0], b[1] - a[1]) for a, b in zip(original, shifted)})

    osc = Grid.parse(BLINKER_AND_BLOCK)
    osc_run = run_until_cycle(osc)

    live = frozenset(glider)
    boxes = []
    for _ in range(8):
        live = sparse_step(live)
        boxes.append(bounding_box(live))

    rng_seedless = Grid(7, 7)
    for i in range(7):
        rng_seedless[i, (i * 3) % 7] = 1
        rng_seedless[i, (i * 5 + 1) % 7] = 1
    chaos = run_until_cycle(rng_seedless, limit=40)

    return {
        "glider": glider_run,
        "glider_after_4": str(g).splitlines(),
        "displacement": displacement,
        "oscillator": osc_run,
        "sparse_boxes": boxes,
        "chaos": chaos,
        "wrap_lookup": [glider[-1, -1], glider[0, 9], glider[2, 0]],
    }
