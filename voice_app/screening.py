"""Finds words in a free-text answer that may mean a child is not safe. Pure: no Flask, no
database.

A match is only a reason for someone to look ("possible concern"), never a judgement: a
person reads the answer and either acts or closes the alert as not a concern. So the lists
lean towards catching a disclosure, but stay short enough that staff keep trusting alerts.

Each language has its own list, a plain-text file named after the language code (`en.txt`,
`cy.txt`...) in `concern_words/`; a council can keep its own folder with the same file
names, and each file there replaces the shipped list for that language. The syntax is
described at the top of `concern_words/en.txt`. English is always checked as well as the
answer's language, because children mix languages.

Matching, for every language:
- capitals, accents and the kind of apostrophe make no difference, and an apostrophe may be
  left out ("dont"); Arabic is matched without its vowel marks and with its common
  spelling variants (alef with or without hamza, final ya and ta marbuta) folded together;
- whole words only ("hit" is never found in "white" or "this");
- a letter typed many times still matches ("scaaared", "hurrrt");
- the words of a phrase may be separated by spaces, line breaks, hyphens, dashes, slashes,
  underscores, ellipses or nothing at all ("kill-myself", "runaway"), but not by a full
  stop, comma, colon, semicolon, question or exclamation mark, so "No. Food is great" is
  not "no food".
English words also match their usual endings (see `english_forms`); other languages match
only what is written, with `*` where a word may take more letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_FOLDER = Path(__file__).resolve().parent / "concern_words"
FALLBACK_LANGUAGE = "en"
MIN_WILDCARD_CORE = 3  # "ab*" would match far too much


class WordListError(ValueError):
    """A word list cannot be read: the message names the file and line."""


# --- Text normalisation: applied alike to answers and to list entries ---------------------

_APOSTROPHES = "\u2019\u2018\u02bc\u02b9\u2032\u00b4`"
_STRIPPED = re.compile(
    "["
    "\u0300-\u036f"  # accents on Latin, Greek and Cyrillic letters (after decomposition)
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"  # Arabic marks
    "\u0640"  # Arabic tatweel, the stretching stroke
    "\u200b\u2060\ufeff"  # invisible spaces that keyboards and copy-paste leave inside words
    "]"
)
_FOLDED = str.maketrans(
    {
        **dict.fromkeys(_APOSTROPHES, "'"),
        "ł": "l",  # Polish ł has no decomposition; children often type l for it
        "ø": "o",
        "đ": "d",
        "\u0649": "\u064a",  # Arabic alef maqsura and ya are often typed for each other
        "\u06cc": "\u064a",  # the Persian-keyboard ya and kaf, for Arabic typed on them
        "\u06a9": "\u0643",
        "\u0629": "\u0647",  # ta marbuta is often typed as ha
    }
)


def normalise(text: str) -> str:
    """Text as it is matched: case-folded, decomposed, without accents or Arabic vowel marks
    (hamza on alef goes with them), with one kind of apostrophe."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = _STRIPPED.sub("", text)
    return unicodedata.normalize("NFC", text).translate(_FOLDED)


@lru_cache(maxsize=1)
def _marks_class() -> str:
    """A regex class of the combining marks left after normalising (Devanagari, Bengali,
    Gurmukhi vowel signs...). Python counts them as non-word characters, yet they sit inside
    words, so whole-word checks must treat them as letters."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x80, 0x10000):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "[" + "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges) + "]"


# Characters allowed between the words of a phrase (see the module notes); runs of two or
# more dots are an ellipsis, a single dot ends a sentence.
_JOINERS = r"\s\-_/\\*~+\u2010-\u2015\u2212\u200c\u200d"
_SEPARATOR = rf"(?:[{_JOINERS}]|\.{{2,}})*+"
_SPLIT_ENTRY = re.compile(rf"[{_JOINERS.replace('*', '')}]+")
_SENTENCE_BREAK = re.compile(r"[.,;:!?]")


# --- English endings ---------------------------------------------------------------------

_VOWELS = "aeiou"


def english_forms(word: str) -> frozenset[str]:
    """The word and its usual English endings: -s/-es (-ies), -ed (-ied), -ing, with the last
    consonant doubled after a short vowel (hit: hitting, stab: stabbed) and a final e dropped
    (bruise: bruised, bruising). Common misspellings come along (hiting, dieing), which is
    why the rules generate rather than check.

    No -er: it would turn sports and objects into alarms (hitter, kicker, burner). Words of
    one or two letters, words already ending in -ed or -ing, and words that are not plain
    ASCII letters are matched as written."""
    if len(word) < 3 or not (word.isascii() and word.isalpha()):
        return frozenset({word})
    if len(word) > 4 and word.endswith(("ed", "ing")):
        return frozenset({word})
    forms = {word}
    consonant_y = word.endswith("y") and word[-2] not in _VOWELS
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    elif consonant_y:
        forms.add(word[:-1] + "ies")
    elif word.endswith("o") and word[-2] not in _VOWELS:
        forms |= {word + "s", word + "es"}
    else:
        forms.add(word + "s")
    if word.endswith("ie"):
        forms |= {word + "d", word[:-2] + "ying", word + "ing"}
    elif word.endswith(("ee", "oe", "ye")):
        forms |= {word + "d", word + "ing"}
    elif word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing", word + "ing"}
    elif consonant_y:
        forms |= {word[:-1] + "ied", word + "ing"}
    else:
        forms |= {word + "ed", word + "ing"}
        if word[-1] not in _VOWELS + "wxy" and word[-2] in _VOWELS and word[-3] not in _VOWELS:
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return frozenset(forms)


# --- Parsing a list ----------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One word of an entry, normalised: the letters, and how far it may vary."""

    text: str
    exact: bool = False  # written "=word": no endings
    joined_before: bool = False  # written "*word": letters may be joined on in front
    joined_after: bool = False  # written "word*": the word may go on


