// The Job dashboard's drawing promise (issue 17): 100,000 log lines of a 16-host job charted live in the
// webview without a long task (> 50 ms).
//
//   node bench/.build/dashboardRender.js [--quick]
//
// The host side is the real one: the lines (bench/lib/trainerLogLines.ts, the generator bench/jobMetrics.ts
// parses) go through the real TrainerLogParser and SeriesStore poll by poll, every 10 s of job time (a
// cloud job's visible-panel interval, POLL_INTERVALS.cloud), together with one point a minute per host for
// the 5 instance metrics (as CloudWatch has them); the real JobDashboard (webview/host/jobDashboard.ts)
// posts what it posts for each poll (`pollState`, `update` with the new points, `pollState`). The reader
// (ReplayReader below) stands in for CloudJobMetrics, which reads the same things from CloudWatch Logs and
// GetMetricData: 100,000 lines through moto would measure moto.
//
// The page side is the real page: the HTML of webview/host/webviewHtml.ts (same CSP, with a fresh nonce),
// served from 127.0.0.1 with the page script bundled as esbuild.mjs bundles it for production and its
// stylesheet, in headless Chromium (Debian's, driven by playwright-core). bench/dashboard/pageProbe.js
// stubs acquireVsCodeApi and replays the host's messages into the page with window.postMessage, posting the
// next poll's messages as soon as the page has drawn the last one (a compressed timeline: every update
// the page would get over the job, back to back), and records every long task.
//
// Baseline, in the same run, in the same page: the same bundle with core/metrics/chartLayout.ts's
// layoutLine swapped for bench/dashboard/naiveChartLayout.ts (every point of every series on the path, no
// per-pixel-column thinning), loaded right after ours in a fresh context. Prints one JSON line.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { SeriesStore } from '../src/core/metrics/jobMetrics';
import type { JobMetricsSnapshot } from '../src/core/metrics/jobMetrics';
import type { MetricSeries } from '../src/core/metrics/metricSeries';
import { SYSTEM_METRICS } from '../src/core/metrics/cloudWatchQueries';
import { TrainerLogParser } from '../src/core/metrics/trainerLog';
import { jobWarnings } from '../src/core/metrics/warnings';
import type { DashboardHostMessage } from '../src/webview/dashboardProtocol';
import { JobDashboard, POLL_INTERVALS } from '../src/webview/host/jobDashboard';
import type { MetricsReader } from '../src/webview/host/jobDashboard';
import { webviewHtml } from '../src/webview/host/webviewHtml';
import { runMain } from './lib/benchCli';
import { BENCH_HOSTS, trainerLogLines } from './lib/trainerLogLines';
import type { TimedLogLine } from './lib/trainerLogLines';

const repoRoot = path.resolve(__dirname, '..', '..');
const quick = process.argv.includes('--quick');
// --trace FOLDER: a Chromium trace of each page's first round goes there (ours.json, naive.json), to see what a long task was.
const traceDir = process.argv.includes('--trace') ? process.argv[process.argv.indexOf('--trace') + 1] : undefined;
const JOB = 'bench-dashboard-16';
const POLL_MS = POLL_INTERVALS.cloud.visibleMs;

/** What CloudJobMetrics does per poll, from lines and minutes already at hand: new lines parsed, new minutes of instance metrics. */
class ReplayReader implements MetricsReader {
  private readonly parser = new TrainerLogParser();
  private readonly store = new SeriesStore();
  private next = 0;
  private clock: number;
  private minutesSent: number;
  done = false;

  constructor(private readonly lines: readonly TimedLogLine[]) {
    this.clock = lines[0]!.t;
    this.minutesSent = Math.floor(this.clock / 60_000);
  }

