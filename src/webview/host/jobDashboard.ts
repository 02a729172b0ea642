// The Job dashboard's logic, without VS Code: reads a job's metrics poll by poll with its reader (cloud:
// aws/jobMetrics.ts, local: local/localJobMetrics.ts), tells the page what is new, backs off while the panel
// is hidden or a read fails, stops when the job has ended, then asks for the diagnosis of a failed job. The
// page may open a traceback frame, but only one of the frames the host sent it. jobDashboardPanel.ts is the
// VS Code shell around it; test/unit/jobDashboard.test.ts drives it with a real local reader and fake timers.

import type { JobMetricsSnapshot } from '../../core/metrics/jobMetrics';
import type { MetricSeries } from '../../core/metrics/metricSeries';
import type { Diagnosis } from '../../core/diagnosis/diagnoseJob';
import type { DashboardHostMessage, DashboardJob, DashboardStatus, DashboardViewMessage, PollState, WireDiagnosis, WireSeries } from '../dashboardProtocol';

/** What the dashboard reads a job with; CloudJobMetrics and LocalJobMetrics both are one. */
export interface MetricsReader {
  readonly done: boolean;
  poll(signal?: AbortSignal): Promise<{ snapshot: JobMetricsSnapshot; changed: MetricSeries[] }>;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface PollIntervals {
  /** Between reads while the panel is visible. */
  visibleMs: number;
  /** The longest wait between reads while hidden, or after reads that failed: each one doubles the wait up to it. */
  maxMs: number;
}

/** A cloud job's CloudWatch figures come a minute at a time; a local job's log and /proc change every second. */
export const POLL_INTERVALS: Readonly<Record<DashboardJob['origin'], PollIntervals>> = {
  cloud: { visibleMs: 10_000, maxMs: 5 * 60_000 },
  local: { visibleMs: 2_000, maxMs: 60_000 },
};

export interface JobDashboardDeps {
  job: DashboardJob;
  /** Posts to the page (the shell drops posts made before the page said `ready`). */
  post(message: DashboardHostMessage): void;
  /** Builds the reader on the first poll (the SDK clients are required then, never at activation). */
  openReader(): Promise<MetricsReader> | MetricsReader;
  /** The failure triage of the ended job (host/jobDiagnosis.ts `diagnoseTrainingJob`). */
  diagnose(): Promise<Diagnosis>;
  /** Opens a workspace file at a 1-based line. */
  openFile(file: string, line: number): Promise<void>;
  /** How the page shows a workspace path (relative to the workspace); the path itself when not given. */
  frameLabel?(file: string): string;
  warn(...args: unknown[]): void;
  timers?: Timers;
  intervals?: PollIntervals;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class JobDashboard {
  private reader: MetricsReader | undefined;
  private last: JobMetricsSnapshot | undefined;
  private diagnosis: WireDiagnosis | null = null;
  /** `${file}\n${line}` of every frame sent to the page with a workspace file: the only ones it may open. */
  private readonly openable = new Set<string>();
  private poll: PollState = { phase: 'waiting', nextPollMs: 0 };
  private visible = true;
  /** Reads in a row that were hidden or failed: the next wait is visibleMs × 2^n, up to maxMs. */
  private backoffSteps = 0;
  private timer: unknown;
  private inFlight: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private stopped = false;
  private readonly timers: Timers;
  private readonly intervals: PollIntervals;

  constructor(private readonly deps: JobDashboardDeps) {
    this.timers = deps.timers ?? realTimers;
    this.intervals = deps.intervals ?? POLL_INTERVALS[deps.job.origin];
  }

  get job(): DashboardJob {
    return this.deps.job;
  }

  /** The poll state (for tests and the shell). */
  get pollState(): PollState {
    return this.poll;
  }

  /** Starts polling: the first read now. */
  start(): void {
    this.schedule(0);
  }

  /** Everything the page needs after its `ready`. */
  snapshot(): DashboardHostMessage {
    return {
      type: 'snapshot',
      job: this.deps.job,
      status: this.last ? statusOf(this.last) : null,
      series: this.last ? this.last.series.map(wireSeries) : [],
      poll: this.poll,
      diagnosis: this.diagnosis,
    };
  }

  /** The panel was shown or hidden. Shown again after a backoff: read now rather than at the backed-off time. */
  setVisible(visible: boolean): void {
    if (this.visible === visible) return;
    this.visible = visible;
    if (!visible || this.stopped) return;
    this.backoffSteps = 0;
    if (this.poll.phase === 'waiting' || this.poll.phase === 'failed') this.schedule(0);
  }

  async handle(message: DashboardViewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.deps.post(this.snapshot());
        return;
      case 'refresh':
        if (this.stopped) return;
        this.backoffSteps = 0;
        if (this.inFlight) return this.inFlight;
        this.schedule(0);
        return;
      case 'openFrame':
        if (!this.openable.has(`${message.file}\n${message.line}`)) {
          // The page renders what a script printed: it may ask only for the frames the host gave it.
          this.deps.warn('refused to open a file the diagnosis did not name');
          return;
        }
        await this.deps.openFile(message.file, message.line);
        return;
    }
  }

