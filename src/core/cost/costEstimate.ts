/**
 * What a training job may cost in instance time, before it is launched: the on-demand hourly
 * price × instance_count × max_run is the ceiling (SageMaker stops the job there), and
 * × expected_run when the job file gives one. With spot, the ceiling is taken at max_wait and the
 * typical saving is shown, as typical — spot prices move and capacity may never come.
 *
 * Instance time only: storage, S3, data transfer and CloudWatch are not in it, and the estimate
 * says so.
 *
 * With instance_groups the groups' prices add up; with instance_preferences SageMaker runs ONE
 * candidate, so the ceiling is the most expensive candidate's (core/sagemaker/instanceGroups.ts
 * `jobInstances` lists both).
 *
 * A job file with `tuning:` is a hyperparameter tuning job: every trial is this training job, so
 * its ceiling is max_jobs × the per-trial ceiling (Grid without max_jobs: one trial per grid point),
 * and no more than max_parallel_jobs × instance_count instances for max_runtime_in_seconds when the
 * tuning job has that limit — the lower of the two, and the estimate says which.
 */
import { formatDuration } from '../format';
import type { JobSpec } from '../jobFile/jobSpec';
import type { TuningSpec } from '../sagemaker/tuningSpec';
import { jobInstances } from '../sagemaker/instanceGroups';
import type { PriceQuote } from './trainingPrice';

/** The SDK's max_run default (24 h). */
export const DEFAULT_MAX_RUN_SECONDS = 86_400;

/**
 * The saving managed spot training typically brings over on-demand. AWS advertises "up to 90%";
 * 70% is a middle figure of what spot jobs commonly report as `Managed spot training savings`,
 * and only ever shown as "typical".
 */
export const TYPICAL_SPOT_SAVING = 0.7;

export interface CostFigure {
  seconds: number;
  /** USD for all instances over `seconds` at the quoted hourly price. */
  usd: number;
}

export interface SpotEstimate {
  /** Fraction saved against on-demand, e.g. 0.7. */
  typicalSaving: number;
  /** The typical bill at that saving, over `basis`. */
  typicalUsd: number;
  basis: 'expected_run' | 'max_run';
}

/** One type of instance_preferences as the estimate priced it. */
export interface CandidateCost {
  instanceType: string;
  instanceCount: number;
  /** Undefined when no price is known for the type in the region. */
  hourlyUsd?: number;
  /** The ceiling if SageMaker picks this type. */
  ceilingUsd?: number;
}

/** One kind of instance the job runs, with its price. */
export interface CostEstimateGroup {
  /** The instance group's name; undefined for a homogeneous job. */
  group?: string;
  instanceType: string;
  instanceCount: number;
  price: PriceQuote;
}

export interface CostEstimate {
  /** The instance type; with instance_groups, the first group's; with instance_preferences, the dearest candidate's. */
  instanceType: string;
  /** Every instance of the job (all groups). */
  instanceCount: number;
  region: string;
  /** The price of `instanceType`. */
  price: PriceQuote;
  /** Each kind of instance (one for a homogeneous job; one per group with instance_groups; with instance_preferences the dearest candidate's). */
  groups: CostEstimateGroup[];
  /** On-demand USD per hour for the whole job: Σ price × count. */
  hourlyUsd: number;
  /**
   * The most the job can cost in instance time at the on-demand price. For a tuning job, the whole
   * tuning job's (`seconds` are then one trial's, or max_runtime_in_seconds when that limits it).
   */
  ceiling: CostFigure & { limitedBy: 'max_run' | 'max_wait' | 'max_runtime_in_seconds' };
  /** A job file with `tuning:`: how the tuning job's ceiling was computed from one trial's. */
  tuning?: TuningCost;
  /** At expected_run, when the job file gives it. */
  expected?: CostFigure;
  spot?: SpotEstimate;
  /** What the estimate leaves out or assumes, one sentence each. */
  notes: string[];
  /** With instance_preferences: every candidate priced, in the order SageMaker tries them (the ceiling is at the dearest). */
  candidates?: CandidateCost[];
}

/** Cents are the unit of a bill, but fractions of a cent matter to a test: round to 1e-6 to hide float noise only. */
function usdFor(hourlyUsd: number, count: number, seconds: number): number {
  return Math.round(((hourlyUsd * count * seconds) / 3600) * 1e6) / 1e6;
}

