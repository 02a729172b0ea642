/**
 * A cloud training job's metrics, poll by poll: the hosts' log lines (one FilterLogEvents query over every
 * stream, through the log tail's cursor, so each line is parsed exactly once) parsed into training curves,
 * and one GetMetricData call for every host's instance metrics and the job's metric_definitions series
 * (core/metrics/cloudWatchQueries.ts: up to 500 queries a call; 16 hosts × 5 metrics + 10 series is 90).
 * Used by the dashboard panel and `sagemaker-hf metrics`.
 */
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchClient, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { DescribeTrainingJobCommandOutput } from '@aws-sdk/client-sagemaker';
import { findInstanceType } from '../core/catalog/instanceTypes';
import type { LogCursorState } from '../core/logs/logCursor';
import { hostNames, METRIC_PERIOD_SECONDS, planMetricQueries, seriesFromResults } from '../core/metrics/cloudWatchQueries';
import type { MetricQueryPlan } from '../core/metrics/cloudWatchQueries';
import { SeriesStore } from '../core/metrics/jobMetrics';
import type { JobMetricsSnapshot, PollCalls } from '../core/metrics/jobMetrics';
import type { MetricSeries } from '../core/metrics/metricSeries';
import { TrainerLogParser } from '../core/metrics/trainerLog';
import { jobWarnings } from '../core/metrics/warnings';
import { isTerminalStatus } from '../core/sagemaker/jobStatus';
import { awsFailureKind } from './awsErrors';
import { tailTrainingJobLogs } from './logTail';
import type { LogTailClients } from './logTail';

export interface JobMetricsClients extends LogTailClients {
  cloudwatch(): CloudWatchClient;
}

/** CloudWatch settles a minute's average a little after it; each poll reads the last few minutes again. */
const REREAD_MS = 5 * 60_000;

/** One GetMetricData request per batch of the plan, following NextToken; returns the series and the calls made. */
export async function getJobMetricData(
  client: CloudWatchClient,
  plan: MetricQueryPlan,
  start: Date,
  end: Date,
  signal?: AbortSignal,
): Promise<{ series: MetricSeries[]; calls: number }> {
  const results: MetricDataResult[] = [];
  let calls = 0;
  for (const batch of plan.batches) {
    let token: string | undefined;
    do {
      calls++;
      const answer = await client.send(
        new GetMetricDataCommand({ MetricDataQueries: batch, StartTime: start, EndTime: end, ScanBy: 'TimestampAscending', ...(token ? { NextToken: token } : {}) }),
        signal ? { abortSignal: signal } : {},
      );
      results.push(...(answer.MetricDataResults ?? []));
      token = answer.NextToken;
    } while (token);
  }
  return { series: seriesFromResults(plan, results), calls };
}

/** The metrics of one cloud job across polls. `poll()` reads what is new; a finished job's last poll is final. */
export class CloudJobMetrics {
  private readonly store = new SeriesStore();
  private parser: TrainerLogParser | undefined;
  private cursor: LogCursorState | undefined;
  private description: DescribeTrainingJobCommandOutput | undefined;
  /** Where the next GetMetricData starts (epoch ms). */
  private metricsFrom: number | undefined;
  private problems: string[] = [];
  private ended = false;
  /** Calls of the last poll. */
  lastCalls: PollCalls = { getMetricData: 0, filterLogEvents: 0, describeTrainingJob: 0 };

  constructor(
    private readonly clients: JobMetricsClients,
    readonly jobName: string,
    private readonly now: () => number = Date.now,
  ) {}

  get done(): boolean {
    return this.ended;
  }

