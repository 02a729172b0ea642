// The Job dashboard page. Bundled by esbuild into dist/webview/jobDashboard.js (an IIFE). It keeps every
// series the host sent (merged by time), draws one chart per metric with one line per host, and shows the
// progress, warnings, problems and, for a failed job, the diagnosis with its frames as links the host opens.
// Its state holds only the job (name and origin): the serializer needs nothing else to restore the panel.

import { formatDuration } from '../../../core/format';
import { DrawQueue } from '../../../core/metrics/drawQueue';
import { mergePoints, trainingMetricOrder } from '../../../core/metrics/metricSeries';
import type { SeriesPoint } from '../../../core/metrics/metricSeries';
import { isDashboardHostMessage, isDashboardViewState } from '../../dashboardProtocol';
import type { DashboardHostMessage, DashboardJob, DashboardStatus, DashboardViewMessage, DashboardViewState, PollState, WireDiagnosis, WireSeries } from '../../dashboardProtocol';
import { button, h, replaceChildren } from '../dom';
import { LineChart, readTheme } from './lineChart';

interface StoredSeries {
  name: string;
  host: string | null;
  source: WireSeries['source'];
  unit: string;
  points: SeriesPoint[];
}

const vscode = acquireVsCodeApi<DashboardViewState>();
const post = (message: DashboardViewMessage): void => vscode.postMessage(message);

const SYSTEM_TITLES: Record<string, string> = {
  GPUUtilization: 'GPU utilisation',
  GPUMemoryUtilization: 'GPU memory',
  CPUUtilization: 'CPU utilisation',
  MemoryUtilization: 'Memory utilisation',
  DiskUtilization: 'Disk utilisation',
  MemoryRSS: 'Resident memory (process tree)',
};
const SYSTEM_ORDER = Object.keys(SYSTEM_TITLES);

let job: DashboardJob | undefined = isDashboardViewState(vscode.getState()) ? vscode.getState()!.job : undefined;
let status: DashboardStatus | null = null;
let poll: PollState = { phase: 'waiting' };
let diagnosis: WireDiagnosis | null = null;
const series = new Map<string, StoredSeries>();
const charts = new Map<string, LineChart>();

const title = h('h1', { testId: 'dashboard-title' }, job ? job.name : 'Job dashboard');
const statusLine = h('p', { className: 'status', testId: 'dashboard-status' });
const pollLine = h('span', { className: 'muted', testId: 'poll-state' });
const header = h(
  'header',
  {},
  title,
  statusLine,
  h(
    'p',
    { className: 'toolbar' },
    pollLine,
    ' ',
    button('Refresh', () => post({ type: 'refresh' }), { secondary: true, testId: 'refresh' }),
  ),
);
const diagnosisBox = h('section', { className: 'diagnosis', testId: 'diagnosis', hidden: true });
const warningsBox = h('section', { className: 'warnings', testId: 'warnings', hidden: true });
const progressBox = h('section', { className: 'progress', testId: 'progress' });
const problemsBox = h('section', { className: 'problems', testId: 'problems', hidden: true });
const trainingCharts = h('div', { className: 'charts', testId: 'training-charts' });
const systemCharts = h('div', { className: 'charts', testId: 'system-charts' });
const app = document.getElementById('app');
if (app) {
  app.replaceChildren(
    header,
    diagnosisBox,
    warningsBox,
    progressBox,
    problemsBox,
    h('section', {}, h('h2', {}, 'Training curves'), trainingCharts),
    h('section', {}, h('h2', {}, 'System metrics per host'), systemCharts),
  );
  app.removeAttribute('aria-busy');
}

function keyOf(s: { source: string; host: string | null; name: string }): string {
  return `${s.source}\u0000${s.host ?? ''}\u0000${s.name}`;
}

/** The chart a series is drawn in. */
function chartKeyOf(s: { source: string; name: string }): string {
  return `${s.source === 'system' ? 'system' : 'training'}\u0000${s.name}`;
}

/** Charts whose lines changed since they were last handed their lines; 'all' after a snapshot or a theme change. */
let changedCharts: Set<string> | 'all' = 'all';

