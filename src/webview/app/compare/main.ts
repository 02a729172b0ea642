// The Compare Runs page. Bundled by esbuild into dist/webview/runComparison.js (an IIFE). It shows the
// comparison the host built (core/jobs/runComparison.ts): one column per run, the rows whose values differ
// marked (and, on request, alone), each value's source, and one chart per training metric with one line per
// run against the time since each run's training started (the Job dashboard's LineChart). Its state holds only
// the jobs: the serializer reads them again after a reload.

import { isCompareHostMessage, isCompareViewState } from '../../compareProtocol';
import type { CompareHostMessage, CompareJob, CompareViewMessage, CompareViewState, WireComparison } from '../../compareProtocol';
import type { ComparisonRow } from '../../../core/jobs/runComparisonShape';
import type { SeriesPoint } from '../../../core/metrics/metricSeries';
import { LineChart, readTheme } from '../dashboard/lineChart';
import { button, h, replaceChildren } from '../dom';

const vscode = acquireVsCodeApi<CompareViewState>();
const post = (message: CompareViewMessage): void => vscode.postMessage(message);

let jobs: CompareJob[] = isCompareViewState(vscode.getState()) ? vscode.getState()!.jobs : [];
let comparison: WireComparison | null = null;
let failure: string | null = null;
let onlyDifferences = false;
const charts: LineChart[] = [];

const title = h('h1', { testId: 'compare-title' }, 'Compare runs');
const stateLine = h('p', { className: 'muted', testId: 'compare-state' }, 'Reading the runs…');
const onlyToggle = h('input', { testId: 'only-differences', attrs: { type: 'checkbox', id: 'only-differences' } });
onlyToggle.addEventListener('change', () => {
  onlyDifferences = onlyToggle.checked;
  renderTable();
});
const header = h(
  'header',
  {},
  title,
  stateLine,
  h(
    'p',
    { className: 'toolbar' },
    h('label', { attrs: { for: 'only-differences' } }, onlyToggle, ' Only rows that differ'),
    ' ',
    button('Refresh', () => post({ type: 'refresh' }), { secondary: true, testId: 'refresh' }),
  ),
);
const tableBox = h('section', { testId: 'comparison' });
const problemsBox = h('section', { className: 'problems', testId: 'problems', hidden: true });
const chartsBox = h('div', { className: 'charts', testId: 'curves' });
const notesBox = h('section', { className: 'notes muted', testId: 'notes' });
const app = document.getElementById('app');
if (app) {
  app.replaceChildren(header, problemsBox, tableBox, h('section', {}, h('h2', {}, 'Training curves'), chartsBox), notesBox);
  app.removeAttribute('aria-busy');
}

function receive(message: CompareHostMessage): void {
  switch (message.type) {
    case 'loading':
      jobs = message.jobs;
      vscode.setState({ version: 1, jobs });
      failure = null;
      stateLine.textContent = `Reading ${jobs.length} runs…`;
      stateLine.dataset.state = 'loading';
      title.textContent = `Compare ${jobs.map((j) => j.name).join(' · ')}`;
      return;
    case 'failed':
      failure = message.message;
      comparison = null;
      break;
    case 'comparison':
      comparison = message.comparison;
      failure = null;
      break;
  }
  renderAll();
}

function renderAll(): void {
  if (failure !== null) {
    stateLine.textContent = `The comparison could not be made: ${failure}`;
    stateLine.dataset.state = 'failed';
  } else if (comparison) {
    const n = comparison.differences.length;
    stateLine.textContent = `${comparison.runs.length} runs · ${n === 0 ? 'no row differs' : `${n} row${n === 1 ? '' : 's'} differ`}`;
    stateLine.dataset.state = 'ready';
  }
  renderProblems();
  renderTable();
  renderCharts();
  replaceChildren(notesBox, ...(comparison?.notes ?? []).map((n) => h('p', { testId: 'note' }, n)));
}

function renderProblems(): void {
  const problems = (comparison?.runs ?? []).flatMap((r) => r.problems.map((p) => `${r.name}: ${p}`));
  problemsBox.hidden = problems.length === 0;
  replaceChildren(problemsBox, h('h2', {}, 'Not shown'), h('ul', {}, ...problems.map((p) => h('li', { testId: 'problem' }, p))));
}

const SECTIONS: Array<[ComparisonRow['section'], string]> = [
  ['job', 'Job'],
  ['hyperparameters', 'Hyperparameters'],
  ['metrics', 'Final metrics'],
];

