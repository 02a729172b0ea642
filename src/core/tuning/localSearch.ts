/**
 * The search of a local hyperparameter tuning job, run on this machine instead of by SageMaker's tuning
 * service: which strategies can run without the service, the values each trial gets (Random: seeded
 * draws on each range's scale; Grid: every combination of the categorical values), the objective read
 * from a trial's log with the tuner's metric regexes (the last match, as SageMaker's
 * FinalHyperParameterTuningJobObjectiveMetric is "the latest objective metric emitted"), the best
 * trial, and the completion criteria that have a meaning here. Pure: the runner is local/localTuning.ts.
 */

import { compileDefinition } from '../metrics/trainerLog';
import type { MetricDefinition } from '../metrics/trainerLog';
import type { HyperparameterRange, RangeScalingType, TuningSpec } from '../sagemaker/tuningSpec';
import { categoricalRangeValue, parameterRangesRequest } from '../training/createTuningJobRequest';
import type { ParameterRangesRequest } from '../training/createTuningJobRequest';
import { pythonFloatRepr, pythonJsonDumpsValue } from '../training/pythonJson';
import type { EncodedTuningValues } from '../training/pythonJson';

/** CreateHyperParameterTuningJob's limit on HyperParameterTuningJobName. */
export const TUNING_JOB_NAME_MAX_LENGTH = 32;

/** Strategies a local run can carry out: neither depends on earlier trials' results. */
export const LOCAL_STRATEGIES = ['Random', 'Grid'] as const;
export type LocalStrategy = (typeof LOCAL_STRATEGIES)[number];

/** The values one trial receives for the tuned hyperparameters, encoded as the trial gets them. */
export type TunedValues = Record<string, string>;

/**
 * Why this tuning block cannot run locally, or undefined when it can. Bayesian and Hyperband need
 * SageMaker's service (a model of earlier results; a bracket scheduler fed by the job's metrics),
 * and so does autotune (the service chooses the strategy and ranges).
 */
export function localTuningRefusal(tuning: TuningSpec): string | undefined {
  const strategy = tuning.strategy ?? 'Bayesian';
  if (tuning.autotune) {
    return 'autotune lets SageMaker choose the strategy and ranges; a local run cannot. Remove autotune (and set strategy: Random or Grid) to tune locally, or launch the tuning job on SageMaker.';
  }
  if (strategy === 'Bayesian') {
    return `strategy Bayesian${tuning.strategy ? '' : " (the SDK's default)"} chooses each trial from the results of earlier ones with SageMaker's own model, which runs only in SageMaker's service. Set strategy: Random (or Grid, for categorical ranges) to tune locally, or launch the tuning job on SageMaker.`;
  }
  if (strategy === 'Hyperband') {
    return "strategy Hyperband stops and resumes trials by brackets inside SageMaker's service, which a local run does not have. Set strategy: Random (or Grid, for categorical ranges) to tune locally, or launch the tuning job on SageMaker.";
  }
  if (strategy === 'Grid') {
    const notCategorical = Object.entries(tuning.hyperparameter_ranges).filter(([, r]) => r.type !== 'categorical');
    if (notCategorical.length > 0) {
      return `Grid search takes categorical ranges only (SageMaker's rule); ${notCategorical.map(([n, r]) => `${n} is ${r.type}`).join(', ')}. Make them categorical lists of values, or use strategy: Random.`;
    }
  }
  if (Object.keys(tuning.hyperparameter_ranges).length === 0) return 'hyperparameter_ranges is empty: name at least one hyperparameter to tune.';
  return undefined;
}

/** What of the tuning block a local run does not carry out, in words for the user (empty when all is honoured). */
export function notHonouredLocally(tuning: TuningSpec): string[] {
  const out: string[] = [];
  if (tuning.early_stopping_type === 'Auto')
    out.push("early_stopping_type Auto: SageMaker's early stopping compares trials' intermediate metrics in its service; locally every trial runs to its end.");
  if (tuning.warm_start_config) out.push('warm_start_config: the parent tuning jobs live in SageMaker; a local run starts from nothing.');
  if (tuning.completion_criteria_config?.complete_on_convergence)
    out.push("completion_criteria_config.complete_on_convergence: convergence is detected by SageMaker's service; locally the run ends at max_jobs (or the other criteria).");
  if (tuning.tags) out.push('tags: a local run has no resources to tag.');
  return out;
}

/** The ranges a local run tunes, encoded as Python's `str()` writes them (MinValue, MaxValue, Values). */
/** ParameterRanges as the tuning request sends them (the request builder's own encoding), for tuning.json. */
export function parameterRanges(tuning: TuningSpec, written?: EncodedTuningValues): ParameterRangesRequest {
  return parameterRangesRequest(tuning.hyperparameter_ranges, written);
}