function addSeries(incoming: readonly WireSeries[]): void {
  for (const s of incoming) {
    if (changedCharts !== 'all') changedCharts.add(chartKeyOf(s));
    const points: SeriesPoint[] = s.points.map(([t, v]) => [t, v === null ? NaN : v]);
    const known = series.get(keyOf(s));
    if (known) known.points = mergePoints(known.points, points);
    else series.set(keyOf(s), { name: s.name, host: s.host, source: s.source, unit: s.unit, points: points.sort((a, b) => a[0] - b[0]) });
  }
}

function receive(message: DashboardHostMessage): void {
  switch (message.type) {
    case 'snapshot':
      job = message.job;
      vscode.setState({ version: 1, job });
      series.clear();
      changedCharts = 'all';
      addSeries(message.series);
      status = message.status;
      poll = message.poll;
      diagnosis = message.diagnosis;
      break;
    case 'update':
      addSeries(message.series);
      status = message.status;
      break;
    case 'pollState':
      poll = message.poll;
      renderHeader();
      return;
    case 'diagnosis':
      diagnosis = message.diagnosis;
      renderDiagnosis();
      return;
  }
  renderAll();
}

function renderAll(): void {
  renderHeader();
  renderDiagnosis();
  renderWarnings();
  renderProgress();
  renderProblems();
  renderCharts();
}

function renderHeader(): void {
  if (job) {
    title.textContent = job.name;
    document.title = `Dashboard: ${job.name}`;
  }
  const parts: string[] = [];
  if (job) parts.push(job.origin === 'local' ? 'local job' : 'SageMaker job');
  if (status) {
    parts.push(status.secondaryStatus && status.secondaryStatus !== status.status ? `${status.status} · ${status.secondaryStatus}` : status.status);
    if (status.instanceType) parts.push(`${status.hosts.length} × ${status.instanceType}`);
    else parts.push(`${status.hosts.length} host${status.hosts.length === 1 ? '' : 's'}`);
  }
  statusLine.textContent = parts.join(' — ');
  statusLine.dataset.status = status?.status ?? '';
  pollLine.textContent = pollText(poll);
  pollLine.dataset.phase = poll.phase;
}

function pollText(p: PollState): string {
  const next = p.nextPollMs !== undefined && p.nextPollMs > 0 ? ` (next read in ${formatDuration(Math.round(p.nextPollMs / 1000))})` : '';
  switch (p.phase) {
    case 'polling':
      return 'Reading…';
    case 'waiting':
      return `Live${next}`;
    case 'ended':
      return p.message ?? 'The job has ended: these are its final figures.';
    case 'failed':
      return `The last read failed: ${p.message ?? 'unknown error'}${next}`;
  }
}

function renderDiagnosis(): void {
  const d = diagnosis;
  diagnosisBox.hidden = !d?.cause;
  if (!d?.cause) return;
  const cause = d.cause;
  const frames = d.tracebacks.map((t) =>
    h(
      'div',
      { className: 'traceback', testId: 'traceback', attrs: { 'data-host': t.host } },
      h('h3', {}, `${t.host}: `, h('code', {}, t.error)),
      h(
        'ol',
        { className: 'frames' },
        ...[...t.frames].reverse().map((f) => {
          if (f.local === null) return h('li', { className: 'muted' }, `${f.file}:${f.line}`);
          const local = f.local;
          const link = h('a', { testId: 'frame-link', attrs: { href: '#', title: `Open ${local} at line ${f.line}` } }, `${f.label ?? local}:${f.line}`);
          link.addEventListener('click', (e) => {
            e.preventDefault();
            post({ type: 'openFrame', file: local, line: f.line });
          });
          return h('li', {}, link, h('span', { className: 'muted' }, `  ${f.file}:${f.line}`));
        }),
      ),
    ),
  );
  replaceChildren(
    diagnosisBox,
    h('h2', {}, 'Why it failed'),
    h('p', { className: 'cause', testId: 'cause', attrs: { 'data-kind': cause.kind } }, h('strong', {}, cause.kind), cause.host ? ` on ${cause.host}` : '', ': ', cause.message),
    h('p', { className: 'fix', testId: 'fix' }, h('strong', {}, 'Fix: '), cause.fix),
    d.failureReason ? h('p', { className: 'muted' }, `FailureReason: ${d.failureReason}`) : undefined,
    d.failedIn ? h('p', { className: 'muted' }, `Failed during ${d.failedIn.status}${d.failedIn.message ? ` (${d.failedIn.message})` : ''}`) : undefined,
    ...frames,
    cause.lines && cause.lines.length > 0 ? h('pre', { className: 'last-lines' }, cause.lines.join('\n')) : undefined,
  );
}

