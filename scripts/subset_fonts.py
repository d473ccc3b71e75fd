#!/usr/bin/env python3
"""Make the social cards' fonts: DejaVu Sans and DejaVu Sans Bold, cut down to the
scripts a news title needs, written to explainer/assets/fonts/.

    python3 scripts/subset_fonts.py                      from Debian's fonts-dejavu-core
    python3 scripts/subset_fonts.py --source-dir DIR     from DejaVuSans*.ttf in DIR

Needs fontTools (`pip install fonttools`) only while it runs; the package reads the
written .ttf files with Pillow and does not depend on fontTools. For each font it runs

    python3 -m fontTools.subset SOURCE --unicodes=<UNICODES> --layout-features=*
        --notdef-outline --name-IDs=* --output-file=explainer/assets/fonts/NAME

--notdef-outline keeps the .notdef box, so a character the font lacks is drawn as a
visible box rather than nothing (tests/test_cards.py looks for that box), and
--name-IDs=* keeps the copyright and licence records in the font. The fonts keep their
DejaVu names, as the licence (LICENSE-DejaVu.txt beside them) allows: only the names
"Bitstream", "Vera", "Arev" and "Tavmjong Bah" are reserved for modified fonts.
Changing the fonts changes every card, and the card cache follows: its key holds a hash
of the font files.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "explainer" / "assets" / "fonts"
DEBIAN = Path("/usr/share/fonts/truetype/dejavu")  # apt-get install fonts-dejavu-core
FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")

# Unicode blocks kept, first and last code point of each.
BLOCKS = (
    (0x0020, 0x007E),  # Basic Latin (printable)
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0100, 0x017F),  # Latin Extended-A
    (0x0180, 0x024F),  # Latin Extended-B
    (0x0250, 0x02AF),  # IPA Extensions
    (0x02B0, 0x02FF),  # Spacing Modifier Letters (ʼ ˈ ˚)
    (0x0300, 0x036F),  # Combining Diacritical Marks (accents typed as two characters)
    (0x0370, 0x03FF),  # Greek and Coptic
    (0x0400, 0x04FF),  # Cyrillic
    (0x0500, 0x052F),  # Cyrillic Supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese, Welsh)
    (0x2000, 0x206F),  # General Punctuation (dashes, quotes, ellipsis, thin spaces)
    (0x2070, 0x209F),  # Superscripts and Subscripts
    (0x20A0, 0x20CF),  # Currency Symbols
    (0x2100, 0x214F),  # Letterlike Symbols (№ ™ ℃)
    (0x2150, 0x218F),  # Number Forms (⅓ Ⅻ)
    (0x2190, 0x21FF),  # Arrows
    (0x2212, 0x2212),  # minus sign
    (0xFFFD, 0xFFFD),  # replacement character
)


def unicodes() -> str:
    return ",".join(f"U+{first:04X}-{last:04X}" if first != last else f"U+{first:04X}"
                    for first, last in BLOCKS)


def command(source: Path, target: Path) -> list[str]:
    return [sys.executable, "-m", "fontTools.subset", str(source), f"--unicodes={unicodes()}",
            "--layout-features=*", "--notdef-outline", "--name-IDs=*",
            f"--output-file={target}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-dir", type=Path, default=DEBIAN,
                        help=f"folder holding {' and '.join(FONTS)} (default: {DEBIAN})")
    args = parser.parse_args(argv)
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in FONTS:
        source, target = args.source_dir / name, TARGET / name
        if not source.is_file():
            print(f"error: {source} not found (apt-get install fonts-dejavu-core)",
                  file=sys.stderr)
            return 1
        run = command(source, target)
        print(" ".join(run), file=sys.stderr)
        subprocess.run(run, check=True)
        print(f"wrote {target.relative_to(REPO)}: {target.stat().st_size} bytes",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
