"""Person-name folding for matching: accents and case out, nicknames to their full form."""

from __future__ import annotations

from functools import lru_cache

from moyeu.core.dedup.text import fold

# Usual short forms (French and other European first names) -> the full form they stand for.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "alexandre": ("alex",),
    "alexandra": ("sandra", "alexa"),
    "anne": ("annie", "nanou"),
    "antoine": ("toine", "tony"),
    "benjamin": ("ben", "benji"),
    "catherine": ("cathy", "cath", "katia"),
    "charles": ("charlie",),
    "christophe": ("chris", "cricri"),
    "christine": ("christie",),
    "daniel": ("dan", "dany", "danny"),
    "dominique": ("dom", "domi"),
    "elisabeth": ("elizabeth", "babette", "lisa", "liz", "betty", "elise"),
    "emmanuel": ("manu",),
    "emmanuelle": ("manue",),
    "francois": ("franck", "fanfan"),
    "francoise": ("fanny",),
    "frederic": ("fred",),
    "frederique": ("frede",),
    "guillaume": ("guigui", "will"),
    "isabelle": ("isa", "babeth"),
    "jacques": ("jacky", "jack"),
    "jean baptiste": ("jb", "jean-baptiste"),
    "jean francois": ("jf",),
    "jean pierre": ("jp",),
    "jeanne": ("jeannette",),
    "joseph": ("jo", "jojo", "joe", "josef"),
    "katherine": ("kate", "kathy", "katie"),
    "laurent": ("lolo",),
    "marie": ("marion", "mimi", "maria"),
    "mathieu": ("matthieu", "matt", "math"),
    "maximilien": ("max",),
    "michel": ("mich", "michael", "mike"),
    "nicolas": ("nico", "nick", "klaus"),
    "patrick": ("pat", "patou"),
    "philippe": ("phil", "philip", "phillip"),
    "pierre": ("pierrot", "peter", "pedro"),
    "robert": ("bob", "bobby", "rob", "robbie"),
    "sebastien": ("seb", "sebastian"),
    "stephane": ("steph",),
    "stephanie": ("fanie", "stef"),
    "thomas": ("tom", "tommy", "thom"),
    "valerie": ("val",),
    "veronique": ("vero",),
    "william": ("bill", "billy", "willy"),
    "yves": ("yvon",),
}
_CANONICAL = {variant: full for full, variants in NICKNAMES.items() for variant in variants}


@lru_cache(maxsize=65536)
def canonical_first_name(value: str) -> str:
    """ "Bob" -> "robert", "Jean-Pierre" -> "jean pierre", "JP" -> "jean pierre"."""
    folded = fold(value)
    return _CANONICAL.get(folded, folded)


def last_name(value: str) -> str:
    return fold(value)
