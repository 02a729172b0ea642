/**
 * Holds a running job to its budget from the terminal (`launch --wait` and `logs --follow` with
 * `--stop-over-budget`): each DescribeTrainingJob answer is priced (the price asked once, then
 * cached), the 80 % warning is reported once, and at 100 % the job is stopped — or, without
 * permission to stop, only reported.
 */
import { BudgetWatch } from '../../core/cost/budget';
import type { BudgetEvent } from '../../core/cost/budget';
import { totalUsd } from '../../core/cost/jobCost';
import type { TrainingJobDescription } from '../../core/jobs/trainingJobDescription';
import { isInFlightStatus } from '../../core/sagemaker/jobStatus';
import type { AwsClients } from '../awsClients';
import type { PriceCache } from '../preflight/pricing';
import { MemoryPriceCache } from '../preflight/pricing';
import { stopTrainingJob, TrainingJobError } from '../trainingJobs';
import { costOfJobs } from './jobCosts';

export interface BudgetGuardOptions {
  /** Stop the job at 100 % (else only report it). */
  stop: boolean;
  onEvent: (event: BudgetEvent, action: string) => void;
  cache?: PriceCache;
  offline?: boolean;
  now?: () => Date;
}

export class BudgetGuard {
  private readonly watch: BudgetWatch;
  private readonly cache: PriceCache;
  /** Set once StopTrainingJob was sent (or refused): the guard acts once. */
  stopped = false;

  constructor(
    private readonly clients: AwsClients,
    jobName: string,
    budgetUsd: number,
    private readonly options: BudgetGuardOptions,
  ) {
    this.watch = new BudgetWatch(jobName, budgetUsd);
    this.cache = options.cache ?? new MemoryPriceCache();
  }

  async check(description: TrainingJobDescription): Promise<void> {
    if (!isInFlightStatus(description.TrainingJobStatus) || this.stopped) return;
    const [cost] = await costOfJobs(this.clients, [description], {
      cache: this.cache,
      ...(this.options.offline ? { offline: true } : {}),
      ...(this.options.now ? { now: this.options.now() } : {}),
    });
    const usd = cost ? totalUsd(cost) : undefined;
    if (usd === undefined) return;
    const event = this.watch.observe(usd);
    if (!event) return;
    if (event.level === 'warning') {
      this.options.onEvent(event, this.options.stop ? 'It will be stopped at 100 %.' : 'Add --stop-over-budget to stop it at 100 %.');
      return;
    }
    if (!this.options.stop) {
      this.options.onEvent(event, `It keeps running (no --stop-over-budget): sagemaker-hf stop ${this.watch.jobName}`);
      return;
    }
    this.stopped = true;
    try {
      const result = await stopTrainingJob(this.clients, this.watch.jobName);
      this.options.onEvent(event, `Stopping it (--stop-over-budget): it was ${result.previousStatus}, now ${result.status}.`);
    } catch (err) {
      const why = err instanceof TrainingJobError ? err.message : `StopTrainingJob failed: ${(err as Error).message}. Stop it yourself: sagemaker-hf stop ${this.watch.jobName}`;
      this.options.onEvent(event, why);
    }
  }
}
