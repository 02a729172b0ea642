/**
 * What a training job may cost in instance time, before it is launched: the on-demand hourly
 * price × instance_count × max_run is the ceiling (SageMaker stops the job there), and
 * × expected_run when the job file gives one. With spot, the ceiling is taken at max_wait and the
 * typical saving is shown, as typical — spot prices move and capacity may never come.
 *
 * Instance time only: storage, S3, data transfer and CloudWatch are not in it, and the estimate
 * says so.
 */
import { formatDuration } from '../format';
import type { JobSpec } from '../jobFile/jobSpec';
import { instanceCandidates } from '../sagemaker/instancePreferences';
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

/** Prices per instance type (the caller resolved them), or the one price of the job's one type. */
export type EstimatePrices = PriceQuote | ((instanceType: string) => PriceQuote | undefined);

export interface CostEstimate {
  /** The type the ceiling is taken at: the job's, or with instance_preferences the most expensive candidate. */
  instanceType: string;
  instanceCount: number;
  region: string;
  price: PriceQuote;
  /** The most the job can cost in instance time at the on-demand price. */
  ceiling: CostFigure & { limitedBy: 'max_run' | 'max_wait' };
  /** At expected_run, when the job file gives it. */
  expected?: CostFigure;
  spot?: SpotEstimate;
  /** What the estimate leaves out or assumes, one sentence each. */
  notes: string[];
  /** With instance_preferences: every candidate, in the order SageMaker tries them. */
  candidates?: CandidateCost[];
}

