/**
 * A job file's budget, `max_cost_usd` (never sent to SageMaker): before launch, the cost ceiling
 * must fit in it (plan and Launch refuse otherwise and say which max_run would fit); while the job
 * runs, a warning at 80 % and a stop at 100 % (`BudgetWatch`).
 */
import { formatDuration } from '../format';
import type { JobSpec } from '../jobFile/jobSpec';
import { formatUsd, tuningCeilingText } from './costEstimate';
import type { CostEstimate, TuningCost } from './costEstimate';
import { budgetLevel } from './jobCost';

export function budgetOf(spec: Pick<JobSpec, 'max_cost_usd'> | undefined): number | undefined {
  const b = spec?.max_cost_usd;
  return typeof b === 'number' && Number.isFinite(b) && b > 0 ? b : undefined;
}

export interface BudgetRefusal {
  budgetUsd: number;
  ceilingUsd: number;
  /** The longest max_run (whole seconds, at least 1) whose ceiling fits the budget (for a tuning job: with its trials as they are). */
  fittingMaxRun: number;
  /** A tuning job: the most trials (max_jobs) whose ceiling fits the budget at the per-trial ceiling; 0 when not even one does. */
  fittingMaxJobs?: number;
  message: string;
}

/** Undefined when the job has no budget or its ceiling fits. */
export function budgetRefusal(spec: JobSpec, estimate: CostEstimate): BudgetRefusal | undefined {
  const budgetUsd = budgetOf(spec);
  if (budgetUsd === undefined || estimate.ceiling.usd <= budgetUsd) return undefined;
  if (estimate.tuning) return tuningBudgetRefusal(estimate, estimate.tuning, budgetUsd);
  const perSecond = (estimate.hourlyUsd ?? estimate.price.hourlyUsd * estimate.instanceCount) / 3600;
  const fittingMaxRun = fittingSeconds(budgetUsd, perSecond);
  const n = estimate.instanceCount;
  const limit = estimate.ceiling.limitedBy;
  const spotNote = limit === 'max_wait' ? ` (with spot, the ceiling is taken at max_wait: set max_wait to ${fittingMaxRun} too, and max_run no higher)` : '';
  const message =
    `The cost ceiling ${formatUsd(estimate.ceiling.usd)} (${limit} ${formatDuration(estimate.ceiling.seconds)} × ${instancesAtPrice(estimate, n)}) ` +
    `exceeds max_cost_usd ${formatUsd(budgetUsd)}. max_run: ${fittingMaxRun} (${formatDuration(fittingMaxRun)}) would fit${spotNote}; or raise max_cost_usd, or use fewer or cheaper instances.`;
  return { budgetUsd, ceilingUsd: estimate.ceiling.usd, fittingMaxRun, message };
}

/**
 * max_cost_usd holds for the whole tuning job: its ceiling (max_jobs × one trial's, see
 * estimateTrainingCost) over the budget is refused, saying which max_jobs, or which max_run with
 * the trials as they are, would fit.
 */
function tuningBudgetRefusal(estimate: CostEstimate, t: TuningCost, budgetUsd: number): BudgetRefusal {
  const n = estimate.instanceCount;
  const perSecondPerTrial = (estimate.hourlyUsd ?? estimate.price.hourlyUsd * n) / 3600;
  const fittingMaxJobs = t.perTrial.usd > 0 ? Math.floor(budgetUsd / t.perTrial.usd + 1e-9) : t.trials;
  const fittingMaxRun = fittingSeconds(budgetUsd, perSecondPerTrial * t.trials);
  const spotNote = t.perTrial.limitedBy === 'max_wait' ? ' (with spot, each trial is counted at max_wait: set max_wait to it too, and max_run no higher)' : '';
  const jobsFix = fittingMaxJobs >= 1 ? `tuning.max_jobs: ${fittingMaxJobs} would fit at this max_run` : `not even one trial fits at this ${t.perTrial.limitedBy}`;
  const message =
    `The tuning job's cost ceiling ${formatUsd(estimate.ceiling.usd)} (${tuningCeilingText(t, estimate.ceiling.limitedBy, n)}, at ${formatUsd(estimate.price.hourlyUsd)}/hour per ${estimate.instanceType}) ` +
    `exceeds max_cost_usd ${formatUsd(budgetUsd)}, which holds for the whole tuning job. ${jobsFix}; or max_run: ${fittingMaxRun} (${formatDuration(fittingMaxRun)}) with ${t.trials} trials${spotNote}; or raise max_cost_usd, or use fewer or cheaper instances.`;
  return { budgetUsd, ceilingUsd: estimate.ceiling.usd, fittingMaxRun, fittingMaxJobs, message };
}

/**
 * The most whole seconds (at least 1) the budget buys at this rate. The 1e-9 keeps float noise from
 * costing a second: $19.80 at $39.60/hour is 1799.9999999999998 s in floating point, yet 1800 s fit.
 */
function fittingSeconds(budgetUsd: number, usdPerSecond: number): number {
  return Math.max(1, Math.floor(budgetUsd / usdPerSecond + 1e-9));
}

export type BudgetEvent = { level: 'warning' | 'over'; usd: number; budgetUsd: number; message: string };

/**
 * Watches one running job's cost against its budget and reports each level once: the warning at
 * 80 %, then "over" at 100 % (which the caller answers by stopping the job, or asking to).
 */
export class BudgetWatch {
  private reported: 'within' | 'warning' | 'over' = 'within';

  constructor(
    readonly jobName: string,
    readonly budgetUsd: number,
  ) {}

  observe(usd: number): BudgetEvent | undefined {
    const level = budgetLevel(usd, this.budgetUsd);
    if (level === 'within' || level === this.reported || (level === 'warning' && this.reported === 'over')) return undefined;
    this.reported = level;
    const percent = Math.floor((usd / this.budgetUsd) * 100);
    const message =
      level === 'warning'
        ? `${this.jobName} has cost ≈ ${formatUsd(usd)} so far, ${percent} % of its budget (max_cost_usd ${formatUsd(this.budgetUsd)}).`
        : `${this.jobName} has reached its budget: ≈ ${formatUsd(usd)} of max_cost_usd ${formatUsd(this.budgetUsd)}.`;
    return { level, usd, budgetUsd: this.budgetUsd, message };
  }
}

/** "2 × ml.g5.xlarge at $1.41/hour", or for instance groups each group's and the job's hourly total. */
function instancesAtPrice(estimate: CostEstimate, n: number): string {
  const groups = estimate.groups ?? [];
  if (groups.length <= 1 || groups.every((g) => g.group === undefined)) return `${n} × ${estimate.instanceType} at ${formatUsd(estimate.price.hourlyUsd)}/hour`;
  return `${groups.map((g) => `${g.instanceCount} × ${g.instanceType} at ${formatUsd(g.price.hourlyUsd)}/hour`).join(' + ')}, ${formatUsd(estimate.hourlyUsd)}/hour in all`;
}
