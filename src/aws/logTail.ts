/**
 * Tails every host's CloudWatch log stream of a training job, with the SageMaker SDK's status lines
 * and end-of-job summary, the way `estimator.logs()` / `logs_for_job` does, but:
 *
 * - one FilterLogEvents query over the job's stream prefix per poll (paged with nextToken) instead
 *   of DescribeLogStreams plus a GetLogEvents loop per stream: hosts that appear late are picked up
 *   by the same query, and a quiet 16-host job costs one call per poll instead of sixteen;
 * - every line exactly once and in order per stream, across pages, polls, events sharing a
 *   timestamp, lines delivered late with older timestamps, throttling, 5xx answers, dropped
 *   connections and reattaching: the proof is in src/core/logs/logCursor.ts. In short: a page is
 *   accepted whole or not at all; a failed page is asked again with the same token after a backoff;
 *   the query's start only moves when a poll was read to its last page, and then only to where
 *   nothing unseen can be (newest ingestion − poll duration − allowance for delivery lag); the
 *   overlap this re-reads is de-duplicated by eventId; lines that reached a later page of a poll
 *   after it began are held back to the next poll so no stream's line overtakes an earlier one,
 *   and the final flush polls again until nothing is held back;
 * - the SDK's nextToken bug in stream discovery does not apply (there is no discovery call).
 *
 * The state machine is the SDK's: TAILING (read, pause, Describe when the status interval has
 * passed) → on Completed/Failed/Stopped JOB_COMPLETE (pause, read once more: the final flush) →
 * COMPLETE. `follow: false` reads once, like `wait=False`.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { DescribeTrainingJobCommandOutput } from '@aws-sdk/client-sagemaker';
import { RecentLines, summarizeJobEnd } from '../core/logs/jobEndSummary';
import type { JobEndSummary } from '../core/logs/jobEndSummary';
import { HistoryLimit, LogCursor } from '../core/logs/logCursor';
import type { LogCursorState, LogLine } from '../core/logs/logCursor';
import { ruleStatusLines, statusLinesSince } from '../core/logs/logFormat';
import { backoffDelayMs, tailPolicy } from '../core/logs/tailPolicy';
import type { BackoffPolicy, TailPolicy } from '../core/logs/tailPolicy';
import { isTerminalStatus } from '../core/sagemaker/jobStatus';
import { sleep } from '../core/sleep';
import { awsFailureKind } from './awsErrors';
import type { AwsFailureKind } from './awsErrors';
import { describeTrainingJob, withServiceClock } from './trainingJobs';
import type { SageMakerClients } from './trainingJobs';

export const TRAINING_JOB_LOG_GROUP = '/aws/sagemaker/TrainingJobs';

export interface LogTailClients extends SageMakerClients {
  logs(): CloudWatchLogsClient;
}

export interface StatusUpdate {
  /** SDK status lines (`2021-04-01 13:00:35 Starting - Starting the training job...`) and rule lines; may be empty. */
  lines: string[];
  description: DescribeTrainingJobCommandOutput;
  /** The first answer of this tail. */
  first: boolean;
}

export type TailEndReason =
  /** The job reached Completed, Failed or Stopped and the final flush was read. */
  | 'ended'
  /** `follow: false` (or the job had ended already): what was there has been read. */
  | 'snapshot'
  /** The signal was aborted ("Stop Tailing", channel closed, Ctrl-C). */
  | 'aborted';

/** The tail's retry notices name the failure as awsErrors.ts classifies it. */
export { awsFailureKind };
export type { AwsFailureKind };

