// E2E step (issue 19, watching a tuning job): a hyperparameter tuning job created in moto (the lifecycle plugin
// launches its trials as training jobs, 2 at a time, with Auto early stopping) shows in the Training Jobs view
// with its trial counts and best objective; expanded, its trials are beneath it, best first and marked, the
// early-stopped ones said so; no trial is repeated at the top level. Called from journey.mjs main(); screenshot
// in test-results.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { JourneyError, expect } from '../workbench.mjs';
import { delay } from '../vscodeSession.mjs';
import { FAILING_JOB_ROLE } from './failingJobCode.mjs';

const require = createRequire(import.meta.url);
const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04';
const TUNING = 'e2e-sweep';
const TRIALS = 5;

/** The plugin names trials as SageMaker does, `<tuning>-NNN-<8 hex>`; its hex is sha256("<tuning>/<n>"). */
const trialName = (n) => `${TUNING}-${String(n + 1).padStart(3, '0')}-${createHash('sha256').update(`${TUNING}/${n}`).digest('hex').slice(0, 8)}`;

/** @param {import('../journey.mjs').Journey} j */
export async function tuningTreeStep(j) {
  const { wb } = j;
  const { CreateHyperParameterTuningJobCommand, DescribeHyperParameterTuningJobCommand } = require('@aws-sdk/client-sagemaker');
  // Short trials: the journey's jobs take tens of seconds each.
  await j.moto.configure({ jobs: Object.fromEntries(Array.from({ length: TRIALS }, (_, n) => [trialName(n), { simSeconds: 3 }])) });
  await j.clients.sagemaker().send(
    new CreateHyperParameterTuningJobCommand({
      HyperParameterTuningJobName: TUNING,
      HyperParameterTuningJobConfig: {
        Strategy: 'Random',
        HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'eval_loss' },
        ResourceLimits: { MaxNumberOfTrainingJobs: TRIALS, MaxParallelTrainingJobs: 2 },
        ParameterRanges: {
          ContinuousParameterRanges: [{ Name: 'learning_rate', MinValue: '1e-05', MaxValue: '0.001', ScalingType: 'Logarithmic' }],
          IntegerParameterRanges: [],
          CategoricalParameterRanges: [{ Name: 'optim', Values: ['"adamw_torch"', '"adafactor"'] }],
        },
        TrainingJobEarlyStoppingType: 'Auto',
      },
      TrainingJobDefinition: {
        StaticHyperParameters: {
          sagemaker_program: '"train.py"',
          num_train_epochs: '3',
          sagemaker_estimator_class_name: '"HuggingFace"',
          sagemaker_estimator_module: '"sagemaker.huggingface.estimator"',
        },
        AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'eval_loss', Regex: "'eval_loss': ([0-9.]+)" }] },
        RoleArn: FAILING_JOB_ROLE,
        OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
        ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.g5.2xlarge', VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      },
    }),
  );
  let d;
  for (let i = 0; ; i++) {
    d = await j.clients.sagemaker().send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: TUNING }));
    if (d.HyperParameterTuningJobStatus === 'Completed') break;
    expect(i < 200, `${TUNING} did not complete in moto (it is ${d.HyperParameterTuningJobStatus})`);
    await delay(250);
  }
  const best = d.BestTrainingJob?.TrainingJobName;
  if (!best) throw new JourneyError(`${TUNING} completed without a BestTrainingJob`);
  const stoppedEarly = d.TrainingJobStatusCounters?.Stopped ?? 0;

  await wb.hidePanel();
  await wb.showViewContainer('SageMaker HF');
  await wb.setSideBarWidth(720);
  await wb.runCommand('SageMaker HF: Refresh Training Jobs');
  const row = wb.treeRow(`${TUNING} `);
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  const rowLabel = async () => (await wb.treeRows()).find((r) => r.label.startsWith(`${TUNING} `));
  const top = await rowLabel();
  expect(
    new RegExp(`^${TUNING} Completed · ${TRIALS - stoppedEarly} completed${stoppedEarly ? `, ${stoppedEarly} stopped early` : ''}`).test(top?.label ?? ''),
    `the tuning job's row reads "${top?.label}"`,
  );
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  // Its trials, one level deeper, right after it; the first is the best.
  const trialRows = async () => {
    const all = await wb.treeRows();
    const at = all.findIndex((r) => r.label.startsWith(`${TUNING} `));
    if (at < 0) return [];
    const rows = [];
    for (const r of all.slice(at + 1)) {
      if (r.level <= all[at].level) break;
      if (r.level === all[at].level + 1) rows.push(r);
    }
    return rows;
  };
  const deadline = Date.now() + 20_000;
  while ((await trialRows()).length < TRIALS && Date.now() < deadline) await delay(300);
  const trials = await trialRows();
  expect(trials.length === TRIALS, `${trials.length} trial rows beneath ${TUNING}: ${trials.map((t) => t.label).join(' | ')}`);
  expect(trials[0].label.startsWith(`${best} ★ best · eval_loss `), `the first trial is not the best one marked: "${trials[0].label}"`);
  const values = trials.map((t) => Number(/eval_loss ([0-9.]+)/.exec(t.label)?.[1]));
  expect(
    values.every((v, i) => i === 0 || v >= values[i - 1]),
    `the trials are not ordered by eval_loss: ${values.join(', ')}`,
  );
  expect(
    trials.filter((t) => t.label.includes('stopped early')).length === stoppedEarly,
    `${stoppedEarly} trials were stopped early; the rows say: ${trials.map((t) => t.label).join(' | ')}`,
  );
  const topLevel = (await wb.treeRows()).filter((r) => r.level === top.level).map((r) => r.label);
  expect(!topLevel.some((l) => l.startsWith(`${TUNING}-0`)), `a trial is also a top-level row: ${topLevel.join(' | ')}`);
  await j.shot('tuning-job-trials');
  return `"${top.label}"; best ${trials[0].label.slice(0, 90)}; ${stoppedEarly} stopped early`;
}
