// The Job dashboard's host-side logic (src/webview/host/jobDashboard.ts) without VS Code: a real local job
// folder read by the real LocalJobMetrics, and the real failure triage (local/localDiagnosis.ts +
// core/diagnosis) for a failed job. Only the clock is fake: the timers are recorded, and each test fires
// them, so the assertions are about the waits the dashboard asks for, never about elapsed time. /proc and
// nvidia-smi are switched off (their figures depend on the machine running the test).

import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { diagnoseJob } from '../../src/core/diagnosis/diagnoseJob';
import { readLocalDiagnosisInput } from '../../src/local/localDiagnosis';
import { LocalJobMetrics } from '../../src/local/localJobMetrics';
import type { LocalJobRecord } from '../../src/local/localJobRecord';
import { isDashboardHostMessage, isDashboardViewMessage } from '../../src/webview/dashboardProtocol';
import type { DashboardHostMessage } from '../../src/webview/dashboardProtocol';
import { JobDashboard } from '../../src/webview/host/jobDashboard';
import type { Timers } from '../../src/webview/host/jobDashboard';
import { webviewHtml } from '../../src/webview/host/webviewHtml';
import { REPO_ROOT } from './repoRoot';

const JOB = 'dash-job-2026-12-07';
const INTERVALS = { visibleMs: 2_000, maxMs: 60_000 };

class FakeTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  set(fn: () => void, ms: number): number {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** The one wait asked for (the dashboard never keeps two). */
  only(): number {
    assert.equal(this.pending.size, 1, `expected one pending timer, found ${this.pending.size}`);
    return [...this.pending.values()][0]!.ms;
  }
  fire(): void {
    const [id, t] = [...this.pending.entries()][0]!;
    this.pending.delete(id);
    t.fn();
  }
}

let root: string;
let folder: string;
let sourceDir: string;

function record(status: LocalJobRecord['TrainingJobStatus'], extra: Partial<LocalJobRecord> = {}): LocalJobRecord {
  const now = new Date().toISOString();
  return {
    TrainingJobName: JOB,
    TrainingJobStatus: status,
    SecondaryStatus: status === 'InProgress' ? 'Training' : status === 'Failed' ? 'Failed' : 'Completed',
    CreationTime: now,
    TrainingStartTime: now,
    LastModifiedTime: now,
    HyperParameters: {},
    AlgorithmSpecification: { TrainingInputMode: 'File', TrainingImage: 'local' },
    ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30 },
    InputDataConfig: [],
    OutputDataConfig: { S3OutputPath: 'file://out' },
    SecondaryStatusTransitions: [],
    Local: {
      version: 1,
      folder,
      hosts: ['algo-1', 'algo-2'],
      sourceDir,
      entryPoint: 'train.py',
      interpreter: 'python3',
      pythonVersion: '3.10',
      logFiles: { 'algo-1': path.join(folder, 'algo-1.log'), 'algo-2': path.join(folder, 'algo-2.log') },
      runnerPid: process.pid,
    },
    ...extra,
  };
}

const writeRecord = (r: LocalJobRecord) => fs.writeFile(path.join(folder, 'job.json'), JSON.stringify(r));
const appendLog = (host: string, lines: string[]) => fs.appendFile(path.join(folder, `${host}.log`), lines.map((l) => `${l}\n`).join(''));
const lossLine = (loss: number, epoch: number) => `{'loss': ${loss}, 'grad_norm': 1.5, 'learning_rate': 4.9e-05, 'epoch': ${epoch}}`;

function dashboard(timers: FakeTimers, posts: DashboardHostMessage[], opened: Array<[string, number]> = [], warnings: unknown[][] = []) {
  return new JobDashboard({
    job: { name: JOB, origin: 'local' },
    post: (m) => {
      // Everything the host posts must pass the page's own guard, or the page would drop it.
      assert.ok(isDashboardHostMessage(JSON.parse(JSON.stringify(m))), `the page would drop ${m.type}`);
      posts.push(m);
    },
    openReader: () => new LocalJobMetrics(folder, { proc: null, gpus: async () => undefined }),
    diagnose: async () => {
      const input = await readLocalDiagnosisInput(root, JOB);
      assert.ok(input);
      return diagnoseJob({ job: input.job, logs: input.logs, source: { sourceDir: input.sourceDir, codeRoots: input.codeRoots, exists: existsSync } });
    },
    openFile: async (file, line) => {
      opened.push([file, line]);
    },
    warn: (...args) => warnings.push(args),
    timers,
    intervals: INTERVALS,
  });
}

async function step(timers: FakeTimers, d: JobDashboard): Promise<void> {
  timers.fire();
  await d.settled();
}

