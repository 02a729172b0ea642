// A 2-host cloud job against moto with our SageMaker lifecycle plugin: its hosts log Trainer lines (the
// plugin writes them to CloudWatch Logs) and publish instance metrics (PutMetricData, as SageMaker would,
// under /aws/sagemaker/TrainingJobs with Host = <job>/algo-N), and SageMaker's metric_definitions series
// (TrainingJobName dimension). The dashboard's reader and `sagemaker-hf metrics --json` must return exactly
// what was published, with one GetMetricData call per poll. Real @aws-sdk clients throughout.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CloudJobMetrics } from '../../src/aws/jobMetrics';
import type { JobMetricsClients } from '../../src/aws/jobMetrics';
import { tailTrainingJobLogs } from '../../src/aws/logTail';
import { metricsCommand } from '../../src/cli/metricsCommand';
import { SYSTEM_METRICS } from '../../src/core/metrics/cloudWatchQueries';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const skip = motoInstallProblem();
const JOB = 'dash-two-hosts';
const NAMESPACE = '/aws/sagemaker/TrainingJobs';

describe('job metrics against moto', { skip }, () => {
  let moto: MotoServer;
  let clients: JobMetricsClients & { destroy(): void };
  let getMetricDataCalls = 0;
  let minute0 = 0;
  const published = new Map<string, Array<[number, number]>>();

  before(async () => {
    moto = await startMoto({ simSeconds: 300, logLinesPerHost: 12 });
    const config = awsTestClientConfig(moto.endpoint);
    const sagemaker = new SageMakerClient(config);
    const logs = new CloudWatchLogsClient(config);
    const cloudwatch = new CloudWatchClient(config);
    // Count GetMetricData at the client's middleware: each HTTP request the dashboard makes.
    cloudwatch.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetMetricDataCommand') getMetricDataCalls++;
        return next(args);
      },
      { step: 'initialize' },
    );
    clients = {
      sagemaker: () => sagemaker,
      logs: () => logs,
      cloudwatch: () => cloudwatch,
      destroy: () => [sagemaker, logs, cloudwatch].forEach((c) => c.destroy()),
    };
    await moto.configure({ jobs: { [JOB]: { simSeconds: 3 } } });
    await sagemaker.send(
      new CreateTrainingJobCommand({
        TrainingJobName: JOB,
        RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
        AlgorithmSpecification: {
          TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.13.1-transformers4.26.0-gpu-py39-cu117-ubuntu20.04',
          TrainingInputMode: 'File',
          MetricDefinitions: [{ Name: 'eval_rouge1', Regex: "'eval_rouge1': ([0-9.]+)" }],
        },
        HyperParameters: { num_train_epochs: '3', sagemaker_program: '"train.py"' },
        OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
        ResourceConfig: { InstanceCount: 2, InstanceType: 'ml.g5.12xlarge', VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      }),
    );
    let d = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: JOB }));
    while (d.TrainingJobStatus === 'InProgress') {
      await new Promise((r) => setTimeout(r, 300));
      d = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: JOB }));
    }
    assert.equal(d.TrainingJobStatus, 'Completed');
    // What SageMaker would publish: one average per minute from the minute training started, per host and metric.
    minute0 = Math.floor(d.TrainingStartTime!.getTime() / 60_000) * 60_000;
    for (const host of ['algo-1', 'algo-2']) {
      for (const [m, metric] of SYSTEM_METRICS.entries()) {
        const points: Array<[number, number]> = [0, 1, 2, 3].map((k) => [minute0 + k * 60_000, 10 * m + k + (host === 'algo-2' ? 100 : 0)]);
        published.set(`${host}/${metric}`, points);
        await cloudwatch.send(
          new PutMetricDataCommand({
            Namespace: NAMESPACE,
            MetricData: points.map(([t, v]) => ({
              MetricName: metric,
              Dimensions: [{ Name: 'Host', Value: `${JOB}/${host}` }],
              Timestamp: new Date(t),
              Value: v,
              Unit: 'Percent',
            })),
          }),
        );
      }
    }
    const rouge: Array<[number, number]> = [
      [minute0, 41.2],
      [minute0 + 60_000, 42.5],
    ];
    published.set('eval_rouge1', rouge);
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: NAMESPACE,
        MetricData: rouge.map(([t, v]) => ({ MetricName: 'eval_rouge1', Dimensions: [{ Name: 'TrainingJobName', Value: JOB }], Timestamp: new Date(t), Value: v })),
      }),
    );
  });

  after(async () => {
    clients?.destroy();
    await moto?.stop();
  });

  it('returns every host series and the metric_definitions series as published, in one GetMetricData', async () => {
    // The clock stands ten minutes on, so the four published minutes are all in the past.
    const reader = new CloudJobMetrics(clients, JOB, () => minute0 + 10 * 60_000);
    getMetricDataCalls = 0;
    const { snapshot } = await reader.poll();
    assert.equal(getMetricDataCalls, 1);
    assert.equal(reader.lastCalls.getMetricData, 1);
    assert.deepEqual(snapshot.hosts, ['algo-1', 'algo-2']);
    for (const host of ['algo-1', 'algo-2']) {
      for (const metric of SYSTEM_METRICS) {
        const s = snapshot.series.find((x) => x.source === 'system' && x.host === host && x.name === metric);
        assert.deepEqual(s?.points, published.get(`${host}/${metric}`), `${host} ${metric}`);
        assert.equal(s!.unit, 'Percent');
      }
    }
    const rouge = snapshot.series.find((x) => x.source === 'sagemaker' && x.name === 'eval_rouge1');
    assert.deepEqual(rouge?.points, published.get('eval_rouge1'));
    assert.equal(rouge!.host, null);
    assert.equal(snapshot.final, true);
    assert.equal(reader.done, true);
  });

  it("parses each host's Trainer lines as the log holds them", async () => {
    const lines: Array<{ host: string; timestamp: number; message: string }> = [];
    await tailTrainingJobLogs({ clients, jobName: JOB, follow: false, onLines: (ls) => lines.push(...ls) });
    // An independent reading of the same log: every `'loss': x` on algo-1, in order.
    const expected = lines.filter((l) => l.host === 'algo-1' && l.message.includes("{'loss': ")).map((l) => [l.timestamp, Number(/'loss': ([0-9.]+)/.exec(l.message)![1])]);
    assert.ok(expected.length >= 3, 'the plugin wrote Trainer loss lines');
    const { snapshot } = await new CloudJobMetrics(clients, JOB, () => minute0 + 10 * 60_000).poll();
    assert.deepEqual(snapshot.series.find((x) => x.source === 'log' && x.host === 'algo-1' && x.name === 'loss')?.points, expected);
    // The metric definition applied to the log too, as SageMaker applies it.
    assert.ok(snapshot.series.some((x) => x.source === 'log' && x.name === 'eval_rouge1' && x.points.length > 0));
    // algo-2 prints tqdm bars only: progress, no curves.
    const p2 = snapshot.progress.find((p) => p.host === 'algo-2');
    assert.ok(p2?.step !== undefined && p2.maxSteps !== undefined && p2.step === p2.maxSteps, JSON.stringify(p2));
  });

  it('sagemaker-hf metrics --json prints the issue shape', async () => {
    let out = '';
    let err = '';
    const code = await metricsCommand([JOB, '--json'], { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: process.cwd(), env: {} }, { clients });
    assert.equal(code, 0, err);
    const doc = JSON.parse(out) as { job: string; series: Array<{ name: string; host: string | null; source: string; unit: string; points: Array<[number, number]> }> };
    assert.deepEqual(Object.keys(doc), ['job', 'series']);
    assert.equal(doc.job, JOB);
    for (const s of doc.series) {
      assert.deepEqual(Object.keys(s), ['name', 'host', 'source', 'unit', 'points']);
      assert.ok(['system', 'log', 'sagemaker'].includes(s.source));
    }
    // The CLI reads up to now: the minute training started is in it on every host.
    const gpu = doc.series.find((s) => s.source === 'system' && s.host === 'algo-2' && s.name === 'GPUUtilization')!;
    assert.deepEqual(gpu.points[0], published.get('algo-2/GPUUtilization')![0]);
    assert.ok(doc.series.some((s) => s.source === 'log' && s.name === 'loss' && s.host === 'algo-1'));
  });

  it('sagemaker-hf metrics prints a readable summary and refuses a bad --poll', async () => {
    let out = '';
    assert.equal(await metricsCommand([JOB], { stdout: (t) => (out += t), stderr: () => undefined, cwd: process.cwd(), env: {} }, { clients }), 0);
    assert.match(out, new RegExp(`^${JOB}: Completed`));
    assert.match(out, /system +algo-1 +GPUUtilization/);
    await assert.rejects(metricsCommand([JOB, '--poll', '0'], { stdout: () => undefined, stderr: () => undefined, cwd: process.cwd(), env: {} }, { clients }), /--poll must be/);
  });
});