/** The job's instances, each with its price: `prices` holds one quote per instance type (a homogeneous job's one quote will do). */
function pricedGroups(spec: JobSpec, prices: PriceQuote | readonly PriceQuote[]): CostEstimateGroup[] {
  const quotes = Array.isArray(prices) ? prices : [prices as PriceQuote];
  const instances = jobInstances(spec);
  if (instances.length === 0) return [{ instanceType: quotes[0]!.instanceType, instanceCount: positive(spec.instance_count) ?? 1, price: quotes[0]! }];
  return instances.map((g) => {
    const price = quotes.find((q) => q.instanceType === g.instanceType) ?? (quotes.length === 1 && g.group === undefined ? quotes[0] : undefined);
    if (!price) throw new RangeError(`No price given for ${g.instanceType}`);
    return { ...(g.group !== undefined ? { group: g.group } : {}), instanceType: g.instanceType, instanceCount: positive(g.count) ?? (g.group === undefined ? 1 : 0), price };
  });
}

/**
 * instance_preferences priced: each candidate with its quote (if any), and the one the ceiling is
 * taken at, the most expensive (hourly price × its count). Undefined for a job without preferences.
 */
function pricedPreferences(
  spec: JobSpec,
  prices: PriceQuote | readonly PriceQuote[],
): { dearest: CostEstimateGroup; all: Array<{ instanceType: string; instanceCount: number; price?: PriceQuote }> } | undefined {
  if (!Array.isArray(spec.instance_preferences)) return undefined;
  const quotes: readonly PriceQuote[] = Array.isArray(prices) ? prices : [prices as PriceQuote];
  const all = jobInstances(spec).map((c) => {
    const price = quotes.find((q) => q.instanceType === c.instanceType);
    return { instanceType: c.instanceType, instanceCount: positive(c.count) ?? 1, ...(price ? { price } : {}) };
  });
  let dearest: CostEstimateGroup | undefined;
  for (const c of all) {
    if (!c.price) continue;
    if (!dearest || c.price.hourlyUsd * c.instanceCount > dearest.price.hourlyUsd * dearest.instanceCount)
      dearest = { instanceType: c.instanceType, instanceCount: c.instanceCount, price: c.price };
  }
  if (!dearest) throw new RangeError(`No price given for any of ${all.map((c) => c.instanceType).join(', ')}`);
  return { dearest, all };
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

export interface TuningCost {
  /** The most trials the tuning job starts. */
  trials: number;
  trialsFrom: 'max_jobs' | 'grid' | 'default';
  maxParallel: number;
  /** One trial's ceiling (max_run, or max_wait with spot) and limit. */
  perTrial: CostFigure & { limitedBy: 'max_run' | 'max_wait' };
  /** max_parallel_jobs × instance_count instances for max_runtime_in_seconds, when the tuning job has that limit. */
  byRuntime?: CostFigure;
}

/**
 * How many trials a tuning job may start: max_jobs, or for Grid without it one per combination of the
 * categorical values (what SageMaker runs), or the SDK's default of 1.
 */
export function tuningTrials(tuning: TuningSpec): { trials: number; from: TuningCost['trialsFrom'] } {
  if (positive(tuning.max_jobs) !== undefined) return { trials: tuning.max_jobs!, from: 'max_jobs' };
  if ((tuning.strategy ?? 'Bayesian') === 'Grid') {
    let points = 1;
    for (const range of Object.values(tuning.hyperparameter_ranges ?? {})) if (range.type === 'categorical') points *= Math.max(1, range.values.length);
    return { trials: points, from: 'grid' };
  }
  return { trials: 1, from: 'default' };
}

/** The most instances a job keeps at once: instance_count, or max_parallel_jobs × instance_count for a tuning job. */
export function instancesAtOnce(spec: Pick<JobSpec, 'instance_count' | 'tuning'>): { count: number; perJob: number; parallel: number } {
  const perJob = positive(spec.instance_count) ?? 1;
  const parallel = spec.tuning ? (positive(spec.tuning.max_parallel_jobs) ?? 1) : 1;
  return { count: perJob * parallel, perJob, parallel };
}

/**
 * `prices`: the quote for the job's instance type, or with instance_groups one quote per group's
 * type, or with instance_preferences one per candidate that has a price (at least one): SageMaker
 * may pick any candidate, so the ceiling (and the budget check) is taken at the most expensive
 * (hourly price × its count), and every candidate is listed with its own.
 */
export function estimateTrainingCost(spec: JobSpec, prices: PriceQuote | readonly PriceQuote[]): CostEstimate {
  const preferences = pricedPreferences(spec, prices);
  const groups = preferences ? [preferences.dearest] : pricedGroups(spec, prices);
  const price = groups[0]!.price;
  const instanceCount = groups.reduce((n, g) => n + g.instanceCount, 0);
  // The job's hourly price, all instances: usdFor(hourly, 1, s) is then the whole job's cost over s.
  const jobHourly = groups.reduce((sum, g) => sum + g.price.hourlyUsd * g.instanceCount, 0);
  const maxRun = positive(spec.max_run) ?? DEFAULT_MAX_RUN_SECONDS;
  const spot = spec.use_spot_instances === true;
  const maxWait = spot ? positive(spec.max_wait) : undefined;
  const expectedRun = positive(spec.expected_run);

  const ceilingSeconds = maxWait ?? maxRun;
  const estimate: CostEstimate = {
    instanceType: groups[0]!.instanceType,
    instanceCount,
    region: price.region,
    price,
    groups,
    hourlyUsd: jobHourly,
    ceiling: { seconds: ceilingSeconds, usd: usdFor(jobHourly, 1, ceilingSeconds), limitedBy: maxWait ? 'max_wait' : 'max_run' },
    notes: [],
  };
  if (expectedRun !== undefined) {
    estimate.expected = { seconds: expectedRun, usd: usdFor(jobHourly, 1, Math.min(expectedRun, maxRun)) };
    if (expectedRun > maxRun)
      estimate.notes.push(
        `expected_run ${expectedRun} (${formatDuration(expectedRun)}) is longer than max_run ${maxRun} (${formatDuration(maxRun)}): SageMaker stops the job at max_run, so the expected cost is counted up to max_run.`,
      );
  }
  if (preferences) {
    estimate.candidates = preferences.all.map((c) => ({
      instanceType: c.instanceType,
      instanceCount: c.instanceCount,
      ...(c.price ? { hourlyUsd: c.price.hourlyUsd, ceilingUsd: usdFor(c.price.hourlyUsd, c.instanceCount, ceilingSeconds) } : {}),
    }));
    const unpriced = preferences.all.filter((c) => !c.price).map((c) => c.instanceType);
    if (unpriced.length > 0)
      estimate.notes.push(`No price is known for ${unpriced.join(', ')} in ${price.region}: the ceiling leaves ${unpriced.length === 1 ? 'it' : 'them'} out and may be too low.`);
    estimate.notes.push(
      `instance_preferences: SageMaker runs the job on whichever candidate has capacity first, so the ceiling is taken at the most expensive one (${instanceCount} × ${estimate.instanceType}).`,
    );
  }
  if (spec.tuning) applyTuning(estimate, spec.tuning, jobHourly, 1);
  const trials = estimate.tuning?.trials ?? 1;
  if (spot) {
    const basisSeconds = Math.min(expectedRun ?? maxRun, maxRun);
    estimate.spot = {
      typicalSaving: TYPICAL_SPOT_SAVING,
      typicalUsd: Math.round(usdFor(jobHourly, 1, basisSeconds) * trials * (1 - TYPICAL_SPOT_SAVING) * 1e6) / 1e6,
      basis: expectedRun !== undefined ? 'expected_run' : 'max_run',
    };
    estimate.notes.push(
      'Spot: SageMaker bills only training time, at spot prices that do not exceed on-demand; the ceiling counts all of max_wait at on-demand, so the real bill stays below it.',
    );
  }
  const keepAlive = positive(spec.keep_alive_period_in_seconds);
  if (keepAlive !== undefined) {
    estimate.notes.push(
      `Warm pool: keep_alive_period_in_seconds bills up to ${formatUsd(usdFor(jobHourly, 1, keepAlive))} more after the job ends, unless another job reuses the instances.`,
    );
  }
  estimate.notes.push('Instance time only: storage, S3, data transfer and CloudWatch are billed on top.');
  return estimate;
}

/** The tuning job's ceiling from one trial's: × the trials, or capped by max_runtime_in_seconds; expected × the trials. */
function applyTuning(estimate: CostEstimate, tuning: TuningSpec, hourly: number, instanceCount: number): void {
  const { trials, from } = tuningTrials(tuning);
  const maxParallel = positive(tuning.max_parallel_jobs) ?? 1;
  const perTrial = { ...estimate.ceiling, limitedBy: estimate.ceiling.limitedBy as 'max_run' | 'max_wait' };
  const cost: TuningCost = { trials, trialsFrom: from, maxParallel, perTrial };
  const byJobs = Math.round(perTrial.usd * trials * 1e6) / 1e6;
  estimate.ceiling = { seconds: perTrial.seconds, usd: byJobs, limitedBy: perTrial.limitedBy };
  const maxRuntime = positive(tuning.max_runtime_in_seconds);
  if (maxRuntime !== undefined) {
    cost.byRuntime = { seconds: maxRuntime, usd: usdFor(hourly, instanceCount * Math.min(maxParallel, trials), maxRuntime) };
    if (cost.byRuntime.usd < byJobs) estimate.ceiling = { seconds: maxRuntime, usd: cost.byRuntime.usd, limitedBy: 'max_runtime_in_seconds' };
  }
  if (estimate.expected) estimate.expected = { seconds: estimate.expected.seconds, usd: Math.round(estimate.expected.usd * trials * 1e6) / 1e6 };
  estimate.tuning = cost;
  if (tuning.early_stopping_type === 'Auto' || tuning.strategy === 'Hyperband' || tuning.completion_criteria_config !== undefined) {
    estimate.notes.push('Early stopping and completion criteria can end trials or the tuning job sooner; the ceiling assumes none does.');
  }
}

/** How a tuning job's ceiling was computed, in one line. */
export function tuningCeilingText(t: TuningCost, limitedBy: CostEstimate['ceiling']['limitedBy'], n: number): string {
  const trials = `${t.trials} trial${t.trials === 1 ? '' : 's'} (${t.trialsFrom === 'max_jobs' ? 'max_jobs' : t.trialsFrom === 'grid' ? 'every point of the grid' : 'max_jobs defaults to 1'})`;
  const perTrial = `${formatUsd(t.perTrial.usd)} each (${t.perTrial.limitedBy} ${formatDuration(t.perTrial.seconds)} × ${n} instance${n === 1 ? '' : 's'})`;
  if (limitedBy === 'max_runtime_in_seconds' && t.byRuntime) {
    return `the whole tuning job: at most ${Math.min(t.maxParallel, t.trials) * n} instances (max_parallel_jobs ${t.maxParallel} × ${n}) for max_runtime_in_seconds ${formatDuration(t.byRuntime.seconds)}, below ${trials} × ${perTrial}`;
  }
  return `the whole tuning job: ${trials} × ${perTrial}`;
}

export function formatUsd(usd: number): string {
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** "$35.894/hour" with as many decimals as the price has (up to 4): rounding a rate hides what a reader may want to check. */
function formatRate(usd: number): string {
  const decimals = Math.min(4, Math.max(2, (String(usd).split('.')[1] ?? '').length));
  return `$${usd.toFixed(decimals)}/hour`;
}

/** The price's provenance, as the label requires: source and date. */
export function describePrice(price: PriceQuote): string {
  const when = price.source === 'price-list-api' ? `published ${price.asOf}` : `as of ${price.asOf}`;
  return `${price.sourceDetail}, ${when}`;
}

export function renderCostEstimateText(estimate: CostEstimate): string {
  const n = estimate.instanceCount;
  const lines = ['Cost estimate (an estimate from list prices, not a quote)'];
  const groups = estimate.groups ?? [{ instanceType: estimate.instanceType, instanceCount: n, price: estimate.price }];
  for (const g of groups) {
    const each = g.instanceCount === 1 ? '' : ' each';
    const group = g.group !== undefined ? `instance group ${g.group}: ` : '';
    lines.push(`  ${group}${g.instanceCount} × ${g.instanceType} in ${estimate.region} at ${formatRate(g.price.hourlyUsd)}${each}, on-demand`);
    lines.push(`  price${groups.length > 1 ? ` of ${g.instanceType}` : ''}: ${describePrice(g.price)}`);
  }
  lines.push(
    estimate.tuning
      ? `  ceiling: ${formatUsd(estimate.ceiling.usd)} — ${tuningCeilingText(estimate.tuning, estimate.ceiling.limitedBy, n)}`
      : `  ceiling: ${formatUsd(estimate.ceiling.usd)} — ${estimate.ceiling.limitedBy} ${formatDuration(estimate.ceiling.seconds)} × ${n} instance${n === 1 ? '' : 's'}, the most the job can run`,
  );
  for (const c of estimate.candidates ?? []) {
    lines.push(
      `  candidate: ${c.instanceCount} × ${c.instanceType}${c.hourlyUsd !== undefined ? ` at ${formatRate(c.hourlyUsd)}${c.instanceCount === 1 ? '' : ' each'}, ceiling ${formatUsd(c.ceilingUsd ?? 0)}` : ', no price known'}`,
    );
  }
  if (estimate.expected)
    lines.push(
      `  expected: ${formatUsd(estimate.expected.usd)} — expected_run ${formatDuration(estimate.expected.seconds)}${estimate.tuning ? ` × ${estimate.tuning.trials} trials` : ''}`,
    );
  if (estimate.spot) {
    lines.push(
      `  spot: typically about ${Math.round(estimate.spot.typicalSaving * 100)}% less, ${formatUsd(estimate.spot.typicalUsd)} over ${estimate.spot.basis} — typical, not guaranteed`,
    );
  }
  for (const note of estimate.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}
