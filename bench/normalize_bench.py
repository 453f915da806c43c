"""Cost of gateway.text.normalize on the texts a gateway sees.

Usage: python bench/normalize_bench.py [--repeat N]

It runs on every request (policy matchers and recognizers read its output),
so the figure that matters is the ~200-character prompt: plain ASCII, French
with accents, French as a word processor writes it (no-break spaces before
« : ; ! ? » and inside « »), and an obfuscated one (zero-width spaces,
full-width digits, a Cyrillic letter). Long texts show the per-character
cost. Prints the median and p99 of per-call times in microseconds, and the
import time of the module (its safe-character class is built at import).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.text.normalize import normalize  # noqa: E402

ASCII = (
    "Hello, could you summarise the attached meeting notes for the sales team and list "
    "the three actions agreed with the client, with owners and dates? Keep it under ten "
    "lines please, thanks."
)
FRENCH = (
    "Bonjour, pourriez-vous résumer le compte rendu de la réunion d'hier avec l'équipe "
    "commerciale et lister les trois actions décidées avec le client, avec les "
    "responsables et les échéances ? Merci d'avance, très cordialement."
)
TYPOGRAPHIC = FRENCH.replace(" ?", "\u00a0?").replace(" :", "\u202f:") + (
    " Objet\u00a0: « relance\u00a0» – n° 12\u202f345."
)
OBFUSCATED = (
    "Bonjour, voici le dossier PR\u041eJET AU\u200bRORE : NIR \uff11 \uff18\uff15 05 78 006 "
    "084 91, tél 06\u200b48\u200b21\u200b77\u200b03, merci de ne pas le diffuser et de "
    "me rappeler avant la réunion de jeudi, bonne journée à toute l'équipe."
)


def per_call_us(text: str, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter_ns()
        normalize(text)
        times.append((time.perf_counter_ns() - started) / 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.99 * len(times)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20000)
    args = parser.parse_args()
    cases = [
        ("ascii prompt", ASCII),
        ("french prompt (accents)", FRENCH),
        ("french prompt (no-break spaces)", TYPOGRAPHIC),
        ("obfuscated prompt", OBFUSCATED),
        ("french text, 10,000 chars (no-break spaces)", (TYPOGRAPHIC + "\n") * 40),
        ("french text, 100,000 chars (no-break spaces)", (TYPOGRAPHIC + "\n") * 400),
    ]
    print(f"{'case':<46}{'chars':>8}{'median µs':>12}{'p99 µs':>10}{'changed':>9}")
    for name, text in cases:
        repeat = max(20, args.repeat * 200 // max(200, len(text)))
        median, p99 = per_call_us(text, repeat)
        changed = normalize(text).changed
        print(f"{name:<46}{len(text):>8}{median:>12.1f}{p99:>10.1f}{changed!s:>9}")
    code = (
        "import time; t = time.perf_counter(); import gateway.text.normalize; "
        "print((time.perf_counter() - t) * 1000)"
    )
    ms = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.strip()
    print(f"import gateway.text.normalize: {float(ms):.1f} ms")


if __name__ == "__main__":
    main()
