/**
 * Why a training job failed, as one of a fixed set of kinds, with the host it happened on, what was
 * seen and what to do. Each kind is recognised from the words the framework or SageMaker itself
 * writes (test/fixtures/failures/ holds one real-shaped log per kind):
 *
 * - FailureReason and the secondary statuses alone: `ResourceLimitExceeded` (quota),
 *   `CapacityError` / InsufficientInstanceCapacity (capacity), an Interrupted secondary status of a
 *   managed spot job (spot-interruption, also when max_wait then ran out), the MaxRuntimeExceeded
 *   or MaxWaitTimeExceeded secondary status (max-runtime);
 * - the hosts' logs (and FailureReason, which quotes the script's error): PyTorch's
 *   `CUDA out of memory. Tried to allocate …` and TensorFlow's `OOM when allocating tensor`
 *   (cuda-out-of-memory), `[Errno 28] No space left on device` (disk-full), `ModuleNotFoundError`
 *   / `ImportError` (module-not-found), botocore's `(AccessDenied) when calling the GetObject
 *   operation` and SageMaker's channel download errors (s3-access-denied), `/bin/sh: 1: Syntax
 *   error` and argparse's `unrecognized arguments` from a hyperparameter value the toolkit's shell
 *   split (argument-splitting), ProcessGroupNCCL's `Watchdog caught collective operation timeout`
 *   (nccl-timeout, looked at last: on the other hosts it is the symptom of whichever host died);
 * - anything else: unknown, with the last 30 lines of the first failing host.
 */
import { findInstanceType, listInstanceTypes, totalAcceleratorMemoryGB } from '../catalog/instanceTypes';
import type { InstanceType } from '../catalog/instanceTypes';
import { parseImageUri } from '../catalog/huggingfaceImages';
import { splitHyperparameters, shellAltersArgument, toCmdArgs } from '../contract/containerContract';
import { excerpt } from '../excerpt';
import { decodeHyperparameters } from '../sagemaker/hyperparameters';
import { isSecretEntry } from '../sagemaker/secrets';
import { hostTextLines, stripRankPrefix } from './traceback';
import type { HostLog, ParsedTraceback } from './traceback';

export const FAILURE_KINDS = [
  'cuda-out-of-memory',
  'nccl-timeout',
  'module-not-found',
  's3-access-denied',
  'disk-full',
  'capacity',
  'quota',
  'max-runtime',
  'spot-interruption',
  'argument-splitting',
  'unknown',
] as const;

export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface FailureCause {
  kind: FailureKind;
  /** The host it happened on (`algo-2`); null for failures before any host ran (quota, capacity). */
  host: string | null;
  message: string;
  fix: string;
  /** For `unknown`: the last lines (at most 30) of the first failing host. */
  lines?: string[];
}

/** What of DescribeTrainingJob (or a local job's job.json) the classifier reads. */
export interface DiagnosisJob {
  TrainingJobName?: string;
  TrainingJobStatus?: string;
  SecondaryStatus?: string;
  FailureReason?: string;
  SecondaryStatusTransitions?: ReadonlyArray<{ Status?: string; StatusMessage?: string }>;
  HyperParameters?: Record<string, string>;
  AlgorithmSpecification?: { TrainingImage?: string };
  RoleArn?: string;
  InputDataConfig?: ReadonlyArray<{ ChannelName?: string; DataSource?: { S3DataSource?: { S3Uri?: string } } }>;
  OutputDataConfig?: { S3OutputPath?: string };
  ResourceConfig?: { InstanceType?: string; InstanceCount?: number; VolumeSizeInGB?: number; InstanceGroups?: ReadonlyArray<{ InstanceType?: string }> };
  StoppingCondition?: { MaxRuntimeInSeconds?: number; MaxWaitTimeInSeconds?: number };
  EnableManagedSpotTraining?: boolean;
  CheckpointConfig?: { S3Uri?: string; LocalPath?: string };
}

export const UNKNOWN_TAIL_LINES = 30;

