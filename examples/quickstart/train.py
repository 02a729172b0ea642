#!/usr/bin/env python3
"""Quickstart trainer: a small, honest stand-in for transformers' examples/pytorch/summarization/run_summarization.py.

It takes the same kind of arguments (--model_name_or_path, --do_train True, --num_train_epochs 3, ...),
logs like the Hugging Face Trainer and writes the files the Trainer writes (train/eval/predict/all_results.json,
trainer_state.json, config.json, model.safetensors, generated_predictions.txt), so everything that handles
a real job's output (log tailing, model.tar.gz, model card, Hub upload) can be tried in seconds, on a laptop,
with nothing but the Python 3 standard library.

The model is a learned *extractive* summarizer: for every turn of a dialogue it computes a few features
(position, length, questions, times and dates, promises such as "I'll", how central the words are, hashed
words) and a logistic regression, trained with mini-batch SGD, scores how likely the turn belongs in the
summary. The best turns, rewritten in the third person ("I'll bring it" -> "Dan will bring it"), are the
summary. Evaluation is real ROUGE-1/2/L/Lsum, implemented below as the rouge_score package defines it.

Several hosts (SM_HOSTS with 2 entries, for instance) train data-parallel: each host trains on its shard of
the training set and after every epoch the hosts average their weights (weighted by examples) over TCP at
MASTER_ADDR:MASTER_PORT, which SageMaker's PyTorch container sets for every job. Only the first host
evaluates and writes the model, as Trainer does with should_save on the main process.
"""

import argparse
import collections
import json
import logging
import math
import os
import random
import re
import socket
import struct
import sys
import time

logger = logging.getLogger(__name__)

MODEL_TYPE = "extractive-turn-scorer"
HASH_BUCKETS = 64
WEIGHTS_NAME = "model.safetensors"
CONFIG_NAME = "config.json"
DENSE_FEATURES = [
    "relative_position",
    "is_first_turn",
    "is_last_turn",
    "length",
    "is_question",
    "has_number",
    "mentions_time",
    "makes_commitment",
    "is_short_reply",
    "centrality",
    "capitalised_words",
    "first_speaker",
    "exclamation",
]
TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow", "tonight",
    "today", "weekend", "week", "morning", "evening", "afternoon", "am", "pm", "noon", "midnight",
}
COMMITMENT = re.compile(r"\b(i'll|i will|we'll|we will|let's|i can|i'm going to|will)\b", re.IGNORECASE)
SHORT_REPLIES = {"ok", "okay", "sure", "thanks", "thank", "great", "deal", "perfect", "yes", "no", "fine", "got", "done"}


# ----------------------------------------------------------------------------------------------------------
# Arguments, the HfArgumentParser way: booleans as strings ("True"/"False", which is how SageMaker passes
# them), unknown arguments are an error.