/** A categorical value as a trial receives it: as the SDK sends it (createTuningJobRequest.ts). */
export function categoricalValue(v: string | number | boolean): string {
  return categoricalRangeValue(v);
}

/**
 * The hyperparameters one trial is created with: the file's (as the request builder encodes them,
 * `sagemaker_*` included) without the tuned names, the two keys HyperparameterTuner adds for a
 * Framework estimator (so `attach()` can rebuild it), then the tuned values as the trial gets them.
 */
export function trialHyperParameters(
  fileHyperParameters: Readonly<Record<string, string>>,
  ranges: Readonly<Record<string, HyperparameterRange>>,
  tuned: TunedValues,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fileHyperParameters)) if (!(k in ranges)) out[k] = v;
  out.sagemaker_estimator_class_name = pythonJsonDumpsValue('HuggingFace');
  out.sagemaker_estimator_module = pythonJsonDumpsValue('sagemaker.huggingface.estimator');
  return { ...out, ...tuned };
}

/** A seeded generator of numbers in [0, 1) (mulberry32): the same random_seed gives the same trials. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The scale a range is searched on. SageMaker documents that with `Auto` it "chooses the best scale"
 * without saying how; locally Auto is Logarithmic when the range is positive and spans at least one
 * order of magnitude (the docs' advice for log scaling), else Linear.
 */
export function effectiveScaling(range: {
  type: 'continuous' | 'integer';
  min_value: number;
  max_value: number;
  scaling_type?: RangeScalingType;
}): Exclude<RangeScalingType, 'Auto'> {
  const scaling = range.scaling_type ?? 'Auto';
  if (scaling !== 'Auto') return scaling;
  return range.min_value > 0 && range.max_value / range.min_value >= 10 ? 'Logarithmic' : 'Linear';
}

/** One draw from a range, with `u` uniform in [0, 1), encoded as the trial receives it. */
export function drawFromRange(range: HyperparameterRange, u: number): string {
  if (range.type === 'categorical') return categoricalValue(range.values[Math.min(range.values.length - 1, Math.floor(u * range.values.length))]!);
  const { min_value: lo, max_value: hi } = range;
  const scaling = effectiveScaling(range);
  if (range.type === 'integer') {
    // Integers: a continuous draw over [lo, hi + 1) on the scale, floored, so each integer is reachable.
    const x = scaling === 'Logarithmic' && lo > 0 ? Math.exp(Math.log(lo) + u * (Math.log(hi + 1) - Math.log(lo))) : lo + u * (hi + 1 - lo);
    return String(Math.min(hi, Math.max(lo, Math.floor(x))));
  }
  let x: number;
  if (scaling === 'Logarithmic' && lo > 0) x = Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
  else if (scaling === 'ReverseLogarithmic' && lo >= 0 && hi < 1) x = 1 - Math.exp(Math.log(1 - hi) + (1 - u) * (Math.log(1 - lo) - Math.log(1 - hi)));
  else x = lo + u * (hi - lo);
  return pythonFloatRepr(Math.min(hi, Math.max(lo, x)));
}

/**
 * Random search: `count` trials, each range drawn independently in the order the file lists them.
 * `seed` is random_seed; without one the caller passes a seed of its own (and records it).
 */
export function randomTrials(ranges: Readonly<Record<string, HyperparameterRange>>, count: number, seed: number): TunedValues[] {
  const next = seededRandom(seed);
  const out: TunedValues[] = [];
  for (let i = 0; i < count; i++) {
    const values: TunedValues = {};
    for (const [name, range] of Object.entries(ranges)) values[name] = drawFromRange(range, next());
    out.push(values);
  }
  return out;
}

/**
 * Grid search: every combination of the categorical values. SageMaker does not document the order it
 * runs them in; locally it is the file's order, the last range changing fastest.
 */
export function gridTrials(ranges: Readonly<Record<string, HyperparameterRange>>): TunedValues[] {
  let combos: TunedValues[] = [{}];
  for (const [name, range] of Object.entries(ranges)) {
    if (range.type !== 'categorical') throw new Error(`Grid search takes categorical ranges only; ${name} is ${range.type}.`);
    const next: TunedValues[] = [];
    for (const combo of combos) for (const v of range.values) next.push({ ...combo, [name]: categoricalValue(v) });
    combos = next;
  }
  return combos;
}

/** Grid's size: the number of trials a Grid search runs (max_jobs must equal it when given). */
export function gridSize(ranges: Readonly<Record<string, HyperparameterRange>>): number {
  return Object.values(ranges).reduce((n, r) => n * (r.type === 'categorical' ? r.values.length : 0), 1);
}

