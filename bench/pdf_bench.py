"""The PDF engine against bare WeasyPrint, in the same run.

    python bench/pdf_bench.py [--runs N]   (from the project root; re-runs itself with .venv's Python)

Prints:
* `pdf_render_ratio`: median time of `render_pdf` (PDF/A-3b, answers.json embedded, the
  assets-only fetcher, the shared font configuration) over the median of plain
  `weasyprint.HTML(string=...).write_pdf()` on the same receipt-like page. The two alternate
  run by run so drift in the machine affects both.
* `pdf_memory_growth`: resident memory (from /proc/self/statm) after 200 more renders of
  `render_pdf`, against before them, once a few renders have warmed the caches.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import use_project_python  # noqa: E402

use_project_python("weasyprint")
import weasyprint  # noqa: E402

from runtime.pdfs.render import qr_svg_data_uri, render_pdf

ANSWERS = {
    "Civilité": "Madame",
    "Nom de naissance": "Lefèvre",
    "Nom d’usage": "Dubois-Lefèvre",
    "Prénoms": "Élodie Françoise",
    "Date de naissance": "14 février 1987",
    "Lieu de naissance": "Besançon (Doubs)",
    "Adresse": "12 rue de l’Église",
    "Complément d’adresse": "Bâtiment B, 3ᵉ étage",
    "Code postal": "25000",
    "Commune": "Besançon",
    "Téléphone": "06 12 34 56 78",
    "Courriel": "elodie.dubois@example.fr",
    "Objet de la demande": "Occupation temporaire du domaine public",
    "Nature des travaux": "Pose d’un échafaudage pour ravalement de façade",
    "Adresse des travaux": "12 rue de l’Église, 25000 Besançon",
    "Date de début": "3 mars 2025",
    "Date de fin": "28 mars 2025",
    "Surface occupée": "12,5 m²",
    "Entreprise": "Façades Comtoises SARL (SIRET 123 456 789 00012)",
    "Pièces jointes": "plan-de-situation.pdf, photo-facade.jpg",
}

RECEIPT_CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #1e1e1e; }
header { display: flex; justify-content: space-between; align-items: flex-start; }
h1 { font-size: 15pt; margin: 0 0 4mm; }
.meta { color: #555; }
table { width: 100%; border-collapse: collapse; margin-top: 6mm; }
th, td { text-align: left; vertical-align: top; padding: 1.6mm 2mm; border-bottom: 0.3pt solid #bbb; }
th { width: 38%; font-weight: normal; color: #444; }
.qr { width: 30mm; }
footer { margin-top: 8mm; font-size: 8pt; color: #555; }
"""


def receipt_html(follow_up_url: str) -> str:
    rows = "".join(f"<tr><th>{question}</th><td>{answer}</td></tr>" for question, answer in ANSWERS.items())
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Accusé de réception</title>
<style>{RECEIPT_CSS}</style></head><body>
<header>
  <div>
    <h1>Accusé de réception électronique</h1>
    <p class="meta">Demande n° 2025-000123 reçue le 17 février 2025 à 10 h 42<br>
    Service de l’urbanisme, mairie de Besançon — 03 81 61 50 50 — urbanisme@besancon.example.fr</p>
  </div>
  <img class="qr" src="{qr_svg_data_uri(follow_up_url)}" alt="Suivre ma demande">
</header>
<table>{rows}</table>
<footer>Sans réponse de l’administration dans un délai de deux mois, votre demande est réputée
acceptée (décret n° 2016-1411). Empreinte des données : 9f2c…e41a. Suivi : {follow_up_url}</footer>
</body></html>"""


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="timed renders of each kind")
    parser.add_argument("--renders", type=int, default=200, help="renders for the memory figure")
    args = parser.parse_args()

    html = receipt_html("https://demarches.besancon.example.fr/s/4F7K92QXZT3M")
    answers = json.dumps(ANSWERS, ensure_ascii=False).encode()
    with tempfile.TemporaryDirectory(prefix="parvis-pdf-bench-") as folder:
        assets = Path(folder)

        def ours() -> bytes:
            return render_pdf(
                html,
                assets_dir=assets,
                attachments={"answers.json": answers},
                title="Accusé de réception n° 2025-000123",
            )

        def bare() -> bytes:
            return weasyprint.HTML(string=html).write_pdf()

        for _ in range(3):  # first renders load fonts and fill caches for both
            bare(), ours()
        times: dict[str, list[float]] = {"bare": [], "ours": []}
        for _ in range(args.runs):
            for name, render in (("bare", bare), ("ours", ours)):
                start = time.perf_counter()
                render()
                times[name].append(time.perf_counter() - start)
        bare_median = statistics.median(times["bare"])
        ours_median = statistics.median(times["ours"])
        pages = len(weasyprint.HTML(string=html).render().pages)
        print(
            f"info: receipt of {pages} page(s), {len(ours()) / 1024:.0f} KiB as PDF/A-3b; "
            f"median of {args.runs}: write_pdf() {bare_median * 1000:.0f} ms, "
            f"render_pdf() {ours_median * 1000:.0f} ms"
        )
        print(f"pdf_render_ratio: {ours_median / bare_median:.2f} x (target <= 1.3)")

        before = rss_bytes()
        for _ in range(args.renders):
            ours()
        after = rss_bytes()
        print(
            f"info: RSS {before / 2**20:.1f} MiB before, {after / 2**20:.1f} MiB after {args.renders} renders"
        )
        print(f"pdf_memory_growth: {(after - before) / before * 100:.1f} % (target <= 10)")


if __name__ == "__main__":
    main()
