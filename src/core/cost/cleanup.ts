/**
 * What an ended training job left in S3, as prefixes it alone owns: its model output
 * (`<output_path>/<job>/output/`), its checkpoints (CheckpointConfig.S3Uri), its code
 * (`…/<job>/source/sourcedir.tar.gz`, one object), and its profiler, debugger and rule output.
 * Every prefix ends at a `/` boundary (so `train/` never takes `train-2/`), and a prefix that any
 * other job's paths share (a checkpoint folder two jobs write to, an output path one job's name
 * is a folder of) is never offered for deletion: it is listed with the job that shares it.
 */
import { parseHyperparameter } from '../sagemaker/hyperparameters';
import type { TrainingJobDescription } from '../jobs/trainingJobDescription';

export type LeftoverKind = 'model output' | 'checkpoints' | 'source' | 'profiler/debug output';

export interface S3Location {
  bucket: string;
  /** A key prefix ending in `/`, or one object's exact key when `exact`. */
  key: string;
  exact: boolean;
}

export interface Leftover extends S3Location {
  job: string;
  kind: LeftoverKind;
  uri: string;
}

/** `s3://bucket/a/b` → bucket and key; undefined for anything else. */
export function parseS3Uri(uri: string | undefined): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri ?? '');
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

function folder(uri: string | undefined, ...parts: string[]): S3Location | undefined {
  const p = parseS3Uri(uri);
  if (!p) return undefined;
  const key = [p.key.replace(/\/+$/, ''), ...parts].filter((s) => s !== '').join('/');
  return { bucket: p.bucket, key: key === '' ? '' : `${key}/`, exact: false };
}

function uriOf(l: S3Location): string {
  return `s3://${l.bucket}/${l.key}`;
}

/** The S3 locations one job wrote (or SageMaker wrote for it), by kind. */
export function jobLeftovers(d: TrainingJobDescription): Leftover[] {
  const job = d.TrainingJobName ?? '';
  const out: Leftover[] = [];
  const add = (kind: LeftoverKind, l: S3Location | undefined) => {
    // A bucket's root is never one job's own.
    if (l && l.key !== '' && !out.some((o) => o.bucket === l.bucket && o.key === l.key)) out.push({ ...l, job, kind, uri: uriOf(l) });
  };
  add('model output', folder(d.OutputDataConfig?.S3OutputPath, job, 'output'));
  add('checkpoints', folder(d.CheckpointConfig?.S3Uri));
  const raw = d.HyperParameters?.['sagemaker_submit_directory'];
  const parsed = raw === undefined ? undefined : parseHyperparameter(raw);
  const submit = parsed?.type === 'str' ? parsed.value : raw;
  const codeChannel = d.InputDataConfig?.find((c) => c.ChannelName === 'code')?.DataSource?.S3DataSource?.S3Uri;
  const source = parseS3Uri(typeof submit === 'string' && submit.startsWith('s3://') ? submit : codeChannel);
  if (source && source.key.endsWith('.tar.gz')) add('source', { bucket: source.bucket, key: source.key, exact: true });
  add('profiler/debug output', folder(d.ProfilerConfig?.S3OutputPath, job, 'profiler-output'));
  add('profiler/debug output', folder(d.DebugHookConfig?.S3OutputPath, job, 'debug-output'));
  if ((d.DebugRuleConfigurations?.length ?? 0) > 0 || (d.ProfilerRuleConfigurations?.length ?? 0) > 0)
    add('profiler/debug output', folder(d.ProfilerConfig?.S3OutputPath ?? d.OutputDataConfig?.S3OutputPath, job, 'rule-output'));
  return out;
}

/** Does deleting `a` touch anything of `b`, or `b` of `a`? (Same bucket, and one is within the other.) */
export function overlaps(a: S3Location, b: S3Location): boolean {
  if (a.bucket !== b.bucket) return false;
  const within = (x: S3Location, y: S3Location) => (y.exact ? x.key === y.key : x.key.startsWith(y.key));
  return within(a, b) || within(b, a);
}

export interface CleanupCandidate extends Leftover {
  /** Set when another job's path shares this prefix: then it is never deleted. */
  sharedWith?: string;
}

/**
 * The leftovers of the chosen jobs, each marked with the first other job (among `others`, every job
 * known, chosen or not) whose paths share it. Only the unshared ones may be deleted.
 */
export function cleanupCandidates(chosen: TrainingJobDescription[], others: TrainingJobDescription[]): CleanupCandidate[] {
  const otherPaths = others.flatMap(jobLeftovers);
  return chosen.flatMap(jobLeftovers).map((l) => {
    const shared = otherPaths.find((o) => o.job !== l.job && overlaps(l, o));
    return shared ? { ...l, sharedWith: shared.job } : l;
  });
}

/**
 * S3 Standard storage, the first 50 TB a month in US East (N. Virginia): $0.023 per GB-month,
 * ASSUMED. Checked on 2026-12-07 against what this project can read of AWS: no AWS page states
 * it (https://aws.amazon.com/s3/pricing/ fills its price cells in the browser, so stored copies of
 * it carry no numbers), and only third-party write-ups quote $0.023 for that tier. Other regions
 * and storage classes differ; the clean-up list says the price is assumed and where to check it.
 * S3 bills storage in binary GB (2^30 bytes, a GiB): the examples of https://aws.amazon.com/s3/faqs/
 * turn bytes into GB-months that way (10 TB is 10,995,116,277,760 bytes there), and formatBytes
 * shows the sizes in GiB too.
 */
export const S3_STANDARD_USD_PER_GB_MONTH = 0.023;
export const S3_STORAGE_PRICE_SOURCE =
  'assumed S3 Standard price in us-east-1, $0.023 per GB-month (not confirmed from an AWS page; check https://aws.amazon.com/s3/pricing/); other regions and classes differ';

/** A month of S3 Standard for `bytes`, in dollars to the millionth (1 GiB: $0.023). */
export function monthlyStorageUsd(bytes: number): number {
  return Math.round((bytes / 2 ** 30) * S3_STANDARD_USD_PER_GB_MONTH * 1e6) / 1e6;
}
