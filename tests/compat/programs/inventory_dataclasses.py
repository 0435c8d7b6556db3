"""A warehouse inventory built from dataclasses: products, stock lines,
orders and a restocking report.

Exercises: @dataclass with defaults, field(default_factory=...),
field(compare=False/repr=False), __post_init__ validation, frozen and
order=True dataclasses, dataclasses.asdict/astuple/replace/fields,
Enum, typing annotations (Optional, List, Dict), sorted by multiple keys,
itertools.groupby, Decimal totals, statistics.mean/median.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, astuple, dataclass, field, fields, replace
from decimal import Decimal
from enum import Enum
from itertools import groupby
from typing import Dict, List, Optional


class Category(Enum):
    TOOLS = "tools"
    GARDEN = "garden"
    KITCHEN = "kitchen"


@dataclass(frozen=True, order=True)
class SKU:
    category: str
    code: int

    def __str__(self):
        return f"{self.category[:3].upper()}-{self.code:04d}"


@dataclass
class Product:
    sku: SKU
    name: str
    unit_price: Decimal
    category: Category
    tags: List[str] = field(default_factory=list)
    notes: str = field(default="", repr=False, compare=False)

    def __post_init__(self):
        if self.unit_price < 0:
            raise ValueError(f"negative price for {self.name}")
        self.name = self.name.strip().title()


@dataclass
class StockLine:
    product: Product
    quantity: int = 0
    reorder_level: int = 5
    location: Optional[str] = None

    @property
    def value(self) -> Decimal:
        return self.product.unit_price * self.quantity

    @property
    def needs_reorder(self) -> bool:
        return self.quantity <= self.reorder_level


@dataclass(order=True)
class Order:
    priority: int
    order_id: str = field(compare=False)
    lines: Dict[str, int] = field(default_factory=dict, compare=False)


class OutOfStock(Exception):
    def __init__(self, sku, wanted, have):
        super().__init__(f"{sku}: wanted {wanted}, have {have}")
        self.shortfall = wanted - have


class Warehouse:
    def __init__(self):
        self.stock: Dict[str, StockLine] = {}
        self.shipped: List[str] = []
        self.failures: List[str] = []

    def add(self, product: Product, quantity: int, **kwargs) -> None:
        key = str(product.sku)
        if key in self.stock:
            self.stock[key].quantity += quantity
        else:
            self.stock[key] = StockLine(product, quantity, **kwargs)

    def fulfil(self, order: Order) -> bool:
        for key, qty in order.lines.items():
            line = self.stock.get(key)
            have = line.quantity if line else 0
            if have < qty:
                self.failures.append(str(OutOfStock(key, qty, have)))
                return False
        for key, qty in order.lines.items():
            self.stock[key].quantity -= qty
        self.shipped.append(order.order_id)
        return True

    def report(self):
        lines = sorted(self.stock.values(), key=lambda line: (line.product.category.value, -line.value))
        out = {}
        for cat, grouped in groupby(lines, key=lambda line: line.product.category):
            group = list(grouped)
            out[cat.value] = {
                "items": [f"{line.product.name}:{line.quantity}" for line in group],
                "value": str(sum((line.value for line in group), Decimal("0"))),
                "reorder": [str(line.product.sku) for line in group if line.needs_reorder],
            }
        return out


def catalogue():
    raw = [
        ("tools", 1, "  claw hammer ", "12.50", Category.TOOLS, ["steel"]),
        ("tools", 2, "screwdriver set", "19.99", Category.TOOLS, []),
        ("garden", 7, "watering can", "8.75", Category.GARDEN, ["plastic"]),
        ("garden", 3, "hose reel", "34.00", Category.GARDEN, ["metal", "heavy"]),
        ("kitchen", 11, "chef knife", "45.00", Category.KITCHEN, ["steel", "sharp"]),
        ("kitchen", 4, "cutting board", "15.25", Category.KITCHEN, ["wood"]),
    ]
    return [Product(SKU(c, n), name, Decimal(p), cat, tags) for c, n, name, p, cat, tags in raw]


def main() -> object:
    products = catalogue()
    wh = Warehouse()
    for i, p in enumerate(products):
        wh.add(p, 3 + i * 4, reorder_level=6, location=f"A{i % 3}")
    wh.add(products[0], 10)

    orders = [
        Order(2, "ord-b", {"TOO-0001": 5, "GAR-0007": 2}),
        Order(1, "ord-a", {"KIT-0011": 20}),
        Order(3, "ord-c", {"KIT-0004": 1, "TOO-0002": 7}),
        Order(1, "ord-d", {"GAR-0003": 30}),
        Order(2, "ord-e", {"TOO-0002": 7}),
    ]
    results = {o.order_id: wh.fulfil(o) for o in sorted(orders)}

    try:
        Product(SKU("tools", 99), "bad", Decimal("-1"), Category.TOOLS)
        invalid = None
    except ValueError as exc:
        invalid = str(exc)

    discounted = replace(products[4], unit_price=products[4].unit_price * Decimal("0.8"))
    prices = [float(p.unit_price) for p in products]
    as_dict = asdict(products[1])
    as_dict["unit_price"] = str(as_dict["unit_price"])
    as_dict["category"] = as_dict["category"].value

    return {
        "sorted_skus": [str(s) for s in sorted(p.sku for p in products)],
        "results": results,
        "shipped": wh.shipped,
        "failures": wh.failures,
        "report": wh.report(),
        "invalid": invalid,
        "discounted": str(discounted.unit_price),
        "original_unchanged": str(products[4].unit_price),
        "equal_ignoring_notes": replace(products[0], notes="x") == products[0],
        "field_names": [f.name for f in fields(StockLine)],
        "astuple_sku": list(astuple(products[2].sku)),
        "asdict": as_dict,
        "price_mean": round(statistics.mean(prices), 4),
        "price_median": statistics.median(prices),
        "repr": repr(products[3].sku),
    }
