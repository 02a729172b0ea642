// E2E step (issue 17, the Job dashboard): a finished 2-host cloud job in moto whose hosts published
// instance metrics (PutMetricData, as SageMaker does, Host = <job>/algo-N) and whose algo-1 logged the
// Trainer's dicts; "Open Dashboard" from the Training Jobs view shows its curves and one line per host.
// Then a 2-host job that dies of a CUDA OOM on algo-2: its dashboard shows the diagnosis, and the frame's
// link opens the workspace file at the line. Called from journey.mjs main(); screenshots in test-results.

import { createRequire } from 'node:module';
import { expect } from '../workbench.mjs';
import { delay } from '../vscodeSession.mjs';
import { FAILING_JOB_ROLE, writeFailingJobCode } from './failingJobCode.mjs';

const require = createRequire(import.meta.url);
const ROLE = FAILING_JOB_ROLE;
const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04';

async function createJob(j, jobName, program, settings) {
  const { CreateTrainingJobCommand, DescribeTrainingJobCommand } = require('@aws-sdk/client-sagemaker');
  await j.moto.configure({ jobs: { [jobName]: settings } });
  await j.clients.sagemaker().send(
    new CreateTrainingJobCommand({
      TrainingJobName: jobName,
      RoleArn: ROLE,
      AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
      HyperParameters: { per_device_train_batch_size: '8', sagemaker_program: JSON.stringify(program), max_steps: '60', logging_steps: '5' },
      OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
      ResourceConfig: { InstanceCount: 2, InstanceType: 'ml.g5.12xlarge', VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    }),
  );
  for (let i = 0; ; i++) {
    const d = await j.clients.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    if (d.TrainingJobStatus === settings.outcome) return d;
    expect(i < 150, `${jobName} did not end ${settings.outcome} in moto (it is ${d.TrainingJobStatus})`);
    await delay(200);
  }
}

/** What SageMaker publishes per host: GPU and CPU utilisation, a point a minute from the job's start. */
async function publishSystemMetrics(j, jobName, start) {
  const { PutMetricDataCommand } = require('@aws-sdk/client-cloudwatch');
  const minute0 = Math.floor(start / 60_000) * 60_000;
  for (const [host, gpu] of [
    ['algo-1', [88, 91]],
    ['algo-2', [61, 64]],
  ]) {
    for (const [metric, values] of [
      ['GPUUtilization', gpu],
      ['CPUUtilization', [140, 150]],
    ]) {
      await j.clients.cloudwatch().send(
        new PutMetricDataCommand({
          Namespace: '/aws/sagemaker/TrainingJobs',
          MetricData: values.map((v, i) => ({
            MetricName: metric,
            Dimensions: [{ Name: 'Host', Value: `${jobName}/${host}` }],
            Timestamp: new Date(minute0 + i * 60_000),
            Value: v,
            Unit: 'Percent',
          })),
        }),
      );
    }
  }
}

async function openDashboardFromTree(j, jobName) {
  const { wb, page } = j;
  await wb.runCommand('View: Close All Editors');
  await wb.showViewContainer('SageMaker HF');
  await wb.viewTitleAction('Refresh Training Jobs');
  await wb.treeRow(jobName).waitFor({ state: 'visible', timeout: 20_000 });
  await wb.treeRowMenu(jobName, 'Open Dashboard');
  await page
    .locator('.tab', { hasText: `Dashboard: ${jobName}` })
    .first()
    .waitFor({ state: 'visible', timeout: 15_000 });
  const view = wb.ourWebview();
  await view.locator('[data-testid="dashboard-title"]', { hasText: jobName }).waitFor({ state: 'visible', timeout: 20_000 });
  return view;
}

/** Labels of the series drawn in the chart of `metric`. */
async function seriesLabels(view, group, metric) {
  return view
    .locator(`[data-testid="chart"][data-group="${group}"][data-metric="${metric}"] [data-testid="series-label"]`)
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-host') ?? ''));
}

async function waitFor(what, check, timeoutMs, describe) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) expect(false, `${what}: ${await describe()}`);
    await delay(500);
  }
}

