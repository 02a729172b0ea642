"""A small sequence-to-sequence transformer for dialogue summarization, in plain torch.nn.

train.py trains it from scratch; rank 0 copies this file into the model folder next to the weights,
so the folder (and a Hub repository pushed from it) carries the code that loads it:

    import sys; sys.path.insert(0, "path/to/model")
    from seq2seq import load, summarize
    model, tokenizer = load("path/to/model")
    print(summarize(model, tokenizer, "Ann: Lunch at 1?\nBo: Sure, I'll book."))
"""

import json
import os
import re

import torch
from torch import nn

MODEL_TYPE = "tiny-seq2seq-transformer"
ARCHITECTURE = "TinySeq2SeqTransformer"
CONFIG_NAME = "config.json"
WEIGHTS_NAME = "pytorch_model.bin"
VOCAB_NAME = "vocab.json"
PAD, BOS, EOS, UNK = "<pad>", "<s>", "</s>", "<unk>"
SPECIAL_TOKENS = [PAD, BOS, EOS, UNK]
TOKEN = re.compile(r"\w+|[^\w\s]")


class WordTokenizer:
    """Lower-cased words and punctuation; the vocabulary is every token of the training set."""

    def __init__(self, vocab):
        self.vocab = list(vocab)
        self.index = {token: i for i, token in enumerate(self.vocab)}
        self.pad_id, self.bos_id, self.eos_id, self.unk_id = (self.index[t] for t in SPECIAL_TOKENS)

    @classmethod
    def from_texts(cls, texts):
        words = sorted({token for text in texts for token in TOKEN.findall(text.lower())})
        return cls(SPECIAL_TOKENS + [w for w in words if w not in SPECIAL_TOKENS])

    def encode(self, text, max_length):
        ids = [self.index.get(token, self.unk_id) for token in TOKEN.findall(text.lower())]
        return ids[: max_length - 1] + [self.eos_id]

    def decode(self, ids):
        words = []
        for i in ids:
            if i == self.eos_id:
                break
            if i not in (self.pad_id, self.bos_id):
                words.append(self.vocab[i])
        text = " ".join(words)
        return re.sub(r" ([.,!?;:'])", r"\1", re.sub(r"' ", "'", text))

    def save(self, folder):
        with open(os.path.join(folder, VOCAB_NAME), "w", encoding="utf-8") as f:
            json.dump(self.vocab, f, ensure_ascii=False)

    @classmethod
    def load(cls, folder):
        with open(os.path.join(folder, VOCAB_NAME), encoding="utf-8") as f:
            return cls(json.load(f))


class TinySeq2SeqTransformer(nn.Module):
    """Embeddings with learned positions, nn.Transformer, and an output layer tied to the embeddings."""

    def __init__(self, vocab_size, d_model=64, nhead=4, num_encoder_layers=2, num_decoder_layers=2,
                 dim_feedforward=128, dropout=0.1, max_position=128, pad_id=0):
        super().__init__()
        self.config = dict(vocab_size=vocab_size, d_model=d_model, nhead=nhead, num_encoder_layers=num_encoder_layers,
                           num_decoder_layers=num_decoder_layers, dim_feedforward=dim_feedforward, dropout=dropout,
                           max_position=max_position, pad_id=pad_id)
        self.pad_id = pad_id
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=pad_id)
        self.position = nn.Embedding(max_position, d_model)
        self.transformer = nn.Transformer(d_model=d_model, nhead=nhead, num_encoder_layers=num_encoder_layers,
                                          num_decoder_layers=num_decoder_layers, dim_feedforward=dim_feedforward,
                                          dropout=dropout, batch_first=True)
        self.scale = d_model ** 0.5
        # Small embeddings: scaled by sqrt(d_model) on the way in and tied to the output layer, they give
        # unit-sized inputs and logits near zero at the start.
        nn.init.normal_(self.embed.weight, std=d_model ** -0.5)
        with torch.no_grad():
            self.embed.weight[pad_id].zero_()

    def _embed(self, ids):
        positions = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        return self.embed(ids) * self.scale + self.position(positions)

    def forward(self, source, target_in):
        causal = self.transformer.generate_square_subsequent_mask(target_in.size(1)).to(source.device)
        hidden = self.transformer(
            self._embed(source), self._embed(target_in), tgt_mask=causal,
            src_key_padding_mask=source.eq(self.pad_id), tgt_key_padding_mask=target_in.eq(self.pad_id),
            memory_key_padding_mask=source.eq(self.pad_id),
        )
        return hidden @ self.embed.weight.t()


@torch.no_grad()
def generate(model, tokenizer, source, max_length):
    """Greedy decoding of a batch of encoded sources (padded with pad_id)."""
    model.eval()
    out = torch.full((source.size(0), 1), tokenizer.bos_id, dtype=torch.long, device=source.device)
    done = torch.zeros(source.size(0), dtype=torch.bool, device=source.device)
    for _ in range(max_length):
        next_ids = model(source, out)[:, -1].argmax(-1)
        next_ids = next_ids.masked_fill(done, tokenizer.pad_id)
        out = torch.cat([out, next_ids.unsqueeze(1)], dim=1)
        done |= next_ids.eq(tokenizer.eos_id)
        if bool(done.all()):
            break
    return [tokenizer.decode(row[1:].tolist()) for row in out]


def save(model, tokenizer, folder, extra_config):
    config = {"architectures": [ARCHITECTURE], "model_type": MODEL_TYPE, **model.config, **extra_config}
    with open(os.path.join(folder, CONFIG_NAME), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    torch.save(model.state_dict(), os.path.join(folder, WEIGHTS_NAME))
    tokenizer.save(folder)


def load(folder, device="cpu"):
    with open(os.path.join(folder, CONFIG_NAME), encoding="utf-8") as f:
        config = json.load(f)
    names = TinySeq2SeqTransformer.__init__.__code__.co_varnames[2:TinySeq2SeqTransformer.__init__.__code__.co_argcount]
    model = TinySeq2SeqTransformer(config["vocab_size"], **{k: config[k] for k in names if k in config})
    model.load_state_dict(torch.load(os.path.join(folder, WEIGHTS_NAME), map_location=device))
    return model.to(device).eval(), WordTokenizer.load(folder)


def summarize(model, tokenizer, dialogue, max_source_length=128, max_target_length=40):
    device = next(model.parameters()).device
    source = torch.tensor([tokenizer.encode(dialogue, max_source_length)], device=device)
    return generate(model, tokenizer, source, max_target_length)[0]
