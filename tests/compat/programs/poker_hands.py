"""Rank five-card poker hands, deal seeded games, and tally outcomes.

Exercises: namedtuple with methods (subclassing a namedtuple), Counter
and most_common, functools.cached_property, IntEnum categories,
functools.total_ordering and cmp_to_key, sorted with key/reverse,
itertools.combinations/product, random.Random(seed).shuffle/sample,
match with guards and star patterns, tuple comparison, string parsing,
__str__/__lt__/__eq__/__hash__, list/dict/set comprehensions.
"""

import random
from collections import Counter, namedtuple
from enum import IntEnum
from functools import cached_property, cmp_to_key, total_ordering
from itertools import combinations, product

RANKS = "23456789TJQKA"
SUITS = "cdhs"


class Card(namedtuple("Card", "rank suit")):
    __slots__ = ()

    @classmethod
    def parse(cls, text: str) -> "Card":
        return cls(RANKS.index(text[0]) + 2, text[1])

    def __str__(self):
        return RANKS[self.rank - 2] + self.suit


class Category(IntEnum):
    HIGH_CARD = 0
    PAIR = 1
    TWO_PAIR = 2
    TRIPS = 3
    STRAIGHT = 4
    FLUSH = 5
    FULL_HOUSE = 6
    QUADS = 7
    STRAIGHT_FLUSH = 8


@total_ordering
class Hand:
    def __init__(self, cards):
        self.cards = sorted(cards, key=lambda c: (c.rank, c.suit), reverse=True)
        if len(self.cards) != 5 or len(set(self.cards)) != 5:
            raise ValueError("a hand needs five distinct cards")
        self.category, self.tiebreak = self._evaluate()

    @classmethod
    def parse(cls, text: str) -> "Hand":
        return cls(Card.parse(t) for t in text.split())

    def _evaluate(self):
        counts = Counter(c.rank for c in self.cards)
        # order ranks by (multiplicity, rank) so pairs beat kickers
        grouped = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        ranks = [r for r, _ in grouped]
        shape = [n for _, n in grouped]
        flush = len({c.suit for c in self.cards}) == 1
        distinct = sorted(counts, reverse=True)
        straight = len(distinct) == 5 and distinct[0] - distinct[4] == 4
        if distinct == [14, 5, 4, 3, 2]:
            straight, ranks = True, [5, 4, 3, 2, 1]
        match shape:
            case _ if straight and flush:
                cat = Category.STRAIGHT_FLUSH
            case [4, 1]:
                cat = Category.QUADS
            case [3, 2]:
                cat = Category.FULL_HOUSE
            case _ if flush:
                cat = Category.FLUSH
            case _ if straight:
                cat = Category.STRAIGHT
            case [3, *_]:
                cat = Category.TRIPS
            case [2, 2, 1]:
                cat = Category.TWO_PAIR
            case [2, *_]:
                cat = Category.PAIR
            case _:
                cat = Category.HIGH_CARD
        return cat, tuple(ranks)

    @cached_property
    def key(self):
        return (self.category, self.tiebreak)

    def __eq__(self, other):
        return self.key == other.key

    def __lt__(self, other):
        return self.key < other.key

    def __hash__(self):
        return hash(self.key)

    def __str__(self):
        return " ".join(map(str, self.cards))


def best_of_seven(cards):
    return max(Hand(combo) for combo in combinations(cards, 5))


def compare_hands(a: Hand, b: Hand) -> int:
    return (a > b) - (a < b)


SAMPLES = [
    "AS KS QS JS TS".replace("S", "s"),
    "9c 9d 9h 9s 2c",
    "Kh Kd 4c 4s 4h",
    "2h 7h 9h Jh Qh",
    "Ac 2d 3h 4s 5c",
    "7c 7d 7h Qs 2c",
    "Jc Jd 3h 3s Ac",
    "Tc Td 8h 6s 2c",
    "Ac Qd 9h 6s 3c",
    "Tc Td 8h 6s 3d",
]


def main() -> object:
    hands = [Hand.parse(s) for s in SAMPLES]
    ranked = sorted(hands, key=cmp_to_key(compare_hands), reverse=True)

    rng = random.Random(1234)
    deck = [Card(r, s) for r, s in product(range(2, 15), SUITS)]
    tally = Counter()
    winners = Counter()
    showdowns = []
    for game in range(12):
        rng.shuffle(deck)
        board = deck[:5]
        players = [deck[5 + 2 * p: 7 + 2 * p] for p in range(3)]
        bests = [best_of_seven(board + hole) for hole in players]
        top = max(bests)
        win = [i for i, h in enumerate(bests) if h == top]
        for h in bests:
            tally[h.category.name] += 1
        winners["split" if len(win) > 1 else f"p{win[0]}"] += 1
        if game < 3:
            showdowns.append({"board": " ".join(map(str, board)), "best": [str(b) for b in bests]})

    sample_cards = rng.sample(deck, 5)
    try:
        Hand.parse("Ac Ac Kd Qh Js")
        dup = None
    except ValueError as exc:
        dup = str(exc)

    return {
        "categories": [h.category.name for h in hands],
        "ranked": [str(h) for h in ranked],
        "pair_tens_kicker_wins": hands[7] < hands[9] or hands[7] > hands[9],
        "equal_hands": Hand.parse("2c 3c 4c 5c 7d") == Hand.parse("2d 3d 4d 5d 7h"),
        "distinct_keys": len(set(hands)),
        "tally": dict(sorted(tally.items())),
        "winners": dict(sorted(winners.items())),
        "showdowns": showdowns,
        "sample": [str(c) for c in sample_cards],
        "duplicate": dup,
    }
