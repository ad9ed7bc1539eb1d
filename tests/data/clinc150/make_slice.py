"""Rebuild this slice from the full CLINC150 CSVs (../shared/data/clinc150 in the workplace):
the first rows, in file order, of each intent below. Usage: python make_slice.py SOURCE_DIR"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

#: Ten close banking intents (hard to tell apart) and ten intents from across the domains.
INTENTS = ("account_blocked", "balance", "bill_balance", "bill_due", "freeze_account",
           "interest_rate", "min_payment", "order_checks", "pay_bill", "pin_change",
           "accept_reservations", "cancel", "credit_score", "international_fees", "next_song",
           "pto_request_status", "roll_dice", "thank_you", "uber")

#: Rows kept per intent in each split.
PER_INTENT = {"train.csv": 50, "val.csv": 10, "test.csv": 30}


def main(source: Path) -> None:
    """Write the three split files beside this script."""
    here = Path(__file__).resolve().parent
    for name, limit in PER_INTENT.items():
        counts: dict[str, int] = {}
        with (source / name).open(encoding="utf-8", newline="") as fh, \
                (here / name).open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["text", "label"])
            for row in csv.DictReader(fh):
                label = row["label"]
                if label in INTENTS and counts.get(label, 0) < limit:
                    counts[label] = counts.get(label, 0) + 1
                    writer.writerow([row["text"], label])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