  /** Stops polling for good (the panel closed); a read under way is aborted. */
  dispose(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.abort?.abort();
  }

  /** The read under way, if any (tests wait for it). */
  settled(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.setPoll({
      phase: this.poll.phase === 'failed' ? 'failed' : 'waiting',
      nextPollMs: ms,
      ...(this.poll.phase === 'failed' && this.poll.message ? { message: this.poll.message } : {}),
    });
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.inFlight = this.read().finally(() => (this.inFlight = undefined));
    }, ms);
  }

  private nextDelay(): number {
    return Math.min(this.intervals.maxMs, this.intervals.visibleMs * 2 ** this.backoffSteps);
  }

  private async read(): Promise<void> {
    if (this.stopped) return;
    this.setPoll({ phase: 'polling' });
    const abort = (this.abort = new AbortController());
    let result: { snapshot: JobMetricsSnapshot; changed: MetricSeries[] };
    try {
      this.reader ??= await this.deps.openReader();
      result = await this.reader.poll(abort.signal);
    } catch (err) {
      if (this.stopped) return;
      this.backoffSteps++;
      // schedule() posts the failure with the time of the retry.
      this.poll = { phase: 'failed', message: err instanceof Error ? err.message : String(err) };
      this.schedule(this.nextDelay());
      return;
    }
    if (this.stopped) return;
    this.last = result.snapshot;
    this.deps.post({ type: 'update', status: statusOf(result.snapshot), series: result.changed.map(wireSeries) });
    if (this.reader.done || result.snapshot.final) {
      this.stopped = true;
      this.setPoll({ phase: 'ended' });
      await this.afterEnd(result.snapshot);
      return;
    }
    // Hidden: each read waits twice as long as the last, up to maxMs; visible: the regular interval.
    this.backoffSteps = this.visible ? 0 : this.backoffSteps + 1;
    this.schedule(this.nextDelay());
  }

  private async afterEnd(snapshot: JobMetricsSnapshot): Promise<void> {
    if (snapshot.status !== 'Failed' && snapshot.status !== 'Stopped') return;
    let d: Diagnosis;
    try {
      d = await this.deps.diagnose();
    } catch (err) {
      this.deps.warn('the diagnosis of', snapshot.job, 'failed:', err);
      this.setPoll({ phase: 'ended', message: `The failure could not be diagnosed: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    if (!d.cause) return;
    this.diagnosis = this.toWire(d);
    this.deps.post({ type: 'diagnosis', diagnosis: this.diagnosis });
  }

  private toWire(d: Diagnosis): WireDiagnosis {
    const label = this.deps.frameLabel ?? ((f: string) => f);
    return {
      status: d.status,
      failureReason: d.failureReason,
      failedIn: d.failedIn,
      cause: d.cause
        ? { kind: d.cause.kind, host: d.cause.host ?? null, message: d.cause.message, fix: d.cause.fix, ...(d.cause.lines ? { lines: [...d.cause.lines] } : {}) }
        : null,
      tracebacks: d.tracebacks.map((t) => ({
        host: t.host,
        error: t.error,
        frames: t.frames.map((f) => {
          if (f.local !== null) this.openable.add(`${f.local}\n${f.line}`);
          return { file: f.file, line: f.line, local: f.local, ...(f.local !== null ? { label: label(f.local) } : {}) };
        }),
      })),
    };
  }

  private setPoll(poll: PollState): void {
    this.poll = poll;
    this.deps.post({ type: 'pollState', poll });
  }
}

function statusOf(s: JobMetricsSnapshot): DashboardStatus {
  return {
    status: s.status,
    ...(s.secondaryStatus ? { secondaryStatus: s.secondaryStatus } : {}),
    ...(s.failureReason ? { failureReason: s.failureReason } : {}),
    ...(s.instanceType ? { instanceType: s.instanceType } : {}),
    hosts: s.hosts,
    progress: s.progress.map((p) => {
      const out: DashboardStatus['progress'][number] = { host: p.host };
      for (const k of ['step', 'maxSteps', 'epoch', 'numEpochs', 'samplesPerSecond', 'stepsPerSecond', 'etaSeconds', 'updatedAt'] as const) {
        const v = p[k];
        if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
      }
      return out;
    }),
    warnings: s.warnings.map((w) => ({ kind: w.kind, ...(w.host ? { host: w.host } : {}), message: w.message, action: w.action })),
    problems: s.problems,
    polledAt: s.polledAt,
    final: s.final,
  };
}

function wireSeries(s: MetricSeries): WireSeries {
  return { name: s.name, host: s.host, source: s.source, unit: s.unit, points: s.points.map(([t, v]) => [t, Number.isFinite(v) ? v : null]) };
}
