import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import { LogTailError, tailTrainingJobLogs } from '../aws/logTail';
import type { LogTailClients, TailOptions } from '../aws/logTail';
import { TrainingJobError } from '../aws/trainingJobs';
import { formatLogLine, omittedHistoryLine, showControlCharacters } from '../core/logs/logFormat';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';
import { AWS_OPTIONS, awsConnectionFromCli } from './jobsCommand';
import type { DescribeTrainingJobCommandOutput } from '@aws-sdk/client-sagemaker';
import { BudgetGuard } from '../aws/cost/budgetGuard';
import { FilePriceCache } from '../aws/preflight/pricing';
import type { TrainingJobDescription } from '../core/jobs/trainingJobDescription';
import { priceCachePath } from './cliTime';

export interface LogsCommandDeps {
  clients?: LogTailClients;
  /** Ends the tail (the command itself aborts on SIGINT). */
  signal?: AbortSignal;
  policy?: TailOptions['policy'];
  /** Clients the budget watch prices and stops with (tests); default: the command's own. */
  budgetClients?: AwsClients;
}

const USAGE = 'sagemaker-hf logs JOB [--follow] [--history N] [--max-cost-usd N [--stop-over-budget]]';

/**
 * `sagemaker-hf logs JOB [--follow] [--history N]`: every host's lines, labelled `[algo-N]`, with the
 * SDK's status lines and, once the job has ended, its summary. Exit 0, or 1 when the job failed,
 * 130 when interrupted. Control characters in what the job wrote are printed as escapes (`\x1b`).
 */
export async function logsCommand(args: string[], terminal: CliIo, deps: LogsCommandDeps = {}): Promise<number> {
  // Everything printed here may carry text the job wrote (lines, failure reasons, status messages):
  // its control characters are shown, never obeyed by the terminal.
  const io: CliIo = { ...terminal, stdout: (t) => terminal.stdout(showControlCharacters(t)), stderr: (t) => terminal.stderr(showControlCharacters(t)) };
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      follow: { type: 'boolean', short: 'f', default: false },
      history: { type: 'string' },
      'max-cost-usd': { type: 'string' },
      'stop-over-budget': { type: 'boolean', default: false },
      ...AWS_OPTIONS,
    },
  });
  const budgetUsd = values['max-cost-usd'] === undefined ? undefined : Number(values['max-cost-usd']);
  if (budgetUsd !== undefined && !(Number.isFinite(budgetUsd) && budgetUsd > 0))
    throw new UsageError(`--max-cost-usd must be a positive number of US dollars (got "${values['max-cost-usd']}").`);
  if (values['stop-over-budget'] && (budgetUsd === undefined || !values.follow))
    throw new UsageError(`--stop-over-budget needs --follow and the budget (--max-cost-usd N, the job file's max_cost_usd): ${USAGE}`);
  if (positionals.length !== 1) throw new UsageError(`logs needs exactly one training job name: ${USAGE}`);
  const jobName = positionals[0]!;
  let historyLines: number | undefined;
  if (values.history !== undefined) {
    historyLines = Number(values.history);
    if (!Number.isInteger(historyLines) || historyLines < 0) throw new UsageError(`--history must be a whole number of lines (got ${values.history}).`);
  }

  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  deps.signal?.addEventListener('abort', interrupt, { once: true });
  if (!deps.signal) process.once('SIGINT', interrupt);
  // More SDK retries than the default 3: a long tail meets throttling, and each retry it absorbs is one backoff less here.
  const owned = deps.clients ? undefined : new AwsClients({ ...awsConnectionFromCli(values, io.env), maxAttempts: 8 });
  // The budget watch prices each DescribeTrainingJob the tail makes; it needs the full AwsClients (pricing, region).
  const guardClients = deps.budgetClients ?? owned;
  const guard =
    budgetUsd !== undefined && values.follow && guardClients
      ? new BudgetGuard(guardClients, jobName, budgetUsd, {
          stop: values['stop-over-budget'],
          cache: new FilePriceCache(priceCachePath(io.env)),
          onEvent: (event, action) => io.stderr(`${event.level === 'over' ? 'Budget reached' : 'Budget warning'}: ${event.message} ${action}\n`),
        })
      : undefined;
  try {
    const end = await tailTrainingJobLogs({
      clients: deps.clients ?? owned!,
      jobName,
      follow: values.follow,
      ...(historyLines !== undefined ? { historyLines } : {}),
      signal: controller.signal,
      ...(deps.policy ? { policy: deps.policy } : {}),
      onLines: (lines) => io.stdout(lines.map((l) => `${formatLogLine(l)}\n`).join('')),
      onStatus: (update) => {
        if (update.lines.length > 0) io.stdout(update.lines.map((l) => `${l}\n`).join(''));
      },
      ...(guard ? { onDescribe: (d: DescribeTrainingJobCommandOutput) => guard.check(d as TrainingJobDescription) } : {}),
      onHistoryTrimmed: (omitted) => io.stdout(`${omittedHistoryLine(omitted)}\n`),
      onRetry: (notice) => {
        if (notice.attempt >= 3)
          io.stderr(`${notice.operation} ${notice.kind === 'throttled' ? 'throttled' : 'failed'} ${notice.attempt} times; retrying in ${(notice.delayMs / 1000).toFixed(1)} s\n`);
      },
    });
    if (end.reason === 'aborted') return 130;
    if (end.summary) io.stdout(end.summary.lines.map((l) => `${l}\n`).join(''));
    if (end.reason === 'snapshot' && end.description && !end.summary) {
      io.stderr(
        `${jobName} is ${end.description.TrainingJobStatus}${end.description.SecondaryStatus ? ` (${end.description.SecondaryStatus})` : ''}; add --follow to keep reading until it ends.\n`,
      );
    }
    return end.description?.TrainingJobStatus === 'Failed' ? 1 : 0;
  } catch (error) {
    if (error instanceof TrainingJobError || error instanceof LogTailError) {
      io.stderr(`sagemaker-hf logs: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', interrupt);
    deps.signal?.removeEventListener('abort', interrupt);
    owned?.destroy();
  }
}