const updates = (posts: DashboardHostMessage[]) => posts.filter((m): m is Extract<DashboardHostMessage, { type: 'update' }> => m.type === 'update');

describe('Job dashboard (host side)', () => {
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'dashboard-'));
    folder = path.join(root, JOB);
    sourceDir = path.join(root, 'src');
    await fs.mkdir(folder, { recursive: true });
    await fs.mkdir(sourceDir, { recursive: true });
    await fs.writeFile(path.join(sourceDir, 'train.py'), 'print("train")\n');
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('reads at once, then at the visible interval; each update carries only the new points, per host; `ready` gets everything', async () => {
    await writeRecord(record('InProgress'));
    await appendLog('algo-1', [lossLine(2.5, 0.1), lossLine(2.1, 0.2)]);
    await appendLog('algo-2', [lossLine(2.6, 0.1)]);
    const timers = new FakeTimers();
    const posts: DashboardHostMessage[] = [];
    const d = dashboard(timers, posts);
    d.start();
    assert.equal(timers.only(), 0);
    await step(timers, d);
    assert.equal(timers.only(), INTERVALS.visibleMs);
    assert.deepEqual(d.pollState, { phase: 'waiting', nextPollMs: INTERVALS.visibleMs });
    const first = updates(posts)[0]!;
    const loss = (u: typeof first, host: string) => u.series.find((s) => s.name === 'loss' && s.host === host)?.points.map(([, v]) => v);
    assert.deepEqual(loss(first, 'algo-1'), [2.5, 2.1]);
    assert.deepEqual(loss(first, 'algo-2'), [2.6]);
    assert.deepEqual(first.status.hosts, ['algo-1', 'algo-2']);
    assert.equal(first.status.status, 'InProgress');

    await appendLog('algo-2', [lossLine(2.2, 0.2)]);
    await step(timers, d);
    const second = updates(posts)[1]!;
    assert.equal(loss(second, 'algo-1'), undefined, 'algo-1 printed nothing new');
    assert.deepEqual(loss(second, 'algo-2'), [2.2]);

    posts.length = 0;
    await d.handle({ type: 'ready' });
    const snap = posts[0];
    assert.ok(snap?.type === 'snapshot');
    assert.deepEqual(snap.job, { name: JOB, origin: 'local' });
    assert.deepEqual(
      snap.series.find((s) => s.name === 'loss' && s.host === 'algo-2')?.points.map(([, v]) => v),
      [2.6, 2.2],
    );
    assert.equal(snap.diagnosis, null);
    d.dispose();
  });

  it('backs off while hidden (each wait twice the last, up to the cap) and reads at once when shown again', async () => {
    await writeRecord(record('InProgress'));
    const timers = new FakeTimers();
    const d = dashboard(timers, []);
    d.start();
    await step(timers, d);
    d.setVisible(false);
    assert.equal(timers.only(), INTERVALS.visibleMs, 'hiding does not cancel the wait under way');
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      await step(timers, d);
      waits.push(timers.only());
    }
    assert.deepEqual(waits, [4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    d.setVisible(true);
    assert.equal(timers.only(), 0, 'shown: read now, not in a minute');
    await step(timers, d);
    assert.equal(timers.only(), INTERVALS.visibleMs);
    d.dispose();
    assert.equal(timers.pending.size, 0, 'closed: nothing left scheduled');
  });

  it('a read that fails backs off and says why; the next good read goes back to the interval', async () => {
    // No job.json yet: the reader refuses the folder.
    const timers = new FakeTimers();
    const posts: DashboardHostMessage[] = [];
    const d = dashboard(timers, posts);
    d.start();
    await step(timers, d);
    assert.equal(d.pollState.phase, 'failed');
    assert.match(d.pollState.message ?? '', /holds no local job/);
    assert.equal(timers.only(), 4_000);
    await step(timers, d);
    assert.equal(timers.only(), 8_000);
    await writeRecord(record('InProgress'));
    await step(timers, d);
    assert.deepEqual(d.pollState, { phase: 'waiting', nextPollMs: INTERVALS.visibleMs });
    d.dispose();
  });

  it('stops when the job has ended, diagnoses a failed one, and opens only the frames it sent', async () => {
    const oom = await fs.readFile(path.join(REPO_ROOT, 'test', 'fixtures', 'failures', 'cuda-out-of-memory', 'algo-2.log'), 'utf8');
    await appendLog('algo-1', [lossLine(2.5, 0.1)]);
    await fs.writeFile(path.join(folder, 'algo-2.log'), oom);
    await writeRecord(record('Failed', { FailureReason: 'AlgorithmError: ExecuteUserScriptError: ExitCode 1' }));
    const timers = new FakeTimers();
    const posts: DashboardHostMessage[] = [];
    const opened: Array<[string, number]> = [];
    const warnings: unknown[][] = [];
    const d = dashboard(timers, posts, opened, warnings);
    d.start();
    await step(timers, d);
    assert.equal(timers.pending.size, 0, 'an ended job is not read again');
    assert.equal(d.pollState.phase, 'ended');
    const diagnosis = posts.find((m) => m.type === 'diagnosis');
    assert.ok(diagnosis?.type === 'diagnosis', 'a failed job gets its diagnosis');
    assert.equal(diagnosis.diagnosis.cause?.kind, 'cuda-out-of-memory');
    assert.equal(diagnosis.diagnosis.cause?.host, 'algo-2');
    const frame = diagnosis.diagnosis.tracebacks.find((t) => t.host === 'algo-2')?.frames.find((f) => f.local !== null);
    assert.ok(frame?.local);
    assert.equal(frame.local, path.join(sourceDir, 'train.py'));

    // A refresh after the end reads nothing: the final figures stay.
    await d.handle({ type: 'refresh' });
    assert.equal(timers.pending.size, 0);

    await d.handle({ type: 'openFrame', file: frame.local, line: frame.line });
    assert.deepEqual(opened, [[frame.local, frame.line]]);
    // Anything else the page asks for is refused: it shows what a script printed.
    await d.handle({ type: 'openFrame', file: '/etc/passwd', line: 1 });
    await d.handle({ type: 'openFrame', file: frame.local, line: frame.line + 1 });
    assert.equal(opened.length, 1);
    assert.equal(warnings.length, 2);

    posts.length = 0;
    await d.handle({ type: 'ready' });
    const snap = posts[0];
    assert.ok(snap?.type === 'snapshot');
    assert.equal(snap.diagnosis?.cause?.kind, 'cuda-out-of-memory', 'a page rebuilt after the end still shows the diagnosis');
    assert.equal(snap.poll.phase, 'ended');
  });

  it('a completed job is read once and not diagnosed', async () => {
    await appendLog('algo-1', [lossLine(2.5, 0.1)]);
    await writeRecord(record('Completed'));
    const timers = new FakeTimers();
    const posts: DashboardHostMessage[] = [];
    const d = dashboard(timers, posts);
    d.start();
    await step(timers, d);
    assert.equal(timers.pending.size, 0);
    assert.equal(
      posts.some((m) => m.type === 'diagnosis'),
      false,
    );
    assert.equal(updates(posts)[0]?.status.final, true);
  });
});

