"""
The review-pipeline example: one workflow over the tools and agent of
two other plugins, with a fake Claude.
"""

CODE = "# a comment\nx = 1  # TODO: rename\n"


def test_review_file_reports_the_review_and_the_markers(
    plugin_host, fake_claude
):
    """The workflow strips comments, reviews, and lists open markers."""
    fake_claude.answer("Short and clear.\nRename x.")

    report = plugin_host.run_workflow("review-pipeline.review-file", code=CODE)

    assert report == {
        "headline": "Short and clear.",
        "review": "Short and clear.\nRename x.",
        "open_markers": ["line 2: TODO rename"],
    }
    assert "# a comment" not in fake_claude.prompts[0]


def test_report_alone_needs_no_review(plugin_host):
    """The report tool works on its own."""
    report = plugin_host.call_tool(
        "review-pipeline.report", review="", todos=[]
    )

    assert report == {
        "headline": "no review",
        "review": "",
        "open_markers": [],
    }
