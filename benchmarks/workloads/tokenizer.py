"""A small tokenizer class, as a plugin parsing expressions would have."""

TEXT = "let total = price * (qty + 12) - discount / 3.5; " * 40


class Token:
    __slots__ = ("kind", "pos", "text")

    def __init__(self, kind, text, pos):
        self.kind = kind
        self.text = text
        self.pos = pos


class Tokenizer:
    KEYWORDS = frozenset({"let", "if", "else"})

    def __init__(self, text):
        self._text = text
        self._pos = 0
        self.tokens = []

    def _peek(self):
        return self._text[self._pos] if self._pos < len(self._text) else ""

    def _take_while(self, predicate):
        start = self._pos
        while self._pos < len(self._text) and predicate(self._text[self._pos]):
            self._pos += 1
        return self._text[start : self._pos]

    def run(self):
        while self._pos < len(self._text):
            char = self._peek()
            start = self._pos
            if char.isspace():
                self._pos += 1
            elif char.isalpha():
                word = self._take_while(str.isalnum)
                kind = "keyword" if word in self.KEYWORDS else "name"
                self.tokens.append(Token(kind, word, start))
            elif char.isdigit():
                number = self._take_while(lambda c: c.isdigit() or c == ".")
                self.tokens.append(Token("number", number, start))
            else:
                self._pos += 1
                self.tokens.append(Token("op", char, start))
        return self.tokens


def main():
    tokens = Tokenizer(TEXT).run()
    kinds = {}
    for token in tokens:
        kinds[token.kind] = kinds.get(token.kind, 0) + 1
    return len(tokens), sorted(kinds.items())
