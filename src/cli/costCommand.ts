import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import { costOfJobs } from '../aws/cost/jobCosts';
import { FilePriceCache } from '../aws/preflight/pricing';
import { describeTrainingJob, listTrainingJobsUpTo, trainingJobTags, TrainingJobError } from '../aws/trainingJobs';
import { formatUsd } from '../core/cost/costEstimate';
import { costDetailLines, costSummary, jobCostJson, totalUsd } from '../core/cost/jobCost';
import type { JobCost } from '../core/cost/jobCost';
import type { TrainingJobDescription } from '../core/jobs/trainingJobDescription';
import { baseFromName } from '../core/training/jobName';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';
import { AWS_OPTIONS, awsConnectionFromCli, table } from './jobsCommand';
import { parseAge, priceCachePath } from './cliTime';

const USAGE = 'sagemaker-hf cost [JOB…] [--since 30d] [--group-by base-job-name|tag:KEY|instance-type] [--offline] [--json]';
/** Jobs `--since` looks at, at most. */
const MAX_JOBS = 1000;

export interface CostCommandDeps {
  clients?: AwsClients;
  now?: Date;
}

/**
 * `sagemaker-hf cost`: what each job cost (or costs so far) in instance time, and the total; per
 * group with --group-by. The price comes from the Price List API, else the bundled table, named
 * with its date. Exit 0, 1 when a named job does not exist, 2 on usage errors.
 */
export async function costCommand(args: string[], io: CliIo, deps: CostCommandDeps = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      since: { type: 'string' },
      'group-by': { type: 'string' },
      offline: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      ...AWS_OPTIONS,
    },
  });
  const groupBy = values['group-by'];
  if (groupBy !== undefined && groupBy !== 'base-job-name' && groupBy !== 'instance-type' && !/^tag:.+/.test(groupBy)) {
    throw new UsageError(`--group-by must be base-job-name, instance-type or tag:KEY (got "${groupBy}"): ${USAGE}`);
  }
  if (positionals.length > 0 && values.since !== undefined) throw new UsageError(`give job names or --since, not both: ${USAGE}`);
  const now = deps.now ?? new Date();
  const sinceSeconds = parseAge(values.since ?? '30d', '--since');

  const owned = deps.clients ? undefined : new AwsClients(awsConnectionFromCli(values, io.env));
  const clients = deps.clients ?? owned!;
  try {
    let descriptions: TrainingJobDescription[];
    if (positionals.length > 0) {
      descriptions = [];
      for (const name of positionals) descriptions.push((await describeTrainingJob(clients, name)) as TrainingJobDescription);
    } else {
      const summaries = await listTrainingJobsUpTo(clients, MAX_JOBS, { createdAfter: new Date(now.getTime() - sinceSeconds * 1000), pageSize: 100 });
      descriptions = [];
      for (const s of summaries) if (s.TrainingJobName) descriptions.push((await describeTrainingJob(clients, s.TrainingJobName)) as TrainingJobDescription);
    }
    const costs = await costOfJobs(clients, descriptions, { cache: new FilePriceCache(priceCachePath(io.env)), offline: values.offline, now });
    const groups = groupBy ? await groupCosts(clients, costs, descriptions, groupBy) : undefined;
    const total = Math.round(costs.reduce((sum, c) => sum + (totalUsd(c) ?? 0), 0) * 1e6) / 1e6;
    const unpriced = costs.filter((c) => c.usd === undefined).map((c) => c.job);

    if (values.json) {
      if (costs.length === 1 && positionals.length === 1 && !groups) io.stdout(`${JSON.stringify(jobCostJson(costs[0]!), null, 2)}\n`);
      else io.stdout(`${JSON.stringify({ jobs: costs.map(jobCostJson), totalUsd: total, ...(groups ? { groups } : {}) }, null, 2)}\n`);
      return 0;
    }
    if (costs.length === 0) {
      io.stderr(`No training jobs created in the last ${values.since ?? '30d'}.\n`);
      return 0;
    }
    if (costs.length === 1 && positionals.length === 1) {
      const c = costs[0]!;
      io.stdout(
        `${c.job}: ${costSummary(c) ?? 'no price'}\n${costDetailLines(c)
          .map((l) => `  ${l.label.padEnd(13)}${l.value}`)
          .join('\n')}\n`,
      );
      return 0;
    }
    const rows = costs.map((c) => [
      c.job,
      c.instanceType ?? '',
      String(c.instanceCount),
      String(c.billableSeconds),
      c.usd !== undefined ? formatUsd(c.usd) : 'no price',
      c.warmPool?.usd ? formatUsd(c.warmPool.usd) : '',
      c.spotSavingsPercent !== undefined ? `${c.spotSavingsPercent}%` : '',
      c.state === 'running' ? 'so far' : '',
    ]);
    io.stdout(table(['JOB', 'INSTANCE', 'N', 'BILLABLE_S', 'USD', 'WARM_POOL', 'SPOT_SAVED', ''], rows));
    if (groups)
      io.stdout(
        `\n${table(
          [groupBy!.toUpperCase(), 'JOBS', 'USD'],
          groups.map((g) => [g.key, String(g.jobs.length), formatUsd(g.usd)]),
        )}`,
      );
    io.stdout(
      `\nTotal: ${formatUsd(total)} in instance time over ${costs.length} job${costs.length === 1 ? '' : 's'}${unpriced.length ? ` (no price for ${unpriced.join(', ')})` : ''}\n`,
    );
    const sources = [...new Set(costs.filter((c) => c.usd !== undefined).map((c) => c.priceSource))];
    for (const s of sources) io.stdout(`Price: ${s}\n`);
    io.stdout('Instance time only: storage, S3, data transfer and CloudWatch are billed on top.\n');
    return 0;
  } catch (error) {
    if (error instanceof TrainingJobError) {
      io.stderr(`sagemaker-hf cost: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    owned?.destroy();
  }
}

export interface CostGroup {
  key: string;
  jobs: string[];
  usd: number;
}

async function groupCosts(clients: AwsClients, costs: JobCost[], descriptions: TrainingJobDescription[], groupBy: string): Promise<CostGroup[]> {
  const keys: string[] = [];
  for (let i = 0; i < costs.length; i++) {
    const c = costs[i]!;
    if (groupBy === 'base-job-name') keys.push(baseFromName(c.job));
    else if (groupBy === 'instance-type') keys.push(c.instanceType ?? '(unknown)');
    else {
      const tagKey = groupBy.slice('tag:'.length);
      const arn = descriptions[i]!.TrainingJobArn;
      const tags = arn ? await trainingJobTags(clients, arn) : [];
      keys.push(tags.find((t) => t.Key === tagKey)?.Value ?? `(no ${tagKey} tag)`);
    }
  }
  const groups = new Map<string, CostGroup>();
  costs.forEach((c, i) => {
    const g = groups.get(keys[i]!) ?? { key: keys[i]!, jobs: [], usd: 0 };
    g.jobs.push(c.job);
    g.usd = Math.round((g.usd + (totalUsd(c) ?? 0)) * 1e6) / 1e6;
    groups.set(g.key, g);
  });
  return [...groups.values()].sort((a, b) => b.usd - a.usd || a.key.localeCompare(b.key));
}
