// Compare Runs' core (core/jobs/runComparison.ts): rows with their sources, the differences, the final
// metrics' precedence (FinalMetricDataList, then the log, then CloudWatch), and the curves on one time axis.
// The descriptions are DescribeTrainingJob-shaped answers and job.json read as one; nothing is mocked.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localJobCost } from '../../src/core/cost/jobCost';
import { compareRuns, runComparisonJson } from '../../src/core/jobs/runComparison';
import type { RunInput } from '../../src/core/jobs/runComparison';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import type { MetricSeries } from '../../src/core/metrics/metricSeries';
import { completedRun, logSeries, NOW, pricedCost, T0 } from './runFixtures';

/** A Completed run with its ARN and hyperparameters. */
function cloud(name: string, hps: Record<string, string>, extra: Partial<TrainingJobDescription> = {}): TrainingJobDescription {
  return completedRun(name, { TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`, HyperParameters: hps, ...extra });
}
const priced = pricedCost;

const rowOf = (c: ReturnType<typeof compareRuns>, key: string) => c.rows.find((r) => r.key === key);

describe('compareRuns', () => {
  const a = cloud(
    'lr-small',
    { learning_rate: '5e-05', num_train_epochs: '3', model_name_or_path: '"facebook/bart-large-cnn"', sagemaker_program: '"train.py"' },
    {
      FinalMetricDataList: [{ MetricName: 'eval_loss', Value: 0.52, Timestamp: new Date(T0 + 590_000) }],
    },
  );
  const b = cloud(
    'lr-large',
    { learning_rate: '0.0001', num_train_epochs: '3.0', model_name_or_path: '"facebook/bart-large-cnn"', warmup_steps: '100', sagemaker_program: '"train.py"' },
    {
      ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30 },
      TrainingTimeInSeconds: 900,
      BillableTimeInSeconds: 900,
    },
  );
  const inputs: RunInput[] = [
    {
      origin: 'cloud',
      description: a,
      cost: priced(a),
      series: [
        logSeries('loss', 'algo-1', [
          [60, 1.9],
          [120, 1.2],
        ]),
        logSeries('eval_loss', 'algo-1', [[590, 0.6]]),
      ],
    },
    {
      origin: 'cloud',
      description: b,
      cost: priced(b),
      series: [
        logSeries('loss', 'algo-2', [
          [60, 9],
          [120, 9],
        ]),
        logSeries('loss', 'algo-1', [
          [30, 2.1],
          [90, NaN],
        ]),
        logSeries('eval_loss', 'algo-1', [[880, 0.48]]),
        { name: 'eval_loss', host: null, source: 'sagemaker', unit: 'None', points: [[T0 + 870_000, 0.47]] },
        { name: 'GPUUtilization', host: 'algo-1', source: 'system', unit: 'Percent', points: [[T0, 90]] },
      ],
    },
  ];
  const c = compareRuns(inputs, NOW);

  it('does not mark costs that show the same to the cent, though their exact USD differ', () => {
    const x = cloud('cents-a', { learning_rate: '5e-05' });
    const y = cloud('cents-b', { learning_rate: '5e-05' }, { TrainingTimeInSeconds: 599, BillableTimeInSeconds: 599 });
    const z = cloud('cents-c', { learning_rate: '5e-05' }, { TrainingTimeInSeconds: 660, BillableTimeInSeconds: 660 });
    const run = (d: TrainingJobDescription): RunInput => ({ origin: 'cloud', description: d, cost: priced(d), series: [] });
    const same = compareRuns([run(x), run(y)], NOW);
    assert.deepEqual(
      rowOf(same, 'job.cost')!.cells.map((cell) => cell.display),
      ['$0.23', '$0.23'],
    );
    assert.equal(rowOf(same, 'job.cost')!.differs, false, '$0.234667 and $0.234276 both show $0.23');
    assert.equal(rowOf(compareRuns([run(x), run(z)], NOW), 'job.cost')!.differs, true, '$0.23 against $0.26');
  });

  it('marks exactly the rows whose values differ; 5e-05 against 0.0001 differs, 3 against 3.0 does not', () => {
    assert.deepEqual(
      c.differences.filter((k) => k.startsWith('hyperparameters.')),
      ['hyperparameters.learning_rate', 'hyperparameters.warmup_steps'],
    );
    assert.equal(rowOf(c, 'hyperparameters.num_train_epochs')?.differs, false);
    assert.equal(rowOf(c, 'hyperparameters.model_name_or_path')?.differs, false);
    assert.deepEqual(
      rowOf(c, 'hyperparameters.warmup_steps')?.cells.map((x) => [x.value, x.display]),
      [
        [null, 'not set'],
        ['n:100', '100'],
      ],
    );
    assert.ok(c.differences.includes('job.instanceCount') && c.differences.includes('job.duration') && c.differences.includes('job.cost'));
    assert.ok(!c.differences.includes('job.image') && !c.differences.includes('job.instanceType') && !c.differences.includes('job.status'));
    assert.deepEqual(
      c.rows.filter((r) => r.differs).map((r) => r.key),
      c.differences,
    );
  });

  it("lists the user's hyperparameters before the SDK's, and says where every value came from", () => {
    const hps = c.rows.filter((r) => r.section === 'hyperparameters').map((r) => r.label);
    assert.deepEqual(hps, ['learning_rate', 'num_train_epochs', 'model_name_or_path', 'warmup_steps', 'sagemaker_program']);
    assert.equal(rowOf(c, 'hyperparameters.sagemaker_program')?.sdkSet, true);
    assert.equal(rowOf(c, 'hyperparameters.learning_rate')?.cells[0]!.source, 'HyperParameters (DescribeTrainingJob)');
    assert.deepEqual(
      rowOf(c, 'job.duration')?.cells.map((x) => [x.value, x.display, x.source]),
      [
        [600, '10 min', 'TrainingTimeInSeconds (DescribeTrainingJob)'],
        [900, '15 min', 'TrainingTimeInSeconds (DescribeTrainingJob)'],
      ],
    );
    const cost = rowOf(c, 'job.cost')!;
    // 1 × 600 s and 2 × 900 s at $1.408 an hour, each with the price's source.
    assert.deepEqual(
      cost.cells.map((x) => x.value),
      [0.234667, 0.704],
    );
    for (const x of cost.cells) assert.match(x.source ?? '', /bundled/);
  });

  it('takes a final metric from FinalMetricDataList, else the lowest host of the log, else CloudWatch; never from system metrics', () => {
    assert.deepEqual(
      rowOf(c, 'metrics.eval_loss')?.cells.map((x) => [x.value, x.source]),
      [
        [0.52, 'FinalMetricDataList (DescribeTrainingJob)'],
        [0.48, 'the log, algo-1 (last of 1 value)'],
      ],
    );
    const loss = rowOf(c, 'metrics.loss')!;
    assert.equal(loss.cells[0]!.value, 1.2);
    // algo-1's last loss is NaN: shown as such, not a number JSON cannot carry.
    assert.deepEqual([loss.cells[1]!.value, loss.cells[1]!.display], [null, 'NaN']);
    assert.equal(rowOf(c, 'metrics.GPUUtilization'), undefined);
  });

  it('overlays one line per run and metric, in milliseconds since each run started training', () => {
    const loss = c.curves.find((k) => k.metric === 'loss')!;
    assert.deepEqual(
      loss.lines.map((l) => [l.run, l.job, l.host, l.points]),
      [
        [
          0,
          'lr-small',
          'algo-1',
          [
            [60_000, 1.9],
            [120_000, 1.2],
          ],
        ],
        [
          1,
          'lr-large',
          'algo-1',
          [
            [30_000, 2.1],
            [90_000, NaN],
          ],
        ],
      ],
    );
    const evalLoss = c.curves.find((k) => k.metric === 'eval_loss')!;
    assert.deepEqual(
      evalLoss.lines.map((l) => [l.source, l.from]),
      [
        ['log', 'the log, algo-1'],
        ['log', 'the log, algo-1'],
      ],
    );
    assert.deepEqual(
      c.curves.map((k) => k.metric),
      ['loss', 'eval_loss'],
    );
    const json = runComparisonJson(c) as { curves: Array<{ lines: Array<{ points: unknown[] }> }> };
    assert.deepEqual(JSON.parse(JSON.stringify(json)).curves[0].lines[1].points, [
      [30_000, 2.1],
      [90_000, null],
    ]);
  });

  it('uses the CloudWatch series when the log has none, and leaves out rows no run has', () => {
    const d = cloud('cw-only', {}, { BillableTimeInSeconds: undefined });
    const e = cloud('cw-other', {}, { BillableTimeInSeconds: undefined });
    const cw: MetricSeries = { name: 'eval_rouge1', host: null, source: 'sagemaker', unit: 'None', points: [[T0 + 60_000, 41.2]] };
    const r = compareRuns(
      [
        { origin: 'cloud', description: d, series: [cw] },
        { origin: 'cloud', description: e, series: [], costProblem: 'AWS denied pricing:GetProducts' },
      ],
      NOW,
    );
    assert.deepEqual(rowOf(r, 'metrics.eval_rouge1')?.cells[0], { value: 41.2, display: '41.2', source: 'CloudWatch (metric_definitions) (last of 1 value)' });
    assert.equal(rowOf(r, 'job.billableTime'), undefined);
    assert.deepEqual(rowOf(r, 'job.cost')?.cells[1], { value: null, display: 'not priced', source: 'AWS denied pricing:GetProducts' });
    assert.deepEqual(r.notes, ['No training curve was found in the log of cw-other.']);
  });

  it('compares a local job with a cloud one: job.json as the source, $0, and says local log times are read times', () => {
    const local: TrainingJobDescription = {
      TrainingJobName: 'quickstart-local',
      TrainingJobStatus: 'Completed',
      CreationTime: new Date(T0),
      TrainingStartTime: new Date(T0 + 1000),
      TrainingEndTime: new Date(T0 + 11_000),
      TrainingTimeInSeconds: 10,
      HyperParameters: { learning_rate: '0.5' },
      AlgorithmSpecification: { TrainingImage: 'local (python3)', TrainingInputMode: 'File' },
      ResourceConfig: { InstanceType: 'ml.p3.2xlarge', InstanceCount: 2, VolumeSizeInGB: 0 },
    };
    const r = compareRuns([{ origin: 'local', description: local, cost: localJobCost('quickstart-local'), series: [logSeries('loss', 'algo-1', [[2, 0.9]])] }, inputs[0]!], NOW);
    assert.equal(r.runs[0]!.describedBy, 'job.json (local job folder)');
    assert.equal(rowOf(r, 'job.image')?.cells[0]!.source, 'job.json (local job folder)');
    assert.deepEqual(rowOf(r, 'job.cost')?.cells[0]!.value, 0);
    assert.match(rowOf(r, 'job.cost')?.cells[0]!.source ?? '', /local: runs on this machine/);
    // Managed spot is a SageMaker setting: a local run has no value, not "no".
    assert.equal(rowOf(r, 'job.spot')?.cells[0]!.value, null);
    assert.deepEqual(r.curves[0]!.lines[0]!.points, [[1000, 0.9]]);
    assert.match(r.notes[0]!, /quickstart-local were timed when read/);
  });
});
