/**
 * Runs side by side: two or more training jobs (cloud, local, tuning trials alike) as rows — the job's
 * resources, duration and cost, every hyperparameter, the final metrics — each cell with where its value
 * came from, the rows whose values differ, and the training curves of every run on one time axis (time
 * since each run's training started). Used by the Compare Runs webview and `sagemaker-hf compare`. Pure:
 * the callers read the jobs (DescribeTrainingJob or job.json), price them (core/cost/jobCost.ts) and read
 * their series (core/metrics); nothing here guesses a value the inputs do not hold.
 */
import type { PyValue } from '../contract/pythonValue';
import { costSummary, totalUsd } from '../cost/jobCost';
import type { JobCost } from '../cost/jobCost';
import { formatDuration } from '../format';
import { trainingMetricOrder } from '../metrics/metricSeries';
import type { MetricSeries } from '../metrics/metricSeries';
import { isInFlightStatus } from '../sagemaker/jobStatus';
import { billedInstanceCount, billedInstanceType } from '../cost/jobCost';
import type { ComparedCell, ComparedCurve, ComparedRun, ComparisonRow, RowSection, RunComparison, RunComparisonJson, RunOrigin } from './runComparisonShape';
import type { TrainingJobDescription } from './trainingJobDescription';
import { decodeHyperparameterEntries } from './trainingJobView';

export type { ComparedCell, ComparedCurve, ComparedRun, ComparisonRow, CurveLine, RowSection, RunComparison, RunComparisonJson, RunOrigin } from './runComparisonShape';

/** One run as its caller read it. */
export interface RunInput {
  origin: RunOrigin;
  /** DescribeTrainingJob's answer (cloud) or the job folder's job.json read as one (local). */
  description: TrainingJobDescription;
  /** What the job cost (jobCostFromDescription or localJobCost); undefined when it could not be priced. */
  cost?: JobCost;
  /** Why there is no cost, when `cost` is undefined. */
  costProblem?: string;
  /** The job's metric series (a metrics reader's snapshot); system series are ignored here. */
  series: readonly MetricSeries[];
  /** What could not be read for this run (its log, CloudWatch), shown beside it. */
  problems?: readonly string[];
}

const NONE: ComparedCell = { value: null, display: '—', source: null };

function cell(value: number | string | boolean, display: string, source: string): ComparedCell {
  return typeof value === 'number' && !Number.isFinite(value) ? { value: null, display, source } : { value, display, source };
}

function describedBy(origin: RunOrigin): string {
  return origin === 'local' ? 'job.json (local job folder)' : 'DescribeTrainingJob';
}

/** `now` is for runs still in flight (their duration so far). */
export function compareRuns(inputs: readonly RunInput[], now: Date): RunComparison {
  const runs: ComparedRun[] = inputs.map((r) => {
    const d = r.description;
    const start = d.TrainingStartTime ?? d.CreationTime;
    const firstPoint = curveSeries(r.series)
      .map((s) => s.points[0]?.[0])
      .filter((t): t is number => t !== undefined);
    return {
      name: d.TrainingJobName ?? '',
      origin: r.origin,
      status: d.TrainingJobStatus ?? 'Unknown',
      describedBy: describedBy(r.origin),
      curvesFrom: start ? start.getTime() : firstPoint.length ? Math.min(...firstPoint) : null,
      problems: [...(r.problems ?? [])],
    };
  });
  const rows: ComparisonRow[] = [...jobRows(inputs, now), ...hyperparameterRows(inputs), ...metricRows(inputs)] // A row no run has a value for, nor a word about (billable time of local runs), is left out.
    .filter((row) => row.cells.some((c) => c.value !== null || c.source !== null));
  const curves = compareCurves(inputs, runs);
  const notes: string[] = [];
  const local = runs.filter((r) => r.origin === 'local').map((r) => r.name);
  if (local.length)
    notes.push(
      `The lines of a local job's log carry no time of their own: the points of ${local.join(', ')} were timed when read, and a log read after the job ended is spread evenly over its training time.`,
    );
  const withoutCurves = runs.filter((_, i) => !curves.some((c) => c.lines.some((l) => l.run === i))).map((r) => r.name);
  if (withoutCurves.length && curves.length) notes.push(`No training curve was found in the log of ${withoutCurves.join(', ')}.`);
  return { runs, rows, differences: rows.filter((r) => r.differs).map((r) => r.key), curves, notes };
}

function row(section: RowSection, name: string, label: string, cells: ComparedCell[], extra: Partial<ComparisonRow> = {}): ComparisonRow {
  return { section, key: `${section}.${name}`, label, cells, differs: differs(cells), ...extra };
}

function differs(cells: readonly ComparedCell[]): boolean {
  const keys = new Set(cells.map((c) => (c.value === null ? `none:${c.display}` : `${typeof c.value}:${String(c.value)}`)));
  return keys.size > 1;
}

