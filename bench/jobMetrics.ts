// The job dashboard's two promises (issue 17):
//
//   node bench/.build/jobMetrics.js parse [--quick]   parsing + laying out 100,000 log lines of 16 hosts in
//       chunks, as the dashboard does between frames: the longest chunk (a long task is > 50 ms), against a
//       baseline of one global regular expression per line (metric_definitions-style) over the same lines.
//   node bench/.build/jobMetrics.js calls [--quick]   API requests per poll for a 16-host job with 10
//       metric_definitions against moto, counted at the clients: ours (one GetMetricData) against asking
//       each series on its own (GetMetricStatistics per host and metric, and per definition, as the
//       SageMaker SDK's TrainingJobAnalytics does for its metrics).
// Each prints one JSON line.

import { CloudWatchClient, GetMetricStatisticsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CloudJobMetrics } from '../src/aws/jobMetrics';
import { extents, layoutLine } from '../src/core/metrics/chartLayout';
import { SYSTEM_METRICS, TRAINING_JOBS_NAMESPACE } from '../src/core/metrics/cloudWatchQueries';
import { TrainerLogParser } from '../src/core/metrics/trainerLog';
import { awsTestClientConfig, startMoto } from '../test/emulators/moto/motoServer';
import { runMain } from './lib/benchCli';
import { BENCH_HOSTS, trainerLogLines } from './lib/trainerLogLines';

const HOSTS = BENCH_HOSTS;
const quick = process.argv.includes('--quick');

