/**
 * What a training job has cost in instance time, from DescribeTrainingJob and an hourly price:
 * while it runs, the time since billing began (TrainingStartTime) × instances × price, "so far";
 * once it ended, BillableTimeInSeconds × instances × price. Managed spot's saving is the job's own
 * (TrainingTimeInSeconds against BillableTimeInSeconds, as SageMaker reports "Managed spot training
 * savings"), and a warm pool's retained billable time is priced on its own line. A local job costs
 * nothing on SageMaker and says so. Every figure names its price's source and date.
 */
import { formatDuration } from '../format';
import { instanceCountOf } from '../jobs/trainingJobDescription';
import type { TrainingJobDescription } from '../jobs/trainingJobDescription';
import { isInFlightStatus } from '../sagemaker/jobStatus';
import { describePrice, formatUsd } from './costEstimate';
import type { PriceQuote } from './trainingPrice';

export type JobCostState = 'running' | 'ended' | 'not-billed-yet' | 'local';

export interface WarmPoolCost {
  /** Available, InUse, Reused or Terminated. */
  status: string;
  retainedSeconds: number;
  usd?: number;
  reusedBy?: string;
}

export interface JobCost {
  job: string;
  state: JobCostState;
  /**
   * The billed type: SelectedInstanceType when SageMaker chose one from InstancePreferences; for a
   * heterogeneous cluster its groups, "1 × ml.p4d.24xlarge + 2 × ml.g5.xlarge".
   */
  instanceType?: string;
  instanceCount: number;
  /** Billable seconds per instance: BillableTimeInSeconds once ended, the time since TrainingStartTime while running. */
  billableSeconds: number;
  trainingSeconds?: number;
  /**
   * On-demand USD per instance-hour (a heterogeneous cluster's: the average over its instances);
   * undefined when no price is known for the type, or for one of the groups' types, in the region.
   */
  usdPerHour?: number;
  /** Instance groups of more than one group: instanceType names them all, usdPerHour is their average. */
  heterogeneous?: true;
  /** instanceCount × billableSeconds × usdPerHour / 3600; undefined without a price. */
  usd?: number;
  /** Managed spot: (1 − billable / training) × 100, SageMaker's own figure. */
  spotSavingsPercent?: number;
  warmPool?: WarmPoolCost;
  /** "AWS Price List API (…), published 2026-11-01", "bundled price table (…), as of 2025-06", or why there is no price. */
  priceSource: string;
}

/** Rounded to 1e-6 to hide float noise only; a bill is in cents, a test compares exact figures. */
function usdFor(hourlyUsd: number, count: number, seconds: number): number {
  return Math.round(((hourlyUsd * count * seconds) / 3600) * 1e6) / 1e6;
}

/** The instance type the job is billed for: SageMaker's choice from InstancePreferences, else the requested type. */
export function billedInstanceType(d: Pick<TrainingJobDescription, 'ResourceConfig'>): string | undefined {
  const r = d.ResourceConfig;
  if (r?.SelectedInstanceType) return r.SelectedInstanceType;
  if (r?.InstanceType) return r.InstanceType;
  const groups = r?.InstanceGroups ?? [];
  if (groups.length === 1) return groups[0]!.InstanceType;
  return undefined;
}

export function billedInstanceCount(d: Pick<TrainingJobDescription, 'ResourceConfig'>): number {
  const r = d.ResourceConfig;
  if (r?.SelectedInstanceType) return r.SelectedInstanceCount ?? r.InstanceCount ?? 1;
  return instanceCountOf(d);
}

/**
 * The instance types a job may be billed for, for the price lookup: the billed one when known,
 * else each type of its instance groups (a heterogeneous cluster), else each preference.
 */
export function instanceTypesToPrice(d: Pick<TrainingJobDescription, 'ResourceConfig'>): string[] {
  const billed = billedInstanceType(d);
  if (billed) return [billed];
  const r = d.ResourceConfig;
  const types = [...(r?.InstanceGroups ?? []).map((g) => g.InstanceType), ...(r?.InstancePreferences ?? []).map((p) => p.InstanceType)];
  return [...new Set(types.filter((t): t is string => typeof t === 'string'))];
}

export type PriceLookup = (instanceType: string) => PriceQuote | undefined;

