"""A backtracking Sudoku solver with constraint propagation for a 9x9 puzzle
and a 4x4 puzzle, plus validation helpers.

Exercises: a solver class with private helpers, recursion, sets, all/any,
generator expressions, nested functions with ``nonlocal`` counters,
custom exceptions, divmod, string joining, range steps, dict comprehension,
early returns, for/else.
"""

PUZZLE_9 = (
    "53..7...."
    "6..195..."
    ".98....6."
    "8...6...3"
    "4..8.3..1"
    "7...2...6"
    ".6....28."
    "...419..5"
    "....8..79"
)

PUZZLE_4 = "1..4" ".4.." "2..3" "4..1"

BROKEN = "11" + "." * 79


class UnsolvableError(Exception):
    pass


class Sudoku:
    def __init__(self, text: str, box: int = 3):
        self.box = box
        self.size = box * box
        if len(text) != self.size ** 2:
            raise ValueError(f"expected {self.size ** 2} cells, got {len(text)}")
        self.grid = [[0] * self.size for _ in range(self.size)]
        for idx, ch in enumerate(text):
            r, c = divmod(idx, self.size)
            self.grid[r][c] = int(ch) if ch.isdigit() else 0
        self.guesses = 0
        self.propagated = 0

    def _row(self, r):
        return set(self.grid[r])

    def _col(self, c):
        return {self.grid[r][c] for r in range(self.size)}

    def _box(self, r, c):
        br, bc = r - r % self.box, c - c % self.box
        return {
            self.grid[y][x] for y in range(br, br + self.box) for x in range(bc, bc + self.box)
        }

    def candidates(self, r, c):
        used = self._row(r) | self._col(c) | self._box(r, c)
        return [d for d in range(1, self.size + 1) if d not in used]

    def empty_cells(self):
        return [(r, c) for r in range(self.size) for c in range(self.size) if not self.grid[r][c]]

    def is_consistent(self) -> bool:
        def no_dupes(values):
            filled = [v for v in values if v]
            return len(filled) == len(set(filled))

        rows = all(no_dupes(self.grid[r]) for r in range(self.size))
        cols = all(no_dupes([self.grid[r][c] for r in range(self.size)]) for c in range(self.size))
        boxes = all(
            no_dupes(
                [
                    self.grid[y][x]
                    for y in range(br, br + self.box)
                    for x in range(bc, bc + self.box)
                ]
            )
            for br in range(0, self.size, self.box)
            for bc in range(0, self.size, self.box)
        )
        return rows and cols and boxes

    def _propagate(self):
        """Fill naked singles repeatedly; return list of filled cells."""
        filled = []
        changed = True
        while changed:
            changed = False
            for r, c in self.empty_cells():
                options = self.candidates(r, c)
                if len(options) == 1:
                    self.grid[r][c] = options[0]
                    filled.append((r, c))
                    changed = True
        self.propagated += len(filled)
        return filled

    def _undo(self, cells):
        for r, c in cells:
            self.grid[r][c] = 0

    def _search(self) -> bool:
        filled = self._propagate()
        empties = self.empty_cells()
        if not empties:
            return True
        r, c = min(empties, key=lambda rc: (len(self.candidates(*rc)), rc))
        for digit in self.candidates(r, c):
            self.guesses += 1
            self.grid[r][c] = digit
            if self._search():
                break
            self.grid[r][c] = 0
        else:
            self._undo(filled)
            return False
        return True

    def solve(self) -> "Sudoku":
        if not self.is_consistent() or not self._search():
            raise UnsolvableError("no solution")
        return self

    def rows_as_strings(self):
        return ["".join(str(d) for d in row) for row in self.grid]


def count_solutions(text: str, box: int, cap: int = 10) -> int:
    puzzle = Sudoku(text, box)
    found = 0

    def backtrack():
        nonlocal found
        if found >= cap:
            return
        empties = puzzle.empty_cells()
        if not empties:
            found += 1
            return
        r, c = empties[0]
        for d in puzzle.candidates(r, c):
            puzzle.grid[r][c] = d
            backtrack()
            puzzle.grid[r][c] = 0

    backtrack()
    return found


def main() -> object:
    big = Sudoku(PUZZLE_9).solve()
    small = Sudoku(PUZZLE_4, box=2).solve()
    try:
        Sudoku(BROKEN).solve()
        broken = "solved?!"
    except UnsolvableError as exc:
        broken = str(exc)
    try:
        Sudoku("123")
        short = None
    except ValueError as exc:
        short = str(exc)
    digit_sums = {i: sum(row) for i, row in enumerate(big.grid)}
    return {
        "solution_9": big.rows_as_strings(),
        "consistent": big.is_consistent(),
        "guesses_9": big.guesses,
        "propagated_9": big.propagated,
        "solution_4": small.rows_as_strings(),
        "solutions_of_blank_4x4": count_solutions("." * 16, 2, cap=300),
        "solutions_of_puzzle_4": count_solutions(PUZZLE_4, 2),
        "broken": broken,
        "short": short,
        "row_sums_ok": all(v == 45 for v in digit_sums.values()),
        "diagonal": [big.grid[i][i] for i in range(9)],
    }
