"""Text that reads as nothing: a caption or prompt a reader sees as blank is encoded as unknown or
empty tokens, so its clip would train (or be drawn) as an unconditional one, or every such caption
as one meaningless caption. Plain Python (no JAX): the command-line checks run it before anything
compiles."""
import unicodedata

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): drawn as nothing wherever they
# stand. Beside the format characters (category Cf) it holds letters and marks: the Hangul fillers
# (Lo), the combining grapheme joiner and the variation selectors (Mn).
DEFAULT_IGNORABLE = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
                     (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
                     (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
                     (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF))
BLANK_SYMBOLS = {"\u2800"}      # the Braille pattern blank: a symbol (So) drawn as an empty cell


def ignorable(ch: str) -> bool:
  """Drawn as nothing: a default-ignorable code point, a format character, or a control character
  other than whitespace (BEL, ESC, DEL: str.split() keeps them)."""
  code = ord(ch)
  return (any(lo <= code <= hi for lo, hi in DEFAULT_IGNORABLE) or unicodedata.category(ch) == "Cf"
          or (unicodedata.category(ch) == "Cc" and not ch.isspace()))


def visible_text(text: str) -> str:
  """The text as a reader sees it: Unicode NFC, without the characters drawn as nothing, runs of
  whitespace as one space. Two captions that read the same are one caption."""
  return " ".join("".join(ch for ch in unicodedata.normalize("NFC", text) if not ignorable(ch)).split())


def is_blank(text: str) -> bool:
  """Whether the text shows nothing: no character left but whitespace, combining marks with no
  letter to sit on (Mn, Me), a blank symbol, or code points that no font draws (unassigned, private
  use, surrogates)."""
  return not any(unicodedata.category(ch) not in ("Mn", "Me", "Cn", "Co", "Cs") and ch not in BLANK_SYMBOLS
                 and not ch.isspace() for ch in visible_text(text))
