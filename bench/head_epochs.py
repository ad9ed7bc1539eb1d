"""How many epochs does the head stacked on the finetuned encoder need (issue 11)? Finetunes
the encoder once per data set with the local defaults but ``head="none"``, then trains the
default MLP head on its vectors with several epoch caps (early stopping on the validation
split as in the finetuner) and scores each stack like the report does.

Usage: ``.venv/bin/python bench/head_epochs.py --data clinc150x100 --epochs 20,60,120``
(data names as in bench/finetune_sweep.py; prints one JSON line per data set and cap).
"""

from __future__ import annotations

import argparse
import json
import os
import time

import embedlab
import numpy as np
from embedlab._evaluation import evaluate
from embedlab.adapter import TrainingSettings, train_head
from finetune_sweep import KEYS, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", action="append", required=True)
    parser.add_argument("--epochs", default="20,60,120")
    args = parser.parse_args()
    for data in args.data:
        train, validation, test = load(data)
        config = embedlab.FinetuneConfig(progress=False, extra={"head": "none"})
        started = time.perf_counter()
        model = embedlab.get_finetuner("local").finetune(train, validation, config)
        encoder_s = time.perf_counter() - started
        embedder = model.embedder()
        held_out = validation if validation is not None else None
        x_train, x_test = (embedder.embed(d.texts, cache=False) for d in (train, test))
        index = {label: i for i, label in enumerate(train.classes)}
        y_train = np.array([index[x] for x in train.labels])
        x_val = y_val = None
        if held_out is not None:
            x_val = embedder.embed(held_out.texts, cache=False)
            y_val = np.array([index[x] for x in held_out.labels])
        for cap in (int(e) for e in args.epochs.split(",")):
            started = time.perf_counter()
            result = train_head(x_train, y_train, x_val, y_val,
                                TrainingSettings(head="mlp", epochs=cap, seed=42))
            head_s = time.perf_counter() - started
            found = evaluate(result.head.apply(x_train), train.labels,
                             result.head.apply(x_test), test.labels)
            print(json.dumps({
                "data": data, "head_epochs": cap, "best_epoch": result.best_epoch,
                "epochs_run": result.epochs_run,
                **{k: round(float(getattr(found, k)), 4) for k in KEYS},
                "encoder_s": round(encoder_s, 1), "head_s": round(head_s, 1),
                "load": os.getloadavg()[0]}), flush=True)


if __name__ == "__main__":
    main()
