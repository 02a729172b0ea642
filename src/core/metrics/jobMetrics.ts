// One reading of a job's metrics, whoever read them (CloudWatch and the log tail for a cloud job, job.json,
// the log files and /proc for a local one): what the dashboard shows and `sagemaker-hf metrics` prints.

import type { MetricSeries } from './metricSeries';
import { mergePoints, seriesKey } from './metricSeries';
import type { HostProgress } from './trainerLog';
import type { JobWarning } from './warnings';

export interface JobMetricsSnapshot {
  job: string;
  local: boolean;
  status: string;
  secondaryStatus?: string;
  failureReason?: string;
  instanceType?: string;
  hosts: string[];
  /** Every series, all points so far. */
  series: MetricSeries[];
  progress: HostProgress[];
  warnings: JobWarning[];
  /** What could not be read and why (a bad metric_definitions regex, CloudWatch refusing): the rest still shows. */
  problems: string[];
  /** When this reading was taken (epoch ms). */
  polledAt: number;
  /** The job has ended and this reading came after its end: nothing more will come. */
  final: boolean;
}

/** The API calls one poll made; the dashboard's promise is one GetMetricData per poll. */
export interface PollCalls {
  getMetricData: number;
  filterLogEvents: number;
  describeTrainingJob: number;
}

/** Series kept across polls by (source, host, name), each poll's points merged in by time. */
export class SeriesStore {
  private readonly byKey = new Map<string, MetricSeries>();

  /** Adds `incoming` and returns, per series, only the points that are new or changed (for a page's update). */
  merge(incoming: readonly MetricSeries[]): MetricSeries[] {
    const changed: MetricSeries[] = [];
    for (const s of incoming) {
      const key = seriesKey(s);
      const known = this.byKey.get(key);
      if (!known) {
        const copy = { ...s, points: [...s.points] };
        this.byKey.set(key, copy);
        if (copy.points.length > 0) changed.push({ ...copy, points: [...copy.points] });
        continue;
      }
      const before = new Map(known.points.map(([t, v]) => [t, v]));
      known.points = mergePoints(known.points, s.points);
      const fresh = s.points.filter(([t, v]) => !before.has(t) || !Object.is(before.get(t), v));
      if (fresh.length > 0) changed.push({ ...known, points: fresh });
    }
    return changed;
  }

  all(): MetricSeries[] {
    return [...this.byKey.values()];
  }
}
