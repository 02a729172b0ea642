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
 *
 * A tail is one `TrainingJobLogTail`: its state in fields, one short method per step. Both calls it
 * repeats (FilterLogEvents, DescribeTrainingJob) go through one `withRetry`, whose rule (which
 * failures pass, how long to wait, when to give up) is core/logs/tailPolicy.ts's.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient, FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import type { DescribeTrainingJobCommandOutput } from '@aws-sdk/client-sagemaker';
import { RecentLines, summarizeJobEnd } from '../core/logs/jobEndSummary';
import type { JobEndSummary } from '../core/logs/jobEndSummary';
import { HistoryLimit, LogCursor } from '../core/logs/logCursor';
import type { LogCursorState, LogLine } from '../core/logs/logCursor';
import { ruleStatusLines, statusLinesSince } from '../core/logs/logFormat';
import { isTransientFailure, patienceSpent, retryDelayMs, tailPolicy } from '../core/logs/tailPolicy';
import type { BackoffPolicy, TailPolicy, TransientFailure } from '../core/logs/tailPolicy';
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
  failures: Record<TransientFailure, number>;
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
  /** Every DescribeTrainingJob answer the tail gets (the budget watch prices each). */
  onDescribe?(description: DescribeTrainingJobCommandOutput): void | Promise<void>;
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
type TailCall = RetryNotice['operation'];
/** How a pass over a poll's pages ended; an expired page token carries its error. */
type PollRead = 'read' | 'aborted' | { tokenExpired: unknown };
/** How a call asked again through backoffs ended: its answer, a failure no wait answers, or an abort. */
type Outcome<T> = { answer: T } | { refused: unknown; kind: AwsFailureKind } | 'aborted';

export async function tailTrainingJobLogs(options: TailOptions): Promise<TailEnd> {
  return new TrainingJobLogTail(options).run();
}

/**
 * One tail of one job, run once. Its state is in the fields below; each method is one step of the
 * SDK's state machine (see the top of this file) or of reading a poll.
 */
