/**
 * The metrics a Trainer run leaves in the model folder, per split, and how they read in a card.
 *
 * `trainer.save_metrics(split, metrics)` writes `{split}_results.json` (keys prefixed `{split}_`,
 * except a few like `epoch`) and merges everything into `all_results.json`. Older example scripts
 * (transformers 4.4, the blog's run) call the held-out split `test`, newer ones `predict`.
 */

import { isRecord } from '../isRecord';

export type ResultSplit = 'train' | 'eval' | 'test' | 'predict';

export interface ResultMetric {
  /** Without the split prefix: `rouge1`, `loss`, `runtime`, `epoch`. */
  key: string;
  /** As written in the file: `eval_rouge1`. */
  rawKey: string;
  value: unknown;
}

export interface SplitResults {
  split: ResultSplit;
  /** The file the metrics came from. */
  file: string;
  metrics: ResultMetric[];
}

const SPLITS: readonly ResultSplit[] = ['train', 'eval', 'test', 'predict'];

/** The dataset split each results file evaluated, in the `datasets` library's names. */
export const DATASET_SPLIT: Readonly<Record<ResultSplit, string>> = { train: 'train', eval: 'validation', test: 'test', predict: 'test' };

/** How a split is called in headings and model-index metric names. */
export const SPLIT_LABEL: Readonly<Record<ResultSplit, string>> = { train: 'Training', eval: 'Validation', test: 'Test', predict: 'Test' };

/**
 * Results per split, in train/eval/test/predict order. A split's own file wins; when it is
 * missing, the split's prefixed keys are taken from `all_results.json`.
 */
export function readSplitResults(files: Readonly<Record<string, unknown>>): SplitResults[] {
  const all = asRecord(files['all_results.json']);
  const out: SplitResults[] = [];
  for (const split of SPLITS) {
    const file = `${split}_results.json`;
    const own = asRecord(files[file]);
    const prefix = `${split}_`;
    if (own) {
      out.push({ split, file, metrics: Object.entries(own).map(([rawKey, value]) => ({ key: rawKey.startsWith(prefix) ? rawKey.slice(prefix.length) : rawKey, rawKey, value })) });
      continue;
    }
    if (!all) continue;
    const metrics = Object.entries(all)
      .filter(([k]) => k.startsWith(prefix))
      .map(([rawKey, value]) => ({ key: rawKey.slice(prefix.length), rawKey, value }));
    if (metrics.length > 0) out.push({ split, file: 'all_results.json', metrics });
  }
  return out;
}

interface MetricInfo {
  label: string;
  /** The Hub metric id (https://hf.co/metrics) for model-index; absent for bookkeeping numbers. */
  hubType?: string;
}

const KNOWN: Readonly<Record<string, MetricInfo>> = {
  rouge1: { label: 'ROUGE-1', hubType: 'rouge' },
  rouge2: { label: 'ROUGE-2', hubType: 'rouge' },
  rougeL: { label: 'ROUGE-L', hubType: 'rouge' },
  rougeLsum: { label: 'ROUGE-Lsum', hubType: 'rouge' },
  bleu: { label: 'BLEU', hubType: 'bleu' },
  sacrebleu: { label: 'SacreBLEU', hubType: 'sacrebleu' },
  bleurt: { label: 'BLEURT', hubType: 'bleurt' },
  meteor: { label: 'METEOR', hubType: 'meteor' },
  accuracy: { label: 'Accuracy', hubType: 'accuracy' },
  f1: { label: 'F1', hubType: 'f1' },
  precision: { label: 'Precision', hubType: 'precision' },
  recall: { label: 'Recall', hubType: 'recall' },
  exact_match: { label: 'Exact match', hubType: 'exact_match' },
  exact: { label: 'Exact match', hubType: 'exact_match' },
  matthews_correlation: { label: 'Matthews correlation', hubType: 'matthews_correlation' },
  pearson: { label: 'Pearson', hubType: 'pearsonr' },
  pearsonr: { label: 'Pearson', hubType: 'pearsonr' },
  spearmanr: { label: 'Spearman', hubType: 'spearmanr' },
  wer: { label: 'WER', hubType: 'wer' },
  cer: { label: 'CER', hubType: 'cer' },
  mse: { label: 'MSE', hubType: 'mse' },
  mae: { label: 'MAE', hubType: 'mae' },
  perplexity: { label: 'Perplexity', hubType: 'perplexity' },
  loss: { label: 'Loss' },
  gen_len: { label: 'Generated length (tokens)' },
  runtime: { label: 'Runtime (s)' },
  samples: { label: 'Samples' },
  samples_per_second: { label: 'Samples / second' },
  steps_per_second: { label: 'Steps / second' },
  epoch: { label: 'Epoch' },
  total_flos: { label: 'Total FLOPs' },
};

/** seqeval (token classification) reports `overall_f1`; it is the same F1. */
function lookup(key: string): MetricInfo | undefined {
  const own = (k: string) => (Object.hasOwn(KNOWN, k) ? KNOWN[k] : undefined);
  return own(key) ?? (key.startsWith('overall_') ? own(key.slice('overall_'.length)) : undefined);
}

/** A readable name for a metric key (without split prefix); unknown keys are shown as written. */
export function metricLabel(key: string): string {
  return lookup(key)?.label ?? key;
}

/**
 * An evaluation metric's label after "Validation", in the sentence case every chart and table uses
 * ("Training loss", "Validation loss", "Learning rate"): a word loses its capital, an acronym
 * (ROUGE-1, F1, BLEU) keeps it, and an unknown key stays as written.
 */
export function validationLabel(key: string): string {
  const known = lookup(key)?.label;
  if (!known) return `Validation ${key}`;
  // Sentence case for a common word (Accuracy, Exact match); a name keeps its capitals (ROUGE-1, SacreBLEU).
  return `Validation ${/^[A-Z][a-z]*(?:\s|$)/.test(known) ? known[0]!.toLowerCase() + known.slice(1) : known}`;
}

/**
 * The Hub metric id for model-index, or undefined when the number is not an evaluation result
 * (loss, runtime, throughput, sample counts, generated length): those stay in the tables only.
 */
export function metricHubType(key: string): string | undefined {
  return lookup(key)?.hubType;
}

/**
 * A metric value for a table: integers as they are, large numbers to 2 decimals, others to at
 * most 4 decimals (or 4 significant digits below 1, exponent notation below 0.001), so that
 * 42.62134 reads 42.6213 and a learning rate 5e-05 stays legible.
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs < 0.001) return value.toExponential(2).replace(/\.?0+e/, 'e');
  if (abs < 1) return trimZeros(value.toPrecision(4));
  if (abs >= 1000) return trimZeros(value.toFixed(2));
  return trimZeros(value.toFixed(4));
}

function trimZeros(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}

/** The value stored in model-index: a number, rounded to 4 decimals like the tables. */
export function modelIndexValue(value: number): number {
  return Number(value.toFixed(4));
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}