/** Cents are the unit of a bill, but fractions of a cent matter to a test: round to 1e-6 to hide float noise only. */
function usdFor(hourlyUsd: number, count: number, seconds: number): number {
  return Math.round(((hourlyUsd * count * seconds) / 3600) * 1e6) / 1e6;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The estimate. With instance_preferences SageMaker may pick any candidate, so the ceiling (and the
 * budget check) is taken at the most expensive one (hourly price × its count); undefined when no
 * candidate has a known price.
 */
export function estimateTrainingCost(spec: JobSpec, price: PriceQuote): CostEstimate;
export function estimateTrainingCost(spec: JobSpec, prices: EstimatePrices): CostEstimate | undefined;
export function estimateTrainingCost(spec: JobSpec, prices: EstimatePrices): CostEstimate | undefined {
  const candidates = instanceCandidates(spec);
  if (typeof prices !== 'function' || spec.instance_preferences === undefined) {
    const only = candidates[0];
    const price = typeof prices === 'function' ? (only ? prices(only.instanceType) : undefined) : prices;
    return price ? estimateOne(spec, only?.instanceType ?? price.instanceType, positive(spec.instance_count) ?? 1, price) : undefined;
  }
  const priced = candidates.map((c) => ({ c, quote: prices(c.instanceType) }));
  let worst: { c: (typeof candidates)[number]; quote: PriceQuote } | undefined;
  for (const p of priced) {
    if (!p.quote) continue;
    if (!worst || p.quote.hourlyUsd * p.c.instanceCount > worst.quote.hourlyUsd * worst.c.instanceCount) worst = { c: p.c, quote: p.quote };
  }
  if (!worst) return undefined;
  const estimate = estimateOne(spec, worst.c.instanceType, positive(worst.c.instanceCount) ?? 1, worst.quote);
  const seconds = estimate.ceiling.seconds;
  estimate.candidates = priced.map(({ c, quote }) => ({
    instanceType: c.instanceType,
    instanceCount: c.instanceCount,
    ...(quote ? { hourlyUsd: quote.hourlyUsd, ceilingUsd: usdFor(quote.hourlyUsd, c.instanceCount, seconds) } : {}),
  }));
  const unpriced = priced.filter((p) => !p.quote).map((p) => p.c.instanceType);
  estimate.notes.unshift(
    `instance_preferences: SageMaker runs the job on whichever candidate has capacity first, so the ceiling is taken at the most expensive one (${estimate.instanceCount} × ${estimate.instanceType}).`,
  );
  if (unpriced.length > 0)
    estimate.notes.unshift(
      `No price is known for ${unpriced.join(', ')} in ${worst.quote.region}: the ceiling leaves ${unpriced.length === 1 ? 'it' : 'them'} out and may be too low.`,
    );
  return estimate;
}

function estimateOne(spec: JobSpec, instanceType: string, instanceCount: number, price: PriceQuote): CostEstimate {
  const maxRun = positive(spec.max_run) ?? DEFAULT_MAX_RUN_SECONDS;
  const spot = spec.use_spot_instances === true;
  const maxWait = spot ? positive(spec.max_wait) : undefined;
  const expectedRun = positive(spec.expected_run);
  const hourly = price.hourlyUsd;

  const ceilingSeconds = maxWait ?? maxRun;
  const estimate: CostEstimate = {
    instanceType,
    instanceCount,
    region: price.region,
    price,
    ceiling: { seconds: ceilingSeconds, usd: usdFor(hourly, instanceCount, ceilingSeconds), limitedBy: maxWait ? 'max_wait' : 'max_run' },
    notes: [],
  };
  if (expectedRun !== undefined) {
    estimate.expected = { seconds: expectedRun, usd: usdFor(hourly, instanceCount, Math.min(expectedRun, maxRun)) };
    if (expectedRun > maxRun)
      estimate.notes.push(
        `expected_run (${formatDuration(expectedRun)}) is longer than max_run (${formatDuration(maxRun)}): SageMaker stops the job at max_run, so the expected cost is counted up to max_run.`,
      );
  }
  if (spot) {
    const basisSeconds = Math.min(expectedRun ?? maxRun, maxRun);
    estimate.spot = {
      typicalSaving: TYPICAL_SPOT_SAVING,
      typicalUsd: Math.round(usdFor(hourly, instanceCount, basisSeconds) * (1 - TYPICAL_SPOT_SAVING) * 1e6) / 1e6,
      basis: expectedRun !== undefined ? 'expected_run' : 'max_run',
    };
    estimate.notes.push(
      'Spot: SageMaker bills only training time, at spot prices that do not exceed on-demand; the ceiling counts all of max_wait at on-demand, so the real bill stays below it.',
    );
  }
  const keepAlive = positive(spec.keep_alive_period_in_seconds);
  if (keepAlive !== undefined) {
    estimate.notes.push(
      `Warm pool: keep_alive_period_in_seconds bills up to ${formatUsd(usdFor(hourly, instanceCount, keepAlive))} more after the job ends, unless another job reuses the instances.`,
    );
  }
  estimate.notes.push('Instance time only: storage, S3, data transfer and CloudWatch are billed on top.');
  return estimate;
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
  const each = n === 1 ? '' : ' each';
  const lines = [
    'Cost estimate (an estimate from list prices, not a quote)',
    `  ${n} × ${estimate.instanceType} in ${estimate.region} at ${formatRate(estimate.price.hourlyUsd)}${each}, on-demand`,
    `  price: ${describePrice(estimate.price)}`,
    `  ceiling: ${formatUsd(estimate.ceiling.usd)} — ${estimate.ceiling.limitedBy} ${formatDuration(estimate.ceiling.seconds)} × ${n} instance${n === 1 ? '' : 's'}, the most the job can run`,
  ];
  for (const c of estimate.candidates ?? []) {
    lines.push(
      `  candidate: ${c.instanceCount} × ${c.instanceType}${c.hourlyUsd !== undefined ? ` at ${formatRate(c.hourlyUsd)}${c.instanceCount === 1 ? '' : ' each'}, ceiling ${formatUsd(c.ceilingUsd ?? 0)}` : ', no price known'}`,
    );
  }
  if (estimate.expected) lines.push(`  expected: ${formatUsd(estimate.expected.usd)} — expected_run ${formatDuration(estimate.expected.seconds)}`);
  if (estimate.spot) {
    lines.push(
      `  spot: typically about ${Math.round(estimate.spot.typicalSaving * 100)}% less, ${formatUsd(estimate.spot.typicalUsd)} over ${estimate.spot.basis} — typical, not guaranteed`,
    );
  }
  for (const note of estimate.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}
