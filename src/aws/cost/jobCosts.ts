/**
 * The cost of SageMaker jobs: each one's DescribeTrainingJob priced with the on-demand training
 * price of its (billed) instance type in its own region — the Price List API, else the bundled
 * table (pricing.ts) — through one cache, so ten jobs of one type ask the API once.
 */
import { jobCostFromDescription, instanceTypesToPrice } from '../../core/cost/jobCost';
import type { JobCost } from '../../core/cost/jobCost';
import type { PriceQuote } from '../../core/cost/trainingPrice';
import { parseTrainingJobArn } from '../../core/jobs/trainingJobDescription';
import type { TrainingJobDescription } from '../../core/jobs/trainingJobDescription';
import type { AwsClients } from '../awsClients';
import { MemoryPriceCache, resolveTrainingPrice } from '../preflight/pricing';
import type { PriceCache, PriceResolution } from '../preflight/pricing';

export interface JobCostOptions {
  cache?: PriceCache;
  /** Only the bundled table (no Price List call). */
  offline?: boolean;
  now?: Date;
  timeoutMs?: number;
}

/** Prices every type the jobs use, once per type and region, then costs each job. */
export async function costOfJobs(clients: AwsClients, jobs: TrainingJobDescription[], options: JobCostOptions = {}): Promise<JobCost[]> {
  const cache = options.cache ?? new MemoryPriceCache();
  const fallbackRegion = await clients.region().catch(() => undefined);
  const resolved = new Map<string, Promise<PriceResolution>>();
  const priceOf = (type: string, region: string): Promise<PriceResolution> => {
    const key = `${region}|${type}`;
    let p = resolved.get(key);
    if (!p) {
      p = resolveTrainingPrice(clients, type, region, { cache, ...(options.offline ? { offline: true } : {}), timeoutMs: options.timeoutMs ?? 8000 });
      resolved.set(key, p);
    }
    return p;
  };
  const now = options.now ?? new Date();
  const out: JobCost[] = [];
  for (const d of jobs) {
    const region = parseTrainingJobArn(d.TrainingJobArn)?.region ?? fallbackRegion;
    const quotes = new Map<string, PriceQuote>();
    const problems: string[] = [];
    if (region) {
      for (const type of instanceTypesToPrice(d)) {
        const r = await priceOf(type, region);
        if (r.quote) quotes.set(type, r.quote);
        else if (r.apiProblem) problems.push(r.apiProblem);
      }
    } else problems.push('no region is known for the job, so no price either');
    out.push(jobCostFromDescription(d, (type) => quotes.get(type), now, problems.length > 0 ? problems.join(' ') : undefined));
  }
  return out;
}