/** @param {import('../journey.mjs').Journey} j */
export async function dashboardStep(j) {
  const { page } = j;
  // 1. A finished job: curves from algo-1's log, one line per host in the system charts.
  const done = `dash-curves-${Date.now()}`;
  const described = await createJob(j, done, 'train.py', { outcome: 'Completed', simSeconds: 3, logLinesPerHost: 12 });
  await publishSystemMetrics(j, done, (described.TrainingStartTime ?? described.CreationTime).getTime());
  const view = await openDashboardFromTree(j, done);
  await waitFor(
    'the dashboard never showed the loss curve and both hosts in GPU utilisation',
    async () => (await seriesLabels(view, 'training', 'loss')).includes('algo-1') && (await seriesLabels(view, 'system', 'GPUUtilization')).length === 2,
    30_000,
    async () =>
      `status "${await view.locator('[data-testid="dashboard-status"]').innerText()}", poll "${await view.locator('[data-testid="poll-state"]').innerText()}", problems "${await view
        .locator('[data-testid="problems"]')
        .innerText()
        .catch(() => '')}"`,
  );
  const gpuHosts = await seriesLabels(view, 'system', 'GPUUtilization');
  expect(JSON.stringify(gpuHosts) === JSON.stringify(['algo-1', 'algo-2']), `GPU utilisation has lines for ${gpuHosts.join(', ')}, not algo-1 and algo-2`);
  const cpuHosts = await seriesLabels(view, 'system', 'CPUUtilization');
  expect(cpuHosts.length === 2, `CPU utilisation has lines for ${cpuHosts.join(', ')}`);
  const trainingCharts = await view.locator('[data-testid="chart"][data-group="training"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')));
  expect(trainingCharts.includes('learning_rate'), `no learning-rate curve (training charts: ${trainingCharts.join(', ')})`);
  const canvases = await view.locator('[data-testid="chart"] canvas').count();
  expect(canvases >= 4, `only ${canvases} charts drawn`);
  const status = await view.locator('[data-testid="dashboard-status"]').getAttribute('data-status');
  expect(status === 'Completed', `the dashboard says the job is ${status}`);
  const phase = await view.locator('[data-testid="poll-state"]').getAttribute('data-phase');
  expect(phase === 'ended', `polling is "${phase}" for a finished job, not ended`);
  await j.shot('dashboard-curves');

  // 2. A failed job: the diagnosis, and its frame opens the workspace file at the line.
  writeFailingJobCode(j.workspace, { folder: 'dashboard-demo', script: 'dash_train.py', jobFile: 'dashboard.sagemaker.yaml' });
  const failed = `dash-oom-${Date.now()}`;
  await createJob(j, failed, 'dash_train.py', { outcome: 'Failed', simSeconds: 3, logLinesPerHost: 3, failingHost: 2 });
  const failedView = await openDashboardFromTree(j, failed);
  const cause = failedView.locator('[data-testid="cause"]');
  await cause.waitFor({ state: 'visible', timeout: 60_000 });
  const kind = await cause.getAttribute('data-kind');
  const causeText = await cause.innerText();
  expect(kind === 'cuda-out-of-memory' && /algo-2/.test(causeText), `the dashboard's diagnosis reads "${causeText}" (${kind}), not a CUDA OOM on algo-2`);
  const link = failedView.locator('[data-testid="frame-link"]', { hasText: 'dash_train.py:585' }).first();
  await link.waitFor({ state: 'visible', timeout: 10_000 });
  await j.shot('dashboard-diagnosis');
  await link.click();
  await page.locator('.editor-group-container.active .tab.active', { hasText: 'dash_train.py' }).waitFor({ state: 'visible', timeout: 15_000 });
  const cursor = (
    await page
      .locator('.statusbar-item[id="status.editor.selection"]')
      .innerText()
      .catch(() => '')
  ).trim();
  expect(/Ln 585\b/.test(cursor), `the frame link opened dash_train.py with the cursor at "${cursor}", not line 585`);
  await j.shot('dashboard-frame-opened');
  return `${done}: loss and learning-rate curves, GPU and CPU lines for ${gpuHosts.join(' and ')} (${canvases} charts); ${failed}: cuda-out-of-memory on algo-2, frame opened at ${cursor}`;
}