interface Context {
  job: DiagnosisJob;
  logs: readonly HostLog[];
  tracebacks: readonly ParsedTraceback[];
  /** Hosts' lines without launcher prefixes. */
  text: Map<string, string[]>;
  reason: string;
  instanceType: string;
}

/** The cause of a failed job: the first kind (in the order above) that its reason or logs show. */
export function classifyFailure(job: DiagnosisJob, logs: readonly HostLog[], tracebacks: readonly ParsedTraceback[]): FailureCause {
  const text = new Map<string, string[]>();
  for (const log of logs) text.set(log.host, hostTextLines(log).map(stripRankPrefix));
  const context: Context = {
    job,
    logs,
    tracebacks,
    text,
    reason: job.FailureReason ?? '',
    instanceType: job.ResourceConfig?.InstanceType ?? job.ResourceConfig?.InstanceGroups?.[0]?.InstanceType ?? '',
  };
  return (
    quota(context) ??
    capacity(context) ??
    spotInterruption(context) ??
    maxRuntime(context) ??
    cudaOutOfMemory(context) ??
    diskFull(context) ??
    moduleNotFound(context) ??
    s3AccessDenied(context) ??
    argumentSplitting(context) ??
    ncclTimeout(context) ??
    unknown(context)
  );
}

// -- reason-only kinds ------------------------------------------------------------------------------

