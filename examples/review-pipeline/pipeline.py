"""
A workflow plugin: the steps call tools and agents of other plugins and
pass their results along.
"""

from typing import Any

from acc_plugins.sdk import Plugin, Step, Workflow, tool


class ReviewPipeline(Plugin):
    """Prepares code and has it reviewed."""

    workflows = (
        Workflow(
            name="review-file",
            description="Strip comments, list TODOs, review, and report.",
            inputs=("code",),
            steps=(
                Step(
                    tool="text-tools.extract_todos",
                    arguments={"code": "${input.code}"},
                    save_as="todos",
                ),
                Step(
                    tool="text-tools.strip_comments",
                    arguments={"code": "${input.code}"},
                    save_as="clean",
                ),
                Step(
                    agent="code-reviewer.review",
                    task="${clean}",
                    save_as="review",
                ),
                Step(
                    tool="report",
                    arguments={"review": "${review}", "todos": "${todos}"},
                    save_as="report",
                ),
            ),
            output="${report}",
        ),
    )

    @tool
    def report(
        self, review: str, todos: list[dict[str, Any]]
    ) -> dict[str, object]:
        """
        Combine a review and the TODO list into one report.

        Args:
            review: The review text.
            todos: Markers found in the code.
        """
        headline = review.splitlines()[0] if review else "no review"
        return {
            "headline": headline,
            "review": review,
            "open_markers": [
                f"line {t['line']}: {t['kind']} {t['text']}".rstrip()
                for t in todos
            ],
        }
