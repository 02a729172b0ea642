#!/usr/bin/env python3
"""Summarize a dialogue with a model that train.py wrote (the unpacked model.tar.gz).

    python3 summarize.py --model_dir ./model < dialogue.txt
    echo "Ann: Lunch at 1?\nBo: Sure, I'll book a table." | python3 summarize.py --model_dir ./model

A stand-in for `pipeline("summarization", model=...)`: one dialogue on stdin, "Speaker: text" per line,
the summary on stdout.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402  (the model code lives with the trainer)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model_dir", required=True, help="folder with config.json and model.safetensors")
    args = parser.parse_args()
    model, config = train.load_model(args.model_dir)
    dialogue = sys.stdin.read().replace("\\n", "\n")
    print(train.summarize(model, dialogue, config["max_summary_turns"], config["selection_threshold"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
