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

export interface CostEstimate {
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
}

/** Cents are the unit of a bill, but fractions of a cent matter to a test: round to 1e-6 to hide float noise only. */
function usdFor(hourlyUsd: number, count: number, seconds: number): number {
  return Math.round(((hourlyUsd * count * seconds) / 3600) * 1e6) / 1e6;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

export function estimateTrainingCost(spec: JobSpec, price: PriceQuote): CostEstimate {
  const instanceCount = positive(spec.instance_count) ?? 1;
  const maxRun = positive(spec.max_run) ?? DEFAULT_MAX_RUN_SECONDS;
  const spot = spec.use_spot_instances === true;
  const maxWait = spot ? positive(spec.max_wait) : undefined;
  const expectedRun = positive(spec.expected_run);
  const hourly = price.hourlyUsd;

  const ceilingSeconds = maxWait ?? maxRun;
  const estimate: CostEstimate = {
    instanceType: spec.instance_type,
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
  if (estimate.expected) lines.push(`  expected: ${formatUsd(estimate.expected.usd)} — expected_run ${formatDuration(estimate.expected.seconds)}`);
  if (estimate.spot) {
    lines.push(
      `  spot: typically about ${Math.round(estimate.spot.typicalSaving * 100)}% less, ${formatUsd(estimate.spot.typicalUsd)} over ${estimate.spot.basis} — typical, not guaranteed`,
    );
  }
  for (const note of estimate.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}