class TrainingJobLogTail {
  private readonly policy: TailPolicy;
  private readonly random: () => number;
  private readonly logGroupName: string;
  private readonly stats: TailStats = {
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
  /** Where reading stands; undefined until the first DescribeTrainingJob unless a cursor was passed in. */
  private cursor: LogCursor | undefined;
  /** Holds the first poll back to show only the last `historyLines` of it. */
  private readonly history: HistoryLimit;
  private historyReleased = false;
  /** The last lines per host, to explain a failure at the end. */
  private readonly recent: RecentLines;
  /** Consecutive failures of each call: they set the backoff and when the tail gives up. */
  private readonly failuresInARow: Record<TailCall, number> = { FilterLogEvents: 0, DescribeTrainingJob: 0 };
  private state: LogState = 'tailing';
  /** The last DescribeTrainingJob answer, and the service's clock and ours when it came. */
  private description: DescribeTrainingJobCommandOutput | undefined;
  private describedAt: number | undefined;
  private lastDescribe = 0;
  /** The answers whose status lines and rule lines have been shown. */
  private printed: DescribeTrainingJobCommandOutput | undefined;
  private rulesPrinted: DescribeTrainingJobCommandOutput | undefined;

  constructor(private readonly options: TailOptions) {
    this.policy = tailPolicy(options.policy);
    this.random = options.random ?? Math.random;
    this.logGroupName = options.logGroupName ?? TRAINING_JOB_LOG_GROUP;
    this.cursor = options.cursor ? LogCursor.restore(options.jobName, options.cursor, this.policy) : undefined;
    this.history = new HistoryLimit(options.cursor ? undefined : options.historyLines);
    this.recent = new RecentLines(this.policy.recentLinesPerHost);
  }

  private get aborted(): boolean {
    return this.options.signal?.aborted ?? false;
  }

  /** TAILING → JOB_COMPLETE → COMPLETE, reading a poll in each, until the final flush. */
  async run(): Promise<TailEnd> {
    const cursor = await this.start();
    if (!cursor) return this.finish('aborted');
    for (;;) {
      await this.pollOnce(cursor);
      if (this.aborted) return this.finish('aborted');
      if (this.state === 'complete') return this.finalFlush(cursor);
      await sleep(this.policy.pollIntervalMs, this.options.signal);
      if (this.aborted) return this.finish('aborted');
      if (this.state === 'jobComplete') this.state = 'complete';
      else if (performance.now() - this.lastDescribe >= this.policy.statusIntervalMs && !(await this.refreshStatus())) return this.finish('aborted');
    }
  }

  /** The first DescribeTrainingJob: the cursor (unless resuming), the first status lines, the first state. Undefined when aborted. */
  private async start(): Promise<LogCursor | undefined> {
    const description = await this.describe();
    if (!description) return undefined;
    this.description = description;
    const cursor = (this.cursor ??= new LogCursor(this.options.jobName, (description.CreationTime?.getTime() ?? Date.now()) - this.policy.overlapMs, this.policy));
    if (this.describedAt !== undefined) cursor.noteServiceTime(this.describedAt);
    this.options.onStatus?.({ lines: statusLinesSince(description, undefined), description, first: true });
    await this.options.onDescribe?.(description);
    this.printed = description;
    this.state = this.options.follow && !isTerminalStatus(description.TrainingJobStatus) ? 'tailing' : 'complete';
    this.lastDescribe = performance.now();
    return cursor;
  }

  /** DescribeTrainingJob again: new status and rule lines; JOB_COMPLETE on a terminal status. False when aborted. */
  private async refreshStatus(): Promise<boolean> {
    const description = await this.describe();
    if (!description) return false;
    this.description = description;
    this.lastDescribe = performance.now();
    const lines = statusLinesSince(description, this.printed);
    if (lines.length > 0) this.printed = description;
    const rules = ruleStatusLines(description, this.rulesPrinted);
    if (rules.length > 0) this.rulesPrinted = description;
    if (lines.length > 0 || rules.length > 0) this.options.onStatus?.({ lines: [...lines, ...rules], description, first: false });
    await this.options.onDescribe?.(description);
    if (isTerminalStatus(description.TrainingJobStatus)) this.state = 'jobComplete';
    return true;
  }

  /** DescribeTrainingJob through backoffs; undefined when aborted. A failure no wait answers is thrown as it came. */
  private async describe(): Promise<DescribeTrainingJobCommandOutput | undefined> {
    const outcome = await this.withRetry('DescribeTrainingJob', () => {
      this.stats.describeTrainingJobCalls++;
      return describeTrainingJob(this.options.clients, this.options.jobName, this.options.signal, (time) => {
        this.describedAt = time;
        this.cursor?.noteServiceTime(time);
      });
    });
    if (outcome === 'aborted') return undefined;
    if ('refused' in outcome) throw outcome.refused;
    return outcome.answer;
  }

  /** COMPLETE: lines held back to keep a stream in order come with the next poll; the last one must not leave them behind. */
  private async finalFlush(cursor: LogCursor): Promise<TailEnd> {
    while (cursor.heldBackByLastCompletedPoll() > 0 && !this.aborted) await this.pollOnce(cursor);
    if (this.aborted) return this.finish('aborted');
    return this.finish(this.options.follow && isTerminalStatus(this.description?.TrainingJobStatus) ? 'ended' : 'snapshot');
  }

  /** One poll: the query from the cursor's start, read to its last page (from its first page again after an expired token). */
  private async pollOnce(cursor: LogCursor): Promise<void> {
    this.failuresInARow.FilterLogEvents = 0;
    for (let restarts = 0; ;) {
      const read = await this.readPoll(cursor);
      if (read === 'aborted') return;
      if (read === 'read') return this.releaseHistory(cursor);
      // The cursor drops what the earlier pass handed out. A poll that can never finish (every token
      // it is given expires) stops rather than spins.
      if (patienceSpent(this.policy.backoff, ++restarts)) throw this.tokenKeptExpiring(restarts, read.tokenExpired, cursor);
    }
  }

  /** One pass over a poll's pages, from its first. */
  private async readPoll(cursor: LogCursor): Promise<PollRead> {
    if (this.aborted) return 'aborted';
    const started = performance.now();
    cursor.beginPoll();
    let token: string | undefined;
    do {
      const outcome = await this.withRetry('FilterLogEvents', () => this.readPage(cursor, token));
      if (outcome === 'aborted') return 'aborted';
      if ('refused' in outcome) return this.pageRefused(outcome, token, cursor);
      const page = outcome.answer;
      this.stats.pages++;
      this.deliver(cursor.acceptPage(page.events ?? []), cursor);
      token = page.nextToken || undefined;
    } while (token);
    cursor.completePoll(performance.now() - started);
    this.stats.polls++;
    return 'read';
  }

  /** One FilterLogEvents call: the page after `token`, or the first. */
  private readPage(cursor: LogCursor, token: string | undefined): Promise<FilterLogEventsCommandOutput> {
    this.stats.filterLogEventsCalls++;
    const { signal } = this.options;
    const command = new FilterLogEventsCommand({
      logGroupName: this.logGroupName,
      logStreamNamePrefix: cursor.prefix,
      startTime: cursor.queryStart(),
      // Ignored by AWS (always interleaved since 2019); moto only sorts across streams when asked.
      interleaved: true,
      ...(this.policy.pageLimit ? { limit: this.policy.pageLimit } : {}),
      ...(token ? { nextToken: token } : {}),
    });
    return this.options.clients.logs().send(
      withServiceClock(command, (time) => cursor.noteServiceTime(time)),
      signal ? { abortSignal: signal } : {},
    );
  }

  /** A page failure no backoff answers (withRetry has waited out the transient ones): what it means for the poll. */
  private pageRefused({ refused: error, kind }: { refused: unknown; kind: AwsFailureKind }, token: string | undefined, cursor: LogCursor): PollRead {
    if (kind === 'notFound' && token === undefined) {
      // No log group yet: the first job of an account logs nothing before its container starts.
      cursor.completePoll(0);
      this.stats.polls++;
      return 'read';
    }
    if (kind === 'invalidToken' && token !== undefined) return { tokenExpired: error };
    throw new LogTailError(
      'ReadRefused',
      `CloudWatch Logs refused to read ${this.logGroupName} for ${this.options.jobName}: ${describeError(error)}`,
      { jobName: this.options.jobName, logGroupName: this.logGroupName },
      cursor.state(),
    );
  }

  /**
   * `call`, asked again after a backoff for as long as it fails in a way that passes (the one retry
   * rule, core/logs/tailPolicy.ts). Any other failure is handed back, classified, for the caller to
   * decide; giving up after too many failures in a row throws a LogTailError.
   */
  private async withRetry<T>(operation: TailCall, call: () => Promise<T>): Promise<Outcome<T>> {
    for (;;) {
      if (this.aborted) return 'aborted';
      try {
        const answer = await call();
        this.failuresInARow[operation] = 0;
        return { answer };
      } catch (error) {
        const kind = this.aborted ? 'aborted' : awsFailureKind(error);
        if (kind === 'aborted') return 'aborted';
        if (!isTransientFailure(kind)) return { refused: error, kind };
        await this.backOff(operation, kind, error);
      }
    }
  }

  /** Counts a transient failure of `operation`, then waits before it is asked again, or gives up when the policy says so. */
  private async backOff(operation: TailCall, kind: TransientFailure, error: unknown): Promise<void> {
    this.stats.failures[kind]++;
    const attempt = ++this.failuresInARow[operation];
    const delayMs = retryDelayMs(this.policy.backoff, attempt, this.random);
    if (delayMs === undefined) {
      const { jobName } = this.options;
      throw new LogTailError(
        'TooManyFailures',
        `${operation} for ${jobName} failed ${attempt} times in a row (last: ${describeError(error)}); the tail stopped. Run it again to resume where it left off.`,
        { jobName, operation, kind, attempts: attempt },
        this.cursorState(),
      );
    }
    this.stats.retries++;
    this.options.onRetry?.({ operation, kind, attempt, delayMs, error });
    await sleep(delayMs, this.options.signal);
  }

  private tokenKeptExpiring(restarts: number, error: unknown, cursor: LogCursor): LogTailError {
    const { jobName } = this.options;
    return new LogTailError(
      'TooManyFailures',
      `FilterLogEvents for ${jobName}: the page token expired ${restarts} times while reading one pass over the log (last: ${describeError(error)}); the tail stopped. Run it again to resume where it left off.`,
      { jobName, operation: 'FilterLogEvents', kind: 'invalidToken', attempts: restarts },
      cursor.state(),
    );
  }

  /** New streams, then the page's lines: to the caller, or into the history held back until the first poll is read. */
  private deliver(lines: LogLine[], cursor: LogCursor): void {
    const streams = cursor.takeNewStreams();
    if (streams.length > 0) this.options.onStreams?.(streams);
    if (lines.length === 0) return;
    this.stats.linesDelivered += lines.length;
    this.recent.add(lines);
    const shown = this.history.offer(lines);
    if (shown.length > 0) this.options.onLines(shown);
  }

  /** The history is what the first complete poll found, held-back lines included (they come with the next poll). */
  private releaseHistory(cursor: LogCursor): void {
    if (this.historyReleased || cursor.heldBackByLastCompletedPoll() !== 0) return;
    this.historyReleased = true;
    const { lines, omitted } = this.history.release();
    if (omitted > 0) this.options.onHistoryTrimmed?.(omitted);
    if (lines.length > 0) this.options.onLines(lines);
  }

  private cursorState(): LogCursorState {
    return (this.cursor ?? new LogCursor(this.options.jobName, 0, this.policy)).state();
  }

  private finish(reason: TailEndReason): TailEnd {
    const { cursor, description, stats } = this;
    if (cursor) {
      stats.duplicatesDropped = cursor.stats.duplicates;
      stats.heldBack = cursor.stats.heldBack;
    }
    const end: TailEnd = { reason, cursor: this.cursorState(), stats };
    if (description) end.description = description;
    if (description && reason !== 'aborted' && isTerminalStatus(description.TrainingJobStatus)) {
      end.summary = summarizeJobEnd(description, this.recent.lines());
    }
    this.options.onEnd?.(end);
    return end;
  }
}

function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string } | undefined;
  return e?.name && e.message ? `${e.name}: ${e.message}` : String(error);
}
