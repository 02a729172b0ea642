// A job's metric series as the dashboard and `sagemaker-hf metrics --json` carry them: one series per
// metric and host, points as [epoch milliseconds, value]. Pure: no SDK, no vscode, no DOM.

/**
 * Where a series came from: `system` (SageMaker's per-host instance metrics in CloudWatch, or /proc and
 * nvidia-smi for a local job), `log` (parsed from the hosts' log lines), `sagemaker` (the job's
 * metric_definitions as SageMaker publishes them in CloudWatch under the TrainingJobName dimension).
 */
export type SeriesSource = 'system' | 'log' | 'sagemaker';

/** One point: [epochMs, value]. NaN and ±Infinity are kept (a NaN loss is news); JSON carries them as null. */
export type SeriesPoint = [number, number];

export interface MetricSeries {
  name: string;
  /** `algo-1`, …; null for a SageMaker metric_definitions series, which has one value per job. */
  host: string | null;
  source: SeriesSource;
  /** CloudWatch's unit names: `Percent`, `Bytes`, `None`, `Count/Second`, `Seconds`. */
  unit: string;
  points: SeriesPoint[];
}

export function seriesKey(s: Pick<MetricSeries, 'name' | 'host' | 'source'>): string {
  return `${s.source}\u0000${s.host ?? ''}\u0000${s.name}`;
}

/**
 * Puts `incoming` into `into` by time: a point at a time already present replaces it (CloudWatch answers a
 * re-read minute with its final average); the result stays sorted. Both lists must be sorted by time.
 */
export function mergePoints(into: SeriesPoint[], incoming: readonly SeriesPoint[]): SeriesPoint[] {
  if (incoming.length === 0) return into;
  const last = into.at(-1);
  if (!last || incoming[0]![0] > last[0]) {
    for (const p of incoming) into.push(p);
    return into;
  }
  const merged: SeriesPoint[] = [];
  let i = 0;
  let j = 0;
  while (i < into.length || j < incoming.length) {
    const a = into[i];
    const b = incoming[j];
    if (b === undefined || (a !== undefined && a[0] < b[0])) {
      merged.push(a!);
      i++;
    } else if (a === undefined || b[0] < a[0]) {
      merged.push(b);
      j++;
    } else {
      merged.push(b);
      i++;
      j++;
    }
  }
  return merged;
}

/** The JSON shape for one series; NaN and ±Infinity become null (JSON has no such numbers). */
export function seriesJson(s: MetricSeries): { name: string; host: string | null; source: SeriesSource; unit: string; points: Array<[number, number | null]> } {
  return { name: s.name, host: s.host, source: s.source, unit: s.unit, points: s.points.map(([t, v]) => [t, Number.isFinite(v) ? v : null]) };
}

/** Where a training metric goes among its kind: loss, then eval_loss, the other eval_* metrics, the learning rate, the rest. */
export function trainingMetricOrder(name: string): number {
  if (name === 'loss' || name === 'train_loss') return 0;
  if (name === 'eval_loss') return 1;
  if (name.startsWith('eval_')) return 2;
  if (name === 'learning_rate') return 3;
  return 4;
}