/** The trials a local run will start, in order, or why it cannot (max_jobs against the grid). */
export function plannedTrials(tuning: TuningSpec, seed: number): { trials: TunedValues[] } | { error: string } {
  const refusal = localTuningRefusal(tuning);
  if (refusal) return { error: refusal };
  if (tuning.strategy === 'Grid') {
    const size = gridSize(tuning.hyperparameter_ranges);
    if (tuning.max_jobs !== undefined && tuning.max_jobs !== size) {
      return { error: `Grid search runs every combination of the categorical values: ${size} here, so max_jobs must be ${size} or left out (it is ${tuning.max_jobs}).` };
    }
    return { trials: gridTrials(tuning.hyperparameter_ranges) };
  }
  if (tuning.max_jobs === undefined) return { error: 'Random search needs max_jobs: how many trials to run.' };
  return { trials: randomTrials(tuning.hyperparameter_ranges, tuning.max_jobs, seed) };
}

/**
 * The tuning job's name as `HyperparameterTuner.fit()` makes it: base_tuning_job_name (else the image's
 * repository) cut to fit 32 characters, then the short timestamp `%y%m%d-%H%M` (UTC).
 */
export function tuningJobName(base: string, now: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const stamp = `${p2(now.getUTCFullYear() % 100)}${p2(now.getUTCMonth() + 1)}${p2(now.getUTCDate())}-${p2(now.getUTCHours())}${p2(now.getUTCMinutes())}`;
  return `${base.slice(0, Math.max(0, TUNING_JOB_NAME_MAX_LENGTH - stamp.length - 1))}-${stamp}`;
}

/** A trial's name as SageMaker names them: `<tuning name>-NNN-<8 hex>` (NNN from 001). */
export function trialJobName(tuningName: string, index: number, hex8: string): string {
  return `${tuningName}-${String(index + 1).padStart(3, '0')}-${hex8.toLowerCase().slice(0, 8)}`;
}

/**
 * The objective's final value from a trial's log lines: the definition named `metricName` searched in
 * every line, the LAST match winning (FinalHyperParameterTuningJobObjectiveMetric is the latest value
 * emitted). `undefined` when nothing matched; `error` when the definition is missing or unusable.
 */
export function objectiveFromLog(lines: Iterable<string>, definitions: readonly MetricDefinition[], metricName: string): { value?: number; error?: string } {
  const definition = definitions.find((d) => d.Name === metricName);
  if (!definition) return { error: `No metric_definitions entry is named ${metricName}, so the objective cannot be read from the log.` };
  const compiled = compileDefinition(definition);
  if (typeof compiled === 'string') return { error: `The objective's definition cannot be used: ${compiled}.` };
  let value: number | undefined;
  for (const raw of lines) {
    // What a line finally shows is after its last carriage return (tqdm redraws); SageMaker reads the stored text.
    const line = raw.includes('\r') ? raw.slice(raw.lastIndexOf('\r') + 1) : raw;
    const m = compiled.regex.exec(line);
    if (!m || m[1] === undefined) continue;
    const text = m[1].trim();
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) continue; // what float() cannot make a usable objective of is skipped
    value = n;
  }
  return value === undefined ? {} : { value };
}

export interface ScoredTrial {
  name: string;
  objective?: number;
  /** Order started; ties go to the earlier trial. */
  index: number;
}

/** The best trial by the objective (Maximize: highest; Minimize: lowest); undefined when no trial has one. */
export function bestTrial<T extends ScoredTrial>(trials: readonly T[], type: 'Maximize' | 'Minimize'): T | undefined {
  let best: T | undefined;
  for (const t of trials) {
    if (t.objective === undefined) continue;
    if (!best || (type === 'Maximize' ? t.objective > best.objective! : t.objective < best.objective!) || (t.objective === best.objective && t.index < best.index)) best = t;
  }
  return best;
}

/**
 * Whether completion_criteria_config ends the run after the trials that have ended (in the order they
 * ended): target_objective_metric_value reached, or max_number_of_training_jobs_not_improving trials
 * in a row without a better objective than the best before them. The reason, or undefined.
 */
export function completionReached(tuning: TuningSpec, endedObjectives: ReadonlyArray<number | undefined>): string | undefined {
  const criteria = tuning.completion_criteria_config;
  if (!criteria) return undefined;
  const maximize = (tuning.objective_type ?? 'Maximize') === 'Maximize';
  const better = (a: number, b: number) => (maximize ? a > b : a < b);
  const target = criteria.target_objective_metric_value;
  if (target !== undefined && endedObjectives.some((v) => v !== undefined && (v === target || better(v, target)))) {
    return `a trial reached the target objective value ${target}`;
  }
  const patience = criteria.max_number_of_training_jobs_not_improving;
  if (patience !== undefined && patience > 0) {
    let best: number | undefined;
    let since = 0;
    for (const v of endedObjectives) {
      if (v !== undefined && (best === undefined || better(v, best))) {
        best = v;
        since = 0;
      } else since++;
    }
    if (best !== undefined && since >= patience) return `${since} trials in a row did not improve on the best objective (${best})`;
  }
  return undefined;
}
