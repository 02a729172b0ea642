#!/usr/bin/env python3
"""Data-parallel training of a small sequence-to-sequence transformer with torch.distributed.

Launched with `distribution: {torch_distributed: {enabled: true}}`, SageMaker's PyTorch container starts
this script through torchrun on every instance, one process per GPU; torchrun gives each process its
place in the job through the environment (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT).
The script reads nothing else to find its peers: init_process_group's env:// rendezvous does the rest.
The extension's local backend sets the same variables for each of its host processes.

- Every rank builds the same vocabulary and the same initial weights (same seed).
- DistributedSampler gives each rank its own shard of the training set, a new shuffle every epoch.
- DistributedDataParallel all-reduces (averages) the gradients after every backward pass, so every
  rank applies the same update and the weights stay identical although the data differ.
- nccl on GPUs, gloo on CPUs.
- Only rank 0 evaluates and writes the model (config.json, pytorch_model.bin, vocab.json, this
  model's code seq2seq.py, and the Trainer's result files) to SM_MODEL_DIR: SageMaker packs the
  model folder of every instance into one model.tar.gz, so a second writer would only clash.
- Every rank writes rank-<N>.json to SM_OUTPUT_DATA_DIR (output.tar.gz): its shard and a SHA-256
  of its parameters after training, the evidence that the ranks ended identical.
"""

import argparse
import hashlib
import json
import logging
import math
import os
import random
import shutil
import sys
import time
import warnings

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler

import seq2seq

