"""A vending machine implemented with the State pattern, driven by a
scripted list of actions, with a maintenance-mode context manager and an
audit log decorator.

Exercises: a State base class with subclasses overriding methods,
polymorphic dispatch, class attributes, __str__/__repr__/__call__/__bool__,
name-mangled private attributes (self.__coins), a read-only property,
a context manager class with __enter__/__exit__ and exception
suppression, decorators with arguments using functools.wraps,
Flag enums with |= and membership, star-unpacking in for targets,
try/except/else with re-raise, ``raise ... from``, integer division.
"""

from enum import Flag, auto
from functools import wraps


class MachineError(Exception):
    pass


class InvalidAction(MachineError):
    pass


class Alarm(Flag):
    NONE = 0
    LOW_CHANGE = auto()
    EMPTY_SLOT = auto()
    TAMPER = auto()


def audited(label):
    def decorator(method):
        @wraps(method)
        def wrapper(self, *args):
            before = str(self.state)
            try:
                result = method(self, *args)
            except MachineError as exc:
                self.log.append(f"{label}{list(args)}: {before} !! {exc}")
                raise
            else:
                self.log.append(f"{label}{list(args)}: {before} -> {self.state}")
                return result
        return wrapper
    return decorator


class State:
    name = "abstract"

    def __init__(self, machine):
        self.machine = machine

    def insert(self, cents):
        raise InvalidAction(f"cannot insert coins while {self.name}")

    def select(self, slot):
        raise InvalidAction(f"cannot select while {self.name}")

    def cancel(self):
        raise InvalidAction(f"nothing to cancel while {self.name}")

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<State {self.name}>"


class Idle(State):
    name = "idle"

    def insert(self, cents):
        self.machine.credit += cents
        self.machine.state = HasCredit(self.machine)


class HasCredit(State):
    name = "credit"

    def insert(self, cents):
        self.machine.credit += cents

    def select(self, slot):
        m = self.machine
        if slot not in m.slots:
            raise InvalidAction(f"no slot {slot}")
        name, price, count = m.slots[slot]
        if count == 0:
            m.alarms |= Alarm.EMPTY_SLOT
            raise InvalidAction(f"{name} sold out")
        if m.credit < price:
            raise InvalidAction(f"need {price - m.credit} more cents")
        m.slots[slot] = (name, price, count - 1)
        m.credit -= price
        m.dispensed.append(name)
        m.revenue += price
        m.state = Idle(m)
        m.give_change()

    def cancel(self):
        self.machine.give_change()
        self.machine.state = Idle(self.machine)


class Maintenance(State):
    name = "maintenance"


class VendingMachine:
    COINS = (200, 100, 50, 20, 10, 5)

    def __init__(self, float_coins=4):
        self.state = Idle(self)
        self.credit = 0
        self.revenue = 0
        self.slots = {}
        self.dispensed = []
        self.returned = []
        self.log = []
        self.alarms = Alarm.NONE
        self.__coins = {c: float_coins for c in self.COINS}

    @property
    def coin_total(self):
        return sum(c * n for c, n in self.__coins.items())

    def load(self, slot, name, price, count):
        self.slots[slot] = (name, price, count)

    def _make_change(self, amount):
        given = {}
        for coin in self.COINS:
            n = min(amount // coin, self.__coins[coin])
            if n:
                given[coin] = n
                amount -= coin * n
                self.__coins[coin] -= n
        if amount:
            self.alarms |= Alarm.LOW_CHANGE
        return given, amount

    def give_change(self):
        if self.credit:
            given, owed = self._make_change(self.credit)
            self.returned.append({"coins": {str(k): v for k, v in given.items()}, "owed": owed})
            self.credit = 0

    @audited("insert")
    def insert(self, cents):
        if cents not in self.COINS:
            raise InvalidAction(f"rejected coin {cents}")
        self.state.insert(cents)
        self.__coins[cents] += 1

    @audited("select")
    def select(self, slot):
        self.state.select(slot)

    @audited("cancel")
    def cancel(self):
        self.state.cancel()

    def __call__(self, action, *args):
        handler = {"insert": self.insert, "select": self.select, "cancel": self.cancel}.get(action)
        if handler is None:
            raise MachineError(f"unknown action {action}")
        return handler(*args)

    def __bool__(self):
        return any(count for _, _, count in self.slots.values())

    def maintenance(self):
        return MaintenanceMode(self)


class MaintenanceMode:
    def __init__(self, machine):
        self.machine = machine
        self.previous = None

    def __enter__(self):
        self.previous = self.machine.state
        self.machine.state = Maintenance(self.machine)
        return self.machine

    def __exit__(self, exc_type, exc, tb):
        self.machine.state = self.previous
        return exc_type is not None and issubclass(exc_type, InvalidAction)


SCRIPT = [
    ("select", "A1"), ("insert", 100), ("insert", 50), ("select", "A1"),
    ("insert", 200), ("select", "B2"), ("insert", 7), ("insert", 20), ("select", "C3"),
    ("cancel",), ("cancel",), ("insert", 200), ("insert", 200), ("select", "B2"),
    ("insert", 100), ("select", "A2"), ("insert", 50), ("select", "A2"), ("refund",),
    ("insert", 200), ("select", "A1"),
]


def main() -> object:
    vm = VendingMachine(float_coins=2)
    vm.load("A1", "cola", 130, 3)
    vm.load("A2", "water", 90, 1)
    vm.load("B2", "crisps", 175, 1)
    outcomes = []
    for action, *args in SCRIPT:
        try:
            vm(action, *args)
        except InvalidAction as exc:
            outcomes.append(f"invalid: {exc}")
        except MachineError as exc:
            outcomes.append(f"error: {exc}")
        else:
            outcomes.append(f"ok: {vm.state}")

    with vm.maintenance() as m:
        m.load("A2", "water", 95, 5)
        m.insert(100)  # InvalidAction is suppressed by the context manager
    after_maintenance = str(vm.state)
    try:
        with vm.maintenance():
            raise MachineError("door open")
    except MachineError as exc:
        tamper = str(exc)
        vm.alarms |= Alarm.TAMPER
    try:
        try:
            vm.select("Z9")
        except InvalidAction as exc:
            raise MachineError("fatal") from exc
    except MachineError as exc:
        chained = [str(exc), isinstance(exc.args[0], str)]
    return {
        "outcomes": outcomes,
        "log": vm.log,
        "dispensed": vm.dispensed,
        "returned": vm.returned,
        "revenue": vm.revenue,
        "coin_total": vm.coin_total,
        "slots": {k: list(v) for k, v in sorted(vm.slots.items())},
        "alarms": sorted(a.name for a in Alarm if a and a in vm.alarms),
        "has_stock": bool(vm),
        "after_maintenance": after_maintenance,
        "tamper": tamper,
        "chained": chained,
        "repr": repr(vm.state),
    }