describe('Job dashboard protocol and page', () => {
  it('the page may only ask for ready, refresh and a frame with a positive line', () => {
    assert.ok(isDashboardViewMessage({ type: 'ready' }));
    assert.ok(isDashboardViewMessage({ type: 'openFrame', file: '/w/src/train.py', line: 42 }));
    assert.equal(isDashboardViewMessage({ type: 'openFrame', file: '/w/src/train.py', line: 0 }), false);
    assert.equal(isDashboardViewMessage({ type: 'openFrame', file: '', line: 3 }), false);
    assert.equal(isDashboardViewMessage({ type: 'runCommand', command: 'x' }), false);
  });

  it('a NaN loss crosses as null (JSON has no NaN) and the page accepts it', () => {
    const m = {
      type: 'update',
      status: { status: 'InProgress', hosts: ['algo-1'], progress: [], warnings: [], problems: [], polledAt: 1, final: false },
      series: [
        {
          name: 'loss',
          host: 'algo-1',
          source: 'log',
          unit: 'None',
          points: [
            [1, null],
            [2, 0.5],
          ],
        },
      ],
    };
    assert.ok(isDashboardHostMessage(m));
    assert.equal(isDashboardHostMessage({ ...m, series: [{ ...m.series[0], points: [[1, 'x']] }] }), false);
  });

  it('the HTML runs only the nonce script, with no inline style and no network', () => {
    const html = webviewHtml({
      appTestId: 'job-dashboard-app',
      cspSource: 'vscode-resource:',
      nonce: 'abc123',
      scriptUri: 'vscode-resource:/dist/webview/jobDashboard.js',
      styleUri: 'vscode-resource:/media/webview/jobDashboard.css',
      title: '<x>',
    });
    const csp = /content="([^"]*)"/.exec(html)![1]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
    assert.match(csp, /^default-src 'none'; script-src 'nonce-abc123'; style-src vscode-resource:;/);
    assert.match(csp, /connect-src 'none'/);
    assert.match(html, /<script nonce="abc123" src="vscode-resource:\/dist\/webview\/jobDashboard.js">/);
    assert.doesNotMatch(html, /<x>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });
});
