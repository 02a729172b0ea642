import * as vscode from 'vscode';
import type { AwsSession } from '../host/awsSession';
import type { ComponentLog } from '../host/log';
import type { Settings } from '../host/settings';

/** A job's output channel, remembering its last lines (for "what did the job print" without reading the UI). */
export class JobChannel {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(
    private readonly channel: vscode.OutputChannel,
    private readonly keep = 5000,
  ) {}

  appendLine(line: string): void {
    this.append(`${line}\n`);
  }

  append(text: string): void {
    this.channel.append(text);
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
  }

  clear(): void {
    this.channel.clear();
    this.lines.length = 0;
    this.partial = '';
  }

  show(preserveFocus = true): void {
    this.channel.show(preserveFocus);
  }

  text(): string {
    return this.lines.join('\n') + (this.partial ? `\n${this.partial}` : '');
  }

  dispose(): void {
    this.channel.dispose();
  }
}

interface Tail {
  channel: JobChannel;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * One output channel per training job, tailing every host's CloudWatch stream: lines labelled
 * `[algo-2]`, the SDK's status lines as the secondary status moves, and the end-of-job summary.
 * Raw lines go to a plain channel, untouched by our own log's timestamps.
 */
export class JobLogChannels implements vscode.Disposable {
  private readonly tails = new Map<string, Tail>();
  private readonly channels = new Map<string, JobChannel>();
  private readonly ended = new vscode.EventEmitter<{ jobName: string; status: string; reason?: string }>();
  /** A tailed job reached a terminal state. */
  readonly onDidSeeJobEnd = this.ended.event;

  constructor(
    private readonly aws: AwsSession,
    private readonly settings: Settings,
    private readonly log: ComponentLog,
  ) {}

  isTailing(jobName: string): boolean {
    return this.tails.has(jobName);
  }

  /** Shows the job's channel and (re)attaches the tail: history first, then new lines as they come. */
  show(jobName: string, region?: string): void {
    const channel = this.channelFor(jobName);
    channel.show(true);
    if (this.tails.has(jobName)) return;
    const abort = new AbortController();
    const { tailTrainingJobLogs } = this.aws.logTail();
    const { formatLogLine, omittedHistoryLine, showControlCharacters } = require('../core/logs/logFormat') as typeof import('../core/logs/logFormat');
    const history = this.settings.logsHistoryLines;
    channel.appendLine(`Tailing ${jobName} (CloudWatch /aws/sagemaker/TrainingJobs, every host)…`);
    const done = tailTrainingJobLogs({
      clients: this.aws.clients(region),
      jobName,
      follow: true,
      ...(history > 0 ? { historyLines: history } : {}),
      signal: abort.signal,
      onLines: (lines) => channel.append(lines.map((l) => `${formatLogLine(l)}\n`).join('')),
      // Status and summary lines carry the job's own words (StatusMessage, FailureReason): shown like its log lines.
      onStatus: (u) => u.lines.forEach((l) => channel.appendLine(showControlCharacters(l))),
      onHistoryTrimmed: (n) => channel.appendLine(omittedHistoryLine(n)),
      onRetry: (n) => this.log.warn(`logs of ${jobName}: ${n.operation} ${n.kind}, retry ${n.attempt} in ${n.delayMs} ms`),
      onEnd: (end) => {
        if (end.summary) {
          channel.appendLine('');
          end.summary.lines.forEach((l) => channel.appendLine(showControlCharacters(l)));
        }
        if (end.reason === 'ended') {
          const status = end.description?.TrainingJobStatus ?? 'Unknown';
          this.ended.fire({ jobName, status, ...(end.description?.FailureReason ? { reason: end.description.FailureReason } : {}) });
        } else if (end.reason === 'aborted') {
          channel.appendLine('— tailing stopped —');
        }
      },
    })
      .then(() => undefined)
      .catch((err: unknown) => {
        channel.appendLine(`Tailing stopped: ${err instanceof Error ? err.message : String(err)}`);
        this.log.error(`tailing ${jobName} failed:`, err);
      })
      .finally(() => this.tails.delete(jobName));
    this.tails.set(jobName, { channel, abort, done });
  }

  stop(jobName: string): void {
    this.tails.get(jobName)?.abort.abort();
  }

  private channelFor(jobName: string): JobChannel {
    let channel = this.channels.get(jobName);
    if (!channel) {
      channel = new JobChannel(vscode.window.createOutputChannel(`SageMaker Job: ${jobName}`));
      this.channels.set(jobName, channel);
    }
    return channel;
  }

  /** A job's channel (the local backend writes through this too). */
  channel(jobName: string): JobChannel {
    return this.channelFor(jobName);
  }

  /** What the job's channel shows (its last lines), or '' when it has none. */
  text(jobName: string): string {
    return this.channels.get(jobName)?.text() ?? '';
  }

  dispose(): void {
    for (const t of this.tails.values()) t.abort.abort();
    this.tails.clear();
    for (const c of this.channels.values()) c.dispose();
    this.channels.clear();
    this.ended.dispose();
  }
}