  async poll(): Promise<{ snapshot: JobMetricsSnapshot; changed: MetricSeries[] }> {
    this.clock += POLL_MS;
    while (this.next < this.lines.length && this.lines[this.next]!.t < this.clock) {
      const l = this.lines[this.next++]!;
      this.parser.feed(l.host, l.t, l.line);
    }
    const final = this.next >= this.lines.length;
    const changed = this.store.merge(this.parser.takeNew());
    const system: MetricSeries[] = [];
    for (let minute = this.minutesSent; minute < Math.floor(this.clock / 60_000); minute++) {
      const t = minute * 60_000;
      for (let h = 1; h <= BENCH_HOSTS; h++) {
        SYSTEM_METRICS.forEach((name, i) => {
          const value = Math.round((60 + 30 * Math.sin(minute / 7 + h + i) + ((minute * 13 + h * 7 + i) % 10)) * 10) / 10;
          system.push({ name, host: `algo-${h}`, source: 'system', unit: 'Percent', points: [[t, value]] });
        });
      }
    }
    this.minutesSent = Math.floor(this.clock / 60_000);
    changed.push(...this.store.merge(system));
    const status = final ? 'Completed' : 'InProgress';
    const series = this.store.all();
    const progress = this.parser.progress(this.clock);
    this.done = final;
    const snapshot: JobMetricsSnapshot = {
      job: JOB,
      local: false,
      status,
      secondaryStatus: final ? 'Completed' : 'Training',
      instanceType: 'ml.p4d.24xlarge',
      hosts: Array.from({ length: BENCH_HOSTS }, (_, i) => `algo-${i + 1}`),
      series,
      progress,
      warnings: jobWarnings({ status, series, progress, gpusPerHost: 8, now: this.clock }),
      problems: [...this.parser.problems],
      polledAt: this.clock,
      final,
    };
    return { snapshot, changed };
  }
}

/** The host's posts, poll by poll, from the real JobDashboard; and the snapshot it posts when the panel reopens at the end. */
async function hostMessages(lines: readonly TimedLogLine[]): Promise<{ polls: DashboardHostMessage[][]; reopen: DashboardHostMessage; points: number; updates: number }> {
  let current: DashboardHostMessage[] = [];
  const polls: DashboardHostMessage[][] = [current];
  const pending = new Map<number, () => void>();
  let timerIds = 0;
  const dashboard = new JobDashboard({
    job: { name: JOB, origin: 'cloud' },
    post: (m) => current.push(m),
    openReader: () => new ReplayReader(lines),
    diagnose: () => Promise.reject(new Error('the bench job does not fail')),
    openFile: () => Promise.resolve(),
    warn: () => {},
    // Each poll's timer is run as soon as the last poll is done: the timeline is compressed (see the top).
    timers: {
      set: (fn) => {
        pending.set(++timerIds, fn);
        return timerIds;
      },
      clear: (id) => pending.delete(id as number),
    },
  });
  await dashboard.handle({ type: 'ready' });
  dashboard.start();
  for (let next = pending.entries().next(); !next.done; next = pending.entries().next()) {
    pending.delete(next.value[0]);
    next.value[1]();
    await dashboard.settled();
    polls.push((current = []));
  }
  const reopen = dashboard.snapshot();
  const points = reopen.type === 'snapshot' ? reopen.series.reduce((n, s) => n + s.points.length, 0) : 0;
  const updates = polls.flat().filter((m) => m.type === 'update').length;
  return { polls: polls.filter((p) => p.length > 0), reopen, points, updates };
}

/** The page script as esbuild.mjs builds it with --production; the baseline with the naive layout. */
async function pageScript(naive: boolean): Promise<string> {
  let swapped = 0;
  const naiveLayout: esbuild.Plugin = {
    name: 'naive-chart-layout',
    setup(build) {
      build.onResolve({ filter: /core\/metrics\/chartLayout$/ }, (args) =>
        args.importer.endsWith(path.join('dashboard', 'lineChart.ts')) && ++swapped ? { path: path.join(repoRoot, 'bench', 'dashboard', 'naiveChartLayout.ts') } : undefined,
      );
    },
  };
  const result = await esbuild.build({
    entryPoints: [path.join(repoRoot, 'src', 'webview', 'app', 'dashboard', 'main.ts')],
    bundle: true,
    minify: true,
    sourcemap: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
    plugins: naive ? [naiveLayout] : [],
  });
  if (naive && swapped !== 1) throw new Error(`the baseline bundle swapped chartLayout ${swapped} times, not once: has lineChart.ts's import changed?`);
  return result.outputFiles[0]!.text;
}