/**
 * The cost of one SageMaker job. `price` answers per instance type (the caller resolved them: Price
 * List API, else the bundled table); `noPriceReason` is shown when it answers nothing.
 */
export function jobCostFromDescription(d: TrainingJobDescription, price: PriceLookup, now: Date, noPriceReason?: string): JobCost {
  const job = d.TrainingJobName ?? '';
  const inFlight = isInFlightStatus(d.TrainingJobStatus);
  const groups = d.ResourceConfig?.InstanceGroups ?? [];
  const heterogeneous = !d.ResourceConfig?.InstanceType && !d.ResourceConfig?.SelectedInstanceType && groups.length > 1;
  const instanceType = heterogeneous ? groups.map((g) => `${g.InstanceCount ?? 0} × ${g.InstanceType ?? '?'}`).join(' + ') : billedInstanceType(d);
  const instanceCount = billedInstanceCount(d);

  let state: JobCostState;
  let billableSeconds: number;
  if (inFlight) {
    state = d.TrainingStartTime ? 'running' : 'not-billed-yet';
    billableSeconds = d.TrainingStartTime ? Math.max(0, Math.floor((now.getTime() - d.TrainingStartTime.getTime()) / 1000)) : 0;
  } else {
    state = 'ended';
    billableSeconds = d.BillableTimeInSeconds ?? d.TrainingTimeInSeconds ?? 0;
  }

  // One hourly figure per instance: a heterogeneous cluster's is the average over its instances, and
  // only when every group's type has a price (a sum without one of them would be too low).
  let usdPerHour: number | undefined;
  const quotes: PriceQuote[] = [];
  const unpriced: string[] = [];
  if (heterogeneous) {
    let total = 0;
    for (const g of groups) {
      const q = g.InstanceType ? price(g.InstanceType) : undefined;
      if (!q) {
        unpriced.push(g.InstanceType ?? `instance group ${g.InstanceGroupName ?? '?'}`);
        continue;
      }
      quotes.push(q);
      total += q.hourlyUsd * (g.InstanceCount ?? 0);
    }
    if (unpriced.length === 0 && instanceCount > 0) usdPerHour = total / instanceCount;
  } else if (instanceType) {
    const q = price(instanceType);
    if (q) {
      quotes.push(q);
      usdPerHour = q.hourlyUsd;
    }
  }

  const cost: JobCost = {
    job,
    state,
    instanceCount,
    billableSeconds,
    priceSource:
      quotes.length > 0 && unpriced.length === 0
        ? [...new Set(quotes.map(describePrice))].join('; ')
        : (noPriceReason ?? `no price is known for ${unpriced.length > 0 ? [...new Set(unpriced)].join(', ') : (instanceType ?? 'the instance type')}`),
  };
  if (instanceType) cost.instanceType = instanceType;
  if (heterogeneous) cost.heterogeneous = true;
  if (d.TrainingTimeInSeconds !== undefined) cost.trainingSeconds = d.TrainingTimeInSeconds;
  if (usdPerHour !== undefined) {
    cost.usdPerHour = usdPerHour;
    cost.usd = usdFor(usdPerHour, instanceCount, billableSeconds);
  }
  if (d.EnableManagedSpotTraining && !inFlight && d.TrainingTimeInSeconds && d.BillableTimeInSeconds !== undefined) {
    cost.spotSavingsPercent = Math.round((1 - d.BillableTimeInSeconds / d.TrainingTimeInSeconds) * 1000) / 10;
  }
  const pool = d.WarmPoolStatus;
  if (pool?.Status) {
    const retainedSeconds = pool.ResourceRetainedBillableTimeInSeconds ?? 0;
    const warmPool: WarmPoolCost = { status: pool.Status, retainedSeconds };
    if (usdPerHour !== undefined) warmPool.usd = usdFor(usdPerHour, instanceCount, retainedSeconds);
    if (pool.ReusedByJob) warmPool.reusedBy = pool.ReusedByJob;
    cost.warmPool = warmPool;
  }
  return cost;
}

/** A job run on this machine: no SageMaker charge at all. */
export function localJobCost(job: string): JobCost {
  return {
    job,
    state: 'local',
    instanceType: 'local',
    instanceCount: 1,
    billableSeconds: 0,
    usdPerHour: 0,
    usd: 0,
    priceSource: 'local: runs on this machine, no SageMaker charge',
  };
}

