"""The closed vocabulary of the synthetic world: every word a caption, question or answer can use.

Kept small on purpose (a few hundred words in all) so that tiny models can learn the language
and so that every sentence can be checked against the scene metadata.
"""

SHAPES = ("circle", "square", "triangle", "star", "diamond", "cross")
SHAPE_PLURAL = {
    "circle": "circles",
    "square": "squares",
    "triangle": "triangles",
    "star": "stars",
    "diamond": "diamonds",
    "cross": "crosses",
}
# Paraphrases used in some reference captions and some human answers.
SHAPE_SYNONYMS = {
    "circle": ("disc",),
    "square": ("box",),
    "triangle": (),
    "star": (),
    "diamond": ("rhombus",),
    "cross": ("plus sign",),
}
SYNONYM_PLURAL = {"disc": "discs", "box": "boxes", "rhombus": "rhombuses", "plus sign": "plus signs"}
# Used by the ScienceQA-like held-out instruction type (context gives the fact, image the shape).
SHAPE_CORNERS = {"circle": 0, "triangle": 3, "square": 4, "diamond": 4, "star": 10, "cross": 12}

COLORS = ("red", "orange", "yellow", "green", "blue", "purple", "black")
COLOR_RGB = {
    "red": (215, 35, 35),
    "orange": (245, 135, 20),
    "yellow": (235, 210, 25),
    "green": (35, 160, 60),
    "blue": (35, 80, 215),
    "purple": (135, 55, 185),
    "black": (25, 25, 25),
}
COLOR_SYNONYMS = {"purple": ("violet",), "black": ("dark",)}
WARM_COLORS = ("red", "orange", "yellow")
COOL_COLORS = ("green", "blue", "purple")

SIZES = ("small", "large")
SIZE_SYNONYMS = {"small": ("little", "tiny"), "large": ("big",)}
# Radius range in pixels on the 64x64 canvas (inclusive ends, half-pixel steps).
SIZE_RADIUS = {"small": (5.0, 6.0), "large": (8.5, 9.5)}

ROWS = ("top", "middle", "bottom")
COLUMNS = ("left", "center", "right")

BACKGROUND_TEXTURES = ("plain", "striped", "checkered")
BACKGROUND_RGB = ((232, 232, 232), (240, 232, 214), (218, 226, 234), (244, 244, 238))

NUMBER_WORDS = ("zero", "one", "two", "three", "four")


def position_name(row: int, col: int) -> str:
    """Canonical name of a grid cell: 'top left', 'top', 'left', 'center', 'bottom right'..."""
    vertical = ROWS[row]
    horizontal = COLUMNS[col]
    if vertical == "middle":
        return horizontal
    if horizontal == "center":
        return vertical
    return f"{vertical} {horizontal}"


def position_phrase(row: int, col: int) -> str:
    """'in the top left corner', 'at the top', 'on the left', 'in the center'."""
    name = position_name(row, col)
    if name == "center":
        return "in the center"
    if name in ("left", "right"):
        return f"on the {name}"
    if name in ("top", "bottom"):
        return f"at the {name}"
    return f"in the {name} corner"


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def plural(shape_word: str) -> str:
    return SHAPE_PLURAL.get(shape_word) or SYNONYM_PLURAL[shape_word]
