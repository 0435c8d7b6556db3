"""Dict and list processing: grouping, sorting, aggregating records."""

RECORDS = [
    {
        "id": i,
        "team": f"team-{i % 9}",
        "score": (i * 37) % 101,
        "tags": [f"t{i % 4}", f"t{i % 3}"],
    }
    for i in range(600)
]


def main():
    by_team = {}
    for record in RECORDS:
        by_team.setdefault(record["team"], []).append(record)
    summary = []
    for team, members in sorted(by_team.items()):
        scores = [m["score"] for m in members]
        tags = {}
        for member in members:
            for tag in member["tags"]:
                tags[tag] = tags.get(tag, 0) + 1
        best = max(members, key=lambda m: m["score"])
        summary.append(
            {
                "team": team,
                "mean": round(sum(scores) / len(scores), 2),
                "best": best["id"],
                "top_tag": sorted(
                    tags.items(), key=lambda kv: (-kv[1], kv[0])
                )[0][0],
            }
        )
    ranked = sorted(summary, key=lambda s: -s["mean"])
    return [s["team"] for s in ranked], ranked[0]