/** The job's cost and its warm pool's, together. */
export function totalUsd(cost: JobCost): number | undefined {
  if (cost.usd === undefined) return undefined;
  return Math.round((cost.usd + (cost.warmPool?.usd ?? 0)) * 1e6) / 1e6;
}

/** `sagemaker-hf cost --json` for one job, in the issue's field names. */
export interface JobCostJson {
  job: string;
  instanceType: string | null;
  instanceCount: number;
  billableSeconds: number;
  usdPerHour: number | null;
  usd: number | null;
  spotSavingsPercent: number | null;
  warmPoolUsd: number | null;
  priceSource: string;
}

export function jobCostJson(c: JobCost): JobCostJson {
  return {
    job: c.job,
    instanceType: c.instanceType ?? null,
    instanceCount: c.instanceCount,
    billableSeconds: c.billableSeconds,
    usdPerHour: c.usdPerHour ?? null,
    usd: c.usd ?? null,
    spotSavingsPercent: c.spotSavingsPercent ?? null,
    warmPoolUsd: c.warmPool ? (c.warmPool.usd ?? null) : null,
    priceSource: c.priceSource,
  };
}

/** The tree's short figure: "≈ $14.20 so far", "$12.34", "$0 (local)", or undefined when no price is known. */
export function costSummary(c: JobCost): string | undefined {
  if (c.state === 'local') return '$0 (local)';
  if (c.usd === undefined) return undefined;
  if (c.state === 'not-billed-yet') return '$0 so far (not billed yet)';
  const total = totalUsd(c) ?? c.usd;
  return c.state === 'running' ? `≈ ${formatUsd(total)} so far` : formatUsd(total);
}

/** The lines of the tree's "Cost" node and the CLI's per-job text. */
export function costDetailLines(c: JobCost): Array<{ label: string; value: string }> {
  if (c.state === 'local') return [{ label: 'Cost', value: '$0 — a local job runs on this machine; SageMaker bills nothing' }];
  const lines: Array<{ label: string; value: string }> = [];
  // "2 × ml.g5.xlarge … at $1.80/hour" (each), or a heterogeneous cluster's groups and its hourly total.
  const instances = c.heterogeneous ? `(${c.instanceType})` : `${c.instanceCount} × ${c.instanceType ?? '?'}`;
  const rate = c.usdPerHour === undefined ? '' : c.heterogeneous ? ` at ${formatUsd(c.usdPerHour * c.instanceCount)}/hour in all` : ` at ${formatUsd(c.usdPerHour)}/hour`;
  if (c.state === 'not-billed-yet') lines.push({ label: 'Instances', value: `$0 so far: billing starts when SageMaker starts downloading (${instances}${rate})` });
  else {
    const what = c.state === 'running' ? `${formatDuration(c.billableSeconds)} so far` : `${formatDuration(c.billableSeconds)} billable`;
    lines.push({
      label: 'Instances',
      value: `${c.usd !== undefined ? (c.state === 'running' ? '≈ ' : '') + formatUsd(c.usd) : 'no price'} — ${instances} × ${what}${rate}`,
    });
  }
  if (c.spotSavingsPercent !== undefined && c.trainingSeconds !== undefined) {
    lines.push({
      label: 'Spot savings',
      value: `${c.spotSavingsPercent}% — billed ${formatDuration(c.billableSeconds)} of ${formatDuration(c.trainingSeconds)} training time`,
    });
  }
  if (c.warmPool) {
    const w = c.warmPool;
    lines.push({
      label: 'Warm pool',
      value: `${w.usd !== undefined ? formatUsd(w.usd) : 'no price'} — ${w.status}, ${formatDuration(w.retainedSeconds)} retained${w.reusedBy ? `, reused by ${w.reusedBy}` : ''}`,
    });
  }
  lines.push({ label: 'Price', value: c.priceSource });
  return lines;
}

export type BudgetLevel = 'within' | 'warning' | 'over';

/** Where a running job stands against its budget: a warning from 80 %, over at 100 %. */
export function budgetLevel(usd: number, budgetUsd: number): BudgetLevel {
  if (usd >= budgetUsd) return 'over';
  if (usd >= budgetUsd * 0.8) return 'warning';
  return 'within';
}
