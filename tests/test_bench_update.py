"""A partial bench run replaces its own rows of the committed table, dated, and nothing else."""

from bench._update import update_results

COMMITTED = """# goldmap benchmarks

Machine: AMD EPYC, 2 CPU. Date: 2026-12-02.

| figure | goldmap | baseline | baseline description | ratio | goal | met? |
| --- | --- | --- | --- | --- | --- | --- |
| locate | 2.440 s | 4.472 s | pipeline | 0.546 | ≤ 1.0× | met |
| time to first map (browser) | 2.919 s | 1.688 s | blank page | 1.73 | ≤ 2.0× | met |

## Notes

- **locate**: 10⁶ points
- **time to first map (browser)**: median of 5

Versions: goldmap 0.1.0
"""

PARTIAL = """# goldmap benchmarks

Machine: AMD EPYC, 2 CPU. Date: 2026-12-08.

| figure | goldmap | baseline | baseline description | ratio | goal | met? |
| --- | --- | --- | --- | --- | --- | --- |
| time to first map (browser) | 2.400 s | 1.700 s | blank page | 1.41 | ≤ 1.5× | met |
| server memory after three uploads | 1,727 MB | — | none | n/a | < 3 GB | met |

## Notes

- **time to first map (browser)**: median of 5, taking turns
- **server memory after three uploads**: three at once

Versions: goldmap 0.1.0
"""


def test_a_partial_run_replaces_its_rows_adds_new_ones_and_keeps_the_rest():
    merged = update_results(
        COMMITTED, PARTIAL, "python -m bench browser heavy --update", "2026-12-08"
    )
    lines = merged.splitlines()
    rows = [line for line in lines if line.startswith("| ") and "---" not in line][1:]
    assert rows == [
        "| locate | 2.440 s | 4.472 s | pipeline | 0.546 | ≤ 1.0× | met |",
        "| time to first map (browser) | 2.400 s | 1.700 s | blank page | 1.41 | ≤ 1.5× | met |",
        "| server memory after three uploads | 1,727 MB | — | none | n/a | < 3 GB | met |",
    ]
    stamp = "measured 2026-12-08 by `python -m bench browser heavy --update`; "
    notes = [line for line in lines if line.startswith("- **")]
    assert notes == [
        "- **locate**: 10⁶ points",
        f"- **time to first map (browser)**: {stamp}median of 5, taking turns",
        f"- **server memory after three uploads**: {stamp}three at once",
    ]
    assert "Date: 2026-12-02." in merged  # the full run's date stays, the update is said apart
    assert (
        "Rows re-measured 2026-12-08 by `python -m bench browser heavy --update`: "
        "time to first map (browser), server memory after three uploads." in merged
    )