async function parse(): Promise<void> {
  const total = 100_000;
  const lines = trainerLogLines(total);
  const chunk = 2_000;
  const area = { left: 40, top: 8, width: 760, height: 180 };
  const rounds = quick ? 2 : 5;
  const worst: number[] = [];
  const totals: number[] = [];
  const baselineTotals: number[] = [];
  let points = 0;
  for (let round = 0; round < rounds; round++) {
    const parser = new TrainerLogParser();
    let maxChunk = 0;
    const started = performance.now();
    for (let from = 0; from < lines.length; from += chunk) {
      const t = performance.now();
      for (let i = from; i < Math.min(lines.length, from + chunk); i++) parser.feed(lines[i]!.host, lines[i]!.t, lines[i]!.line);
      // Then every chart is laid out again, as the page does after new points arrive.
      const all = parser.allSeries();
      for (const name of new Set(all.map((s) => s.name))) {
        const group = all.filter((s) => s.name === name).map((s) => s.points);
        const e = extents(group);
        if (e) for (const g of group) layoutLine(g, e.x, e.y, area);
      }
      maxChunk = Math.max(maxChunk, performance.now() - t);
    }
    totals.push(performance.now() - started);
    worst.push(maxChunk);
    points = parser.allSeries().reduce((n, s) => n + s.points.length, 0);
    // Baseline: one global regex per line, pairs only (no hosts, no progress, no layout).
    const b = performance.now();
    const re = /'(\w+)': (?:np\.float64\()?([-+]?[0-9.]+(?:e[-+]?\d+)?)/g;
    let found = 0;
    for (const l of lines) {
      re.lastIndex = 0;
      while (re.exec(l.line)) found++;
    }
    baselineTotals.push(performance.now() - b);
    if (found === 0) throw new Error('the baseline found nothing');
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  process.stdout.write(
    `${JSON.stringify({ lines: total, chunk, points, maxChunkMs: Math.max(...worst), medianMaxChunkMs: med(worst), totalMs: med(totals), baselineMs: med(baselineTotals) })}\n`,
  );
}

async function calls(): Promise<void> {
  const moto = await startMoto({ simSeconds: 86_400, logLinesPerHost: 0, maxLifetimeSeconds: 600 });
  try {
    const config = awsTestClientConfig(moto.endpoint);
    const counts: Record<string, number> = {};
    const counted = <T extends { middlewareStack: { add: (...a: never[]) => void } }>(client: T): T => {
      (client.middlewareStack as unknown as { add: (mw: unknown, o: unknown) => void }).add(
        (next: (a: unknown) => unknown, context: { commandName: string }) => (args: unknown) => {
          counts[context.commandName] = (counts[context.commandName] ?? 0) + 1;
          return next(args);
        },
        { step: 'initialize' },
      );
      return client;
    };
    const sagemaker = counted(new SageMakerClient(config));
    const logs = counted(new CloudWatchLogsClient(config));
    const cloudwatch = counted(new CloudWatchClient(config));
    const job = 'bench-dashboard-16';
    const definitions = Array.from({ length: 10 }, (_, i) => ({ Name: `metric_${i}`, Regex: `metric_${i}=([0-9.]+)` }));
    await sagemaker.send(
      new CreateTrainingJobCommand({
        TrainingJobName: job,
        RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
        AlgorithmSpecification: {
          TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04',
          TrainingInputMode: 'File',
          MetricDefinitions: definitions,
        },
        OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
        ResourceConfig: { InstanceCount: HOSTS, InstanceType: 'ml.p4d.24xlarge', VolumeSizeInGB: 100 },
        StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      }),
    );
    // The minute the job was created in: the first one the dashboard asks CloudWatch about.
    const created = (await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: job }))).CreationTime!.getTime();
    const minute = Math.floor(created / 60_000) * 60_000;
    const now = Math.max(Date.now(), minute + 90_000);
    for (let h = 1; h <= HOSTS; h++) {
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: TRAINING_JOBS_NAMESPACE,
          MetricData: SYSTEM_METRICS.map((m, i) => ({ MetricName: m, Dimensions: [{ Name: 'Host', Value: `${job}/algo-${h}` }], Timestamp: new Date(minute), Value: 10 * i + h })),
        }),
      );
    }
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: TRAINING_JOBS_NAMESPACE,
        MetricData: definitions.map((d, i) => ({ MetricName: d.Name, Dimensions: [{ Name: 'TrainingJobName', Value: job }], Timestamp: new Date(minute), Value: i })),
      }),
    );
    for (const k of Object.keys(counts)) delete counts[k];
    const reader = new CloudJobMetrics({ sagemaker: () => sagemaker, logs: () => logs, cloudwatch: () => cloudwatch }, job, () => now);
    const polls = quick ? 2 : 5;
    let seriesWithPoints = 0;
    for (let i = 0; i < polls; i++) {
      const { snapshot } = await reader.poll();
      seriesWithPoints = snapshot.series.filter((s) => s.source !== 'log' && s.points.length > 0).length;
    }
    const ours = { ...counts };
    for (const k of Object.keys(counts)) delete counts[k];
    // Baseline: every series on its own, for the same window.
    const start = new Date(minute);
    const end = new Date(now);
    for (let i = 0; i < polls; i++) {
      for (let h = 1; h <= HOSTS; h++) {
        for (const m of SYSTEM_METRICS) {
          await cloudwatch.send(
            new GetMetricStatisticsCommand({
              Namespace: TRAINING_JOBS_NAMESPACE,
              MetricName: m,
              Dimensions: [{ Name: 'Host', Value: `${job}/algo-${h}` }],
              StartTime: start,
              EndTime: end,
              Period: 60,
              Statistics: ['Average'],
            }),
          );
        }
      }
      for (const d of definitions) {
        await cloudwatch.send(
          new GetMetricStatisticsCommand({
            Namespace: TRAINING_JOBS_NAMESPACE,
            MetricName: d.Name,
            Dimensions: [{ Name: 'TrainingJobName', Value: job }],
            StartTime: start,
            EndTime: end,
            Period: 60,
            Statistics: ['Average'],
          }),
        );
      }
    }
    const baseline = { ...counts };
    for (const c of [sagemaker, logs, cloudwatch]) c.destroy();
    process.stdout.write(`${JSON.stringify({ hosts: HOSTS, systemMetrics: SYSTEM_METRICS.length, definitions: definitions.length, polls, seriesWithPoints, ours, baseline })}\n`);
  } finally {
    await moto.stop();
  }
}

runMain(async () => {
  if (process.argv[2] === 'parse') await parse();
  else if (process.argv[2] === 'calls') await calls();
  else throw new Error('usage: jobMetrics.js parse|calls [--quick]');
});
