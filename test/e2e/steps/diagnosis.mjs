// E2E step (issue 17, failure triage): a 2-host job dies of a CUDA OOM on algo-2 in moto; Show
// Diagnosis names the cause and the host, and its frame opens the workspace file at the line.
// Called from journey.mjs main() as one more step; screenshots go where the journey writes them.

import { createRequire } from 'node:module';
import { expect } from '../workbench.mjs';
import { delay } from '../vscodeSession.mjs';
import { writeFailingJobCode } from './failingJobCode.mjs';

const require = createRequire(import.meta.url);

/** @param {import('../journey.mjs').Journey} j */
export async function diagnosisStep(j) {
  const { wb, page } = j;
  const { CreateTrainingJobCommand, DescribeTrainingJobCommand } = require('@aws-sdk/client-sagemaker');
  writeFailingJobCode(j.workspace, { folder: 'diagnosis-demo', script: 'diag_train.py', jobFile: 'diagnosis.sagemaker.yaml' });
  const jobName = `diag-oom-${Date.now()}`;
  await j.moto.configure({ jobs: { [jobName]: { outcome: 'Failed', simSeconds: 3, logLinesPerHost: 3, failingHost: 2 } } });
  await j.clients.sagemaker().send(
    new CreateTrainingJobCommand({
      TrainingJobName: jobName,
      RoleArn: 'arn:aws:iam::123456789012:role/service-role/SageMakerRole',
      AlgorithmSpecification: {
        TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04',
        TrainingInputMode: 'File',
      },
      HyperParameters: { per_device_train_batch_size: '8', sagemaker_program: '"diag_train.py"' },
      OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
      ResourceConfig: { InstanceCount: 2, InstanceType: 'ml.g5.12xlarge', VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    }),
  );
  for (let i = 0; ; i++) {
    const d = await j.clients.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    if (d.TrainingJobStatus === 'Failed') break;
    expect(i < 100, `${jobName} did not fail in moto (it is ${d.TrainingJobStatus})`);
    await delay(200);
  }

  // A webview left open by an earlier step (the hostile cards) takes the focus back and closes a quick pick.
  await wb.runCommand('View: Close All Editor Groups').catch(() => undefined);
  // The tree must know the job before the command's pick can offer it.
  await wb.runCommand('SageMaker HF: Refresh Training Jobs');
  await delay(1500);
  await wb.runCommand('SageMaker HF: Show Diagnosis');
  // The job pick's rows read "<name>, Failed": filter by the name and take the one row left.
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Training job' }).waitFor({ state: 'visible', timeout: 20_000 });
  await page.locator('.quick-input-widget input').fill(jobName, { timeout: 10_000 });
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: jobName }).first().click();

  const title = `${jobName}: Failed during Training`;
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 60_000 });
  const rows = await page.locator('.quick-input-widget .monaco-list-row').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  expect(
    rows.some((r) => /cuda-out-of-memory on algo-2/.test(r)),
    `the diagnosis does not name a CUDA OOM on algo-2 (rows: ${rows.join(' | ')})`,
  );
  const frame = rows.find((r) => /diag_train\.py:585/.test(r));
  expect(frame, `the diagnosis offers no frame at diagnosis-demo/src/diag_train.py:585 (rows: ${rows.join(' | ')})`);
  await j.shot('diagnosis');

  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'diag_train.py:585' }).first().click();
  await page.locator('.editor-group-container.active .tab.active', { hasText: 'diag_train.py' }).waitFor({ state: 'visible', timeout: 15_000 });
  const cursor = (
    await page
      .locator('.statusbar-item[id="status.editor.selection"]')
      .innerText()
      .catch(() => '')
  ).trim();
  expect(/Ln 585\b/.test(cursor), `the frame opened diag_train.py with the cursor at "${cursor}", not line 585`);
  await j.shot('diagnosis-frame-opened');
  return `${jobName}: cuda-out-of-memory on algo-2; the frame opened diag_train.py at ${cursor}`;
}
