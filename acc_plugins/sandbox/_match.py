"""
The pattern-matching part of the sandbox policy: ``match`` statements are
ordinary code, but class patterns read attributes with a plain getattr.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from RestrictedPython.transformer import RestrictingNodeTransformer

from ._policy import FORBIDDEN_ATTRIBUTES, GUARDED_ATTRIBUTES


if TYPE_CHECKING:
    import ast


class MatchRules(RestrictingNodeTransformer):
    """
    Visitors for ``match``; the names they bind are checked like any name.
    """

    def visit_Match(self, node: ast.Match) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_match_case(self, node: ast.match_case) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_MatchValue(self, node: ast.MatchValue) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_MatchSingleton(self, node: ast.MatchSingleton) -> ast.AST:
        return node

    def visit_MatchSequence(self, node: ast.MatchSequence) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> ast.AST:
        self.check_name(node, node.name)
        return node

    def visit_MatchMapping(self, node: ast.MatchMapping) -> ast.AST:
        self.check_name(node, node.rest)
        return self.node_contents_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> ast.AST:
        self.check_name(node, node.name)
        return self.node_contents_visit(node)

    def visit_MatchOr(self, node: ast.MatchOr) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_MatchClass(self, node: ast.MatchClass) -> ast.AST:
        # Keyword patterns read attributes with a plain getattr, so they get
        # the strictest rule: public, unguarded names only.
        for attr in node.kwd_attrs:
            if (
                attr.startswith("_")
                or attr in FORBIDDEN_ATTRIBUTES
                or attr in GUARDED_ATTRIBUTES
            ):
                self.error(
                    node, f"matching on attribute {attr!r} is not allowed"
                )
        return self.node_contents_visit(node)