interface PageRun {
  updateMs: number[];
  streamMs: number;
  /** Long tasks as the page's PerformanceObserver saw them (wall ms). */
  streamLongTasks: number[];
  /** The same tasks' main-thread CPU time (ms), from a Chromium trace of the stream. */
  streamLongTaskCpuMs: number[];
  reopenMs: number;
  reopenLongTasks: number[];
  reopenLongTaskCpuMs: number[];
  charts: number;
  chartLabels: string[];
}

/**
 * The tasks over 50 ms of the busiest renderer main thread in a Chromium trace ('toplevel' category):
 * their wall time and their thread CPU time. Under load the two part: a task the OS kept off the core is
 * long by the wall clock while the page's own work in it is short.
 */
function longTasksOfTrace(trace: Buffer): Array<{ wallMs: number; cpuMs: number }> {
  const parsed = JSON.parse(trace.toString('utf8')) as {
    traceEvents: Array<{ name: string; ph: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } }>;
  };
  const mains = new Set(parsed.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}/${e.tid}`));
  const tasks = parsed.traceEvents.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && mains.has(`${e.pid}/${e.tid}`));
  const busy = new Map<string, number>();
  for (const t of tasks) busy.set(`${t.pid}/${t.tid}`, (busy.get(`${t.pid}/${t.tid}`) ?? 0) + (t.dur ?? 0));
  const page = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
  return tasks.filter((t) => `${t.pid}/${t.tid}` === page && (t.dur ?? 0) > 50_000).map((t) => ({ wallMs: (t.dur ?? 0) / 1000, cpuMs: (t.tdur ?? 0) / 1000 }));
}

async function main(): Promise<void> {
  const total = quick ? 4_000 : 100_000;
  const rounds = 1;
  const lines = trainerLogLines(total);
  const host = await hostMessages(lines);
  const messagesJson = JSON.stringify({ polls: host.polls, reopen: host.reopen });
  const scripts = { ours: await pageScript(false), naive: await pageScript(true) };
  const css = readFileSync(path.join(repoRoot, 'media', 'webview', 'jobDashboard.css'));

  const server = createServer((req, res) => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = new URL(req.url ?? '/', origin);
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/ours.js') send('text/javascript', scripts.ours);
    else if (url.pathname === '/naive.js') send('text/javascript', scripts.naive);
    else if (url.pathname === '/jobDashboard.css') send('text/css', css);
    else if (url.pathname === '/') {
      const variant = url.searchParams.get('variant') === 'naive' ? 'naive' : 'ours';
      send(
        'text/html',
        webviewHtml({
          cspSource: origin,
          nonce: randomBytes(16).toString('base64'),
          scriptUri: `${origin}/${variant}.js`,
          styleUri: `${origin}/jobDashboard.css`,
          title: `Dashboard: ${JOB}`,
          appTestId: 'job-dashboard-app',
        }),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-quic',
      '--disable-sync',
    ],
    timeout: 60_000,
  });
  const cspViolations: string[] = [];
  try {
    const probe = readFileSync(path.join(repoRoot, 'bench', 'dashboard', 'pageProbe.js'), 'utf8');
    const runPage = async (variant: 'ours' | 'naive', trace: boolean): Promise<PageRun> => {
      // A VS Code editor column on a laptop: 1200 × 900 CSS pixels at a device pixel ratio of 2.
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 2 });
      try {
        await context.addInitScript({ content: probe });
        const page = await context.newPage();
        page.on('console', (m) => {
          if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
        });
        const pageErrors: string[] = [];
        page.on('pageerror', (e) => pageErrors.push(String(e)));
        await page.goto(`${origin}/?variant=${variant}`);
        await page.waitForFunction(() => (globalThis as unknown as { __dashboardBench: { ready(): boolean } }).__dashboardBench.ready(), undefined, { timeout: 30_000 });
        await page.evaluate((json) => (globalThis as unknown as { __dashboardBench: { load(j: string): number } }).__dashboardBench.load(json), messagesJson);
        type Bench = {
          __dashboardBench: {
            stream(): Promise<{ updateMs: number[]; ms: number; longTasks: number[] }>;
            reopen(): Promise<{ ms: number; longTasks: number[] }>;
            keepShown(): void;
            compare(): { charts: number; chartLabels: string[]; differs: string[]; afterStream: string[] };
          };
        };
        const categories = trace && traceDir ? ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8.execute'] : ['toplevel'];
        await browser.startTracing(page, { categories, ...(trace && traceDir ? { path: path.join(traceDir, `${variant}.json`) } : {}) });
        const stream = await page.evaluate(() => (globalThis as unknown as Bench).__dashboardBench.stream());
        const streamTrace = longTasksOfTrace(await browser.stopTracing());
        await page.evaluate(() => (globalThis as unknown as Bench).__dashboardBench.keepShown());
        await browser.startTracing(page, { categories: ['toplevel'] });
        const reopen = await page.evaluate(() => (globalThis as unknown as Bench).__dashboardBench.reopen());
        const reopenTrace = longTasksOfTrace(await browser.stopTracing());
        const shown = await page.evaluate(() => (globalThis as unknown as Bench).__dashboardBench.compare());
        if (shown.differs.length > 0) {
          throw new Error(
            `the ${variant} page showed something else after the updates than after one snapshot of the same series (${shown.differs.join(', ')}):\nupdates: ${shown.afterStream.join('\n')}\nsnapshot: ${shown.chartLabels.join('\n')}`,
          );
        }
        const r: PageRun = {
          updateMs: stream.updateMs,
          streamMs: stream.ms,
          streamLongTasks: stream.longTasks,
          streamLongTaskCpuMs: streamTrace.map((t) => t.cpuMs),
          reopenMs: reopen.ms,
          reopenLongTasks: reopen.longTasks,
          reopenLongTaskCpuMs: reopenTrace.map((t) => t.cpuMs),
          charts: shown.charts,
          chartLabels: shown.chartLabels,
        };
        if (pageErrors.length > 0) throw new Error(`the dashboard page (${variant}) threw: ${pageErrors.join('; ')}`);
        return r;
      } finally {
        await context.close();
      }
    };
    const ours: PageRun[] = [];
    const naive: PageRun[] = [];
    // One round in full mode too (a 1,000-update stream takes minutes on a loaded machine); the suite is run several times instead.
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        ours.push(await runPage('ours', round === 0));
        naive.push(await runPage('naive', round === 0));
      } else {
        naive.push(await runPage('naive', false));
        ours.push(await runPage('ours', false));
      }
    }
    if (cspViolations.length > 0) throw new Error(`the page broke its Content-Security-Policy: ${cspViolations[0]}`);
    const sample = ours[0]!;
    if (sample.charts === 0) throw new Error('the page drew no chart');
    // Both pages show the same lines, legends and point counts; only the paths' points differ.
    if (JSON.stringify(sample.chartLabels) !== JSON.stringify(naive[0]!.chartLabels))
      throw new Error(`the baseline page shows other series than ours:\n${naive[0]!.chartLabels.join('\n')}`);
    process.stdout.write(
      `${JSON.stringify({
        lines: total,
        hosts: BENCH_HOSTS,
        pollMs: POLL_MS,
        polls: host.polls.length,
        updates: host.updates,
        points: host.points,
        rounds,
        charts: sample.charts,
        chartLabels: sample.chartLabels,
        ours: ours.map(summary),
        naive: naive.map(summary),
        chromium: browser.version(),
      })}\n`,
    );
  } finally {
    await browser.close();
    server.close();
  }
}

function summary(r: PageRun) {
  const sorted = [...r.updateMs].sort((a, b) => a - b);
  return {
    updates: r.updateMs.length,
    medianUpdateMs: sorted[Math.floor(sorted.length / 2)]!,
    p95UpdateMs: sorted[Math.floor(sorted.length * 0.95)]!,
    worstUpdateMs: sorted.at(-1)!,
    streamMs: r.streamMs,
    longTasks: r.streamLongTasks.length,
    longestTaskMs: Math.max(0, ...r.streamLongTasks),
    traceLongTasks: r.streamLongTaskCpuMs.length,
    longestTaskCpuMs: Math.max(0, ...r.streamLongTaskCpuMs),
    reopenMs: r.reopenMs,
    reopenLongTasks: r.reopenLongTasks.length,
    reopenLongestTaskMs: Math.max(0, ...r.reopenLongTasks),
    reopenLongestTaskCpuMs: Math.max(0, ...r.reopenLongTaskCpuMs),
  };
}

runMain(main);