function jobRows(inputs: readonly RunInput[], now: Date): ComparisonRow[] {
  const per = <T>(f: (r: RunInput, d: TrainingJobDescription, src: string) => T): T[] => inputs.map((r) => f(r, r.description, describedBy(r.origin)));
  return [
    row(
      'job',
      'status',
      'Status',
      per((_, d, src) => (d.TrainingJobStatus ? cell(d.TrainingJobStatus, d.TrainingJobStatus, src) : NONE)),
    ),
    row(
      'job',
      'image',
      'Image',
      per((_, d, src) => {
        const image = d.AlgorithmSpecification?.TrainingImage;
        return image ? cell(image, image, src) : NONE;
      }),
    ),
    row(
      'job',
      'instanceType',
      'Instance type',
      per((_, d, src) => {
        const groups = d.ResourceConfig?.InstanceGroups ?? [];
        const type = billedInstanceType(d) ?? (groups.length > 1 ? groups.map((g) => `${g.InstanceType ?? '?'} × ${g.InstanceCount ?? 0}`).join(' + ') : undefined);
        const chosen = d.ResourceConfig?.SelectedInstanceType ? `${src}: SelectedInstanceType, chosen from InstancePreferences` : src;
        return type ? cell(type, type, chosen) : NONE;
      }),
    ),
    row(
      'job',
      'instanceCount',
      'Instance count',
      per((_, d, src) => (d.ResourceConfig ? cell(billedInstanceCount(d), String(billedInstanceCount(d)), src) : NONE)),
    ),
    row(
      'job',
      'duration',
      'Training time',
      per((_, d, src) => {
        if (d.TrainingTimeInSeconds !== undefined) return cell(d.TrainingTimeInSeconds, formatDuration(d.TrainingTimeInSeconds), `TrainingTimeInSeconds (${src})`);
        if (isInFlightStatus(d.TrainingJobStatus) && d.TrainingStartTime) {
          const s = Math.max(0, Math.floor((now.getTime() - d.TrainingStartTime.getTime()) / 1000));
          return cell(s, `${formatDuration(s)} so far`, `TrainingStartTime to now (${src})`);
        }
        if (d.TrainingStartTime && d.TrainingEndTime) {
          const s = Math.max(0, Math.round((d.TrainingEndTime.getTime() - d.TrainingStartTime.getTime()) / 1000));
          return cell(s, formatDuration(s), `TrainingStartTime to TrainingEndTime (${src})`);
        }
        return NONE;
      }),
    ),
    row(
      'job',
      'billableTime',
      'Billable time',
      per((_, d, src) => (d.BillableTimeInSeconds !== undefined ? cell(d.BillableTimeInSeconds, formatDuration(d.BillableTimeInSeconds), `BillableTimeInSeconds (${src})`) : NONE)),
    ),
    row(
      'job',
      'spot',
      'Managed spot',
      per((r, d, src) =>
        r.origin === 'cloud' ? cell(d.EnableManagedSpotTraining === true, d.EnableManagedSpotTraining ? 'yes' : 'no', `EnableManagedSpotTraining (${src})`) : NONE,
      ),
    ),
    costRow(inputs),
  ];
}

/** The cost row: costs that show the same (to the cent) do not differ, though their exact USD may. */
function costRow(inputs: readonly RunInput[]): ComparisonRow {
  const cells = inputs.map((r): ComparedCell => {
    if (!r.cost) return { value: null, display: 'not priced', source: r.costProblem ?? null };
    const usd = totalUsd(r.cost);
    const display = costSummary(r.cost) ?? 'no price';
    return usd === undefined ? { value: null, display, source: r.cost.priceSource } : cell(usd, display, r.cost.priceSource);
  });
  const shown = new Set(cells.map((c) => (typeof c.value === 'number' ? `usd:${Math.round(c.value * 100)}` : `none:${c.display}`)));
  return row('job', 'cost', 'Cost', cells, { differs: shown.size > 1 });
}

function hyperparameterRows(inputs: readonly RunInput[]): ComparisonRow[] {
  const decoded = inputs.map((r) => new Map(decodeHyperparameterEntries(r.description.HyperParameters ?? {}).map((e) => [e.name, e])));
  const names: string[] = [];
  const sdk = new Set<string>();
  for (const m of decoded)
    for (const e of m.values()) {
      if (!names.includes(e.name)) names.push(e.name);
      if (e.sdkSet) sdk.add(e.name);
    }
  // Yours first, then what the SDK set, each in the order SageMaker lists them.
  const ordered = [...names.filter((n) => !sdk.has(n)), ...names.filter((n) => sdk.has(n))];
  return ordered.map((name) =>
    row(
      'hyperparameters',
      name,
      name,
      decoded.map((m, i) => {
        const e = m.get(name);
        if (!e) return { value: null, display: 'not set', source: `HyperParameters (${describedBy(inputs[i]!.origin)})` };
        return cell(e.value ? canonical(e.value) : `raw:${e.encoded}`, e.display, `HyperParameters (${describedBy(inputs[i]!.origin)})`);
      }),
      sdk.has(name) ? { sdkSet: true } : {},
    ),
  );
}

