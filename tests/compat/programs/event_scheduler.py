"""A calendar scheduler: recurring events, priority-based conflict
resolution, free-slot search and a weekly agenda.

Exercises: datetime/date/time/timedelta arithmetic, strftime/isoformat,
fromisoformat, weekday(), combine(); IntEnum priorities; a dataclass with
order=True and field(compare=False); heapq merging of generators;
bisect.insort with key; itertools.islice/takewhile/groupby; generator
functions with ``yield``; sorted/min/max with keys; %-formatting.
"""

import bisect
import heapq
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import IntEnum
from itertools import groupby, islice, takewhile


class Priority(IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3
    CRITICAL = 4


@dataclass(order=True)
class Event:
    start: datetime
    end: datetime = field(compare=False)
    title: str = field(compare=False)
    priority: Priority = field(default=Priority.NORMAL, compare=False)
    tags: tuple = field(default=(), compare=False)

    def __post_init__(self):
        if self.end <= self.start:
            raise ValueError(f"event {self.title!r} ends before it starts")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: "Event") -> bool:
        return self.start < other.end and other.start < self.end

    def label(self) -> str:
        return "%s %s-%s %s" % (
            self.start.strftime("%a %d %b"),
            self.start.strftime("%H:%M"),
            self.end.strftime("%H:%M"),
            self.title,
        )


def recurring(title, first: datetime, length: timedelta, every: timedelta, until: date, **kw):
    current = first
    while current.date() <= until:
        yield Event(current, current + length, title, **kw)
        current += every


def weekdays_only(events):
    return (e for e in events if e.start.weekday() < 5)


class Scheduler:
    def __init__(self, day_start=time(8, 0), day_end=time(18, 0)):
        self.day_start = day_start
        self.day_end = day_end
        self.events: list[Event] = []
        self.rejected: list[str] = []

    def add(self, event: Event) -> bool:
        clashes = [e for e in self.events if e.overlaps(event)]
        if any(c.priority >= event.priority for c in clashes):
            self.rejected.append(event.title + "@" + event.start.isoformat(timespec="minutes"))
            return False
        for c in clashes:
            self.events.remove(c)
            self.rejected.append(c.title + "@" + c.start.isoformat(timespec="minutes"))
        bisect.insort(self.events, event, key=lambda e: e.start)
        return True

    def add_many(self, events):
        return sum(1 for e in events if self.add(e))

    def free_slots(self, day: date, minimum: timedelta):
        cursor = datetime.combine(day, self.day_start)
        end_of_day = datetime.combine(day, self.day_end)
        todays = [e for e in self.events if e.start.date() == day]
        for e in todays:
            if e.start - cursor >= minimum:
                yield (cursor, e.start)
            cursor = max(cursor, e.end)
        if end_of_day - cursor >= minimum:
            yield (cursor, end_of_day)

    def agenda(self):
        out = {}
        for day, items in groupby(self.events, key=lambda e: e.start.date()):
            out[day.isoformat()] = [e.label() for e in items]
        return out

    def busy_hours(self) -> float:
        total = sum((e.duration for e in self.events), timedelta())
        return total.total_seconds() / 3600


def main() -> object:
    monday = datetime(2024, 3, 4, 9, 0)
    until = date(2024, 3, 10)
    standups = weekdays_only(
        recurring("standup", monday, timedelta(minutes=15), timedelta(days=1), until, tags=("team",))
    )
    reviews = recurring(
        "review", monday.replace(hour=14), timedelta(hours=1), timedelta(days=2), until,
        priority=Priority.LOW,
    )
    merged = list(heapq.merge(standups, reviews))

    sched = Scheduler()
    added = sched.add_many(merged)
    one_offs = [
        Event(datetime.fromisoformat("2024-03-06T14:30"), datetime(2024, 3, 6, 16), "incident", Priority.CRITICAL),
        Event(datetime(2024, 3, 5, 9, 5), datetime(2024, 3, 5, 9, 45), "dentist", Priority.LOW),
        Event(datetime(2024, 3, 7, 11), datetime(2024, 3, 7, 12, 30), "lunch talk", Priority.HIGH),
        Event(datetime(2024, 3, 7, 12), datetime(2024, 3, 7, 13), "lunch", Priority.NORMAL),
    ]
    for ev in one_offs:
        sched.add(ev)

    try:
        Event(datetime(2024, 3, 8, 10), datetime(2024, 3, 8, 9), "broken")
        bad = None
    except ValueError as exc:
        bad = str(exc)

    slots = {
        d.isoformat(): [f"{a:%H:%M}-{b:%H:%M}" for a, b in sched.free_slots(d, timedelta(minutes=90))]
        for d in (date(2024, 3, 6), date(2024, 3, 7))
    }
    first_three = [e.title for e in islice(sched.events, 3)]
    before_wed = list(takewhile(lambda e: e.start < datetime(2024, 3, 6), sched.events))
    longest = max(sched.events, key=lambda e: (e.duration, e.start))
    deadline = datetime(2024, 3, 4, 17, 30) + timedelta(weeks=2, hours=-3)
    return {
        "merged_count": len(merged),
        "added": added,
        "final_count": len(sched.events),
        "rejected": sched.rejected,
        "agenda": sched.agenda(),
        "free_slots": slots,
        "first_three": first_three,
        "before_wednesday": len(before_wed),
        "longest": longest.label(),
        "busy_hours": round(sched.busy_hours(), 3),
        "bad": bad,
        "deadline": deadline.isoformat(),
        "deadline_weekday": deadline.strftime("%A"),
        "days_to_deadline": (deadline.date() - monday.date()).days,
        "priority_names": [p.name for p in sorted({e.priority for e in sched.events})],
    }