  /** Reads new log lines and metrics; `changed` holds only what this poll added (for a page's update). */
  async poll(signal?: AbortSignal): Promise<{ snapshot: JobMetricsSnapshot; changed: MetricSeries[] }> {
    const calls: PollCalls = { getMetricData: 0, filterLogEvents: 0, describeTrainingJob: 0 };
    const problems: string[] = [];
    const end = await tailTrainingJobLogs({
      clients: this.clients,
      jobName: this.jobName,
      follow: false,
      ...(this.cursor ? { cursor: this.cursor } : {}),
      ...(signal ? { signal } : {}),
      onLines: (lines) => {
        const parser = this.parserFor(this.description);
        for (const l of lines) parser.feed(l.host, l.timestamp, l.message);
      },
      onStatus: (u) => {
        this.description = u.description;
      },
    });
    calls.filterLogEvents += end.stats.filterLogEventsCalls;
    calls.describeTrainingJob += end.stats.describeTrainingJobCalls;
    this.cursor = end.cursor;
    if (end.description) this.description = end.description;
    const d = this.description;
    const parser = this.parserFor(d);
    const changed = this.store.merge(parser.takeNew());

    const hosts = hostNames(instanceCount(d));
    const definitions = (d?.AlgorithmSpecification?.MetricDefinitions ?? []).map((m) => m.Name).filter((n): n is string => !!n);
    const started = (d?.TrainingStartTime ?? d?.CreationTime)?.getTime();
    if (d && started !== undefined) {
      const plan = planMetricQueries(this.jobName, hosts, definitions);
      const endedAt = d.TrainingEndTime?.getTime();
      const until = Math.min(this.now(), endedAt !== undefined ? endedAt + REREAD_MS : Infinity);
      const from = Math.floor((this.metricsFrom ?? started) / 60_000) * 60_000;
      if (until > from) {
        try {
          const answer = await getJobMetricData(this.clients.cloudwatch(), plan, new Date(from), new Date(Math.max(until, from + METRIC_PERIOD_SECONDS * 1000)), signal);
          calls.getMetricData += answer.calls;
          changed.push(...this.store.merge(answer.series));
          this.metricsFrom = Math.max(started, until - REREAD_MS);
        } catch (err) {
          if (signal?.aborted) throw err;
          const kind = awsFailureKind(err);
          problems.push(
            `CloudWatch metrics could not be read (${kind ?? (err as Error).name}: ${(err as Error).message.slice(0, 200)}); the instance metrics need cloudwatch:GetMetricData on the credentials.`,
          );
        }
      }
    }
    const status = d?.TrainingJobStatus ?? 'Unknown';
    // A read of a job that has ended gets every line (the tail's final flush) and the metrics up to its end.
    this.ended = isTerminalStatus(status);
    this.problems = [...parser.problems, ...problems];
    this.lastCalls = calls;
    const now = this.now();
    const series = this.store.all();
    const progress = parser.progress(now);
    const instanceType = d?.ResourceConfig?.InstanceType ?? d?.ResourceConfig?.InstanceGroups?.[0]?.InstanceType;
    const snapshot: JobMetricsSnapshot = {
      job: this.jobName,
      local: false,
      status,
      ...(d?.SecondaryStatus ? { secondaryStatus: d.SecondaryStatus } : {}),
      ...(d?.FailureReason ? { failureReason: d.FailureReason } : {}),
      ...(instanceType ? { instanceType } : {}),
      hosts,
      series,
      progress,
      warnings: jobWarnings({ status, series, progress, gpusPerHost: instanceType ? (findInstanceType(instanceType)?.acceleratorCount ?? 0) : 0, now }),
      problems: this.problems,
      polledAt: now,
      final: this.ended,
    };
    return { snapshot, changed };
  }

  private parserFor(d: DescribeTrainingJobCommandOutput | undefined): TrainerLogParser {
    if (!this.parser) {
      const defs = (d ?? this.description)?.AlgorithmSpecification?.MetricDefinitions ?? [];
      this.parser = new TrainerLogParser(defs.filter((m): m is { Name: string; Regex: string } => typeof m.Name === 'string' && typeof m.Regex === 'string'));
    }
    return this.parser;
  }
}

function instanceCount(d: DescribeTrainingJobCommandOutput | undefined): number {
  const groups = d?.ResourceConfig?.InstanceGroups;
  if (groups && groups.length > 0) return groups.reduce((n, g) => n + (g.InstanceCount ?? 0), 0);
  return d?.ResourceConfig?.InstanceCount ?? 1;
}