logger = logging.getLogger(__name__)
# PyTorch 1.13's nn.Transformer warns on every evaluation that its fast path uses a prototype API.
warnings.filterwarnings("ignore", message="The PyTorch API of nested tensors is in prototype stage")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--num_train_epochs", type=int, default=30)
    parser.add_argument("--per_device_train_batch_size", type=int, default=8)
    parser.add_argument("--per_device_eval_batch_size", type=int, default=16)
    parser.add_argument("--learning_rate", type=float, default=3e-3)
    parser.add_argument("--weight_decay", type=float, default=0.01)
    parser.add_argument("--logging_steps", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--d_model", type=int, default=64)
    parser.add_argument("--nhead", type=int, default=4)
    parser.add_argument("--num_layers", type=int, default=2, help="encoder layers, and as many decoder layers")
    parser.add_argument("--dim_feedforward", type=int, default=128)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--max_source_length", type=int, default=128)
    parser.add_argument("--max_target_length", type=int, default=40)
    parser.add_argument("--output_dir", default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--output_data_dir", default=os.environ.get("SM_OUTPUT_DATA_DIR"))
    parser.add_argument("--train_dir", default=os.environ.get("SM_CHANNEL_TRAIN"))
    parser.add_argument("--validation_dir", default=os.environ.get("SM_CHANNEL_VALIDATION"))
    parser.add_argument("--test_dir", default=os.environ.get("SM_CHANNEL_TEST"))
    args = parser.parse_args(argv)
    for name in ("output_dir", "output_data_dir", "train_dir"):
        if not getattr(args, name):
            parser.error(f"--{name} is required outside SageMaker (its SM_* variable is not set)")
    return args


def read_channel(folder):
    """Every *.jsonl file of an input channel, in name order."""
    rows = []
    if not folder:
        return rows
    for name in sorted(os.listdir(folder)):
        if name.endswith(".jsonl"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                rows.extend(json.loads(line) for line in f if line.strip())
    return rows


def init_distributed():
    """The torchrun environment, as the container (or the local backend) sets it."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if torch.cuda.is_available():
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
        backend = "nccl"
    else:
        device = torch.device("cpu")
        backend = "gloo"
    if world_size > 1:
        dist.init_process_group(backend=backend, init_method="env://")
    return rank, world_size, local_rank, device, backend


def mean_across_ranks(value, world_size, device):
    if world_size == 1:
        return value
    t = torch.tensor([value], dtype=torch.float64, device=device)
    dist.all_reduce(t)
    return t.item() / world_size


def parameter_sha256(model):
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode("utf-8"))
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


class Examples(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, args):
        self.rows = rows
        self.items = [(tokenizer.encode(r["dialogue"], args.max_source_length),
                       [tokenizer.bos_id] + tokenizer.encode(r["summary"], args.max_target_length)) for r in rows]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return i, self.items[i]


def collate(pad_id):
    def pad(seqs):
        width = max(len(s) for s in seqs)
        return torch.tensor([s + [pad_id] * (width - len(s)) for s in seqs], dtype=torch.long)

    def fn(batch):
        indices = [i for i, _ in batch]
        source = pad([s for _, (s, _) in batch])
        target = pad([t for _, (_, t) in batch])
        return indices, source, target[:, :-1], target[:, 1:]

    return fn


@torch.no_grad()
def evaluate(model, dataset, tokenizer, args, device):
    model.eval()
    loader = DataLoader(dataset, batch_size=args.per_device_eval_batch_size, collate_fn=collate(tokenizer.pad_id))
    loss_sum, tokens, correct = 0.0, 0, 0
    for _, source, target_in, target_out in loader:
        source, target_in, target_out = source.to(device), target_in.to(device), target_out.to(device)
        logits = model(source, target_in)
        mask = target_out.ne(tokenizer.pad_id)
        loss_sum += torch.nn.functional.cross_entropy(logits[mask], target_out[mask], reduction="sum").item()
        correct += int(logits.argmax(-1)[mask].eq(target_out[mask]).sum())
        tokens += int(mask.sum())
    return {"eval_loss": round(loss_sum / max(tokens, 1), 4), "eval_token_accuracy": round(correct / max(tokens, 1), 4)}


def log_line(logs):
    # The Trainer's log line, which the job file's metric_definitions read.
    print(logs, flush=True)


def save_metrics(output_dir, split, metrics):
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


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    rank, world_size, local_rank, device, backend = init_distributed()
    logging.basicConfig(format=f"%(asctime)s - rank {rank} - %(levelname)s - %(name)s - %(message)s", level=logging.INFO)
    logger.info("rank %d of %d (local rank %d), backend %s, device %s, PyTorch %s", rank, world_size, local_rank,
                backend, device, torch.__version__)
    random.seed(args.seed)
    torch.manual_seed(args.seed)

    train_rows = read_channel(args.train_dir)
    if not train_rows:
        raise ValueError(f"no *.jsonl rows in the train channel {args.train_dir}")
    tokenizer = seq2seq.WordTokenizer.from_texts([r["dialogue"] for r in train_rows] + [r["summary"] for r in train_rows])
    train_set = Examples(train_rows, tokenizer, args)
    max_position = max(args.max_source_length, args.max_target_length + 1)
    model = seq2seq.TinySeq2SeqTransformer(
        len(tokenizer.vocab), d_model=args.d_model, nhead=args.nhead, num_encoder_layers=args.num_layers,
        num_decoder_layers=args.num_layers, dim_feedforward=args.dim_feedforward, dropout=args.dropout,
        max_position=max_position, pad_id=tokenizer.pad_id,
    ).to(device)
    # DDP broadcasts rank 0's weights once here, then averages every gradient across ranks.
    ddp = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None) if world_size > 1 else model

    # drop_last: every rank gets the same number of examples and no example twice, so the shards are disjoint.
    sampler = DistributedSampler(train_set, num_replicas=world_size, rank=rank, shuffle=True, seed=args.seed, drop_last=True)
    loader = DataLoader(train_set, batch_size=args.per_device_train_batch_size, sampler=sampler, collate_fn=collate(tokenizer.pad_id))
    steps_per_epoch = len(loader)
    max_steps = steps_per_epoch * args.num_train_epochs
    optimizer = torch.optim.AdamW(ddp.parameters(), lr=args.learning_rate, weight_decay=args.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 - step / max_steps)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=tokenizer.pad_id, label_smoothing=0.1)
    num_parameters = sum(p.numel() for p in model.parameters())
    if rank == 0:
        logger.info("***** Running training *****")
        logger.info("  Num examples = %d (%d per rank)", len(train_set), sampler.num_samples)
        logger.info("  Num Epochs = %d", args.num_train_epochs)
        logger.info("  Total train batch size (w. parallel, distributed) = %d", args.per_device_train_batch_size * world_size)
        logger.info("  Total optimization steps = %d", max_steps)
        logger.info("  Number of trainable parameters = %d", num_parameters)

    log_history, first_shard, seen = [], None, set()
    step, window_loss, window_steps, total_loss = 0, 0.0, 0, 0.0
    start = time.time()
    for epoch in range(args.num_train_epochs):
        sampler.set_epoch(epoch)
        ddp.train()
        shard = []
        for indices, source, target_in, target_out in loader:
            shard.extend(indices)
            source, target_in, target_out = source.to(device), target_in.to(device), target_out.to(device)
            logits = ddp(source, target_in)
            loss = loss_fn(logits.reshape(-1, logits.size(-1)), target_out.reshape(-1))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()  # DDP's all-reduce of the gradients happens here
            grad_norm = float(torch.nn.utils.clip_grad_norm_(ddp.parameters(), 1.0))
            optimizer.step()
            schedule.step()
            step += 1
            window_loss += loss.item()
            window_steps += 1
            if step % args.logging_steps == 0 or step == max_steps:
                # Every rank's local loss differs (its own batch); the logged loss is their mean.
                mean_loss = mean_across_ranks(window_loss / window_steps, world_size, device)
                total_loss += mean_loss * window_steps
                logs = {"loss": round(mean_loss, 4), "grad_norm": round(grad_norm, 4),
                        "learning_rate": schedule.get_last_lr()[0], "epoch": round(step / steps_per_epoch, 2)}
                log_history.append(dict(logs, step=step))
                if rank == 0:
                    log_line(logs)
                window_loss, window_steps = 0.0, 0
        if first_shard is None:
            first_shard = shard
        seen.update(shard)
    runtime = time.time() - start

    checksum = parameter_sha256(model)
    os.makedirs(args.output_data_dir, exist_ok=True)
    with open(os.path.join(args.output_data_dir, f"rank-{rank}.json"), "w") as f:
        json.dump({
            "rank": rank, "world_size": world_size, "local_rank": local_rank, "backend": backend,
            "master": f"{os.environ.get('MASTER_ADDR')}:{os.environ.get('MASTER_PORT')}",
            "first_epoch_example_ids": sorted(train_rows[i]["id"] for i in first_shard),
            "example_ids_seen": sorted(train_rows[i]["id"] for i in seen),
            "parameter_sha256": checksum, "global_step": step,
        }, f, indent=2)
        f.write("\n")
    logger.info("parameters after training: sha256 %s", checksum)

    if rank == 0:
        metrics = {"epoch": float(args.num_train_epochs), "train_loss": round(total_loss / max(step, 1), 4),
                   "train_runtime": round(runtime, 4), "train_samples": len(train_set),
                   "train_samples_per_second": round(sampler.num_samples * world_size * args.num_train_epochs / max(runtime, 1e-9), 3),
                   "train_steps_per_second": round(step / max(runtime, 1e-9), 3)}
        log_line(metrics)
        log_history.append(dict(metrics, step=step))
        os.makedirs(args.output_dir, exist_ok=True)
        save_metrics(args.output_dir, "train", metrics)
        validation_rows = read_channel(args.validation_dir)
        if validation_rows:
            eval_metrics = evaluate(model, Examples(validation_rows, tokenizer, args), tokenizer, args, device)
            eval_metrics.update(epoch=float(args.num_train_epochs))
            log_line(eval_metrics)
            log_history.append(dict(eval_metrics, step=step))
            eval_metrics["eval_samples"] = len(validation_rows)
            save_metrics(args.output_dir, "eval", eval_metrics)
        test_rows = read_channel(args.test_dir)
        if test_rows:
            test_set = Examples(test_rows, tokenizer, args)
            predictions = []
            for first in range(0, len(test_set), args.per_device_eval_batch_size):
                batch = [test_set.items[i][0] for i in range(first, min(first + args.per_device_eval_batch_size, len(test_set)))]
                width = max(len(s) for s in batch)
                source = torch.tensor([s + [tokenizer.pad_id] * (width - len(s)) for s in batch], device=device)
                predictions.extend(seq2seq.generate(model, tokenizer, source, args.max_target_length))
            with open(os.path.join(args.output_dir, "generated_predictions.txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(predictions) + "\n")
            save_metrics(args.output_dir, "predict", {"predict_samples": len(test_rows)})
        seq2seq.save(model, tokenizer, args.output_dir, {
            "torch_version": torch.__version__,
            "trained_with": f"torch.distributed DistributedDataParallel, {world_size} processes, {backend}",
            "task": "summarization",
        })
        shutil.copy(seq2seq.__file__, os.path.join(args.output_dir, "seq2seq.py"))
        with open(os.path.join(args.output_dir, "trainer_state.json"), "w") as f:
            json.dump({
                "epoch": float(args.num_train_epochs), "global_step": step, "max_steps": max_steps,
                "num_train_epochs": args.num_train_epochs, "logging_steps": args.logging_steps,
                "train_batch_size": args.per_device_train_batch_size, "is_world_process_zero": True,
                "log_history": log_history, "best_metric": None, "best_model_checkpoint": None,
            }, f, indent=2, sort_keys=True)
            f.write("\n")
        logger.info("Model saved in %s (%d parameters)", args.output_dir, num_parameters)
    else:
        logger.info("rank %d is done; rank 0 writes the model.", rank)

    if world_size > 1:
        dist.barrier()
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