let shownWarnings: string | undefined;

function renderWarnings(): void {
  const warnings = status?.warnings ?? [];
  const key = JSON.stringify(warnings);
  if (key === shownWarnings) return;
  shownWarnings = key;
  warningsBox.hidden = warnings.length === 0;
  replaceChildren(
    warningsBox,
    h('h2', {}, 'Warnings'),
    h(
      'ul',
      {},
      ...warnings.map((w) => h('li', { testId: 'warning', attrs: { 'data-kind': w.kind } }, h('strong', {}, w.message), h('br', {}), h('span', {}, `What to do: ${w.action}`))),
    ),
  );
}

/** The hosts of the progress table on the page (the table is rebuilt when they change, its cells updated otherwise). */
let progressHosts: string | undefined;

function renderProgress(): void {
  const rows = status?.progress ?? [];
  if (rows.length === 0) {
    progressHosts = undefined;
    replaceChildren(progressBox, h('h2', {}, 'Progress'), h('p', { className: 'muted' }, status ? 'The log has not said how far training is yet.' : 'Reading the job…'));
    return;
  }
  const cells = rows.map((p) => [
    p.host,
    p.step !== undefined ? `${p.step}${p.maxSteps ? ` / ${p.maxSteps}` : ''}` : '—',
    p.epoch !== undefined ? `${Math.round(p.epoch * 100) / 100}${p.numEpochs ? ` / ${p.numEpochs}` : ''}` : '—',
    p.samplesPerSecond !== undefined ? String(Math.round(p.samplesPerSecond * 10) / 10) : '—',
    p.stepsPerSecond !== undefined ? String(Math.round(p.stepsPerSecond * 100) / 100) : '—',
    p.etaSeconds !== undefined ? formatDuration(Math.round(p.etaSeconds)) : '—',
  ]);
  const hosts = rows.map((p) => p.host).join('\u0000');
  const body = progressBox.querySelector('tbody');
  if (hosts === progressHosts && body) {
    // Same hosts: only the text that changed (a live job updates every row every poll).
    cells.forEach((row, r) =>
      row.forEach((text, c) => {
        const td = body.rows[r]!.cells[c]!;
        if (td.textContent !== text) td.textContent = text;
      }),
    );
    return;
  }
  progressHosts = hosts;
  replaceChildren(
    progressBox,
    h('h2', {}, 'Progress'),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...['Host', 'Step', 'Epoch', 'Samples/s', 'Steps/s', 'ETA'].map((c) => h('th', {}, c)))),
      h('tbody', {}, ...rows.map((p, r) => h('tr', { testId: 'progress-row', attrs: { 'data-host': p.host } }, ...cells[r]!.map((text) => h('td', {}, text))))),
    ),
  );
}

function renderProblems(): void {
  const problems = status?.problems ?? [];
  problemsBox.hidden = problems.length === 0;
  replaceChildren(problemsBox, h('h2', {}, 'Not shown'), h('ul', {}, ...problems.map((p) => h('li', { testId: 'problem' }, p))));
}

