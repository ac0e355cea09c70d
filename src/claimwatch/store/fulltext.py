"""The claim search language (``ClaimQuery.text``) as a PostgreSQL tsquery, so both engines read it alike.

Users write SQLite FTS5 syntax: words (all must match), ``"a phrase"``, ``OR``, ``NOT`` (binary: ``a NOT b``),
``prefix*`` and parentheses; NOT binds tighter than AND, AND than OR, as in FTS5. ``to_tsquery_text`` turns that
into ``to_tsquery`` input with every word single-quoted, so the server still normalises each one with the
store's text search configuration (case, accents). Text that is not valid in that syntax gives None: the caller
then searches its words literally (``websearch_to_tsquery``), as the SQLite store falls back to quoted words.
"""
from __future__ import annotations

from typing import Optional

KEYWORDS = ("OR", "AND", "NOT")


class _Invalid(ValueError):
    pass


def any_of(words: "list[str] | tuple[str, ...]") -> str:
    """An FTS5 query (the users' syntax above) matching any of ``words``, each as a phrase."""
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


def _quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _bareword_char(ch: str) -> bool:
    # FTS5 barewords: ASCII letters and digits, "_", and any non-ASCII character.
    return ch.isalnum() or ch == "_" or ord(ch) > 127


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, value): kind is "(", ")", "op" (OR/AND/NOT), "word", "prefix" or "phrase"."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append((ch, ch))
            i += 1
        elif ch == '"':
            j, buf = i + 1, []
            while True:
                if j >= n:
                    raise _Invalid("unbalanced quote")
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':  # "" inside a phrase is a literal quote
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(text[j])
                j += 1
            phrase = "".join(buf)
            if not phrase.strip():
                raise _Invalid("empty phrase")
            out.append(("phrase", phrase))
            i = j + 1
        elif _bareword_char(ch):
            j = i
            while j < n and _bareword_char(text[j]):
                j += 1
            word = text[i:j]
            if j < n and text[j] == "*":
                out.append(("prefix", word))
                j += 1
            elif word in KEYWORDS:
                out.append(("op", word))
            else:
                out.append(("word", word))
            i = j
        else:
            raise _Invalid(f"unexpected {ch!r}")
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Optional[tuple[str, str]]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise _Invalid("unexpected end")
        self.pos += 1
        return tok

    def parse(self) -> str:
        out = self.or_expr()
        if self.peek() is not None:
            raise _Invalid("trailing input")
        return out

    def or_expr(self) -> str:
        parts = [self.and_expr()]
        while self.peek() == ("op", "OR"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"

    def and_expr(self) -> str:
        parts = [self.not_expr()]
        while True:
            tok = self.peek()
            if tok == ("op", "AND"):
                self.take()
            elif tok is None or tok[0] in (")", "op"):
                break
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    def not_expr(self) -> str:
        out = self.primary()
        while self.peek() == ("op", "NOT"):
            self.take()
            out = f"({out} & !{self.primary()})"
        return out

    def primary(self) -> str:
        kind, value = self.take()
        if kind == "(":
            inner = self.or_expr()
            if self.take()[0] != ")":
                raise _Invalid("unbalanced parenthesis")
            return inner
        if kind == "word":
            return _quote(value)
        if kind == "prefix":
            return _quote(value) + ":*"
        if kind == "phrase":
            # One quoted operand of several words: to_tsquery joins its lexemes with <-> (followed by).
            return _quote(value)
        raise _Invalid(f"unexpected {value!r}")


def to_tsquery_text(text: str) -> Optional[str]:
    """``to_tsquery`` input for a search in FTS5 syntax, or None when the text is not valid in it."""
    try:
        tokens = _tokens(text)
        if not tokens:
            return None
        return _Parser(tokens).parse()
    except _Invalid:
        return None