@dataclass(frozen=True)
class Entry:
    """One line of a list: what staff are shown (`label`, the first spelling as written)
    and every spelling that counts as it."""

    label: str
    spellings: tuple[tuple[Word, ...], ...]
    line: int


def _parse_word(token: str, where: str) -> Word:
    exact = token.startswith("=")
    token = token.removeprefix("=")
    before = token.startswith("*")
    after = token.endswith("*") and len(token) > 1
    core = token.strip("*").strip("'")
    if not core or "*" in core or "=" in core:
        raise WordListError(f"{where}: '{token}' is not a word ('*' goes only at either end)")
    if exact and (before or after):
        raise WordListError(f"{where}: '={token}' cannot be both exact and joined ('*')")
    if not all(ch == "'" or ch.isalnum() or unicodedata.category(ch).startswith("M") for ch in core):
        raise WordListError(f"{where}: '{core}' holds a character that is not a letter")
    if (before or after) and len(core) < MIN_WILDCARD_CORE:
        raise WordListError(f"{where}: '{token}' needs at least {MIN_WILDCARD_CORE} letters besides '*'")
    return Word(core, exact=exact, joined_before=before, joined_after=after)


def _parse_spelling(spelling: str, where: str) -> tuple[Word, ...]:
    text = normalise(spelling).strip()
    if _SENTENCE_BREAK.search(text):
        raise WordListError(f"{where}: '{spelling}' holds punctuation that a phrase cannot cross")
    words = tuple(_parse_word(token, where) for token in _SPLIT_ENTRY.split(text) if token)
    if not words:
        raise WordListError(f"{where}: an empty spelling (look for a stray '|')")
    return words


def _label(spelling: str) -> str:
    return " ".join(token.removeprefix("=").strip("*") for token in spelling.split())


def _parse_lines(text: str, source: str) -> tuple[list[Entry], list[Entry]]:
    entries: list[Entry] = []
    ignored: list[Entry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source} line {number}"
        target = entries
        if line.startswith("!"):
            target, line = ignored, line[1:].strip()
        spellings = [part.strip() for part in line.split("|")]
        parsed = tuple(_parse_spelling(spelling, where) for spelling in spellings)
        target.append(Entry(_label(spellings[0]), parsed, number))
    return entries, ignored


# --- Building the regular expression -----------------------------------------------------
#
# Speed: the expression starts with a choice of single letters (the first letter of each
# spelling), which lets Python's regex engine skip straight to places where a spelling could
# begin; the whole-word check on the left comes just after that first letter. A spelling
# written "*word" starts at the first letter of its core and skips that check, since other
# letters may be joined on in front.


def _runs(form: str) -> tuple[tuple[str, int], ...]:
    """A form as runs of one character ("hitting": h, i, tt, i, n, g), so that a letter typed
    many times is one run matched by one quantifier."""
    runs: list[tuple[str, int]] = []
    for ch in form:
        if runs and runs[-1][0] == ch and ch != "'":
            runs[-1] = (ch, runs[-1][1] + 1)
        else:
            runs.append((ch, 1))
    return tuple(runs)


def _run_pattern(run: tuple[str, int], already: int = 0) -> str:
    """A run typed at least as often as written; `already` of it matched by the caller."""
    ch, count = run
    if ch == "'":
        return "'?"
    least = count - already
    return re.escape(ch) + {0: "*", 1: "+"}.get(least, f"{{{least},}}")


Trie = dict[tuple[str, int] | None, "Trie"]


def _trie(forms: Iterable[str]) -> Trie:
    trie: Trie = {}
    for form in forms:
        node = trie
        for run in _runs(form):
            node = node.setdefault(run, {})
        node[None] = {}
    return trie


