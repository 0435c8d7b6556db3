"""A tiny text adventure driven by a scripted list of commands.

Exercises: Enum/auto, IntEnum, Flag, match statements (literal, capture,
sequence with star, or-patterns, guards, class patterns on a dataclass),
dataclasses with default_factory, str methods, dict/set manipulation.
"""

from dataclasses import dataclass, field
from enum import Enum, Flag, IntEnum, auto


class Direction(Enum):
    NORTH = "n"
    SOUTH = "s"
    EAST = "e"
    WEST = "w"

    @property
    def opposite(self) -> "Direction":
        pairs = {"n": "s", "s": "n", "e": "w", "w": "e"}
        return Direction(pairs[self.value])


class Feature(Flag):
    NONE = 0
    DARK = auto()
    LOCKED = auto()
    WATER = auto()


class Score(IntEnum):
    PICKUP = 5
    NEW_ROOM = 10
    TREASURE = 50


@dataclass
class Item:
    name: str
    weight: int = 1
    treasure: bool = False


@dataclass
class Room:
    name: str
    description: str
    features: Feature = Feature.NONE
    exits: dict = field(default_factory=dict)
    items: list = field(default_factory=list)


@dataclass
class Player:
    location: str
    inventory: list = field(default_factory=list)
    score: int = 0
    visited: set = field(default_factory=set)
    capacity: int = 7

    @property
    def load(self) -> int:
        return sum(item.weight for item in self.inventory)


def build_world() -> dict:
    rooms = {
        "hall": Room("hall", "A dusty entrance hall."),
        "library": Room("library", "Shelves of mouldy books.", Feature.DARK),
        "vault": Room("vault", "A heavy iron vault.", Feature.LOCKED | Feature.DARK),
        "garden": Room("garden", "An overgrown garden with a pond.", Feature.WATER),
    }

    def link(a, direction, b):
        rooms[a].exits[direction] = b
        rooms[b].exits[direction.opposite] = a

    link("hall", Direction.NORTH, "library")
    link("hall", Direction.EAST, "garden")
    link("library", Direction.EAST, "vault")
    rooms["hall"].items.append(Item("lamp", 2))
    rooms["garden"].items += [Item("key", 1), Item("rock", 4)]
    rooms["vault"].items.append(Item("crown", 3, treasure=True))
    rooms["library"].items.append(Item("book", 2))
    return rooms


class Game:
    def __init__(self):
        self.rooms = build_world()
        self.player = Player("hall")
        self.player.visited.add("hall")
        self.log: list[str] = []
        self.turns = 0

    @property
    def here(self) -> Room:
        return self.rooms[self.player.location]

    def _has(self, name):
        return any(i.name == name for i in self.player.inventory)

    def move(self, direction: Direction) -> str:
        target = self.here.exits.get(direction)
        if target is None:
            return "You can't go that way."
        room = self.rooms[target]
        if Feature.LOCKED in room.features:
            if not self._has("key"):
                return "The door is locked."
            room.features &= ~Feature.LOCKED
        self.player.location = target
        if target not in self.player.visited:
            self.player.visited.add(target)
            self.player.score += Score.NEW_ROOM
        return self.describe()

    def describe(self) -> str:
        room = self.here
        if Feature.DARK in room.features and not self._has("lamp"):
            return "It is pitch dark."
        names = ", ".join(i.name for i in room.items) or "nothing"
        exits = "".join(sorted(d.value for d in room.exits))
        return f"{room.description} You see {names}. Exits: {exits}"

    def take(self, name: str) -> str:
        for item in list(self.here.items):
            if item.name == name:
                if self.player.load + item.weight > self.player.capacity:
                    return f"The {name} is too heavy."
                self.here.items.remove(item)
                self.player.inventory.append(item)
                self.player.score += Score.TREASURE if item.treasure else Score.PICKUP
                return f"Taken: {name}."
        return f"No {name} here."

    def drop(self, name: str) -> str:
        for item in self.player.inventory:
            if item.name == name:
                self.player.inventory.remove(item)
                self.here.items.append(item)
                return f"Dropped {name}."
        return "You don't have that."

    def handle(self, line: str) -> str:
        self.turns += 1
        words = line.lower().split()
        match words:
            case []:
                return "Say something."
            case ["go", ("n" | "s" | "e" | "w") as d]:
                return self.move(Direction(d))
            case ["go", other]:
                return f"Unknown direction {other!r}."
            case ["look"] | ["l"]:
                return self.describe()
            case ["take" | "get", *rest] if rest:
                return self.take(" ".join(rest))
            case ["drop", name]:
                return self.drop(name)
            case ["inventory" | "i"]:
                return "Carrying: " + ", ".join(sorted(i.name for i in self.player.inventory))
            case [verb, *_]:
                return f"I don't know how to {verb}."

    def inspect(self, thing) -> str:
        match thing:
            case Item(name=n, treasure=True):
                return f"{n} (treasure)"
            case Item(name=n, weight=w) if w > 3:
                return f"{n} (heavy)"
            case Item(name=n):
                return n
            case Room(name=n, features=f):
                return f"room {n} features={f.value}"
            case _:
                return "?"


SCRIPT = [
    "look", "go n", "take book", "go s", "take lamp", "go n", "look",
    "go e", "go s", "go e", "take key", "take rock", "drop book",
    "take rock", "go w", "go n", "go e", "take crown", "drop rock", "i", "dance wildly",
    "go up", "", "get crown",
]


def main() -> object:
    game = Game()
    transcript = [(cmd, game.handle(cmd)) for cmd in SCRIPT]
    inspections = [game.inspect(i) for i in game.player.inventory]
    inspections.append(game.inspect(game.rooms["vault"]))
    inspections.append(game.inspect(42))
    return {
        "transcript": transcript,
        "score": game.player.score,
        "location": game.player.location,
        "visited": sorted(game.player.visited),
        "load": game.player.load,
        "turns": game.turns,
        "inspections": inspections,
        "room_items": {name: [i.name for i in r.items] for name, r in game.rooms.items()},
    }
