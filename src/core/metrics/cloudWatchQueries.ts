// What to ask CloudWatch for a training job, as GetMetricData queries: every host's instance metrics and the
// job's metric_definitions series, batched so that one call fetches them all (a call takes up to 500 queries).
//
// From SageMaker's documentation ("Amazon SageMaker AI metrics in Amazon CloudWatch", job instance metrics):
// namespace `/aws/sagemaker/TrainingJobs`; CPUUtilization, MemoryUtilization, GPUUtilization,
// GPUMemoryUtilization, DiskUtilization, unit Percent; dimension `Host` = `[training-job-name]/algo-[n]`.
// CPU and GPU figures are summed over cores / GPUs (4 GPUs: 0–400 %). The metric_definitions series are in
// the same namespace under the `TrainingJobName` dimension, which the SageMaker Python SDK's
// TrainingJobAnalytics reads (Average over 60-second periods). Pure: plain objects in the SDK's shapes.

import type { MetricSeries, SeriesSource } from './metricSeries';

export const TRAINING_JOBS_NAMESPACE = '/aws/sagemaker/TrainingJobs';
export const SYSTEM_METRICS = ['GPUUtilization', 'GPUMemoryUtilization', 'CPUUtilization', 'MemoryUtilization', 'DiskUtilization'] as const;
export type SystemMetricName = (typeof SYSTEM_METRICS)[number];
/** GetMetricData's limit on MetricDataQueries per request. */
export const MAX_QUERIES_PER_CALL = 500;
/** SageMaker publishes instance metrics every minute; the SDK's analytics read 60-second averages. */
export const METRIC_PERIOD_SECONDS = 60;

export interface MetricDataQueryShape {
  Id: string;
  MetricStat: {
    Metric: { Namespace: string; MetricName: string; Dimensions: Array<{ Name: string; Value: string }> };
    Period: number;
    Stat: string;
  };
  ReturnData: boolean;
}

export interface PlannedSeries {
  name: string;
  host: string | null;
  source: SeriesSource;
  unit: string;
}

export interface MetricQueryPlan {
  /** Each call's queries, at most MAX_QUERIES_PER_CALL each. */
  batches: MetricDataQueryShape[][];
  /** Query Id → the series it fills. */
  series: Map<string, PlannedSeries>;
}

/** `algo-1` … `algo-N`. */
export function hostNames(count: number): string[] {
  return Array.from({ length: Math.max(1, count) }, (_, i) => `algo-${i + 1}`);
}

export function planMetricQueries(jobName: string, hosts: readonly string[], definitionNames: readonly string[]): MetricQueryPlan {
  const queries: MetricDataQueryShape[] = [];
  const series = new Map<string, PlannedSeries>();
  const add = (metric: string, dimension: { Name: string; Value: string }, planned: PlannedSeries): void => {
    // Ids must start with a lower-case letter and hold letters, digits and underscores.
    const id = `q${queries.length}`;
    queries.push({
      Id: id,
      MetricStat: { Metric: { Namespace: TRAINING_JOBS_NAMESPACE, MetricName: metric, Dimensions: [dimension] }, Period: METRIC_PERIOD_SECONDS, Stat: 'Average' },
      ReturnData: true,
    });
    series.set(id, planned);
  };
  for (const host of hosts) {
    for (const metric of SYSTEM_METRICS) add(metric, { Name: 'Host', Value: `${jobName}/${host}` }, { name: metric, host, source: 'system', unit: 'Percent' });
  }
  for (const name of new Set(definitionNames)) add(name, { Name: 'TrainingJobName', Value: jobName }, { name, host: null, source: 'sagemaker', unit: 'None' });
  const batches: MetricDataQueryShape[][] = [];
  for (let i = 0; i < queries.length; i += MAX_QUERIES_PER_CALL) batches.push(queries.slice(i, i + MAX_QUERIES_PER_CALL));
  return { batches, series };
}

export interface MetricDataResultShape {
  Id?: string;
  Timestamps?: Date[];
  Values?: number[];
}

/** GetMetricData's results (any number of pages) → series, points sorted by time (CloudWatch answers newest first). */
export function seriesFromResults(plan: MetricQueryPlan, results: readonly MetricDataResultShape[]): MetricSeries[] {
  const byId = new Map<string, Array<[number, number]>>();
  for (const r of results) {
    if (!r.Id || !plan.series.has(r.Id)) continue;
    const points = byId.get(r.Id) ?? [];
    const times = r.Timestamps ?? [];
    const values = r.Values ?? [];
    for (let i = 0; i < Math.min(times.length, values.length); i++) points.push([new Date(times[i]!).getTime(), values[i]!]);
    byId.set(r.Id, points);
  }
  const out: MetricSeries[] = [];
  for (const [id, planned] of plan.series) {
    const points = (byId.get(id) ?? []).sort((a, b) => a[0] - b[0]);
    // A page boundary can repeat a timestamp; keep one point per time.
    const unique = points.filter((p, i) => i === 0 || p[0] !== points[i - 1]![0]);
    out.push({ ...planned, points: unique });
  }
  return out;
}