def string_to_bool(value):
    if isinstance(value, bool):
        return value
    if value.lower() in ("yes", "true", "t", "y", "1"):
        return True
    if value.lower() in ("no", "false", "f", "n", "0"):
        return False
    raise argparse.ArgumentTypeError(
        f"Truthy value expected: got {value} but expected one of yes/no, true/false, t/f, y/n, 1/0 (case insensitive)."
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    flag = dict(type=string_to_bool, nargs="?", const=True, default=False)
    # ModelArguments
    parser.add_argument("--model_name_or_path", required=True,
                        help="Recorded as the base model; this stand-in starts from zero weights.")
    parser.add_argument("--cache_dir", default=None)
    # DataTrainingArguments
    parser.add_argument("--dataset_name", default=None, help="A label only: data comes from local JSONL files.")
    parser.add_argument("--dataset_config_name", default=None)
    parser.add_argument("--train_file", default=None)
    parser.add_argument("--validation_file", default=None)
    parser.add_argument("--test_file", default=None)
    parser.add_argument("--text_column", default="dialogue")
    parser.add_argument("--summary_column", default="summary")
    parser.add_argument("--max_source_length", type=int, default=1024)
    parser.add_argument("--max_target_length", type=int, default=128)
    parser.add_argument("--max_train_samples", type=int, default=None)
    parser.add_argument("--max_eval_samples", type=int, default=None)
    parser.add_argument("--max_predict_samples", type=int, default=None)
    parser.add_argument("--num_beams", type=int, default=None)
    parser.add_argument("--source_prefix", default="")
    parser.add_argument("--max_summary_turns", type=int, default=2, help="At most this many turns per summary.")
    parser.add_argument("--selection_threshold", type=float, default=0.5,
                        help="Turns after the best one join the summary when their probability reaches this.")
    # TrainingArguments
    parser.add_argument("--output_dir", default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--overwrite_output_dir", **flag)
    parser.add_argument("--do_train", **flag)
    parser.add_argument("--do_eval", **flag)
    parser.add_argument("--do_predict", **flag)
    parser.add_argument("--predict_with_generate", **flag)
    parser.add_argument("--per_device_train_batch_size", type=int, default=8)
    parser.add_argument("--per_device_eval_batch_size", type=int, default=8)
    parser.add_argument("--learning_rate", type=float, default=5e-5)
    parser.add_argument("--weight_decay", type=float, default=0.0)
    parser.add_argument("--num_train_epochs", type=float, default=3.0)
    parser.add_argument("--max_steps", type=int, default=-1)
    parser.add_argument("--logging_steps", type=float, default=500)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--fp16", **flag)
    parser.add_argument("--bf16", **flag)
    parser.add_argument("--report_to", default="none")
    parser.add_argument("--save_strategy", default="no")
    parser.add_argument("--eval_strategy", default="no")
    parser.add_argument("--logging_dir", default=None)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        raise ValueError(f"Some specified arguments are not used by the HfArgumentParser: {unknown}")
    if not args.output_dir:
        parser.error("--output_dir is required outside SageMaker (SM_MODEL_DIR is not set)")
    return args


# ----------------------------------------------------------------------------------------------------------
# Data


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line_number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except ValueError as err:
                raise ValueError(f"{path}:{line_number} is not valid JSON: {err}")
    return rows


def channel_files(channel):
    """The JSON Lines files of a SageMaker input channel (SM_CHANNEL_<NAME>), if it exists."""
    folder = os.environ.get("SM_CHANNEL_" + channel.upper())
    if not folder or not os.path.isdir(folder):
        return []
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        found += [os.path.join(root, name) for name in sorted(files) if name.endswith((".jsonl", ".json"))]
    return found


def load_split(explicit_file, channels, text_column, summary_column):
    files = [explicit_file] if explicit_file else []
    for channel in channels:
        if files:
            break
        files = channel_files(channel)
    rows = []
    for path in files:
        rows += read_jsonl(path)
    for row in rows:
        if text_column not in row or summary_column not in row:
            raise ValueError(f"--text_column '{text_column}' or --summary_column '{summary_column}' is missing in {files}")
    return rows


def split_turns(dialogue):
    turns = []
    for line in dialogue.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        speaker, sep, text = line.partition(":")
        if not sep or " " in speaker.strip():
            speaker, text = "", line
        turns.append((speaker.strip(), text.strip()))
    return turns


# ----------------------------------------------------------------------------------------------------------
# ROUGE, as google-research/rouge_score computes it: lower-case, non-alphanumerics become spaces, Porter
# stemming of tokens longer than 3 characters; F-measures; rougeLsum is the summary-level (union) LCS over
# newline-separated sentences. Scores are averaged over examples (evaluate's aggregator bootstraps this mean).


class PorterStemmer:
    """Porter (1980) with the refinements NLTK applies by default (its NLTK_EXTENSIONS mode), which is
    what rouge_score stems with: a few irregular words, -ies/-ied on four-letter words, y -> i only
    after a consonant, -bli/-fulli/-logi in step 2, and two-letter stems like "us" counting as cvc."""

    IRREGULAR = {
        "skies": "sky", "sky": "sky", "dying": "die", "lying": "lie", "tying": "tie", "news": "news",
        "innings": "inning", "inning": "inning", "outings": "outing", "outing": "outing",
        "cannings": "canning", "canning": "canning", "howe": "howe", "proceed": "proceed",
        "exceed": "exceed", "succeed": "succeed",
    }
    STEP2 = (("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
             ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
             ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
             ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
             ("fulli", "ful"), ("logi", "log"))
    STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""),
             ("ness", ""))
    STEP4 = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou",
             "ism", "ate", "iti", "ous", "ive", "ize")

    def _cons(self, w, i):
        if w[i] in "aeiou":
            return False
        if w[i] == "y":
            return i == 0 or not self._cons(w, i - 1)
        return True

    def _m(self, stem):
        forms = "".join("c" if self._cons(stem, i) else "v" for i in range(len(stem)))
        return len(re.findall("vc", forms))

    def _has_vowel(self, stem):
        return any(not self._cons(stem, i) for i in range(len(stem)))

    def _double_cons(self, w):
        return len(w) >= 2 and w[-1] == w[-2] and self._cons(w, len(w) - 1)

    def _cvc(self, w):
        if len(w) == 2:
            return not self._cons(w, 0) and self._cons(w, 1)
        return (len(w) >= 3 and self._cons(w, len(w) - 3) and not self._cons(w, len(w) - 2)
                and self._cons(w, len(w) - 1) and w[-1] not in "wxy")

    def _step2(self, w):
        if w.endswith("alli") and self._m(w[:-4]) > 0:
            return self._step2(w[:-4] + "al")
        for suffix, repl in self.STEP2:
            if w.endswith(suffix):
                # -logi is measured without "ogi"; every other rule on the stem before the suffix.
                stem = w[:-3] if suffix == "logi" else w[: -len(suffix)]
                return (w[: -len(suffix)] + repl) if self._m(stem) > 0 else w
        return w

    def stem(self, w):
        if w in self.IRREGULAR:
            return self.IRREGULAR[w]
        if len(w) <= 2:
            return w
        # Step 1a
        if w.endswith("ies") and len(w) == 4:
            w = w[:-1]
        else:
            for suffix, repl in (("sses", "ss"), ("ies", "i"), ("ss", "ss"), ("s", "")):
                if w.endswith(suffix):
                    w = w[: len(w) - len(suffix)] + repl
                    break
        # Step 1b
        if w.endswith("ied"):
            w = w[:-1] if len(w) == 4 else w[:-3] + "i"
        elif w.endswith("eed"):
            if self._m(w[:-3]) > 0:
                w = w[:-1]
        else:
            for suffix in ("ed", "ing"):
                if w.endswith(suffix) and self._has_vowel(w[: -len(suffix)]):
                    w = w[: -len(suffix)]
                    if w.endswith(("at", "bl", "iz")):
                        w += "e"
                    elif self._double_cons(w):
                        if w[-1] not in "lsz":
                            w = w[:-1]
                    elif self._m(w) == 1 and self._cvc(w):
                        w += "e"
                    break
        # Step 1c
        if w.endswith("y") and len(w) > 2 and self._cons(w, len(w) - 2):
            w = w[:-1] + "i"
        w = self._step2(w)
        # Step 3
        for suffix, repl in self.STEP3:
            if w.endswith(suffix):
                if self._m(w[: -len(suffix)]) > 0:
                    w = w[: -len(suffix)] + repl
                break
        # Step 4
        for suffix in self.STEP4:
            if w.endswith(suffix):
                stem = w[: -len(suffix)]
                if self._m(stem) > 1 and (suffix != "ion" or stem.endswith(("s", "t"))):
                    w = stem
                break
        # Step 5
        if w.endswith("e"):
            stem = w[:-1]
            if self._m(stem) > 1 or (self._m(stem) == 1 and not self._cvc(stem)):
                w = stem
        if self._m(w) > 1 and self._double_cons(w) and w.endswith("l"):
            w = w[:-1]
        return w