function hostOrder(a: string | null, b: string | null): number {
  const na = /^algo-(\d+)$/.exec(a ?? '')?.[1];
  const nb = /^algo-(\d+)$/.exec(b ?? '')?.[1];
  if (na !== undefined && nb !== undefined) return Number(na) - Number(nb);
  return (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;
}

function renderCharts(): void {
  const groups = new Map<string, { group: 'training' | 'system'; name: string; unit: string; members: StoredSeries[] }>();
  for (const s of series.values()) {
    const group = s.source === 'system' ? 'system' : 'training';
    // A metric_definitions series SageMaker published and the same name parsed from the log share a chart.
    const key = chartKeyOf(s);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { group, name: s.name, unit: s.unit, members: [] }));
    g.members.push(s);
  }
  const sorted = [...groups.values()].sort((a, b) =>
    a.group !== b.group
      ? a.group === 'training'
        ? -1
        : 1
      : a.group === 'system'
        ? (SYSTEM_ORDER.indexOf(a.name) + 1 || 99) - (SYSTEM_ORDER.indexOf(b.name) + 1 || 99) || a.name.localeCompare(b.name)
        : trainingMetricOrder(a.name) - trainingMetricOrder(b.name) || a.name.localeCompare(b.name),
  );
  const wanted = new Set<string>();
  const changed = changedCharts;
  changedCharts = new Set();
  const theme = readTheme();
  for (const g of sorted) {
    const key = `${g.group}\u0000${g.name}`;
    wanted.add(key);
    let chart = charts.get(key);
    // Only the charts an update touched get their lines again (a poll usually brings a few series).
    if (chart && changed !== 'all' && !changed.has(key)) continue;
    if (!chart) charts.set(key, (chart = new LineChart(g.name, g.group === 'system' ? (SYSTEM_TITLES[g.name] ?? g.name) : g.name, g.unit, g.group)));
    chart.setLines(
      g.members
        .sort((a, b) => (a.source === b.source ? hostOrder(a.host, b.host) : a.source === 'log' ? -1 : 1))
        .map((s) => ({ label: s.source === 'sagemaker' ? `${s.host ?? 'job'} (SageMaker)` : (s.host ?? 'job'), points: s.points })),
      theme,
    );
  }
  for (const [key, chart] of [...charts]) {
    if (wanted.has(key)) continue;
    charts.delete(key);
    drawQueue.remove(chart);
  }
  const inGroup = (group: 'training' | 'system') => sorted.filter((g) => g.group === group).map((g) => charts.get(`${g.group}\u0000${g.name}`)!.element);
  const training = inGroup('training');
  const system = inGroup('system');
  // The charts stay in the page while they are the same charts in the same order: moving a canvas out and
  // back in costs a layout of the page and a new canvas resource.
  if (!sameChildren(trainingCharts, training)) {
    replaceChildren(
      trainingCharts,
      ...(training.length ? training : [h('p', { className: 'muted', testId: 'curves-empty' }, 'No training curves yet: the log has not printed a metric.')]),
    );
  }
  if (!sameChildren(systemCharts, system)) {
    replaceChildren(
      systemCharts,
      ...(system.length
        ? system
        : [
            h(
              'p',
              { className: 'muted', testId: 'system-empty' },
              job?.origin === 'cloud' ? 'No instance metrics yet: SageMaker publishes them a minute at a time.' : 'No system figures yet.',
            ),
          ]),
    );
  }
  scheduleDraw();
}

function sameChildren(parent: Element, children: readonly Element[]): boolean {
  return children.length > 0 && parent.children.length === children.length && children.every((c, i) => parent.children[i] === c);
}

/**
 * The charts waiting to be drawn. A frame draws from the front of the queue while its script time plus
 * 12 ms per chart drawn stays under 12 ms, that is one chart a frame: the script only records a chart's
 * strokes (2–3 ms), and Chromium rasterises them when it commits the frame, in the same task (10–30 ms
 * for a 16-line chart at device pixel ratio 2 in software raster). Drawing every changed chart in one
 * frame made a long task of it; two a frame still made 30–40 ms ones (docs/PERFORMANCE.md, "Job dashboard").
 */
const drawQueue = new DrawQueue<LineChart>();
const FRAME_BUDGET = { budgetMs: 12, afterEachMs: 12 };

let drawPending = false;
function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(drawFrame);
}

function drawFrame(): void {
  drawPending = false;
  // Every width first, then the draws: one layout per frame however many charts there are.
  const widths = new Map<LineChart, number>();
  for (const chart of charts.values()) {
    const width = chart.measure();
    widths.set(chart, width);
    if (chart.needsDraw(width)) drawQueue.add(chart);
  }
  const theme = readTheme();
  drawQueue.drawFrame(
    (chart) => chart.draw(widths.get(chart)!, theme),
    FRAME_BUDGET,
    () => performance.now(),
  );
  if (drawQueue.size > 0) scheduleDraw();
}

// A chart whose width did not change skips its draw (LineChart.draw).
new ResizeObserver(() => scheduleDraw()).observe(document.body);
// VS Code swaps the body's theme class on a theme change: legends and lines take the new palette.
new MutationObserver(() => {
  changedCharts = 'all';
  for (const chart of charts.values()) chart.invalidate();
  renderCharts();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isDashboardHostMessage(event.data)) receive(event.data);
});

renderAll();
post({ type: 'ready' });
