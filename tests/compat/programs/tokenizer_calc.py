"""A tokenizer, recursive-descent parser and evaluator for a small expression
language with variables, assignment, function calls and exponentiation.

Exercises: regex with named groups and finditer, namedtuple, generators,
parser/evaluator classes with properties and private helpers, the walrus
operator in while loops, recursion, custom exceptions, dict dispatch with
operator functions and functools.partial, match statement over tuple node types, math.
"""

import math
import operator
import re
from collections import namedtuple
from functools import partial

Token = namedtuple("Token", "kind text pos")

TOKEN_RE = re.compile(
    r"""
    (?P<NUMBER>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
  | (?P<NAME>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<OP>\*\*|[-+*/%^(),=])
  | (?P<SKIP>[ \t]+)
  | (?P<BAD>.)
    """,
    re.VERBOSE,
)


class CalcError(Exception):
    pass


class ParseError(CalcError):
    def __init__(self, message, token=None):
        where = f" at {token.pos}" if token is not None else ""
        super().__init__(message + where)
        self.token = token


def tokenize(source: str):
    for m in TOKEN_RE.finditer(source):
        kind = m.lastgroup
        if kind == "SKIP":
            continue
        if kind == "BAD":
            raise ParseError(f"unexpected character {m.group()!r}", Token(kind, m.group(), m.start()))
        yield Token(kind, m.group(), m.start())
    yield Token("END", "", len(source))


class Parser:
    """Grammar:
    stmt   := NAME '=' expr | expr
    expr   := term (('+'|'-') term)*
    term   := unary (('*'|'/'|'%') unary)*
    unary  := '-' unary | power
    power  := atom (('**'|'^') unary)?
    atom   := NUMBER | NAME | NAME '(' args ')' | '(' expr ')'
    """

    def __init__(self, source: str):
        self.tokens = list(tokenize(source))
        self.i = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.i]

    def _advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def _accept(self, *texts):
        if self.current.kind == "OP" and self.current.text in texts:
            return self._advance()
        return None

    def _expect(self, text):
        tok = self._accept(text)
        if tok is None:
            raise ParseError(f"expected {text!r}", self.current)
        return tok

    def parse(self):
        node = self.statement()
        if self.current.kind != "END":
            raise ParseError("trailing input", self.current)
        return node

    def statement(self):
        if self.current.kind == "NAME" and self.tokens[self.i + 1].text == "=":
            name = self._advance().text
            self._advance()
            return ("assign", name, self.expr())
        return self.expr()

    def expr(self):
        node = self.term()
        while (tok := self._accept("+", "-")) is not None:
            node = ("bin", tok.text, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while (tok := self._accept("*", "/", "%")) is not None:
            node = ("bin", tok.text, node, self.unary())
        return node

    def unary(self):
        if self._accept("-"):
            return ("neg", self.unary())
        return self.power()

    def power(self):
        base = self.atom()
        if self._accept("**", "^"):
            return ("bin", "**", base, self.unary())
        return base

    def atom(self):
        tok = self.current
        if tok.kind == "NUMBER":
            self._advance()
            return ("num", float(tok.text) if any(c in tok.text for c in ".eE") else int(tok.text))
        if tok.kind == "NAME":
            self._advance()
            if self._accept("("):
                args = []
                if not self._accept(")"):
                    args.append(self.expr())
                    while self._accept(","):
                        args.append(self.expr())
                    self._expect(")")
                return ("call", tok.text, args)
            return ("var", tok.text)
        if self._accept("("):
            node = self.expr()
            self._expect(")")
            return node
        raise ParseError(f"unexpected {tok.kind} {tok.text!r}", tok)


BINOPS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
    "**": operator.pow,
}

FUNCS = {
    "sqrt": math.sqrt,
    "max": max,
    "min": min,
    "abs": abs,
    "hypot": math.hypot,
    "floor": math.floor,
    "gcd": math.gcd,
    "round2": partial(round, ndigits=2),
}


class Evaluator:
    def __init__(self):
        self.env = {"pi": math.pi, "e": math.e}
        self.calls = 0

    def evaluate(self, node):
        self.calls += 1
        match node:
            case ("num", value):
                return value
            case ("var", name):
                if name not in self.env:
                    raise CalcError(f"undefined variable {name}")
                return self.env[name]
            case ("neg", inner):
                return -self.evaluate(inner)
            case ("bin", "/", left, right):
                divisor = self.evaluate(right)
                if divisor == 0:
                    raise CalcError("division by zero")
                return self.evaluate(left) / divisor
            case ("bin", op, left, right):
                return BINOPS[op](self.evaluate(left), self.evaluate(right))
            case ("call", fname, args):
                func = FUNCS.get(fname)
                if func is None:
                    raise CalcError(f"unknown function {fname}")
                return func(*[self.evaluate(a) for a in args])
            case ("assign", name, expr):
                value = self.env[name] = self.evaluate(expr)
                return value
        raise CalcError(f"bad node {node!r}")


PROGRAM = [
    "x = 3",
    "y = x * 4 + 2",
    "y ** 2 - x",
    "-2 ^ 2",
    "2 ** 3 ** 2",
    "hypot(x, 4) + sqrt(16)",
    "max(1, y, 7) % 5",
    "z = (x + y) / 2",
    "floor(z * pi)",
    "gcd(84, 36) * 1.5e1",
    "round2(pi * 100)",
    "1 / (x - 3)",
    "q + 1",
    "3 + * 4",
    "foo(2)",
    "7 $ 2",
    "(1 + 2",
]


def main() -> object:
    ev = Evaluator()
    out = []
    for line in PROGRAM:
        try:
            tree = Parser(line).parse()
            value = ev.evaluate(tree)
        except ParseError as exc:
            out.append(["parse-error", str(exc)])
        except CalcError as exc:
            out.append(["calc-error", str(exc)])
        else:
            out.append(["ok", round(value, 9) if isinstance(value, float) else value])
    token_kinds = [t.kind for t in tokenize("a1 = 2.5e3 ** (b - 4)")]
    return {
        "results": out,
        "env": {k: round(v, 9) for k, v in sorted(ev.env.items())},
        "eval_calls": ev.calls,
        "token_kinds": token_kinds,
    }