def _render(node: Trie) -> str:
    """One pattern for the forms below `node`, sharing their beginnings (hit, hits, hitting:
    one "hit", then the endings), so the expression stays small and quick."""
    branches = [_run_pattern(run) + _render(child) for run, child in node.items() if run is not None]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if None in node else body


def _letters() -> str:
    return rf"(?:[^\W_]|{_marks_class()})"


def _forms(word: Word, english: bool) -> frozenset[str]:
    return frozenset({word.text}) if word.exact or not english else english_forms(word.text)


def _word_pattern(word: Word, english: bool) -> str:
    core = _render(_trie(_forms(word, english)))
    letters = _letters()
    return (f"{letters}*" if word.joined_before else "") + core + (f"{letters}*" if word.joined_after else "")


def _spelling_pattern(words: tuple[Word, ...], english: bool) -> str:
    return _SEPARATOR.join(_word_pattern(word, english) for word in words)


def _split_first_letter(words: tuple[Word, ...], english: bool) -> tuple[str, str]:
    """(first letter, pattern for the rest) of a spelling. Every form of a word shares its
    first run of letters, as endings only add; a word written "*word" starts at its core."""
    first = words[0]
    trie = _trie(_forms(first, english))
    ((run, child),) = trie.items()
    assert run is not None
    rest = _run_pattern(run, already=1) + _render(child)
    if first.joined_after:
        rest += f"{_letters()}*"
    if len(words) > 1:
        rest += _SEPARATOR + _spelling_pattern(words[1:], english)
    return run[0], rest


def _no_letter_after() -> str:
    return rf"(?![^\W_]|{_marks_class()})"


def _whole_words(body: str) -> re.Pattern[str]:
    """A pattern for `body` standing as whole words (used to check a list for spellings that
    another already matches)."""
    return re.compile(rf"(?<![^\W_])(?<!{_marks_class()})(?:{body}){_no_letter_after()}")


def _specific_first(words: tuple[Word, ...]) -> tuple[int, int]:
    # At one place in the text the first alternative that fits wins, so longer phrases go
    # first: "hurt myself" is reported as that, not as "hurt".
    return (-len(words), -sum(len(word.text) for word in words))


@dataclass(frozen=True)
class _Compiled:
    pattern: re.Pattern[str] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    inside_words: frozenset[str] = frozenset()  # groups of spellings written "*word ..."


def _compile(entries: list[Entry], english: bool) -> _Compiled:
    """One expression for a list, the label of each named group, and which groups may start
    inside a word."""
    alternatives = sorted(
        ((words, index, entry) for index, entry in enumerate(entries) for words in entry.spellings),
        key=lambda item: (_specific_first(item[0]), item[1]),
    )
    if not alternatives:
        return _Compiled()
    labels: dict[str, str] = {}
    inside: set[str] = set()
    by_letter: dict[str, tuple[list[str], list[str]]] = {}
    for number, (words, _, entry) in enumerate(alternatives):
        name = f"s{number}"
        labels[name] = entry.label
        letter, rest = _split_first_letter(words, english)
        whole, joined = by_letter.setdefault(letter, ([], []))
        if words[0].joined_before:
            inside.add(name)
            joined.append(f"(?P<{name}>{rest})")
        else:
            whole.append(f"(?P<{name}>{rest})")
    starts = []
    for letter, (whole, joined) in by_letter.items():
        # After the first letter, for whole words: the character before it must not be a
        # letter (nor a mark, which `WordList.find` checks, to keep this expression small).
        branches = ([f"(?<![^\\W_].)(?:{'|'.join(whole)})"] if whole else []) + joined
        starts.append(f"{re.escape(letter)}(?:{'|'.join(branches)})")
    pattern = re.compile(f"(?:{'|'.join(starts)}){_no_letter_after()}")
    return _Compiled(pattern, labels, frozenset(inside))


# --- Word lists --------------------------------------------------------------------------


def _uses_english_endings(language: str) -> bool:
    return language.split("-")[0] == "en"