function quota(c: Context): FailureCause | undefined {
  if (!/ResourceLimitExceeded/.test(c.reason)) return undefined;
  const quotaName = /service limit '([^']+)'/.exec(c.reason)?.[1] ?? /'([^']+ for training job usage)'/.exec(c.reason)?.[1];
  const limit = /is (\d+) Instances?/.exec(c.reason)?.[1];
  const type = c.instanceType || 'the instance type';
  const alternatives = instanceAlternatives(c.instanceType);
  return {
    kind: 'quota',
    host: null,
    message: `The account's quota ${quotaName ? `"${quotaName}"` : `for ${type}`}${limit !== undefined ? ` is ${limit}` : ''}: SageMaker refused to start the instances (ResourceLimitExceeded).`,
    fix:
      `Request an increase of "${quotaName ?? `${type} for training job usage`}" in Service Quotas (service: Amazon SageMaker) for this region, ` +
      `or launch with an instance type whose quota you have${alternatives.length > 0 ? ` (${alternatives.join(', ')})` : ''}. ` +
      'Managed spot jobs count against the separate "… for spot training job usage" quota.',
  };
}

function capacity(c: Context): FailureCause | undefined {
  if (!/CapacityError|InsufficientInstanceCapacity|insufficient capacity|Unable to provision requested ML compute capacity/i.test(c.reason)) return undefined;
  const alternatives = instanceAlternatives(c.instanceType);
  return {
    kind: 'capacity',
    host: null,
    message: `SageMaker had no ${c.instanceType ? `${c.instanceType} capacity` : 'capacity of the instance type'} to give the job in this region when it started.`,
    fix:
      `Launch again later or in another region, or choose another instance type${alternatives.length > 0 ? ` (${alternatives.join(', ')})` : ''}; ` +
      'with use_spot_instances and a longer max_wait the job waits for capacity instead of failing.',
  };
}

function maxRuntime(c: Context): FailureCause | undefined {
  const statuses = [c.job.SecondaryStatus, ...(c.job.SecondaryStatusTransitions ?? []).map((t) => t.Status)];
  const waitExceeded = statuses.includes('MaxWaitTimeExceeded');
  if (!statuses.includes('MaxRuntimeExceeded') && !waitExceeded && !/MaxRuntimeExceeded|MaxWaitTimeExceeded|exceeded MaxRuntimeInSeconds/i.test(c.reason)) return undefined;
  const limit = waitExceeded ? c.job.StoppingCondition?.MaxWaitTimeInSeconds : c.job.StoppingCondition?.MaxRuntimeInSeconds;
  const what = waitExceeded ? 'max_wait (MaxWaitTimeInSeconds)' : 'max_run (MaxRuntimeInSeconds)';
  const checkpoint = c.job.CheckpointConfig?.S3Uri;
  return {
    kind: 'max-runtime',
    host: null,
    message: `The job reached its ${what} limit${limit !== undefined ? ` of ${limit} s` : ''} and SageMaker stopped it.`,
    fix: checkpoint
      ? `Resume from the checkpoints the job saved to ${checkpoint}: launch again with the same checkpoint_s3_uri (SageMaker copies them back to ${c.job.CheckpointConfig?.LocalPath ?? '/opt/ml/checkpoints'}) and have the script resume from the newest one (the Trainer: resume_from_checkpoint); raise ${what.split(' ')[0]} if the rest needs longer.`
      : `Raise ${what.split(' ')[0]} (up to 28 days), and set checkpoint_s3_uri with the Trainer's output_dir under /opt/ml/checkpoints so that a job stopped at its limit can be resumed; this job set no checkpoint_s3_uri, so there is no checkpoint to resume from.`,
  };
}

function spotInterruption(c: Context): FailureCause | undefined {
  const statuses = [c.job.SecondaryStatus, ...(c.job.SecondaryStatusTransitions ?? []).map((t) => t.Status)];
  const messages = (c.job.SecondaryStatusTransitions ?? []).map((t) => t.StatusMessage ?? '').join('\n');
  const interrupted = statuses.includes('Interrupted') || /spot (?:instance )?interruption|interrupted due to spot/i.test(`${c.reason}\n${messages}`);
  if (!interrupted) return undefined;
  const checkpoint = c.job.CheckpointConfig?.S3Uri;
  return {
    kind: 'spot-interruption',
    host: null,
    message: 'The managed spot instances were taken back (spot interruption) before the job finished.',
    fix: checkpoint
      ? `SageMaker restarts an interrupted spot job while max_wait allows: raise max_wait, and make sure the script resumes from the checkpoints in ${checkpoint}. Or run on demand (use_spot_instances: false).`
      : 'Set checkpoint_s3_uri and save checkpoints under /opt/ml/checkpoints so a restarted spot job resumes instead of starting over, raise max_wait, or run on demand (use_spot_instances: false).',
  };
}

// -- log kinds ------------------------------------------------------------------------------------

interface Match {
  host: string | null;
  line: string;
  match: RegExpExecArray;
}

/**
 * The first host whose log matches (earliest matching line when lines carry timestamps, else host
 * order), or FailureReason (host null) when no log does.
 */
function find(c: Context, pattern: RegExp): Match | undefined {
  let best: (Match & { at: number; order: number }) | undefined;
  c.logs.forEach((log, order) => {
    const lines = c.text.get(log.host) ?? [];
    const stamps = stampsOf(log);
    for (let i = 0; i < lines.length; i++) {
      const match = pattern.exec(lines[i]!);
      if (!match) continue;
      const at = stamps[i] ?? Number.POSITIVE_INFINITY;
      if (!best || at < best.at || (at === best.at && order < best.order)) best = { host: log.host, line: lines[i]!, match, at, order };
      break;
    }
  });
  if (best) return { host: best.host, line: best.line, match: best.match };
  for (const line of c.reason.split('\n')) {
    const match = pattern.exec(line);
    if (match) return { host: null, line, match };
  }
  return undefined;
}

/** Each text line's timestamp (events split into lines share theirs). */
function stampsOf(log: HostLog): Array<number | undefined> {
  const out: Array<number | undefined> = [];
  for (const line of log.lines) {
    const count = line.message.replace(/\r?\n$/, '').split(/\r?\n/).length;
    for (let i = 0; i < count; i++) out.push(line.timestamp);
  }
  return out;
}

const CUDA_OOM =
  /CUDA out of memory|OutOfMemoryError: CUDA|CUBLAS_STATUS_ALLOC_FAILED|cudaErrorMemoryAllocation|OOM when allocating tensor|RESOURCE_EXHAUSTED: Out of memory|NCCL error.*\bcuda(?:Malloc)?.*out of memory/i;

function cudaOutOfMemory(c: Context): FailureCause | undefined {
  const found = find(c, CUDA_OOM);
  if (!found) return undefined;
  const hps = userHyperparameters(c.job);
  const batch = numberOf(hps.get('per_device_train_batch_size'));
  const accumulation = numberOf(hps.get('gradient_accumulation_steps')) ?? 1;
  const tried = /Tried to allocate ([\d.]+ [KMGT]i?B)/.exec(found.line)?.[1];
  const current = findInstanceType(c.instanceType);
  const bigger = biggerGpuInstance(current);
  const steps: string[] = [];
  if (batch !== undefined && batch > 1) {
    const half = Math.max(1, Math.floor(batch / 2));
    steps.push(
      `lower per_device_train_batch_size from ${batch} to ${half} and raise gradient_accumulation_steps from ${accumulation} to ${accumulation * (batch / half)} to keep the effective batch size`,
    );
  } else {
    steps.push('lower per_device_train_batch_size and raise gradient_accumulation_steps to keep the effective batch size');
  }
  steps.push('turn on gradient_checkpointing and bf16 (or fp16), or shorten the maximum sequence length');
  if (bigger) {
    steps.push(
      `or use ${bigger.name} (${bigger.acceleratorCount} × ${bigger.accelerator} ${bigger.acceleratorMemoryGB} GB${current?.acceleratorMemoryGB ? ` per GPU against ${current.acceleratorMemoryGB} GB on ${current.name}` : ''})`,
    );
  } else if (current?.acceleratorMemoryGB) {
    steps.push(
      `${current.name} already has the most memory per GPU in the catalog (${current.acceleratorMemoryGB} GB): shard the model across GPUs (FSDP or DeepSpeed ZeRO) instead`,
    );
  }
  return {
    kind: 'cuda-out-of-memory',
    host: found.host,
    message: `${found.host ?? 'A host'} ran out of GPU memory${tried ? ` (it tried to allocate ${tried} more)` : ''}: ${excerpt(found.line.trim(), 200)}`,
    fix: `${capitalize(steps.join('; '))}.`,
  };
}

function diskFull(c: Context): FailureCause | undefined {
  const found = find(c, /No space left on device|\[Errno 28\]|Disk quota exceeded|not enough (?:free )?disk space|PytorchStreamWriter failed writing file.*file write failed/i);
  if (!found) return undefined;
  const volume = c.job.ResourceConfig?.VolumeSizeInGB;
  return {
    kind: 'disk-full',
    host: found.host,
    message: `${found.host ?? 'A host'} ran out of disk space: ${excerpt(found.line.trim(), 200)}`,
    fix:
      `Raise volume_size${volume !== undefined ? ` (now ${volume} GB; try ${volume * 2})` : ''}, the storage volume behind /opt/ml; ` +
      'keep fewer checkpoints (save_total_limit) and stream large datasets instead of copying them (input mode FastFile).',
  };
}

/** Import names whose pip distribution is named otherwise. */
const PIP_NAMES: Readonly<Record<string, string>> = {
  sklearn: 'scikit-learn',
  cv2: 'opencv-python',
  PIL: 'Pillow',
  yaml: 'PyYAML',
  bs4: 'beautifulsoup4',
  Crypto: 'pycryptodome',
  google: 'the google-* package the import names',
  dateutil: 'python-dateutil',
  sentencepiece: 'sentencepiece',
  rouge_score: 'rouge-score',
  absl: 'absl-py',
  nltk: 'nltk',
  peft: 'peft',
  trl: 'trl',
  bitsandbytes: 'bitsandbytes',
};

function moduleNotFound(c: Context): FailureCause | undefined {
  const found = find(c, /(?:ModuleNotFoundError|ImportError): (?:No module named '?([\w.]+)'?|cannot import name '(\w+)' from '([\w.]+)')/);
  if (!found) return undefined;
  const missing = found.match[1];
  const fromModule = found.match[3];
  const module = (missing ?? fromModule ?? '').split('.')[0]!;
  const pip = PIP_NAMES[module] ?? module.replace(/_/g, '-');
  const image = parseImageUri(c.job.AlgorithmSpecification?.TrainingImage ?? '');
  let imageNote: string;
  const known = image ? imagePackageVersion(image, module) : undefined;
  if (known) {
    imageNote = `The image ${image!.repository}:${image!.tag} has ${module} ${known}`;
    imageNote += missing
      ? `, so its absence means the script runs in another interpreter or the name is misspelt.`
      : `: \`${found.match[2]}\` is not in that version; pin the version that has it in requirements.txt.`;
  } else {
    imageNote = image
      ? `Whether ${image.repository}:${image.tag} already ships ${module} cannot be told from here (the extension has no list of the image's packages beyond transformers and ${image.baseFramework}).`
      : "Whether the training image already ships it cannot be told from here (the extension has no list of the image's packages).";
  }
  const fix = missing
    ? `Add ${pip} to requirements.txt in source_dir (the toolkit pip-installs it before the script runs). ${imageNote}`
    : known
      ? imageNote
      : `Pin a version of ${pip} that has \`${found.match[2]}\` in requirements.txt in source_dir. ${imageNote}`;
  return {
    kind: 'module-not-found',
    host: found.host,
    message: `${found.host ?? 'The script'} could not import ${missing ? `the module ${missing}` : `${found.match[2]} from ${fromModule}`}: ${excerpt(found.line.trim(), 200)}`,
    fix,
  };
}

/** The version of a package the image's tag names (transformers and the base framework); undefined otherwise. */
function imagePackageVersion(image: NonNullable<ReturnType<typeof parseImageUri>>, module: string): string | undefined {
  if (module === 'transformers') return image.transformersVersion;
  if (module === 'torch' && image.baseFramework === 'pytorch') return image.baseVersion;
  if (module === 'tensorflow' && image.baseFramework === 'tensorflow') return image.baseVersion;
  return undefined;
}

function s3AccessDenied(c: Context): FailureCause | undefined {
  const found = find(
    c,
    /\(AccessDenied\) when calling the (\w+) operation|AccessDenied.*\bs3:\/\/|s3:\/\/\S+.*(?:Access Denied|AccessDenied|\(403\)|Forbidden)|(?:Access Denied|Forbidden) \(403\).*S3|S3.*(?:Access Denied|AccessDenied)/i,
  );
  if (!found) return undefined;
  const role = c.job.RoleArn;
  const bucket = bucketIn(found.line) ?? lastBucketBefore(c, found);
  const jobBuckets = [
    ...new Set(
      s3UrisOf(c.job)
        .map((u) => /^s3:\/\/([^/]+)/.exec(u)?.[1])
        .filter((b): b is string => !!b),
    ),
  ];
  const operation = found.match[1];
  const where = bucket ? `the bucket ${bucket}` : jobBuckets.length > 0 ? `one of the job's buckets (${jobBuckets.join(', ')})` : 'an S3 bucket';
  return {
    kind: 's3-access-denied',
    host: found.host,
    message: `${role ? `The job's role ${role}` : "The job's role"} was denied ${operation ? `${operation} on ` : 'access to '}${where}: ${excerpt(found.line.trim(), 200)}`,
    fix:
      `Allow ${role ?? 'the execution role'} the S3 actions the job needs on ${bucket ? `arn:aws:s3:::${bucket} and arn:aws:s3:::${bucket}/*` : where} ` +
      '(s3:GetObject and s3:ListBucket for inputs, s3:PutObject for outputs and checkpoints), and check that the bucket policy and, for a KMS-encrypted bucket, the key policy allow the role too.',
  };
}

const S3_BUCKET = /s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])|[Bb]ucket[ =:]+['"]([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])['"]/;

function bucketIn(line: string): string | undefined {
  const m = S3_BUCKET.exec(line);
  return m?.[1] ?? m?.[2];
}

/** botocore's AccessDenied names no bucket: the last one the host's log mentioned before it. */
function lastBucketBefore(c: Context, found: Match): string | undefined {
  if (!found.host) return undefined;
  const lines = c.text.get(found.host) ?? [];
  for (let i = lines.indexOf(found.line) - 1; i >= 0; i--) {
    const bucket = bucketIn(lines[i]!);
    if (bucket) return bucket;
  }
  return undefined;
}

function s3UrisOf(job: DiagnosisJob): string[] {
  const uris: string[] = [];
  for (const channel of job.InputDataConfig ?? []) if (channel.DataSource?.S3DataSource?.S3Uri) uris.push(channel.DataSource.S3DataSource.S3Uri);
  if (job.OutputDataConfig?.S3OutputPath) uris.push(job.OutputDataConfig.S3OutputPath);
  if (job.CheckpointConfig?.S3Uri) uris.push(job.CheckpointConfig.S3Uri);
  return uris;
}

const SHELL_ERROR =
  /^(?:\/bin\/)?sh: (?:\d+: )?(?:Syntax error|.*: not found|.*unexpected|.*: No such file or directory|.*bad substitution)|error: unrecognized arguments: |error: argument --[\w-]+: (?:invalid|expected one argument)/;

function argumentSplitting(c: Context): FailureCause | undefined {
  const found = find(c, SHELL_ERROR);
  if (!found) return undefined;
  // The values the toolkit's unquoted /bin/sh command line alters: the suspects.
  const suspects: Array<{ name: string; value: string }> = [];
  const args = toCmdArgs(splitHyperparameters(decodeHyperparameters(c.job.HyperParameters ?? {})).user);
  for (let i = 0; i + 1 < args.length; i += 2) {
    if (shellAltersArgument(args[i + 1]!) === 'split') suspects.push({ name: args[i]!, value: args[i + 1]! });
  }
  if (suspects.length === 0) return undefined;
  // The one the error quotes a piece of; a shell error may quote none (`Syntax error: "(" unexpected`): then the first.
  const quoted =
    suspects.find((s) => s.value.split(/\s+/).some((piece) => piece.length > 1 && found.line.includes(piece))) ?? (/^(?:\/bin\/)?sh: /.test(found.line) ? suspects[0] : undefined);
  if (!quoted) return undefined;
  const shown = isSecretEntry(quoted.name.replace(/^--?/, ''), quoted.value) ? '(value not shown: it looks like a secret)' : JSON.stringify(excerpt(quoted.value, 80));
  return {
    kind: 'argument-splitting',
    host: found.host,
    message:
      `The hyperparameter ${quoted.name.replace(/^--?/, '')} = ${shown} did not reach the script as one argument: SageMaker's training toolkit runs the command line through /bin/sh unquoted, ` +
      `and the shell split or interpreted it: ${excerpt(found.line.trim(), 200)}`,
    fix: `Use a value without blanks or shell characters ($ ; & | ( ) * ? ' " and the like) for ${quoted.name.replace(/^--?/, '')}, or pass it through environment (read it with os.environ) instead of hyperparameters.`,
  };
}

const NCCL_TIMEOUT =
  /Watchdog caught collective operation timeout|NCCL.*(?:timed? ?out|Timeout)|collective operation timeout|DistBackendError.*(?:Timeout|timed out)|Socket Timeout|ProcessGroupNCCL.*Timeout/i;

function ncclTimeout(c: Context): FailureCause | undefined {
  const reporting = c.logs.filter((log) => (c.text.get(log.host) ?? []).some((l) => NCCL_TIMEOUT.test(l)));
  if (reporting.length === 0 && !NCCL_TIMEOUT.test(c.reason)) return undefined;
  const timeoutMs = /Timeout\(ms\)=(\d+)/.exec([...c.text.values()].flat().find((l) => /Timeout\(ms\)=/.test(l)) ?? '')?.[1];
  const waited = timeoutMs ? ` (${Math.round(Number(timeoutMs) / 60000)} min)` : '';
  const { first, how } = whoStoppedFirst(c, reporting, waited);
  const hostLines = first ? (c.text.get(first) ?? []) : [];
  const lastWords = hostLines.filter((l) => l.trim() !== '').slice(-1)[0];
  return {
    kind: 'nccl-timeout',
    host: first ?? null,
    message: `${how}${lastWords ? ` Its last line: ${excerpt(lastWords.trim(), 160)}` : ''}`,
    fix:
      `Look at ${first ? `${first}'s log` : "each host's log"} for what stopped it (a crash, an out-of-memory kill, a hang in data loading or a rank that skipped a collective). ` +
      "If it was only slow (evaluation or saving on one rank), raise the Trainer's ddp_timeout; set NCCL_DEBUG=INFO in environment to see which collective hung.",
  };
}

/** Which host stopped first in an NCCL timeout, and how the logs tell it; no host when they cannot. */
function whoStoppedFirst(c: Context, reporting: readonly HostLog[], waited: string): { first?: string; how: string } {
  const names = (logs: readonly HostLog[]) => logs.map((l) => l.host).join(', ');
  const silent = c.logs.filter((log) => !reporting.includes(log));
  const waiting = names(reporting) || 'the other hosts';
  if (silent.length === 1) {
    // The one host that never reported the timeout is the one the others were waiting for.
    const first = silent[0]!.host;
    return { first, how: `${first} stopped first: ${waiting} waited for it in a collective operation until NCCL's timeout${waited}.` };
  }
  if (silent.length > 1) {
    // Of several silent hosts, the one whose log ends first, when the lines' timestamps tell.
    const first = earliestEnd(silent, (log) => log.lines.length)?.host;
    if (first) {
      const others = names(silent.filter((l) => l.host !== first));
      return { first, how: `${first} stopped first (its log ends before those of ${others}): ${waiting} waited for it in a collective operation until NCCL's timeout${waited}.` };
    }
    if (reporting.length > 0) {
      return {
        how: `${names(silent)} never reported the timeout: ${waiting} waited for one of them in a collective operation until NCCL's timeout${waited}; their lines carry no timestamps that tell which stopped first.`,
      };
    }
    return {
      how: `FailureReason reports an NCCL collective timeout${waited}, which no host's log shows; the lines of ${names(silent)} carry no timestamps that tell which host stopped first.`,
    };
  }
  // Without any host's log (FailureReason alone) no host can be named.
  if (c.logs.length === 0) {
    return { how: `FailureReason reports an NCCL collective timeout${waited}; without the hosts' logs it cannot be told which host stopped first.` };
  }
  // Every host timed out: the one that went quiet first (its last line before the timeout is the earliest).
  const first = earliestEnd(c.logs, (log) => (c.text.get(log.host) ?? []).findIndex((l) => NCCL_TIMEOUT.test(l)))?.host;
  if (first) return { first, how: `Every host hit NCCL's collective timeout${waited}; ${first} went quiet first (its last line before the timeout is the earliest).` };
  return { how: `Every host hit NCCL's collective timeout${waited}; their lines carry no timestamps that tell which went quiet first.` };
}

/**
 * Of these hosts, the one whose last line (before `cut` lines, per host) is earliest by its timestamp;
 * undefined when the timestamps cannot tell (a host without any, or a tie for the earliest): host
 * order is no evidence of which stopped first.
 */
function earliestEnd(logs: readonly HostLog[], cut: (log: HostLog) => number): HostLog | undefined {
  let best: { log: HostLog; at: number; tied: boolean } | undefined;
  for (const log of logs) {
    const stamps = stampsOf(log);
    const end = cut(log);
    const upto = end < 0 ? stamps.length : end;
    let at = Number.POSITIVE_INFINITY;
    for (let i = upto - 1; i >= 0; i--) {
      if (stamps[i] !== undefined) {
        at = stamps[i]!;
        break;
      }
    }
    if (!Number.isFinite(at)) return undefined;
    if (!best || at < best.at) best = { log, at, tied: false };
    else if (at === best.at) best.tied = true;
  }
  return best && !best.tied ? best.log : undefined;
}

function unknown(c: Context): FailureCause {
  const host = firstFailingHost(c.logs, c.tracebacks);
  const lines = host ? hostTextLines(c.logs.find((l) => l.host === host)!).slice(-UNKNOWN_TAIL_LINES) : [];
  const traceback = c.tracebacks.find((t) => t.host === host);
  return {
    kind: 'unknown',
    host: host ?? null,
    message: traceback?.error
      ? `${host} failed with ${excerpt(traceback.error, 200)}`
      : c.reason
        ? `The job failed: ${excerpt(c.reason.split('\n')[0]!, 200)}`
        : 'The job failed without a reason or an error in its logs.',
    fix: host
      ? `Read the last lines of ${host} below and the traceback's frames; run the job file locally (Run Locally / launch --local) to reproduce it in seconds.`
      : "Read the job's logs (sagemaker-hf logs JOB) and its FailureReason; run the job file locally to reproduce it.",
    lines,
  };
}

/** The host that failed first: the earliest traceback (by time, else host order), else the first host with a log. */
export function firstFailingHost(logs: readonly HostLog[], tracebacks: readonly ParsedTraceback[]): string | undefined {
  const withTime = tracebacks.filter((t) => t.timestamp !== undefined).sort((a, b) => a.timestamp! - b.timestamp!);
  if (withTime.length > 0 && withTime.length === tracebacks.length) return withTime[0]!.host;
  if (tracebacks.length > 0) return tracebacks[0]!.host;
  return logs.find((l) => l.lines.length > 0)?.host;
}

// -- helpers --------------------------------------------------------------------------------------

function userHyperparameters(job: DiagnosisJob): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, raw] of Object.entries(job.HyperParameters ?? {})) {
    let value = raw;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'number' || typeof parsed === 'string') value = String(parsed);
    } catch {
      // a value not sent by the SDK: the raw string
    }
    out.set(key, value);
  }
  return out;
}

function numberOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The catalog's nearest step up in memory per GPU: as many GPUs as now (or the fewest above), the
 * least memory per GPU above the current, then at least the current vCPUs, then the fewest.
 */
export function biggerGpuInstance(current: InstanceType | undefined): InstanceType | undefined {
  if (!current || !current.acceleratorMemoryGB || current.accelerator === 'Trainium') return undefined;
  const candidates = listInstanceTypes().filter(
    (t) =>
      t.accelerator !== undefined && t.accelerator !== 'Trainium' && (t.acceleratorMemoryGB ?? 0) > current.acceleratorMemoryGB! && t.acceleratorCount >= current.acceleratorCount,
  );
  const fewerCpus = (t: InstanceType) => (t.vcpus < current.vcpus ? 1 : 0);
  candidates.sort((a, b) => a.acceleratorCount - b.acceleratorCount || a.acceleratorMemoryGB! - b.acceleratorMemoryGB! || fewerCpus(a) - fewerCpus(b) || a.vcpus - b.vcpus);
  return candidates[0];
}

/** Up to three other types that give at least the same (GPU memory, else vCPUs), nearest first. */
export function instanceAlternatives(name: string): string[] {
  const current = findInstanceType(name);
  if (!current) return [];
  const gpu = current.acceleratorCount > 0 && current.accelerator !== 'Trainium';
  const measure = (t: InstanceType) => (gpu ? totalAcceleratorMemoryGB(t) : t.vcpus);
  const need = measure(current);
  return listInstanceTypes()
    .filter(
      (t) =>
        t.name !== current.name &&
        t.family !== current.family &&
        (gpu ? t.accelerator !== undefined && t.accelerator !== 'Trainium' : t.acceleratorCount === 0) &&
        measure(t) >= need,
    )
    .sort((a, b) => measure(a) - measure(b) || a.vcpus - b.vcpus)
    .slice(0, 3)
    .map((t) => t.name);
}
