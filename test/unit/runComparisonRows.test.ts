/**
 * Compare Runs' runs, job rows and notes (core/jobs/runComparison.ts), pinned where runComparison.test.ts
 * only samples them: each run's name, status, problems and the time its curves count from when the job
 * names no start; the job rows' keys and labels; the instance type of a heterogeneous cluster, of an
 * instance chosen from InstancePreferences and of a job without ResourceConfig; the training time of a job
 * still running and of one without TrainingTimeInSeconds; "—" for a missing value, and two missing values
 * shown differently differing; the notes a user reads, word for word. Plain node, no I/O, nothing mocked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareRuns } from '../../src/core/jobs/runComparison';
import type { RunInput } from '../../src/core/jobs/runComparison';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import type { MetricSeries } from '../../src/core/metrics/metricSeries';
import { completedRun as cloud, IMAGE, logSeries, NOW, T0 } from './runFixtures';

function run(description: TrainingJobDescription, series: MetricSeries[] = [], origin: RunInput['origin'] = 'cloud'): RunInput {
  return { origin, description, series };
}

const rowOf = (c: ReturnType<typeof compareRuns>, key: string) => c.rows.find((r) => r.key === key);
const cellsOf = (c: ReturnType<typeof compareRuns>, key: string) => rowOf(c, key)?.cells.map((x) => [x.value, x.display, x.source]);

describe('compareRuns: the runs', () => {
  it('names a run without name or status "" and "Unknown", and passes on what could not be read', () => {
    const c = compareRuns(
      [run({}, [], 'local'), { ...run(cloud('with-problems')), problems: ['CloudWatch: AccessDeniedException: not authorized to perform logs:GetLogEvents'] }],
      NOW,
    );
    assert.deepEqual(c.runs, [
      { name: '', origin: 'local', status: 'Unknown', describedBy: 'job.json (local job folder)', curvesFrom: null, problems: [] },
      {
        name: 'with-problems',
        origin: 'cloud',
        status: 'Completed',
        describedBy: 'DescribeTrainingJob',
        curvesFrom: T0,
        problems: ['CloudWatch: AccessDeniedException: not authorized to perform logs:GetLogEvents'],
      },
    ]);
  });

  it('counts the curves of a run that names no start from its earliest first point of a curve series', () => {
    const d: TrainingJobDescription = { TrainingJobName: 'no-times', TrainingJobStatus: 'Completed' };
    const c = compareRuns(
      [
        run(d, [
          { name: 'GPUUtilization', host: 'algo-1', source: 'system', unit: 'Percent', points: [[T0, 90]] },
          logSeries('loss', 'algo-1', [
            [5, 1.5],
            [9, 1.1],
          ]),
          { name: 'eval_loss', host: null, source: 'sagemaker', unit: 'None', points: [[T0 + 3000, 1.3]] },
          logSeries('learning_rate', 'algo-1', [[7, 5e-5]]),
        ]),
      ],
      NOW,
    );
    // The instance metrics' point at T0 is not a curve's: the earliest curve point is eval_loss's, 3 s after T0.
    assert.equal(c.runs[0]!.curvesFrom, T0 + 3000);
    assert.deepEqual(c.curves[0]!.lines[0]!.points, [
      [2000, 1.5],
      [6000, 1.1],
    ]);
  });
});

describe('compareRuns: the job rows', () => {
  it('keys and labels every job row, billable time included', () => {
    const c = compareRuns([run(cloud('a')), run(cloud('b', { EnableManagedSpotTraining: true }))], NOW);
    assert.deepEqual(
      c.rows.filter((r) => r.section === 'job').map((r) => [r.key, r.label]),
      [
        ['job.status', 'Status'],
        ['job.image', 'Image'],
        ['job.instanceType', 'Instance type'],
        ['job.instanceCount', 'Instance count'],
        ['job.duration', 'Training time'],
        ['job.billableTime', 'Billable time'],
        ['job.spot', 'Managed spot'],
      ],
      'the cost row is left out: neither run was priced, nor says why',
    );
    assert.deepEqual(cellsOf(c, 'job.billableTime'), [
      [600, '10 min', 'BillableTimeInSeconds (DescribeTrainingJob)'],
      [600, '10 min', 'BillableTimeInSeconds (DescribeTrainingJob)'],
    ]);
    assert.deepEqual(cellsOf(c, 'job.instanceType'), [
      ['ml.g5.xlarge', 'ml.g5.xlarge', 'DescribeTrainingJob'],
      ['ml.g5.xlarge', 'ml.g5.xlarge', 'DescribeTrainingJob'],
    ]);
  });

  it('shows "—" where a job has no value: a description without image or ResourceConfig', () => {
    const bare: TrainingJobDescription = { TrainingJobName: 'bare', TrainingJobStatus: 'Completed' };
    const c = compareRuns([run(bare), run(cloud('full'))], NOW);
    assert.deepEqual(cellsOf(c, 'job.image'), [
      [null, '—', null],
      [IMAGE, IMAGE, 'DescribeTrainingJob'],
    ]);
    assert.deepEqual(cellsOf(c, 'job.instanceType'), [
      [null, '—', null],
      ['ml.g5.xlarge', 'ml.g5.xlarge', 'DescribeTrainingJob'],
    ]);
    assert.deepEqual(cellsOf(c, 'job.instanceCount'), [
      [null, '—', null],
      [1, '1', 'DescribeTrainingJob'],
    ]);
  });

  it('shows a heterogeneous cluster as each group\'s type × count, "?" for a group without a type', () => {
    const groups = (g: Array<{ InstanceType?: string; InstanceCount?: number }>): TrainingJobDescription =>
      cloud('hetero', { ResourceConfig: { VolumeSizeInGB: 30, InstanceGroups: g.map((x, i) => ({ ...x, InstanceGroupName: `group-${i}` })) } });
    const c = compareRuns(
      [
        run(
          groups([
            { InstanceType: 'ml.g5.xlarge', InstanceCount: 2 },
            { InstanceType: 'ml.p4d.24xlarge', InstanceCount: 1 },
          ]),
        ),
        run(groups([{ InstanceCount: 1 }, { InstanceType: 'ml.g5.xlarge', InstanceCount: 3 }])),
      ],
      NOW,
    );
    assert.deepEqual(cellsOf(c, 'job.instanceType'), [
      ['ml.g5.xlarge × 2 + ml.p4d.24xlarge × 1', 'ml.g5.xlarge × 2 + ml.p4d.24xlarge × 1', 'DescribeTrainingJob'],
      ['? × 1 + ml.g5.xlarge × 3', '? × 1 + ml.g5.xlarge × 3', 'DescribeTrainingJob'],
    ]);
    assert.deepEqual(
      rowOf(c, 'job.instanceCount')?.cells.map((x) => x.value),
      [3, 4],
    );
  });

  it('shows the instance SageMaker chose from InstancePreferences, and says so', () => {
    const d = cloud('preferred', {
      ResourceConfig: {
        VolumeSizeInGB: 30,
        InstancePreferences: [
          { InstanceType: 'ml.g5.xlarge', InstanceCount: 2 },
          { InstanceType: 'ml.g6.xlarge', InstanceCount: 2 },
        ],
        SelectedInstanceType: 'ml.g6.xlarge',
        SelectedInstanceCount: 2,
      },
    });
    const c = compareRuns([run(d)], NOW);
    assert.deepEqual(cellsOf(c, 'job.instanceType'), [['ml.g6.xlarge', 'ml.g6.xlarge', 'DescribeTrainingJob: SelectedInstanceType, chosen from InstancePreferences']]);
    assert.deepEqual(cellsOf(c, 'job.instanceCount'), [[2, '2', 'DescribeTrainingJob']]);
  });

  it('times a running job from TrainingStartTime to now, and an ended one without TrainingTimeInSeconds from start to end', () => {
    const running = cloud('running', {
      TrainingJobStatus: 'InProgress',
      TrainingEndTime: undefined,
      TrainingTimeInSeconds: undefined,
      BillableTimeInSeconds: undefined,
    });
    const ended = cloud('ended', {
      TrainingEndTime: new Date(T0 + 90_600),
      TrainingTimeInSeconds: undefined,
      BillableTimeInSeconds: undefined,
    });
    const starting = cloud('starting', {
      TrainingJobStatus: 'InProgress',
      TrainingStartTime: undefined,
      TrainingEndTime: undefined,
      TrainingTimeInSeconds: undefined,
      BillableTimeInSeconds: undefined,
    });
    // 125.6 s after its start: whole seconds so far (125 s); the ended job's 90.6 s round to 91 s.
    const c = compareRuns([run(running, [], 'local'), run(ended), run(starting)], new Date(T0 + 125_600));
    assert.deepEqual(cellsOf(c, 'job.duration'), [
      [125, '2 min 5 s so far', 'TrainingStartTime to now (job.json (local job folder))'],
      [91, '1 min 31 s', 'TrainingStartTime to TrainingEndTime (DescribeTrainingJob)'],
      [null, '—', null],
    ]);
    assert.equal(rowOf(c, 'job.billableTime'), undefined, 'no run has a billable time');
  });

  it('marks two missing values that show differently as differing: a NaN last loss against no loss', () => {
    const c = compareRuns(
      [
        run(cloud('nan-loss'), [
          logSeries('loss', 'algo-1', [
            [60, 2.3],
            [120, NaN],
          ]),
        ]),
        run(cloud('no-loss')),
      ],
      NOW,
    );
    const loss = rowOf(c, 'metrics.loss')!;
    assert.deepEqual(
      loss.cells.map((x) => [x.value, x.display]),
      [
        [null, 'NaN'],
        [null, '—'],
      ],
    );
    assert.equal(loss.differs, true);
    assert.ok(c.differences.includes('metrics.loss'));
  });
});

describe('compareRuns: the notes', () => {
  const withLoss = (name: string) => run(cloud(name), [logSeries('loss', 'algo-1', [[60, 1.9]])]);

  it('names every local run whose log times are read times', () => {
    const local = (name: string) => run(cloud(name), [logSeries('loss', 'algo-1', [[2, 0.9]])], 'local');
    const c = compareRuns([local('local-a'), local('local-b')], NOW);
    assert.deepEqual(c.notes, [
      "The lines of a local job's log carry no time of their own: the points of local-a, local-b were timed when read, and a log read after the job ended is spread evenly over its training time.",
    ]);
  });

  it('names the runs without any training curve, not those with some of the metrics', () => {
    const both = run(cloud('both'), [logSeries('loss', 'algo-1', [[60, 1.9]]), logSeries('eval_loss', 'algo-1', [[120, 1.5]])]);
    const c = compareRuns([both, withLoss('loss-only'), run(cloud('none-1')), run(cloud('none-2'))], NOW);
    assert.deepEqual(c.notes, ['No training curve was found in the log of none-1, none-2.']);
    assert.deepEqual(compareRuns([both, withLoss('loss-only')], NOW).notes, []);
  });

  it('says nothing about curves when no run has any', () => {
    assert.deepEqual(compareRuns([run(cloud('none-1')), run(cloud('none-2'))], NOW).notes, []);
  });
});
