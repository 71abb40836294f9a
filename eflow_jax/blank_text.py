"""Text that reads as nothing, and text that reads the same: a caption a reader sees as blank is
encoded as unknown or empty tokens, so its clip would train (or be drawn) as an unconditional one,
or every such caption as one meaningless caption; two captions that differ only in characters that
carry nothing are one caption. Plain Python (no JAX): the command-line checks run it before anything
compiles."""
import unicodedata

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): not drawn alone. Beside the
# format characters (category Cf) it holds letters and marks: the Hangul fillers (Lo), the combining
# grapheme joiner and the variation selectors (Mn). Some change what their neighbours draw (a tag
# sequence is a subdivision flag, a zero-width joiner joins emoji or Persian letters): a caption of
# only these is blank, but they are kept when two captions are compared.
DEFAULT_IGNORABLE = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
                     (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
                     (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
                     (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF))
# Characters that carry nothing wherever they stand (a zero-width space, a byte-order mark, a word
# joiner, a soft hyphen, the direction marks, which order a line's display, not its text): dropped
# when captions are compared.
NOTHING = frozenset("\u200b\ufeff\u2060\u00ad\u200e\u200f\u061c")
BLANK_SYMBOLS = {"\u2800"}      # the Braille pattern blank: a symbol (So) drawn as an empty cell


def ignorable(ch: str) -> bool:
  """Not drawn alone: a default-ignorable code point, a format character, or a control character
  other than whitespace (BEL, ESC, DEL: str.split() keeps them)."""
  code = ord(ch)
  return (any(lo <= code <= hi for lo, hi in DEFAULT_IGNORABLE) or unicodedata.category(ch) == "Cf"
          or (unicodedata.category(ch) == "Cc" and not ch.isspace()))


def visible_text(text: str) -> str:
  """The text as a reader compares it: Unicode NFC, without control characters and the characters
  that carry nothing, runs of whitespace as one space. Two captions that read the same are one."""
  kept = (ch for ch in unicodedata.normalize("NFC", text)
          if ch not in NOTHING and not (unicodedata.category(ch) == "Cc" and not ch.isspace()))
  return " ".join("".join(kept).split())


def is_blank(text: str) -> bool:
  """Whether the text shows nothing: no character but whitespace, the ones not drawn alone,
  combining marks with no letter to sit on (Mn, Me) and the blank symbol. A code point this Python's
  Unicode tables do not know (an emoji newer than them) counts as drawn."""
  return not any(not ignorable(ch) and not ch.isspace() and ch not in BLANK_SYMBOLS
                 and unicodedata.category(ch) not in ("Mn", "Me") for ch in unicodedata.normalize("NFC", text))
