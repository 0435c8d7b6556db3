"""L-system string rewriting plus a turtle that walks the result,
collecting coordinates, bounding boxes and path length.

Exercises: string rewriting with join over a generator, dict.get
defaults, a Turtle class with __slots__, a stack of saved states,
math.sin/cos/radians/hypot/isclose/fsum, complex numbers, tuple unpacking,
a Vec namedtuple subclass with __add__/__sub__/__mul__/__abs__, round(),
statistics.fmean, match on single characters, generator pipelines.
"""

import math
import statistics
from collections import namedtuple


class Vec(namedtuple("Vec", "x y")):
    __slots__ = ()

    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def __sub__(self, other):
        return Vec(self.x - other.x, self.y - other.y)

    def __mul__(self, k):
        return Vec(self.x * k, self.y * k)

    def __abs__(self):
        return math.hypot(self.x, self.y)

    def rounded(self, nd=4):
        return [round(self.x, nd) + 0.0, round(self.y, nd) + 0.0]


class LSystem:
    def __init__(self, axiom: str, rules: dict, angle: float):
        self.axiom = axiom
        self.rules = dict(rules)
        self.angle = angle

    def expand(self, iterations: int) -> str:
        s = self.axiom
        for _ in range(iterations):
            s = "".join(self.rules.get(ch, ch) for ch in s)
        return s

    def generations(self, n):
        s = self.axiom
        yield s
        for _ in range(n):
            s = "".join(self.rules.get(ch, ch) for ch in s)
            yield s


class Turtle:
    __slots__ = ("pos", "heading", "stack", "path", "pen_down", "max_depth")

    def __init__(self):
        self.pos = Vec(0.0, 0.0)
        self.heading = 90.0
        self.stack = []
        self.path = [self.pos]
        self.pen_down = True
        self.max_depth = 0

    def forward(self, dist=1.0):
        rad = math.radians(self.heading)
        self.pos = self.pos + Vec(math.cos(rad), math.sin(rad)) * dist
        if self.pen_down:
            self.path.append(self.pos)

    def turn(self, degrees):
        self.heading = (self.heading + degrees) % 360

    def push(self):
        self.stack.append((self.pos, self.heading))
        self.max_depth = max(self.max_depth, len(self.stack))

    def pop(self):
        self.pos, self.heading = self.stack.pop()
        self.path.append(self.pos)

    def run(self, program: str, angle: float, step: float = 1.0):
        for ch in program:
            match ch:
                case "F" | "G" | "A" | "B":
                    self.forward(step)
                case "f":
                    self.pen_down = False
                    self.forward(step)
                    self.pen_down = True
                case "+":
                    self.turn(angle)
                case "-":
                    self.turn(-angle)
                case "[":
                    self.push()
                case "]":
                    self.pop()
        return self


def bbox(points):
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    return [round(min(xs), 3) + 0.0, round(min(ys), 3) + 0.0, round(max(xs), 3) + 0.0, round(max(ys), 3) + 0.0]


def path_length(points):
    return math.fsum(abs(b - a) for a, b in zip(points, points[1:]))


def complex_walk(program: str, angle: float) -> complex:
    """Same walk with complex numbers, to cross-check the turtle."""
    z, d = 0j, 1j
    rot = complex(math.cos(math.radians(angle)), math.sin(math.radians(angle)))
    stack = []
    for ch in program:
        if ch in "FGAB":
            z += d
        elif ch == "+":
            d *= rot
        elif ch == "-":
            d /= rot
        elif ch == "[":
            stack.append((z, d))
        elif ch == "]":
            z, d = stack.pop()
    return z


SYSTEMS = {
    "koch": LSystem("F", {"F": "F+F-F-F+F"}, 90),
    "sierpinski": LSystem("A", {"A": "B-A-B", "B": "A+B+A"}, 60),
    "plant": LSystem("X", {"X": "F+[[X]-X]-F[-FX]+X", "F": "FF"}, 25),
    "dragon": LSystem("FX", {"X": "X+YF+", "Y": "-FX-Y"}, 90),
}


def main() -> object:
    report = {}
    for name, system in SYSTEMS.items():
        program = system.expand(4)
        turtle = Turtle().run(program, system.angle)
        end = turtle.pos
        z = complex_walk(program, system.angle)
        report[name] = {
            "length": len(program),
            "symbols": {ch: program.count(ch) for ch in sorted(set(program))},
            "segments": len(turtle.path) - 1,
            "end": end.rounded(),
            "cross_check": math.isclose(end.x, z.real, abs_tol=1e-9)
            and math.isclose(end.y, z.imag, abs_tol=1e-9),
            "bbox": bbox(turtle.path),
            "path_length": round(path_length(turtle.path), 4),
            "max_stack": turtle.max_depth,
            "mean_y": round(statistics.fmean(p.y for p in turtle.path), 4) + 0.0,
        }
    growth = [len(g) for g in SYSTEMS["koch"].generations(5)]
    ratios = [round(b / a, 3) for a, b in zip(growth, growth[1:])]
    return {"systems": report, "koch_growth": growth, "koch_ratios": ratios}