/** A decoded hyperparameter as a comparable string: `5e-05` and `0.00005` are one value, `3` and `3.0` one number (Python's ==). */
function canonical(v: PyValue): string {
  switch (v.type) {
    case 'none':
      return 'None';
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'int':
      return `n:${v.value.toString()}`;
    case 'float':
      // An integral float as its exact integer: String(1e21) is "1e+21", BigInt(1e21) the digits an int 10**21 has.
      return Number.isInteger(v.value) ? `n:${BigInt(v.value).toString()}` : `n:${String(v.value)}`;
    case 'str':
      return `s:${JSON.stringify(v.value)}`;
    case 'list':
      return `[${v.items.map(canonical).join(',')}]`;
    case 'dict':
      return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
}

/** The series a run's curves come from: the log's and the metric_definitions series, never the instance metrics. */
function curveSeries(series: readonly MetricSeries[]): MetricSeries[] {
  return series.filter((s) => (s.source === 'log' || s.source === 'sagemaker') && s.points.length > 0);
}

function hostRank(host: string | null): number {
  const n = /^algo-(\d+)$/.exec(host ?? '')?.[1];
  return n !== undefined ? Number(n) : Number.MAX_SAFE_INTEGER;
}

/** Per metric name, the one series of a run that stands for it: the log of its lowest-numbered host that printed it, else CloudWatch's. */
function pickSeries(series: readonly MetricSeries[]): Map<string, MetricSeries> {
  const picked = new Map<string, MetricSeries>();
  const better = (a: MetricSeries, b: MetricSeries): boolean =>
    a.source !== b.source ? a.source === 'log' : hostRank(a.host) !== hostRank(b.host) ? hostRank(a.host) < hostRank(b.host) : (a.host ?? '') < (b.host ?? '');
  for (const s of curveSeries(series)) {
    const known = picked.get(s.name);
    if (!known || better(s, known)) picked.set(s.name, s);
  }
  return picked;
}

function seriesFrom(s: MetricSeries): string {
  return s.source === 'log' ? `the log, ${s.host ?? 'job'}` : 'CloudWatch (metric_definitions)';
}

function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(6)));
}

function metricRows(inputs: readonly RunInput[]): ComparisonRow[] {
  const perRun = inputs.map((r) => {
    const out = new Map<string, ComparedCell>();
    if (r.origin === 'cloud')
      for (const m of r.description.FinalMetricDataList ?? [])
        if (m.MetricName !== undefined && m.Value !== undefined) out.set(m.MetricName, cell(m.Value, formatMetric(m.Value), 'FinalMetricDataList (DescribeTrainingJob)'));
    for (const [name, s] of pickSeries(r.series)) {
      if (out.has(name)) continue;
      const last = s.points.at(-1)!;
      out.set(name, cell(last[1], formatMetric(last[1]), `${seriesFrom(s)} (last of ${s.points.length} value${s.points.length === 1 ? '' : 's'})`));
    }
    return out;
  });
  const names = [...new Set(perRun.flatMap((m) => [...m.keys()]))].sort((a, b) => trainingMetricOrder(a) - trainingMetricOrder(b) || a.localeCompare(b));
  return names.map((name) =>
    row(
      'metrics',
      name,
      name,
      perRun.map((m) => m.get(name) ?? NONE),
    ),
  );
}

function compareCurves(inputs: readonly RunInput[], runs: readonly ComparedRun[]): ComparedCurve[] {
  const byName = new Map<string, ComparedCurve>();
  inputs.forEach((r, i) => {
    const from = runs[i]!.curvesFrom;
    if (from === null) return;
    for (const [name, s] of pickSeries(r.series)) {
      let curve = byName.get(name);
      if (!curve) byName.set(name, (curve = { metric: name, unit: s.unit, lines: [] }));
      curve.lines.push({
        run: i,
        job: runs[i]!.name,
        source: s.source as 'log' | 'sagemaker',
        host: s.host,
        from: seriesFrom(s),
        points: s.points.map(([t, v]) => [t - from, v]),
      });
    }
  });
  return [...byName.values()].sort((a, b) => trainingMetricOrder(a.metric) - trainingMetricOrder(b.metric) || a.metric.localeCompare(b.metric));
}

export function runComparisonJson(c: RunComparison): RunComparisonJson {
  return {
    runs: c.runs,
    rows: c.rows,
    differences: c.differences,
    curves: c.curves.map((k) => ({ ...k, lines: k.lines.map((l) => ({ ...l, points: l.points.map(([t, v]): [number, number | null] => [t, Number.isFinite(v) ? v : null]) })) })),
    notes: c.notes,
  };
}
