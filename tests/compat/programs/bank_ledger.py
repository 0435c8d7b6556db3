"""A small double-entry-ish bank ledger using Decimal money amounts.

Exercises: custom exception hierarchy, ``raise ... from``, try/except/else/finally,
Decimal arithmetic and quantize, properties with setters, classmethods,
name-mangled attributes, augmented assignment on attributes and dict items,
defaultdict, f-strings with format specs.
"""

from collections import defaultdict
from decimal import Decimal, ROUND_HALF_EVEN

CENT = Decimal("0.01")


class LedgerError(Exception):
    """Base class for all ledger problems."""


class InsufficientFunds(LedgerError):
    def __init__(self, account_id, needed, available):
        super().__init__(f"account {account_id}: needs {needed}, has {available}")
        self.account_id = account_id
        self.needed = needed
        self.available = available


class FrozenAccount(LedgerError):
    pass


class UnknownAccount(LedgerError, KeyError):
    pass


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_EVEN)


class Account:
    _next_id = 100

    def __init__(self, owner: str, opening: Decimal = Decimal("0")):
        self.owner = owner
        self.id = Account._next_id
        Account._next_id += 1
        self.__balance = money(opening)
        self._frozen = False
        self.history: list[tuple[str, Decimal]] = []

    @classmethod
    def reset_ids(cls, start: int = 100) -> None:
        cls._next_id = start

    @property
    def balance(self) -> Decimal:
        return self.__balance

    @property
    def frozen(self) -> bool:
        return self._frozen

    @frozen.setter
    def frozen(self, value: bool) -> None:
        self._frozen = bool(value)

    def _check_open(self):
        if self._frozen:
            raise FrozenAccount(f"account {self.id} is frozen")

    def deposit(self, amount) -> Decimal:
        self._check_open()
        amount = money(amount)
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self.__balance += amount
        self.history.append(("dep", amount))
        return self.__balance

    def withdraw(self, amount) -> Decimal:
        self._check_open()
        amount = money(amount)
        if amount > self.__balance:
            raise InsufficientFunds(self.id, amount, self.__balance)
        self.__balance -= amount
        self.history.append(("wd", amount))
        return self.__balance

    def __repr__(self):
        return f"Account({self.owner!r}, id={self.id}, balance={self.__balance})"


class Bank:
    def __init__(self, name: str):
        self.name = name
        self.accounts: dict[int, Account] = {}
        self.fees = Decimal("0.00")
        self.stats = defaultdict(int)

    def open_account(self, owner, opening="0") -> Account:
        acct = Account(owner, money(opening))
        self.accounts[acct.id] = acct
        self.stats["opened"] += 1
        return acct

    def get(self, account_id: int) -> Account:
        try:
            return self.accounts[account_id]
        except KeyError as exc:
            raise UnknownAccount(account_id) from exc

    def transfer(self, src_id, dst_id, amount, fee_rate="0.005") -> bool:
        fee = money(Decimal(str(amount)) * Decimal(fee_rate))
        src = dst = None
        try:
            src = self.get(src_id)
            dst = self.get(dst_id)
            src.withdraw(money(amount) + fee)
        except InsufficientFunds as exc:
            self.stats["declined"] += 1
            self.stats["shortfall_cents"] += int((exc.needed - exc.available) * 100)
            return False
        except LedgerError:
            self.stats["errors"] += 1
            return False
        else:
            dst.deposit(amount)
            self.fees += fee
            self.stats["transfers"] += 1
            return True
        finally:
            self.stats["attempts"] += 1

    def apply_interest(self, annual_rate: str, months: int = 1) -> None:
        monthly = Decimal(annual_rate) / 12
        for acct in self.accounts.values():
            if acct.frozen or acct.balance <= 0:
                continue
            for _ in range(months):
                interest = money(acct.balance * monthly)
                if interest > 0:
                    acct.deposit(interest)

    def total(self) -> Decimal:
        return sum((a.balance for a in self.accounts.values()), Decimal("0")) + self.fees


def main() -> object:
    Account.reset_ids()
    bank = Bank("Compat Savings")
    alice = bank.open_account("alice", "1500.00")
    bob = bank.open_account("bob", "320.50")
    carol = bank.open_account("carol", "75")
    dave = bank.open_account("dave")

    start_total = bank.total()
    script = [
        (alice.id, bob.id, "250.00"),
        (bob.id, carol.id, "600"),  # declined
        (carol.id, dave.id, "10.10"),
        (alice.id, 999, "1"),  # unknown account
        (dave.id, alice.id, "5"),
        (bob.id, alice.id, "99.99"),
    ]
    results = [bank.transfer(*step) for step in script]

    carol.frozen = True
    results.append(bank.transfer(carol.id, alice.id, "1"))
    try:
        carol.deposit("5")
    except FrozenAccount as exc:
        frozen_msg = str(exc)
    carol.frozen = False

    bad_deposit = None
    try:
        dave.deposit("-3")
    except ValueError as exc:
        bad_deposit = exc.args[0]

    try:
        bank.get(12345)
    except KeyError as exc:
        unknown_is_keyerror = isinstance(exc, UnknownAccount) and exc.__cause__ is not None

    bank.apply_interest("0.036", months=3)

    summary = {
        a.owner: f"{a.balance:,.2f}" for a in sorted(bank.accounts.values(), key=lambda a: a.owner)
    }
    return {
        "results": results,
        "balances": summary,
        "fees": str(bank.fees),
        "stats": dict(sorted(bank.stats.items())),
        "frozen_msg": frozen_msg,
        "bad_deposit": bad_deposit,
        "unknown_is_keyerror": unknown_is_keyerror,
        "history_lengths": [len(a.history) for a in bank.accounts.values()],
        "start_total": str(start_total),
        "end_total": str(bank.total()),
        "repr": repr(dave),
    }
