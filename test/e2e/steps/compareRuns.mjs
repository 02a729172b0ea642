// E2E step (issue 19, compare runs): two finished cloud jobs in moto that differ in learning rate and
// instance count; both rows selected in the Training Jobs view (click, then Ctrl+click), "Compare Runs"
// from the context menu opens the comparison: the differing rows highlighted, the same ones not, the
// price's source, and one loss curve per run. With both rows still selected, Open Dashboard opens the
// clicked job's dashboard only. Called from journey.mjs main(); screenshots in test-results.

import { createRequire } from 'node:module';
import { expect } from '../workbench.mjs';
import { delay } from '../vscodeSession.mjs';

const require = createRequire(import.meta.url);
const ROLE = 'arn:aws:iam::123456789012:role/sagemaker-execution';
const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04';

async function createJob(j, jobName, learningRate, instanceCount) {
  const { CreateTrainingJobCommand, DescribeTrainingJobCommand } = require('@aws-sdk/client-sagemaker');
  await j.moto.configure({ jobs: { [jobName]: { outcome: 'Completed', simSeconds: 3, logLinesPerHost: 12 } } });
  await j.clients.sagemaker().send(
    new CreateTrainingJobCommand({
      TrainingJobName: jobName,
      RoleArn: ROLE,
      AlgorithmSpecification: {
        TrainingImage: IMAGE,
        TrainingInputMode: 'File',
        MetricDefinitions: [{ Name: 'eval_rouge1', Regex: "'eval_rouge1': ([0-9.]+)" }],
      },
      HyperParameters: { learning_rate: learningRate, num_train_epochs: '3', sagemaker_program: '"train.py"' },
      OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
      ResourceConfig: { InstanceCount: instanceCount, InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    }),
  );
  for (let i = 0; ; i++) {
    const d = await j.clients.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    if (d.TrainingJobStatus === 'Completed') return;
    expect(i < 150, `${jobName} did not complete in moto (it is ${d.TrainingJobStatus})`);
    await delay(200);
  }
}

/** @param {import('../journey.mjs').Journey} j */
export async function compareRunsStep(j) {
  const { wb, page } = j;
  const stamp = Date.now();
  const a = `cmp-lr-small-${stamp}`;
  const b = `cmp-lr-large-${stamp}`;
  await createJob(j, a, '5e-05', 1);
  await createJob(j, b, '0.0001', 2);

  await wb.runCommand('View: Close All Editors');
  await wb.hidePanel();
  await wb.showViewContainer('SageMaker HF');
  await wb.viewTitleAction('Refresh Training Jobs');
  const rowA = wb.treeRow(a);
  const rowB = wb.treeRow(b);
  await rowA.waitFor({ state: 'visible', timeout: 20_000 });
  await rowB.waitFor({ state: 'visible', timeout: 20_000 });
  // Select both: a click, then Ctrl+click (the list's multi-select modifier on Linux).
  await rowA.click();
  // A click on a job row also expands it (its detail rows push the rows below down): collapse it again
  // (Left on the focused row) before the second click, so that click lands on the other job's row.
  await page.waitForTimeout(300);
  if ((await rowA.getAttribute('aria-expanded')) === 'true') {
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((name) => {
      const row = [...document.querySelectorAll('.part.sidebar .pane-body .monaco-list-row')].find((r) => (r.getAttribute('aria-label') ?? '').startsWith(name));
      return row?.getAttribute('aria-expanded') !== 'true';
    }, a);
  }
  await rowB.click({ modifiers: ['Control'] });
  await page.waitForTimeout(300);
  const selected = await page.locator('.part.sidebar .pane-body .monaco-list-row.selected').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  expect(selected.some((l) => l.startsWith(a)) && selected.some((l) => l.startsWith(b)), `both jobs should be selected; selected: ${selected.join(' | ')}`);

  await wb.contextMenu(rowB, 'Compare Runs');
  await page
    .locator('.tab', { hasText: `Compare: ${a} · ${b}` })
    .first()
    .waitFor({ state: 'visible', timeout: 15_000 });
  const view = wb.ourWebview();
  const state = view.locator('[data-testid="compare-state"]');
  await view.locator('[data-testid="compare-state"][data-state="ready"], [data-testid="compare-state"][data-state="failed"]').waitFor({ state: 'attached', timeout: 60_000 });
  const summary = await state.innerText();
  expect((await state.getAttribute('data-state')) === 'ready', `the comparison did not come: "${summary}"`);
  const heads = await view.locator('[data-testid="run-header"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-job')));
  expect(JSON.stringify(heads) === JSON.stringify([a, b]), `the columns are ${heads.join(', ')}, not ${a} and ${b} in the order selected`);

  const row = (key) => view.locator(`[data-testid="comparison-row"][data-key="${key}"]`);
  const differs = async (key) => (await row(key).getAttribute('data-differs')) === 'true';
  expect(await differs('hyperparameters.learning_rate'), 'learning_rate is not marked as differing');
  expect(await differs('job.instanceCount'), 'the instance count is not marked as differing');
  expect(!(await differs('hyperparameters.num_train_epochs')), 'num_train_epochs is marked as differing');
  expect(!(await differs('job.instanceType')), 'the instance type is marked as differing');
  // Highlighted means drawn differently, not only marked in the DOM.
  const background = (key) =>
    row(key)
      .locator('td')
      .first()
      .evaluate((td) => getComputedStyle(td).backgroundColor);
  const [hot, plain] = [await background('hyperparameters.learning_rate'), await background('hyperparameters.num_train_epochs')];
  expect(hot !== plain, `a differing row is drawn like a same one (${hot} vs ${plain})`);
  const lr = (await row('hyperparameters.learning_rate').innerText()).replace(/\s+/g, ' ').trim();
  expect(/5e-05 0\.0001$/.test(lr), `the learning_rate row reads "${lr}"`);
  const cost = (await row('job.cost').innerText()).replace(/\s+/g, ' ');
  expect(/(AWS Price List API|bundled price table)/.test(cost), `the cost names no price source: "${cost}"`);
  const rouge = (await row('metrics.eval_rouge1').innerText()).replace(/\s+/g, ' ');
  expect(/FinalMetricDataList \(DescribeTrainingJob\)/.test(rouge), `eval_rouge1 does not say it is SageMaker's final metric: "${rouge}"`);
  const lossLines = await view
    .locator('[data-testid="chart"][data-metric="loss"] [data-testid="series-label"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-host') ?? ''));
  expect(lossLines.length === 2 && lossLines[0].startsWith(a) && lossLines[1].startsWith(b), `the loss chart has lines ${lossLines.join(' | ')}`);
  await j.shot('compare-runs');
  await view.locator('[data-testid="curves"]').scrollIntoViewIfNeeded();
  await j.shot('compare-runs-curves');

  // Only the rows that differ.
  await view.locator('[data-testid="only-differences"]').check();
  expect((await row('hyperparameters.num_train_epochs').count()) === 0, '"Only rows that differ" still shows num_train_epochs');
  expect((await row('hyperparameters.learning_rate').count()) === 1, '"Only rows that differ" hides learning_rate');
  await j.shot('compare-runs-differences');

  // A single-job command with both rows selected acts on the row clicked.
  await wb.contextMenu(rowA, 'Open Dashboard');
  await page
    .locator('.tab', { hasText: `Dashboard: ${a}` })
    .first()
    .waitFor({ state: 'visible', timeout: 15_000 });
  const dashboards = await page.locator('.tab', { hasText: 'Dashboard: ' }).count();
  expect(dashboards === 1, `Open Dashboard on a selection of two opened ${dashboards} dashboards`);
  await wb.runCommand('View: Close All Editors');
  return `${a} vs ${b}: ${summary}; loss lines ${lossLines.length}`;
}
