import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import type { AwsConnection } from '../aws/awsClients';
import { listTrainingJobsUpTo, TrainingJobError } from '../aws/trainingJobs';
import type { SageMakerClients } from '../aws/trainingJobs';
import { describeTuningJob, listTuningJobs } from '../aws/tuningJobs';
import { formatAge } from '../core/format';
import { trainingJobViewFromSummary } from '../core/jobs/trainingJobView';
import { formatObjective, tuningJobView } from '../core/jobs/tuningJobView';
import type { TuningJobView } from '../core/jobs/tuningJobView';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';

/** The connection flags every AWS-facing command takes. */
export const AWS_OPTIONS = {
  region: { type: 'string' },
  profile: { type: 'string' },
} as const;

/**
 * Region, profile and endpoints the way the AWS CLI reads them: flags first, then AWS_REGION /
 * AWS_DEFAULT_REGION and AWS_ENDPOINT_URL[_<SERVICE>] from the environment. Keys in the
 * environment are handed to the SDK as is (the same thing its env provider would do), so the
 * environment the CLI was given is the one that counts.
 */
export function awsConnectionFromCli(flags: { region?: string; profile?: string }, env: NodeJS.ProcessEnv): AwsConnection {
  const connection: AwsConnection = { endpoints: AwsClients.endpointsFromEnv(env) };
  const region = flags.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  if (region) connection.region = region;
  if (flags.profile) {
    connection.profile = flags.profile;
  } else if (env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']) {
    connection.credentials = {
      accessKeyId: env['AWS_ACCESS_KEY_ID'],
      secretAccessKey: env['AWS_SECRET_ACCESS_KEY'],
      ...(env['AWS_SESSION_TOKEN'] ? { sessionToken: env['AWS_SESSION_TOKEN'] } : {}),
    };
  }
  return connection;
}

export interface JobsCommandDeps {
  /** Clients to use instead of ones built from the flags and environment (tests). */
  clients?: SageMakerClients;
  now?: Date;
}

/**
 * `sagemaker-hf jobs [--status S] [--name-contains X] [--max N] [--json]`: training jobs, newest first, then
 * hyperparameter tuning jobs (the same filters and maximum) with their trial counts and best trial. `--json`
 * prints one array: training jobs (`kind: "training"`), then tuning jobs (`kind: "tuning"`).
 */
export async function jobsCommand(args: string[], io: CliIo, deps: JobsCommandDeps = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      status: { type: 'string' },
      'name-contains': { type: 'string' },
      max: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
      ...AWS_OPTIONS,
    },
  });
  if (positionals.length > 0) throw new UsageError(`jobs takes no arguments (got ${positionals.join(' ')}): sagemaker-hf jobs [--status S] [--name-contains X] [--max N] [--json]`);
  const max = Number(values.max);
  if (!Number.isInteger(max) || max < 1 || max > 10_000) throw new UsageError(`--max must be a whole number from 1 to 10000 (got ${values.max}).`);

  const owned = deps.clients ? undefined : new AwsClients(awsConnectionFromCli(values, io.env));
  const clients = deps.clients ?? owned!;
  try {
    const filters = {
      ...(values.status ? { status: values.status } : {}),
      ...(values['name-contains'] ? { nameContains: values['name-contains'] } : {}),
    };
    const summaries = await listTrainingJobsUpTo(clients, max, filters);
    const views = summaries.map(trainingJobViewFromSummary);
    // BestTrainingJob is only in DescribeHyperParameterTuningJob's answer: one Describe per tuning job listed.
    const tuningRows = await listTuningJobs(clients, { ...filters, max });
    const tuning: TuningJobView[] = [];
    for (const row of tuningRows) tuning.push(tuningJobView(await describeTuningJob(clients, row.HyperParameterTuningJobName!)));
    if (values.json) {
      io.stdout(
        `${JSON.stringify(
          [
            ...views.map(({ name, arn, region, status, secondaryStatus, createdAt, lastModifiedAt, endedAt }) => ({
              kind: 'training',
              name,
              arn,
              region,
              status,
              secondaryStatus,
              createdAt,
              lastModifiedAt,
              endedAt,
            })),
            ...tuning.map((t) => ({
              kind: 'tuning',
              name: t.name,
              arn: t.arn,
              status: t.status,
              strategy: t.strategy,
              createdAt: t.createdAt,
              endedAt: t.endedAt,
              objective: t.objective,
              trials: t.counts,
              trialsText: t.countsText,
              best: t.best ? { name: t.best.name, objective: t.best.objective } : undefined,
            })),
          ],
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    if (views.length === 0 && tuning.length === 0) {
      io.stderr(`No training jobs${values.status ? ` with status ${values.status}` : ''}${values['name-contains'] ? ` whose name contains "${values['name-contains']}"` : ''}.\n`);
      return 0;
    }
    const now = deps.now ?? new Date();
    if (views.length > 0) {
      const rows = views.map((v) => [v.name, v.status, v.secondaryStatus ?? '', v.createdAt ? formatAge(v.createdAt, now) : '']);
      io.stdout(table(['NAME', 'STATUS', 'SECONDARY', 'CREATED'], rows));
    }
    if (tuning.length > 0) {
      if (views.length > 0) io.stdout('\n');
      const rows = tuning.map((t) => [
        t.name,
        t.status,
        t.countsText,
        t.best ? `${t.best.name} (${formatObjective(t.objective?.name, t.best.objective) ?? 'no value'})` : '-',
        t.createdAt ? formatAge(t.createdAt, now) : '',
      ]);
      io.stdout(table(['TUNING JOB', 'STATUS', 'TRIALS', 'BEST', 'CREATED'], rows));
    }
    return 0;
  } catch (error) {
    if (error instanceof TrainingJobError) {
      io.stderr(`sagemaker-hf jobs: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    owned?.destroy();
  }
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return (
    all
      .map((r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