/** Sources shown under each value: where they vary from row to row (cost, metrics), not the job's own fields. */
function showsSourceInCell(row: ComparisonRow): boolean {
  return row.section === 'metrics' || row.key === 'job.cost';
}

function renderTable(): void {
  const c = comparison;
  if (!c) {
    replaceChildren(tableBox);
    return;
  }
  const head = h(
    'tr',
    {},
    h('th', { attrs: { scope: 'col' } }, ''),
    ...c.runs.map((r, i) =>
      h(
        'th',
        { testId: 'run-header', attrs: { scope: 'col', 'data-job': r.name, 'data-run': String(i) } },
        h('span', { className: `swatch run-${i % 6}` }),
        r.name,
        h('br', {}),
        h('span', { className: 'muted' }, `${r.origin === 'local' ? 'local' : 'SageMaker'} · ${r.status}`),
      ),
    ),
  );
  const body: HTMLElement[] = [];
  for (const [section, label] of SECTIONS) {
    const rows = c.rows.filter((r) => r.section === section && (!onlyDifferences || r.differs));
    if (rows.length === 0) continue;
    const sourceNote = section === 'metrics' ? 'each value with its source' : `from ${[...new Set(c.runs.map((r) => r.describedBy))].join(' or ')}`;
    body.push(
      h(
        'tr',
        { className: 'section' },
        h('th', { attrs: { colspan: String(c.runs.length + 1), scope: 'colgroup' } }, label, h('span', { className: 'muted' }, ` — ${sourceNote}`)),
      ),
    );
    for (const row of rows) {
      body.push(
        h(
          'tr',
          {
            className: [row.differs ? 'differs' : '', row.section === 'metrics' ? 'metric' : ''].filter(Boolean).join(' '),
            testId: 'comparison-row',
            attrs: { 'data-key': row.key, 'data-differs': String(row.differs) },
          },
          h(
            'th',
            { attrs: { scope: 'row', title: row.differs ? 'The runs differ here' : 'The same in every run' } },
            row.differs ? h('span', { className: 'marker', attrs: { 'aria-label': 'differs' } }, '≠ ') : '',
            row.label,
            row.sdkSet ? h('span', { className: 'muted' }, ' (SDK)') : '',
          ),
          ...row.cells.map((cell) =>
            h(
              'td',
              { className: cell.value === null ? 'muted' : '', attrs: cell.source ? { title: `from ${cell.source}` } : {} },
              cell.display,
              showsSourceInCell(row) && cell.source ? h('div', { className: 'source muted' }, cell.source) : undefined,
            ),
          ),
        ),
      );
    }
  }
  if (body.length === 0) body.push(h('tr', {}, h('td', { attrs: { colspan: String(c.runs.length + 1) } }, 'Every row is the same in these runs.')));
  replaceChildren(tableBox, h('table', { className: 'comparison' }, h('thead', {}, head), h('tbody', {}, ...body)));
}

function renderCharts(): void {
  charts.length = 0;
  const c = comparison;
  if (!c) {
    replaceChildren(chartsBox);
    return;
  }
  const theme = readTheme();
  for (const curve of c.curves) {
    const chart = new LineChart(curve.metric, `${curve.metric} — time since training started`, curve.unit, 'training', { xAxis: 'elapsed' });
    chart.setLines(
      curve.lines.map((l) => ({
        label: `${l.job} (${l.from})`,
        colour: l.run,
        points: l.points.map(([t, v]): SeriesPoint => [t, v === null ? NaN : v]),
      })),
      theme,
    );
    charts.push(chart);
  }
  replaceChildren(
    chartsBox,
    ...(charts.length ? charts.map((ch) => ch.element) : [h('p', { className: 'muted', testId: 'curves-empty' }, 'None of these runs printed a training metric to its log.')]),
  );
  scheduleDraw();
}

let drawPending = false;
function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    // Every width first, then every draw: one layout per frame.
    const widths = charts.map((chart) => chart.measure());
    const theme = readTheme();
    charts.forEach((chart, i) => chart.draw(widths[i]!, theme));
  });
}

new ResizeObserver(() => scheduleDraw()).observe(document.body);
// VS Code swaps the body's theme class on a theme change: legends and lines take the new palette.
new MutationObserver(() => renderCharts()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isCompareHostMessage(event.data)) receive(event.data);
});

post({ type: 'ready' });
