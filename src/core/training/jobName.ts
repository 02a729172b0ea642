/**
 * Training job names as SDK v2 makes them (utils.py `name_from_base`, `base_name_from_image`,
 * `sagemaker_timestamp`; estimator.py `_get_or_create_name`), from an injected clock.
 */

/** CreateTrainingJob's limit on TrainingJobName. */
export const JOB_NAME_MAX_LENGTH = 63;

/**
 * `%Y-%m-%d-%H-%M-%S-mmm` in UTC. The SDK takes the milliseconds as the first three digits after
 * the point of `repr(time.time())`; a real clock has sub-millisecond digits, so that is the
 * zero-padded millisecond count, which is what an injected `Date` carries.
 */
export function sagemakerTimestamp(now: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return [
    String(now.getUTCFullYear()).padStart(4, '0'),
    p2(now.getUTCMonth() + 1),
    p2(now.getUTCDate()),
    p2(now.getUTCHours()),
    p2(now.getUTCMinutes()),
    p2(now.getUTCSeconds()),
    String(now.getUTCMilliseconds()).padStart(3, '0'),
  ].join('-');
}

/** `%y%m%d-%H%M` in UTC (utils.py `sagemaker_short_timestamp`): what tuning job names end with. */
export function sagemakerShortTimestamp(now: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${p2(now.getUTCFullYear() % 100)}${p2(now.getUTCMonth() + 1)}${p2(now.getUTCDate())}-${p2(now.getUTCHours())}${p2(now.getUTCMinutes())}`;
}

/** `{base}-{timestamp}`, the base cut so the whole name fits `maxLength`; `short` takes the tuner's timestamp. */
export function nameFromBase(base: string, now: Date, maxLength: number = JOB_NAME_MAX_LENGTH, short = false): string {
  const timestamp = short ? sagemakerShortTimestamp(now) : sagemakerTimestamp(now);
  return `${sliceLikePython(base, maxLength - timestamp.length - 1)}-${timestamp}`;
}

/** CreateHyperParameterTuningJob's limit on HyperParameterTuningJobName (tuner.py `TUNING_JOB_NAME_MAX_LENGTH`). */
export const TUNING_JOB_NAME_MAX_LENGTH = 32;

/**
 * The tuning job name `HyperparameterTuner.fit()` uses (`_prepare_job_name_for_tuning`): an explicit
 * name as is, otherwise `base_tuning_job_name` (default: the image's repository) plus the short
 * timestamp, cut to 32 characters — so the default base `huggingface-pytorch-training` keeps 20.
 */
export function tuningJobName(args: { jobName?: string; baseTuningJobName?: string; image: string; now: Date }): string {
  if (args.jobName !== undefined) return args.jobName;
  return nameFromBase(args.baseTuningJobName ?? baseNameFromImage(args.image), args.now, TUNING_JOB_NAME_MAX_LENGTH, true);
}

/**
 * The repository part of an image URI: `…amazonaws.com/huggingface-pytorch-training:1.6.0-…` →
 * `huggingface-pytorch-training`. Anything not shaped like `[registry/]name[:tag]` is returned whole.
 */
export function baseNameFromImage(image: string): string {
  const m = /^(.+\/)?([^:/]+)(:[^:]+)?$/.exec(image);
  return m ? m[2]! : image;
}

/** The base a generated name was made from (utils.py `base_from_name`); other names are their own base. */
export function baseFromName(name: string): string {
  const m = /^(.+)-(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}|\d{6}-\d{4})/.exec(name);
  return m ? m[1]! : name;
}

/**
 * The job name `fit()` would use: an explicit name as is, otherwise `base_job_name` (default: the
 * image's repository) plus a timestamp.
 */
export function trainingJobName(args: { jobName?: string; baseJobName?: string; image: string; now: Date }): string {
  if (args.jobName) return args.jobName;
  return nameFromBase(args.baseJobName || baseNameFromImage(args.image), args.now);
}

/**
 * A name to retry with after CreateTrainingJob answered that `taken` exists: same base, a new
 * timestamp from `now`, and never `taken` itself even when the clock has not moved.
 */
export function freshJobName(taken: string, now: Date): string {
  const base = baseFromName(taken);
  let at = now.getTime();
  let candidate = nameFromBase(base, new Date(at));
  while (candidate === taken) {
    at += 1;
    candidate = nameFromBase(base, new Date(at));
  }
  return candidate;
}

/** Python's `s[:n]`, negative n included, so a tiny `maxLength` cuts the way the SDK does. */
function sliceLikePython(s: string, n: number): string {
  return n >= 0 ? s.slice(0, n) : s.slice(0, Math.max(0, s.length + n));
}