export interface RetryNotice {
  operation: 'FilterLogEvents' | 'DescribeTrainingJob';
  kind: AwsFailureKind;
  /** Consecutive failures of this call so far. */
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface TailStats {
  /** Logical API calls this tail made (each may be several HTTP attempts inside the SDK). */
  filterLogEventsCalls: number;
  describeTrainingJobCalls: number;
  pages: number;
  polls: number;
  linesDelivered: number;
  duplicatesDropped: number;
  /** Lines a poll held back to the next one to keep their stream's order (see LogCursor). */
  heldBack: number;
  retries: number;
  failures: Record<'throttled' | 'serverError' | 'network', number>;
}

export interface TailEnd {
  reason: TailEndReason;
  /** The last DescribeTrainingJob answer (absent only when aborted before the first). */
  description?: DescribeTrainingJobCommandOutput;
  /** When the job has ended: the SDK's closing lines, failure explanation and hints. */
  summary?: JobEndSummary;
  /** Pass back as `cursor` to reattach without gaps or repeats. */
  cursor: LogCursorState;
  stats: TailStats;
}

export interface TailOptions {
  clients: LogTailClients;
  jobName: string;
  /** Keep reading until the job ends (`wait=True`); false reads what is there and returns. */
  follow: boolean;
  /** When attaching without a cursor, show only the last N lines already written. */
  historyLines?: number;
  /** Continue where an earlier tail stopped (its `TailEnd.cursor`); the history limit does not apply. */
  cursor?: LogCursorState;
  signal?: AbortSignal;
  /** New lines, labelled with their host, in timestamp order within each batch. */
  onLines(lines: LogLine[]): void;
  onStatus?(update: StatusUpdate): void;
  /** Streams (hosts) seen for the first time. */
  onStreams?(streams: string[]): void;
  /** How many earlier lines the history limit held back (called once, before the history is shown). */
  onHistoryTrimmed?(omitted: number): void;
  onRetry?(notice: RetryNotice): void;
  onEnd?(end: TailEnd): void;
  policy?: Partial<Omit<TailPolicy, 'backoff'>> & { backoff?: Partial<BackoffPolicy> };
  logGroupName?: string;
  /** Jitter source for backoff, [0, 1); tests pass a seeded one. */
  random?: () => number;
}

export type LogTailErrorCode = 'TooManyFailures' | 'ReadRefused';

export class LogTailError extends Error {
  constructor(
    readonly code: LogTailErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>>,
    readonly cursor: LogCursorState,
  ) {
    super(message);
    this.name = 'LogTailError';
  }
}

type LogState = 'tailing' | 'jobComplete' | 'complete';

export async function tailTrainingJobLogs(options: TailOptions): Promise<TailEnd> {
  const policy = tailPolicy(options.policy);
  const { clients, jobName, signal } = options;
  const random = options.random ?? Math.random;
  const logGroupName = options.logGroupName ?? TRAINING_JOB_LOG_GROUP;
  const stats: TailStats = {
    filterLogEventsCalls: 0,
    describeTrainingJobCalls: 0,
    pages: 0,
    polls: 0,
    linesDelivered: 0,
    duplicatesDropped: 0,
    heldBack: 0,
    retries: 0,
    failures: { throttled: 0, serverError: 0, network: 0 },
  };
  let cursor: LogCursor | undefined = options.cursor ? LogCursor.restore(jobName, options.cursor, policy) : undefined;
  const history = new HistoryLimit(options.cursor ? undefined : options.historyLines);
  const recent = new RecentLines(policy.recentLinesPerHost);
  let historyReleased = false;

  const cursorState = (): LogCursorState => (cursor ?? new LogCursor(jobName, 0, policy)).state();
  const finish = (reason: TailEndReason, description?: DescribeTrainingJobCommandOutput): TailEnd => {
    if (cursor) {
      stats.duplicatesDropped = cursor.stats.duplicates;
      stats.heldBack = cursor.stats.heldBack;
    }
    const end: TailEnd = { reason, cursor: cursorState(), stats };
    if (description) end.description = description;
    if (description && reason !== 'aborted' && isTerminalStatus(description.TrainingJobStatus)) {
      end.summary = summarizeJobEnd(description, recent.lines());
    }
    options.onEnd?.(end);
    return end;
  };

  /** Retries `call` on throttling, 5xx and network errors with backoff; undefined when aborted. */
  const withBackoff = async <T>(operation: RetryNotice['operation'], call: () => Promise<T>): Promise<T | undefined> => {
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) return undefined;
      try {
        return await call();
      } catch (error) {
        const kind = signal?.aborted ? 'aborted' : awsFailureKind(error);
        if (kind === 'aborted') return undefined;
        if (kind !== 'throttled' && kind !== 'serverError' && kind !== 'network') throw error;
        await backOff(operation, kind, attempt, error);
      }
    }
  };

  const backOff = async (operation: RetryNotice['operation'], kind: 'throttled' | 'serverError' | 'network', attempt: number, error: unknown): Promise<void> => {
    stats.failures[kind]++;
    if (attempt > policy.backoff.maxConsecutiveFailures) {
      throw new LogTailError(
        'TooManyFailures',
        `${operation} for ${jobName} failed ${attempt} times in a row (last: ${describeError(error)}); the tail stopped. Run it again to resume where it left off.`,
        { jobName, operation, kind, attempts: attempt },
        cursorState(),
      );
    }
    stats.retries++;
    const delayMs = backoffDelayMs(policy.backoff, attempt, random);
    options.onRetry?.({ operation, kind, attempt, delayMs, error });
    await sleep(delayMs, signal);
  };

  let describedAt: number | undefined;
  const describe = async (): Promise<DescribeTrainingJobCommandOutput | undefined> =>
    withBackoff('DescribeTrainingJob', () => {
      stats.describeTrainingJobCalls++;
      return describeTrainingJob(clients, jobName, signal, (time) => {
        describedAt = time;
        cursor?.noteServiceTime(time);
      });
    });

  const deliver = (lines: LogLine[], c: LogCursor): void => {
    const streams = c.takeNewStreams();
    if (streams.length > 0) options.onStreams?.(streams);
    if (lines.length === 0) return;
    stats.linesDelivered += lines.length;
    recent.add(lines);
    const shown = history.offer(lines);
    if (shown.length > 0) options.onLines(shown);
  };

  /** One poll: the query from the cursor's start, read to its last page. */
  const flush = async (c: LogCursor): Promise<void> => {
    let token: string | undefined;
    let started: number | undefined;
    let restarts = 0;
    for (let failures = 0; ; ) {
      if (signal?.aborted) return;
      try {
        if (started === undefined) {
          started = performance.now();
          c.beginPoll();
        }
        stats.filterLogEventsCalls++;
        const page = await clients.logs().send(
          withServiceClock(new FilterLogEventsCommand({
            logGroupName,
            logStreamNamePrefix: c.prefix,
            startTime: c.queryStart(),
            // Ignored by AWS (always interleaved since 2019); moto only sorts across streams when asked.
            interleaved: true,
            ...(policy.pageLimit ? { limit: policy.pageLimit } : {}),
            ...(token ? { nextToken: token } : {}),
          }), (time) => c.noteServiceTime(time)),
          signal ? { abortSignal: signal } : {},
        );
        failures = 0;
        stats.pages++;
        deliver(c.acceptPage(page.events ?? []), c);
        token = page.nextToken || undefined;
        if (token) continue;
        c.completePoll(performance.now() - started);
        stats.polls++;
        break;
      } catch (error) {
        const kind = signal?.aborted ? 'aborted' : awsFailureKind(error);
        if (kind === 'aborted') return;
        if (kind === 'notFound' && token === undefined) {
          // No log group yet: the first job of an account logs nothing before its container starts.
          c.completePoll(0);
          stats.polls++;
          break;
        }
        if (kind === 'invalidToken' && token !== undefined) {
          // An expired token: read the poll again from its start; the cursor drops what it has seen.
          // A poll that can never finish (every token it is given expires) stops rather than spins.
          if (++restarts > policy.backoff.maxConsecutiveFailures) {
            throw new LogTailError(
              'TooManyFailures',
              `FilterLogEvents for ${jobName}: the page token expired ${restarts} times while reading one pass over the log (last: ${describeError(error)}); the tail stopped. Run it again to resume where it left off.`,
              { jobName, operation: 'FilterLogEvents', kind, attempts: restarts },
              c.state(),
            );
          }
          token = undefined;
          started = undefined;
          c.beginPoll();
          continue;
        }
        if (kind !== 'throttled' && kind !== 'serverError' && kind !== 'network') {
          throw new LogTailError('ReadRefused', `CloudWatch Logs refused to read ${logGroupName} for ${jobName}: ${describeError(error)}`, { jobName, logGroupName }, c.state());
        }
        failures++;
        await backOff('FilterLogEvents', kind, failures, error);
      }
    }
    // The history is what the first complete poll found, held-back lines included (they come with the next poll).
    if (!historyReleased && c.heldBackByLastCompletedPoll() === 0) {
      historyReleased = true;
      const { lines, omitted } = history.release();
      if (omitted > 0) options.onHistoryTrimmed?.(omitted);
      if (lines.length > 0) options.onLines(lines);
    }
  };

  let description = await describe();
  if (!description) return finish('aborted');
  cursor ??= new LogCursor(jobName, (description.CreationTime?.getTime() ?? Date.now()) - policy.overlapMs, policy);
  if (describedAt !== undefined) cursor.noteServiceTime(describedAt);
  options.onStatus?.({ lines: statusLinesSince(description, undefined), description, first: true });
  let printed = description;
  let rulesPrinted: DescribeTrainingJobCommandOutput | undefined;

  let state: LogState = options.follow && !isTerminalStatus(description.TrainingJobStatus) ? 'tailing' : 'complete';
  let lastDescribe = performance.now();
  for (;;) {
    await flush(cursor);
    if (signal?.aborted) return finish('aborted', description);
    if (state === 'complete') {
      // Lines held back to keep a stream in order come with the next poll; the last flush must not leave them behind.
      while (cursor.heldBackByLastCompletedPoll() > 0 && !signal?.aborted) await flush(cursor);
      if (signal?.aborted) return finish('aborted', description);
      break;
    }
    await sleep(policy.pollIntervalMs, signal);
    if (signal?.aborted) return finish('aborted', description);
    if (state === 'jobComplete') {
      state = 'complete';
    } else if (performance.now() - lastDescribe >= policy.statusIntervalMs) {
      const next = await describe();
      if (!next) return finish('aborted', description);
      description = next;
      lastDescribe = performance.now();
      const lines = statusLinesSince(description, printed);
      if (lines.length > 0) printed = description;
      const rules = ruleStatusLines(description, rulesPrinted);
      if (rules.length > 0) rulesPrinted = description;
      if (lines.length > 0 || rules.length > 0) options.onStatus?.({ lines: [...lines, ...rules], description, first: false });
      if (isTerminalStatus(description.TrainingJobStatus)) state = 'jobComplete';
    }
  }
  return finish(options.follow && isTerminalStatus(description.TrainingJobStatus) ? 'ended' : 'snapshot', description);
}

function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string } | undefined;
  return e?.name && e.message ? `${e.name}: ${e.message}` : String(error);
}