STEMMER = PorterStemmer()
_STEM_CACHE = {}


def rouge_tokens(text):
    tokens = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    out = []
    for token in tokens:
        if len(token) > 3:
            if token not in _STEM_CACHE:
                _STEM_CACHE[token] = STEMMER.stem(token)
            token = _STEM_CACHE[token]
        out.append(token)
    return out


def _f(precision, recall):
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _ngrams(tokens, n):
    return collections.Counter(tuple(tokens[i: i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(reference, prediction, n):
    ref, pred = _ngrams(reference, n), _ngrams(prediction, n)
    overlap = sum((ref & pred).values())
    precision = overlap / max(sum(pred.values()), 1)
    recall = overlap / max(sum(ref.values()), 1)
    return _f(precision, recall)


def _lcs_table(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = table[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1] else max(table[i - 1][j], table[i][j - 1])
    return table


def rouge_l(reference, prediction):
    if not reference or not prediction:
        return 0.0
    lcs = _lcs_table(reference, prediction)[-1][-1]
    return _f(lcs / len(prediction), lcs / len(reference))


def _lcs_indices(reference, candidate):
    """Indices into `reference` of one longest common subsequence with `candidate`."""
    table = _lcs_table(reference, candidate)
    i, j, found = len(reference), len(candidate), []
    while i > 0 and j > 0:
        if reference[i - 1] == candidate[j - 1]:
            found.append(i - 1)
            i, j = i - 1, j - 1
        elif table[i - 1][j] >= table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return found


def rouge_lsum(reference_sentences, prediction_sentences):
    m = sum(len(s) for s in reference_sentences)
    n = sum(len(s) for s in prediction_sentences)
    if not m or not n:
        return 0.0
    ref_counts = collections.Counter(t for s in reference_sentences for t in s)
    pred_counts = collections.Counter(t for s in prediction_sentences for t in s)
    hits = 0
    for ref in reference_sentences:
        union = set()
        for pred in prediction_sentences:
            union.update(_lcs_indices(ref, pred))
        for index in sorted(union):
            token = ref[index]
            if ref_counts[token] > 0 and pred_counts[token] > 0:
                hits += 1
                ref_counts[token] -= 1
                pred_counts[token] -= 1
    return _f(hits / n, hits / m)


def sentences(text):
    # run_summarization puts each sentence on its own line (nltk.sent_tokenize) before rougeLsum.
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def compute_rouge(predictions, references):
    totals = collections.defaultdict(float)
    for prediction, reference in zip(predictions, references):
        p, r = rouge_tokens(prediction), rouge_tokens(reference)
        totals["rouge1"] += rouge_n(r, p, 1)
        totals["rouge2"] += rouge_n(r, p, 2)
        totals["rougeL"] += rouge_l(r, p)
        totals["rougeLsum"] += rouge_lsum([rouge_tokens(s) for s in sentences(reference)],
                                          [rouge_tokens(s) for s in sentences(prediction)])
    count = max(len(predictions), 1)
    return {key: round(value / count * 100, 4) for key, value in totals.items()}


# ----------------------------------------------------------------------------------------------------------
# The model


def words(text):
    return re.findall(r"[a-z0-9']+", text.lower())


def bucket(word):
    # A stable hash (Python's hash() of str changes between runs).
    h = 2166136261
    for byte in word.encode("utf-8"):
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h % HASH_BUCKETS


def turn_features(turns):
    """One feature vector per turn: the dense features above, then hashed words."""
    n = len(turns)
    first_speaker = turns[0][0] if turns else ""
    vocab = [set(words(text)) for _, text in turns]
    vectors = []
    for i, (speaker, text) in enumerate(turns):
        tokens = words(text)
        others = set().union(*(vocab[:i] + vocab[i + 1:])) if n > 1 else set()
        content = [t for t in tokens if len(t) > 3]
        raw_tokens = text.split()
        capitalised = sum(1 for t in raw_tokens[1:] if t[:1].isupper())
        dense = [
            i / (n - 1) if n > 1 else 0.0,
            1.0 if i == 0 else 0.0,
            1.0 if i == n - 1 else 0.0,
            min(len(tokens) / 15.0, 2.0),
            1.0 if "?" in text else 0.0,
            1.0 if re.search(r"\d", text) else 0.0,
            1.0 if any(t in TIME_WORDS for t in tokens) else 0.0,
            1.0 if COMMITMENT.search(text) else 0.0,
            1.0 if len(tokens) <= 3 or (tokens and tokens[0] in SHORT_REPLIES and len(tokens) <= 5) else 0.0,
            (sum(1 for t in content if t in others) / len(content)) if content else 0.0,
            min(capitalised / 3.0, 1.0),
            1.0 if speaker == first_speaker else 0.0,
            1.0 if "!" in text else 0.0,
        ]
        hashed = [0.0] * HASH_BUCKETS
        for token in set(tokens):
            hashed[bucket(token)] = 1.0
        vectors.append(dense + hashed)
    return vectors


def oracle_labels(turns, summary, max_turns):
    """Greedy extractive oracle: the turns whose words best cover the reference (ROUGE-1 F)."""
    reference = rouge_tokens(summary)
    chosen, best = [], 0.0
    while len(chosen) < max_turns:
        candidate, candidate_score = None, best
        for i in range(len(turns)):
            if i in chosen:
                continue
            tokens = [t for j in sorted(chosen + [i]) for t in rouge_tokens(turns[j][1])]
            score = rouge_n(reference, tokens, 1)
            if score > candidate_score:
                candidate, candidate_score = i, score
        if candidate is None:
            break
        chosen.append(candidate)
        best = candidate_score
    return [1.0 if i in chosen else 0.0 for i in range(len(turns))]


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def bce(p, y):
    p = min(max(p, 1e-7), 1 - 1e-7)
    return -(y * math.log(p) + (1 - y) * math.log(1 - p))


class TurnScorer:
    def __init__(self, num_features):
        self.weight = [0.0] * num_features
        self.bias = 0.0

    def probability(self, x):
        return sigmoid(self.bias + sum(w * v for w, v in zip(self.weight, x) if v))

    def parameters(self):
        return self.weight + [self.bias]

    def load_parameters(self, values):
        self.weight, self.bias = list(values[:-1]), values[-1]


FIRST_PERSON = [
    (r"\bI'll\b", "{s} will"), (r"\bI will\b", "{s} will"), (r"\bI'm\b", "{s} is"), (r"\bI am\b", "{s} is"),
    (r"\bI've\b", "{s} has"), (r"\bI have\b", "{s} has"), (r"\bI can't\b", "{s} can't"), (r"\bI\b", "{s}"),
    (r"\bmy\b", "{s}'s"), (r"\bMy\b", "{s}'s"), (r"\bme\b", "{s}"),
]


def third_person(speaker, text):
    """'Dan: I'll bring it' -> 'Dan will bring it.'; turns without 'I' keep their speaker as a prefix."""
    if not speaker:
        return text
    rewritten = text
    for pattern, replacement in FIRST_PERSON:
        rewritten = re.sub(pattern, replacement.format(s=speaker), rewritten)
    if rewritten == text:
        return f"{speaker}: {text}"
    return rewritten[0].upper() + rewritten[1:]


def summarize(model, dialogue, max_turns, threshold):
    turns = split_turns(dialogue)
    if not turns:
        return ""
    probabilities = [model.probability(x) for x in turn_features(turns)]
    ranked = sorted(range(len(turns)), key=lambda i: -probabilities[i])
    chosen = [ranked[0]] + [i for i in ranked[1:max_turns] if probabilities[i] >= threshold]
    return " ".join(third_person(*turns[i]) for i in sorted(chosen))


def save_safetensors(path, tensors):
    """The safetensors layout: u64 header length, JSON header, little-endian tensor bytes."""
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name, values in tensors.items():
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": [len(values)], "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def load_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        tensors[name] = list(struct.unpack("<%df" % ((end - start) // 4), data[start:end]))
    return tensors


def load_model(model_dir):
    with open(os.path.join(model_dir, CONFIG_NAME)) as f:
        config = json.load(f)
    tensors = load_safetensors(os.path.join(model_dir, WEIGHTS_NAME))
    model = TurnScorer(config["num_features"])
    model.load_parameters(tensors["scorer.weight"] + tensors["scorer.bias"])
    return model, config


# ----------------------------------------------------------------------------------------------------------
# Hosts: which one am I, and averaging the weights of all of them after each epoch.


def cluster():
    hosts = json.loads(os.environ.get("SM_HOSTS", "[]")) or [socket.gethostname()]
    current = os.environ.get("SM_CURRENT_HOST", hosts[0])
    # torchrun (RANK/WORLD_SIZE) or mpirun (OMPI_*) may have numbered the processes already.
    rank = int(os.environ.get("RANK", os.environ.get("OMPI_COMM_WORLD_RANK", hosts.index(current) if current in hosts else 0)))
    world = int(os.environ.get("WORLD_SIZE", os.environ.get("OMPI_COMM_WORLD_SIZE", len(hosts))))
    return rank, world, current


class WeightAverager:
    """Rank 0 listens at MASTER_ADDR:MASTER_PORT; the others connect; each round every rank sends its
    parameters and example count and gets back the weighted mean. Newline-delimited JSON over TCP."""

    def __init__(self, rank, world, timeout=300.0):
        self.rank, self.world, self.peers = rank, world, []
        address = os.environ.get("MASTER_ADDR", "127.0.0.1")
        port = int(os.environ.get("MASTER_PORT", "7777"))
        if "TORCHELASTIC_RUN_ID" in os.environ:
            port += 1  # under real torchrun, the agent's TCP store already owns MASTER_PORT
        if rank == 0:
            server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind((socket.gethostbyname(address), port))
            server.listen(world)
            server.settimeout(timeout)
            for _ in range(world - 1):
                connection, _ = server.accept()
                connection.settimeout(timeout)
                self.peers.append(connection.makefile("rw", encoding="utf-8"))
            server.close()
        else:
            deadline = time.time() + timeout
            while True:
                try:
                    connection = socket.create_connection((address, port), timeout=5)
                    break
                except OSError:
                    if time.time() > deadline:
                        raise RuntimeError(f"rank {rank} could not reach rank 0 at {address}:{port}")
                    time.sleep(0.2)
            connection.settimeout(timeout)
            self.peers.append(connection.makefile("rw", encoding="utf-8"))
        logger.info("Connected %d hosts for weight averaging through %s:%d", world, address, port)

    def average(self, parameters, examples):
        if self.rank != 0:
            peer = self.peers[0]
            peer.write(json.dumps({"parameters": parameters, "examples": examples}) + "\n")
            peer.flush()
            line = peer.readline()
            if not line:
                raise RuntimeError("rank 0 stopped before the weights were averaged")
            return json.loads(line)["parameters"]
        contributions = [(parameters, examples)]
        for peer in self.peers:
            line = peer.readline()
            if not line:
                raise RuntimeError("a host stopped before the weights were averaged")
            message = json.loads(line)
            contributions.append((message["parameters"], message["examples"]))
        total = sum(n for _, n in contributions) or 1
        mean = [sum(p[i] * n for p, n in contributions) / total for i in range(len(parameters))]
        for peer in self.peers:
            peer.write(json.dumps({"parameters": mean}) + "\n")
            peer.flush()
        return mean


# ----------------------------------------------------------------------------------------------------------
# Trainer-like bookkeeping


def speed_metrics(split, start, num_samples, num_steps):
    runtime = time.time() - start
    result = {f"{split}_runtime": round(runtime, 4)}
    if runtime > 0:
        result[f"{split}_samples_per_second"] = round(num_samples / runtime, 3)
        result[f"{split}_steps_per_second"] = round(num_steps / runtime, 3)
    return result


def log_metrics(split, metrics):
    """Trainer.log_metrics: an aligned table in the log."""
    formatted = {}
    for key, value in metrics.items():
        if key.endswith("_runtime"):
            formatted[key] = "%d:%02d:%05.2f" % (int(value // 3600), int(value % 3600 // 60), value % 60)
        elif key == "total_flos":
            formatted[key] = f"{int(value) >> 30}GF"
        elif isinstance(value, float):
            formatted[key] = round(value, 4)
        else:
            formatted[key] = value
    key_width = max(len(str(k)) for k in formatted)
    value_width = max(len(str(v)) for v in formatted.values())
    logger.info("***** %s metrics *****", split)
    for key in sorted(formatted):
        logger.info(f"  {key: <{key_width}} = {str(formatted[key]):>{value_width}}")


def save_metrics(output_dir, split, metrics):
    """Trainer.save_metrics(combined=True): {split}_results.json and all_results.json."""
    with open(os.path.join(output_dir, f"{split}_results.json"), "w") as f:
        json.dump(metrics, f, indent=4, sort_keys=True)
    path = os.path.join(output_dir, "all_results.json")
    combined = {}
    if os.path.exists(path):
        with open(path) as f:
            combined = json.load(f)
    combined.update(metrics)
    with open(path, "w") as f:
        json.dump(combined, f, indent=4, sort_keys=True)


def print_log(logs):
    """What Trainer's progress callback prints for every log: a Python dict."""
    shown = {k: v for k, v in logs.items() if k != "total_flos"}
    if "epoch" in shown:
        shown["epoch"] = round(shown["epoch"], 2)
    print(str(shown), flush=True)


def examples_to_batches(rows, args, max_turns):
    prepared = []
    for row in rows:
        turns = split_turns(row[args.text_column])
        if turns:
            prepared.append((turn_features(turns), oracle_labels(turns, row[args.summary_column], max_turns)))
    return prepared


def dataset_loss(model, prepared):
    losses = [bce(model.probability(x), y) for features, labels in prepared for x, y in zip(features, labels)]
    return sum(losses) / max(len(losses), 1)


def evaluate(model, rows, args, split, epoch=None):
    start = time.time()
    prepared = examples_to_batches(rows, args, args.max_summary_turns)
    predictions = [summarize(model, row[args.text_column], args.max_summary_turns, args.selection_threshold) for row in rows]
    references = [row[args.summary_column] for row in rows]
    metrics = {f"{split}_loss": round(dataset_loss(model, prepared), 4)}
    metrics.update({f"{split}_{k}": v for k, v in compute_rouge(predictions, references).items()})
    metrics[f"{split}_gen_len"] = round(sum(len(p.split()) for p in predictions) / max(len(predictions), 1), 4)
    metrics.update(speed_metrics(split, start, len(rows), math.ceil(len(rows) / args.per_device_eval_batch_size)))
    if epoch is not None:
        metrics["epoch"] = epoch
    return metrics, predictions


def main(argv=None):
    logging.basicConfig(
        format="%(asctime)s - %(levelname)s - %(name)s - %(message)s",
        datefmt="%m/%d/%Y %H:%M:%S",
        handlers=[logging.StreamHandler(sys.stdout)],
        level=logging.INFO,
    )
    args = parse_args(sys.argv[1:] if argv is None else argv)
    rank, world, host = cluster()
    logger.warning(
        "Process rank: %d, world size: %d, host: %s, distributed training: %s, 16-bits training: %s",
        rank, world, host, world > 1, args.fp16 or args.bf16,
    )
    if args.fp16 or args.bf16:
        logger.warning("fp16/bf16 have no effect here: this stand-in trains on the CPU in float64.")
    if args.do_eval is False and args.eval_strategy != "no":
        args.do_eval = True

    output_dir = args.output_dir
    if args.do_train and not args.overwrite_output_dir and os.path.isdir(output_dir) and os.listdir(output_dir):
        raise ValueError(
            f"Output directory ({output_dir}) already exists and is not empty. Use --overwrite_output_dir to overcome."
        )
    os.makedirs(output_dir, exist_ok=True)

    train_rows = load_split(args.train_file, ["train", "training"], args.text_column, args.summary_column)
    eval_rows = load_split(args.validation_file, ["validation", "valid", "eval"], args.text_column, args.summary_column)
    test_rows = load_split(args.test_file, ["test"], args.text_column, args.summary_column)
    if args.do_train and not train_rows:
        raise ValueError("--do_train requires a train dataset: give --train_file or a 'train' input channel")
    if args.do_eval and not eval_rows:
        raise ValueError("--do_eval requires a validation dataset: give --validation_file or a 'validation' input channel")
    if args.do_predict and not test_rows:
        raise ValueError("--do_predict requires a test dataset: give --test_file or a 'test' input channel")
    if args.max_train_samples is not None:
        train_rows = train_rows[: args.max_train_samples]
    if args.max_eval_samples is not None:
        eval_rows = eval_rows[: args.max_eval_samples]
    if args.max_predict_samples is not None:
        test_rows = test_rows[: args.max_predict_samples]

    num_features = len(DENSE_FEATURES) + HASH_BUCKETS
    model = TurnScorer(num_features)
    rng = random.Random(args.seed)
    is_main = rank == 0
    state = {"log_history": [], "global_step": 0, "epoch": 0.0, "max_steps": 0, "total_flos": 0.0}
    averager = WeightAverager(rank, world) if world > 1 and args.do_train else None

    if args.do_train:
        shard = train_rows[rank::world]
        prepared = examples_to_batches(shard, args, args.max_summary_turns)
        batch_size = args.per_device_train_batch_size
        steps_per_epoch = max(math.ceil(len(prepared) / batch_size), 1)
        epochs = args.num_train_epochs
        max_steps = args.max_steps if args.max_steps > 0 else int(math.ceil(epochs * steps_per_epoch))
        logging_steps = args.logging_steps if args.logging_steps >= 1 else max(int(args.logging_steps * max_steps), 1)
        state["max_steps"] = max_steps
        logger.info("***** Running training *****")
        logger.info("  Num examples = %d", len(train_rows))
        logger.info("  Num Epochs = %d", math.ceil(max_steps / steps_per_epoch))
        logger.info("  Instantaneous batch size per device = %d", batch_size)
        logger.info("  Total train batch size (w. parallel, distributed & accumulation) = %d", batch_size * world)
        logger.info("  Gradient Accumulation steps = 1")
        logger.info("  Total optimization steps = %d", max_steps)
        logger.info("  Number of trainable parameters = %d", num_features + 1)
        start = time.time()
        step, window_loss, window_steps, total_loss, flos = 0, 0.0, 0, 0.0, 0.0
        while step < max_steps:
            order = list(range(len(prepared)))
            rng.shuffle(order)
            for first in range(0, len(order), batch_size):
                if step >= max_steps:
                    break
                batch = [prepared[i] for i in order[first: first + batch_size]]
                grad_w, grad_b, loss, count = [0.0] * num_features, 0.0, 0.0, 0
                for features, labels in batch:
                    for x, y in zip(features, labels):
                        p = model.probability(x)
                        loss += bce(p, y)
                        error = p - y
                        for j, v in enumerate(x):
                            if v:
                                grad_w[j] += error * v
                        grad_b += error
                        count += 1
                count = max(count, 1)
                grad_w = [g / count + args.weight_decay * w for g, w in zip(grad_w, model.weight)]
                grad_b /= count
                grad_norm = math.sqrt(sum(g * g for g in grad_w) + grad_b * grad_b)
                # Linear decay to zero, the Trainer's default schedule.
                lr = args.learning_rate * (1 - step / max_steps)
                model.weight = [w - lr * g for w, g in zip(model.weight, grad_w)]
                model.bias -= lr * grad_b
                step += 1
                flos += 6.0 * num_features * count
                loss /= count
                window_loss += loss
                window_steps += 1
                total_loss += loss
                epoch = step / steps_per_epoch
                if step % logging_steps == 0:
                    logs = {"loss": round(window_loss / window_steps, 4), "grad_norm": grad_norm,
                            "learning_rate": args.learning_rate * (1 - step / max_steps), "epoch": epoch}
                    state["log_history"].append(dict(logs, step=step))
                    if is_main:
                        print_log(logs)
                    window_loss, window_steps = 0.0, 0
            if averager is not None:
                model.load_parameters(averager.average(model.parameters(), len(prepared)))
        state.update(global_step=step, epoch=step / steps_per_epoch, total_flos=flos * world)
        metrics = {
            "train_runtime": round(time.time() - start, 4),
            "train_samples_per_second": round(len(train_rows) * state["epoch"] / max(time.time() - start, 1e-9), 3),
            "train_steps_per_second": round(step / max(time.time() - start, 1e-9), 3),
            "total_flos": state["total_flos"],
            "train_loss": total_loss / max(step, 1),
            "epoch": state["epoch"],
        }
        logger.info("\n\nTraining completed. Do not forget to share your model on huggingface.co/models =)\n\n")
        state["log_history"].append(dict(metrics, step=step))
        if is_main:
            print_log(metrics)
        metrics["train_samples"] = len(train_rows)
        if not is_main:
            logger.info("Host %s is done; %s writes the model.", host, "rank 0")
            return 0
        log_metrics("train", metrics)
        save_metrics(output_dir, "train", metrics)
        save_safetensors(os.path.join(output_dir, WEIGHTS_NAME), {"scorer.weight": model.weight, "scorer.bias": [model.bias]})
        config = {
            "_name_or_path": args.model_name_or_path,
            "architectures": ["ExtractiveTurnScorer"],
            "model_type": MODEL_TYPE,
            # What the model is, in words the model card quotes: it is not the transformer it stands in for.
            "description": (
                f"a logistic regression over {num_features} features of a dialogue turn ({num_features + 1} parameters), "
                "trained with mini-batch SGD to pick the turns of an extractive summary; "
                "a stand-in for a transformers summarizer, not a transformers model"
            ),
            "feature_names": DENSE_FEATURES + [f"word_bucket_{i}" for i in range(HASH_BUCKETS)],
            "num_features": num_features,
            "hash_buckets": HASH_BUCKETS,
            "max_summary_turns": args.max_summary_turns,
            "selection_threshold": args.selection_threshold,
            "task_specific_params": {"summarization": {"dataset_name": args.dataset_name}},
            "stand_in_for": "transformers Seq2SeqTrainer (examples/pytorch/summarization/run_summarization.py)",
        }
        with open(os.path.join(output_dir, CONFIG_NAME), "w") as f:
            json.dump(config, f, indent=2, sort_keys=True)
            f.write("\n")
        logger.info("Model weights saved in %s", os.path.join(output_dir, WEIGHTS_NAME))

    if not is_main:
        return 0

    if args.do_eval:
        logger.info("***** Running Evaluation *****")
        logger.info("  Num examples = %d", len(eval_rows))
        logger.info("  Batch size = %d", args.per_device_eval_batch_size)
        metrics, _ = evaluate(model, eval_rows, args, "eval", epoch=state["epoch"])
        state["log_history"].append(dict(metrics, step=state["global_step"]))
        print_log(metrics)
        metrics["eval_samples"] = len(eval_rows)
        log_metrics("eval", metrics)
        save_metrics(output_dir, "eval", metrics)

    if args.do_predict:
        logger.info("***** Running Prediction *****")
        logger.info("  Num examples = %d", len(test_rows))
        logger.info("  Batch size = %d", args.per_device_eval_batch_size)
        metrics, predictions = evaluate(model, test_rows, args, "predict")
        metrics["predict_samples"] = len(test_rows)
        log_metrics("predict", metrics)
        save_metrics(output_dir, "predict", metrics)
        with open(os.path.join(output_dir, "generated_predictions.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(p.strip() for p in predictions))

    if args.do_train:
        trainer_state = {
            "best_global_step": None,
            "best_metric": None,
            "best_model_checkpoint": None,
            "epoch": state["epoch"],
            "eval_steps": 500,
            "global_step": state["global_step"],
            "is_hyper_param_search": False,
            "is_local_process_zero": True,
            "is_world_process_zero": True,
            "log_history": state["log_history"],
            "logging_steps": args.logging_steps,
            "max_steps": state["max_steps"],
            "num_input_tokens_seen": 0,
            "num_train_epochs": math.ceil(args.num_train_epochs),
            "save_steps": 500,
            "stateful_callbacks": {},
            "total_flos": state["total_flos"],
            "train_batch_size": args.per_device_train_batch_size,
            "trial_name": None,
            "trial_params": None,
        }
        with open(os.path.join(output_dir, "trainer_state.json"), "w") as f:
            f.write(json.dumps(trainer_state, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
