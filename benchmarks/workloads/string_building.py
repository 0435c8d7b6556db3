"""String building: reports, joins, f-strings and formatting."""

ROWS = [(f"item-{i}", i * 3, i % 7 == 0) for i in range(300)]


def render(rows):
    lines = []
    for name, count, flagged in rows:
        mark = "!" if flagged else " "
        lines.append(f"{mark} {name:<12} {count:>6} {'#' * (count % 10)}")
    header = "Report\n" + "=" * 30
    return header + "\n" + "\n".join(lines)


def main():
    text = render(ROWS)
    words = text.split()
    upper = " ".join(w.upper() for w in words[:200])
    return len(text), len(words), upper[:40], text.count("!")