@dataclass(frozen=True)
class WordList:
    """One language's list, compiled once into one regular expression."""

    language: str
    entries: tuple[Entry, ...]
    ignored: tuple[Entry, ...] = ()
    source: str = ""
    _concerns: _Compiled = field(default_factory=_Compiled, repr=False, compare=False)
    _ignore: _Compiled = field(default_factory=_Compiled, repr=False, compare=False)

    @classmethod
    def parse(cls, text: str, language: str, source: str = "") -> WordList:
        """A list from the text of its file (`source` names it in error messages)."""
        language = language.casefold()
        entries, ignored = _parse_lines(text, source or f"{language}.txt")
        concerns = _compile(entries, _uses_english_endings(language))
        # "Not a concern" phrases match exactly as written, with no endings, so that one never
        # hides more than it says ("in touch" must not hide "interested in touching").
        ignore = _compile(ignored, english=False)
        return cls(language, tuple(entries), tuple(ignored), source, concerns, ignore)

    def find(self, normalised: str) -> list[tuple[int, str]]:
        """(position, label) of each match in text already passed through `normalise`."""
        concerns = self._concerns
        if concerns.pattern is None:
            return []
        spans = [m.span() for m in self._ignore.pattern.finditer(normalised)] if self._ignore.pattern else []
        found = []
        for match in concerns.pattern.finditer(normalised):
            start, end = match.span()
            name = match.lastgroup or ""
            if (
                start
                and name not in concerns.inside_words
                and unicodedata.category(normalised[start - 1]).startswith("M")
            ):
                continue  # inside a word of a script with vowel signs
            if not any(a <= start and end <= b for a, b in spans):
                found.append((start, concerns.labels[name]))
        return found

    def problems(self) -> list[str]:
        """Spellings that add nothing: written twice, or already matched by another entry's
        spelling (or an earlier spelling of the same entry). Harmless, but a tidy list is
        easier to review."""
        english = _uses_english_endings(self.language)
        found: list[str] = []
        seen: dict[tuple[Word, ...], int] = {}
        for group, lines in ((self.entries, "entry"), (self.ignored, "'not a concern' phrase")):
            for entry in group:
                for words in entry.spellings:
                    if words in seen:
                        found.append(
                            f"line {entry.line}: {lines} '{_plain(words)}' is also on line {seen[words]}"
                        )
                    seen.setdefault(words, entry.line)
        compiled = [
            (entry, index, _whole_words(_spelling_pattern(words, english)))
            for entry in self.entries
            for index, words in enumerate(entry.spellings)
        ]
        for entry in self.entries:
            for index, words in enumerate(entry.spellings):
                if any(word.joined_before or word.joined_after for word in words):
                    continue
                text = _plain(words)
                for other, other_index, pattern in compiled:
                    same_entry = other is entry
                    if (same_entry and other_index >= index) or other.spellings[other_index] == words:
                        continue
                    if pattern.fullmatch(text):
                        found.append(
                            f"line {entry.line}: '{text}' is already matched by "
                            f"'{_plain(other.spellings[other_index])}' (line {other.line})"
                        )
                        break
        return found


def _plain(words: tuple[Word, ...]) -> str:
    return " ".join(word.text for word in words)


@lru_cache(maxsize=8)
def _read_folder(folder: Path) -> dict[str, WordList]:
    if not folder.is_dir():
        raise WordListError(f"no folder of concern words at {folder}")
    lists = {}
    for path in sorted(folder.glob("*.txt")):
        language = path.stem.casefold()
        # utf-8-sig: a list saved by Windows Notepad starts with a byte-order mark.
        lists[language] = WordList.parse(path.read_text(encoding="utf-8-sig"), language, path.name)
    return lists


def load_word_lists(folder: Path | str | None = None) -> dict[str, WordList]:
    """The shipped lists, each replaced by the file of the same name in `folder` when one is
    given (a council's own lists; a file there with only notes switches that language off).
    No `folder` ("" or None) means the shipped lists only. Read and compiled once per folder
    for the life of the process: restart the app after editing a list. Raises WordListError
    on a bad line or a missing folder, so a broken setting stops the app at start-up rather
    than when a child saves an answer."""
    lists = dict(_read_folder(DEFAULT_FOLDER))
    if folder:
        folder = Path(folder).resolve()
        if folder != DEFAULT_FOLDER:
            lists.update(_read_folder(folder))
    return lists


def _lists_for(language: str | None, lists: Mapping[str, WordList]) -> list[WordList]:
    """The answer's own list ("cy-GB" falls back to "cy"), then English, which is always
    checked, whatever the answer's language."""
    code = (language or FALLBACK_LANGUAGE).casefold().replace("_", "-")
    chosen = [lists[candidate] for candidate in (code, code.split("-")[0]) if candidate in lists][:1]
    english = lists.get(FALLBACK_LANGUAGE)
    if english is not None and not any(english is known for known in chosen):
        chosen.append(english)
    return chosen


def possible_concerns(
    text: str | None, language: str | None = "en", lists: Mapping[str, WordList] | None = None
) -> list[str]:
    """The entries found in `text` (their labels), each once, in order of first appearance.

    Checks the list for `language` ("cy", or "cy-GB" which falls back to "cy") and always the
    English list too; an unknown language is checked against English only. `lists` defaults
    to the shipped lists (`load_word_lists()`)."""
    if not text or not text.strip():
        return []
    if lists is None:
        lists = load_word_lists()
    normalised = normalise(text)
    found = sorted(
        (position, order, label)
        for order, word_list in enumerate(_lists_for(language, lists))
        for position, label in word_list.find(normalised)
    )
    return list(dict.fromkeys(label for _, _, label in found))
