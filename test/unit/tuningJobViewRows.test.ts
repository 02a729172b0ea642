/**
 * The tuning job view (core/jobs/tuningJobView.ts), pinned where tuningJobs.test.ts only samples it: every
 * field of a tuning job's and a trial's view (and none left as `undefined`), a list row's own ResourceLimits
 * and counters (failed = both error counters, stopped early only while early stopping is on and the user has
 * not stopped the tuning job), a Stopping tuning job and a trial that ended the moment the last one was
 * created, BestTrainingJob when it is not among the trials, ties (by name), a value that is not a number, the
 * one-line descriptions and the end notification word for word, a trial's name with a suffix, and a
 * tuning.json that is null, has bad trials, bad or null times, or no Local. Plain node, no I/O, nothing mocked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  trialDescriptionLine,
  tuningDescriptionLine,
  tuningEndSummary,
  tuningJobFromRecord,
  tuningJobOfTrial,
  tuningJobView,
  withoutTunerAdditions,
} from '../../src/core/jobs/tuningJobView';
import type { TuningJobDescriptionLike, TuningTrialSummary } from '../../src/core/jobs/tuningJobView';

const t = (s: number) => new Date(Date.UTC(2026, 11, 7, 8, 0, s));
const TUNED = { learning_rate: '3e-05', optim: '"adamw_torch"' };
const TUNED_SHOWN = [
  { name: 'learning_rate', value: '3e-05' },
  { name: 'optim', value: 'adamw_torch' },
];
const trial = (name: string, status: string, value?: number, extra: Partial<TuningTrialSummary> = {}): TuningTrialSummary => ({
  TrainingJobName: name,
  TrainingJobStatus: status,
  CreationTime: t(0),
  TunedHyperParameters: TUNED,
  ...(value !== undefined ? { FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'eval_loss', Value: value } } : {}),
  ...extra,
});
const description = (extra: Partial<TuningJobDescriptionLike> = {}, early = 'Auto'): TuningJobDescriptionLike => ({
  HyperParameterTuningJobName: 'tune',
  HyperParameterTuningJobStatus: 'InProgress',
  HyperParameterTuningJobConfig: {
    HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'eval_loss' },
    TrainingJobEarlyStoppingType: early,
  },
  ...extra,
});
const names = (xs: ReadonlyArray<{ name: string }>) => xs.map((x) => x.name);

describe("a tuning job's view, field by field", () => {
  it("shows every field of the description, a list row's own ResourceLimits, and leaves out what is missing", () => {
    const view = tuningJobView({
      HyperParameterTuningJobName: 'tune',
      HyperParameterTuningJobArn: 'arn:aws:sagemaker:us-east-1:1:hyper-parameter-tuning-job/tune',
      HyperParameterTuningJobStatus: 'Failed',
      Strategy: 'Bayesian',
      CreationTime: t(0),
      HyperParameterTuningEndTime: t(50),
      ResourceLimits: { MaxNumberOfTrainingJobs: 8, MaxParallelTrainingJobs: 2 },
      TrainingJobStatusCounters: { Completed: 1, NonRetryableError: 1, RetryableError: 2 },
      FailureReason: 'All training jobs failed.',
    });
    assert.deepEqual(view, {
      name: 'tune',
      arn: 'arn:aws:sagemaker:us-east-1:1:hyper-parameter-tuning-job/tune',
      status: 'Failed',
      strategy: 'Bayesian',
      inFlight: false,
      terminal: true,
      createdAt: t(0),
      endedAt: t(50),
      earlyStopping: false,
      maxJobs: 8,
      maxParallelJobs: 2,
      counts: { completed: 1, running: 0, failed: 3, stopped: 0, earlyStopped: 0 },
      countsText: '1 completed, 3 failed',
      trials: [],
      failureReason: 'All training jobs failed.',
    });
    // Nothing but a name: no key set to undefined.
    assert.deepEqual(tuningJobView({ HyperParameterTuningJobName: 'bare' }), {
      name: 'bare',
      status: 'Unknown',
      inFlight: false,
      terminal: false,
      earlyStopping: false,
      counts: { completed: 0, running: 0, failed: 0, stopped: 0, earlyStopped: 0 },
      countsText: 'no trials yet',
      trials: [],
    });
    assert.equal(tuningJobView({}).name, '');
  });

  it("shows every field of a trial, and a trial with nothing but its place in the list as 'Unknown', never best", () => {
    const full = trial('tune-001-aaaaaaaa', 'Failed', 1.7, {
      TrainingJobArn: 'arn:aws:sagemaker:us-east-1:1:training-job/tune-001-aaaaaaaa',
      ObjectiveStatus: 'Failed',
      TrainingEndTime: t(30),
      FailureReason: 'AlgorithmError: boom',
    });
    const view = tuningJobView(description(), [full, {}]);
    assert.deepEqual(view.trials, [
      {
        name: 'tune-001-aaaaaaaa',
        arn: 'arn:aws:sagemaker:us-east-1:1:training-job/tune-001-aaaaaaaa',
        status: 'Failed',
        objective: 1.7,
        objectiveStatus: 'Failed',
        tuned: TUNED_SHOWN,
        tunedHyperParameters: TUNED,
        best: false,
        earlyStopped: false,
        createdAt: t(0),
        endedAt: t(30),
        failureReason: 'AlgorithmError: boom',
        inFlight: false,
      },
      { name: '', status: 'Unknown', tuned: [], tunedHyperParameters: {}, best: false, earlyStopped: false, inFlight: false },
    ]);
    assert.equal(view.best, undefined);
    // A trial of unknown status is not counted as stopped.
    assert.equal(view.countsText, '1 failed');
    assert.equal(trialDescriptionLine(view.trials[1]!, 'eval_loss'), 'Unknown');
  });

  it('shows a tuned value that is not JSON as it is, a JSON string bare, anything else as written', () => {
    const view = tuningJobView(description(), [
      trial('tune-001-aaaaaaaa', 'Completed', 1.5, { TunedHyperParameters: { lr_scheduler_type: 'linear', optim: '"adamw_torch"', layers: '["a"]', seed: '5' } }),
    ]);
    assert.deepEqual(view.trials[0]!.tuned, [
      { name: 'lr_scheduler_type', value: 'linear' },
      { name: 'optim', value: 'adamw_torch' },
      { name: 'layers', value: '["a"]' },
      { name: 'seed', value: '5' },
    ]);
  });
});

describe('counts and stopped early', () => {
  it('a list row: failed counts both error counters, Stopped means stopped early only with early stopping on and the tuning job not stopped by the user', () => {
    const counters = { TrainingJobStatusCounters: { Completed: 3, NonRetryableError: 1, RetryableError: 2, Stopped: 2 } };
    assert.equal(tuningJobView(description(counters)).countsText, '3 completed, 3 failed, 2 stopped early');
    assert.equal(tuningJobView(description(counters, 'Off')).countsText, '3 completed, 3 failed, 2 stopped');
    assert.equal(tuningJobView(description({ ...counters, HyperParameterTuningJobStatus: 'Stopped' })).countsText, '3 completed, 3 failed, 2 stopped');
    assert.equal(tuningJobView(description({ TrainingJobStatusCounters: { RetryableError: 2 } })).countsText, '2 failed');
  });

  it('while the tuning job is Stopping, a trial stopped when or after the last trial was created was stopped by the user', () => {
    const view = tuningJobView(description({ HyperParameterTuningJobStatus: 'Stopping' }), [
      trial('tune-001-aaaaaaaa', 'Stopped', undefined, { CreationTime: t(0), TrainingEndTime: t(5) }),
      trial('tune-002-bbbbbbbb', 'Stopped', undefined, { CreationTime: t(0), TrainingEndTime: t(10) }),
      trial('tune-003-cccccccc', 'Stopped', undefined, { CreationTime: t(0), TrainingEndTime: t(20) }),
      // No end time yet: not known to be stopped early.
      trial('tune-004-dddddddd', 'Stopped', undefined, { CreationTime: t(0) }),
      // No creation time: the last trial created is still tune-005's.
      trial('tune-005-eeeeeeee', 'Stopping', undefined, { CreationTime: t(10) }),
      trial('tune-006-ffffffff', 'Completed', 1.5, { CreationTime: undefined }),
    ]);
    assert.deepEqual(
      view.trials.map((x) => [x.name.slice(5, 8), x.earlyStopped]),
      [
        ['006', false],
        ['005', false],
        ['001', true],
        ['002', false],
        ['003', false],
        ['004', false],
      ],
    );
    assert.equal(view.countsText, '1 completed, 1 running, 1 stopped early, 3 stopped');
  });
});

describe('best trial and order', () => {
  it('shows BestTrainingJob when it is not among the trials (a list row) as best, with its own fields', () => {
    const best = trial('tune-007-0000000a', 'Completed', 1.49, {
      TrainingJobArn: 'arn:aws:sagemaker:us-east-1:1:training-job/tune-007-0000000a',
      ObjectiveStatus: 'Succeeded',
    });
    const view = tuningJobView(description({ BestTrainingJob: best, HyperParameterTuningJobStatus: 'Completed', TrainingJobStatusCounters: { Completed: 4 } }));
    assert.deepEqual(view.best, {
      name: 'tune-007-0000000a',
      arn: 'arn:aws:sagemaker:us-east-1:1:training-job/tune-007-0000000a',
      status: 'Completed',
      objective: 1.49,
      objectiveStatus: 'Succeeded',
      tuned: TUNED_SHOWN,
      tunedHyperParameters: TUNED,
      best: true,
      earlyStopped: false,
      inFlight: false,
    });
    assert.equal(trialDescriptionLine(view.best!, 'eval_loss'), '★ best · eval_loss 1.49 · learning_rate=3e-05, optim=adamw_torch');
    assert.equal(tuningDescriptionLine(view, new Date(t(0).getTime())), 'Completed · 4 completed · best eval_loss 1.49');

    // Without a status or an objective value.
    const bare = tuningJobView(description({ BestTrainingJob: { TrainingJobName: 'tune-007-0000000a' }, HyperParameterTuningJobStatus: 'Completed' }));
    assert.deepEqual(bare.best, { name: 'tune-007-0000000a', status: 'Unknown', tuned: [], tunedHyperParameters: {}, best: true, earlyStopped: false, inFlight: false });
    assert.equal(tuningEndSummary(bare).message, 'Hyperparameter tuning job tune completed: no trials yet. Best trial tune-007-0000000a.');
    assert.equal(tuningDescriptionLine(bare, t(0)), 'Completed · no trials yet');
  });

  it('breaks ties by name: the best trial and the order of trials with the same value', () => {
    // Neither in order nor in reverse order: a comparator that ignores one side's name keeps or reverses it.
    const tied = [trial('tune-003-cccccccc', 'Completed', 1.5), trial('tune-001-aaaaaaaa', 'Completed', 1.5), trial('tune-002-bbbbbbbb', 'Completed', 1.5)];
    const view = tuningJobView(description(), tied);
    assert.equal(view.best?.name, 'tune-001-aaaaaaaa');
    assert.deepEqual(names(view.trials), ['tune-001-aaaaaaaa', 'tune-002-bbbbbbbb', 'tune-003-cccccccc']);
  });

  it('ranks a value that is not a finite number (NaN) with the trials without a value, by name', () => {
    const view = tuningJobView(description(), [trial('tune-003-cccccccc', 'Completed', NaN), trial('tune-002-bbbbbbbb', 'Failed'), trial('tune-001-aaaaaaaa', 'Completed', 1.5)]);
    assert.deepEqual(names(view.trials), ['tune-001-aaaaaaaa', 'tune-002-bbbbbbbb', 'tune-003-cccccccc']);
  });
  it('never names a trial whose value is NaN or infinite the best, whatever its name', () => {
    const view = tuningJobView(description({ HyperParameterTuningJobStatus: 'Completed' }), [
      trial('tune-001-aaaaaaaa', 'Completed', NaN),
      trial('tune-002-bbbbbbbb', 'Completed', -Infinity),
      trial('tune-003-cccccccc', 'Completed', 1.5),
    ]);
    assert.equal(view.best?.name, 'tune-003-cccccccc');
    assert.deepEqual(
      view.trials.filter((x) => x.best).map((x) => x.name),
      ['tune-003-cccccccc'],
    );
    assert.equal(tuningDescriptionLine(view, t(0)), 'Completed · 3 completed · best eval_loss 1.5');
    assert.equal(tuningEndSummary(view).message, 'Hyperparameter tuning job tune completed: 3 completed. Best trial tune-003-cccccccc (eval_loss = 1.5).');
  });
});

describe('one-line descriptions and the end notification', () => {
  it('describes a list row with neither objective, best nor creation time by its status and counts', () => {
    assert.equal(tuningDescriptionLine(tuningJobView({ HyperParameterTuningJobName: 'tune', HyperParameterTuningJobStatus: 'InProgress' }), t(0)), 'InProgress · no trials yet');
  });

  it('shows the status of a trial that has a value unless it Completed; a Completed trial without a value says Completed', () => {
    const view = tuningJobView(description({}, 'Off'), [
      trial('tune-001-aaaaaaaa', 'Stopped', 1.61),
      trial('tune-002-bbbbbbbb', 'Completed', undefined, { TunedHyperParameters: {} }),
      trial('tune-003-cccccccc', 'Completed', 1.4),
    ]);
    const line = (name: string) =>
      trialDescriptionLine(
        view.trials.find((x) => x.name === name)!,
        'eval_loss',
      );
    assert.equal(line('tune-001-aaaaaaaa'), 'eval_loss 1.61 · Stopped · learning_rate=3e-05, optim=adamw_torch');
    assert.equal(line('tune-002-bbbbbbbb'), 'Completed');
    assert.equal(line('tune-003-cccccccc'), '★ best · eval_loss 1.4 · learning_rate=3e-05, optim=adamw_torch');
  });

  it('names the best trial without a value when the tuning job has no objective, and says nothing of an objective it lacks', () => {
    const noObjective = { HyperParameterTuningJobName: 'tune', HyperParameterTuningJobStatus: 'Completed' };
    assert.equal(
      tuningEndSummary(tuningJobView(noObjective, [trial('tune-001-aaaaaaaa', 'Completed', 1.5)])).message,
      'Hyperparameter tuning job tune completed: 1 completed. Best trial tune-001-aaaaaaaa.',
    );
    assert.equal(
      tuningEndSummary(tuningJobView({ ...noObjective, HyperParameterTuningJobStatus: 'Failed' }, [trial('tune-001-aaaaaaaa', 'Failed')])).message,
      'Hyperparameter tuning job tune failed: 1 failed.',
    );
  });
});

describe('trial names, tuner additions and tuning.json', () => {
  it('does not take a job named after a trial with a suffix for that trial', () => {
    const listed = new Set(['my-sweep']);
    assert.equal(tuningJobOfTrial('my-sweep-012-0a1b2c3d', listed), 'my-sweep');
    assert.equal(tuningJobOfTrial('my-sweep-012-0a1b2c3d-clone', listed), undefined);
    assert.equal(tuningJobOfTrial('my-sweep-012-0a1b2c3d4', listed), undefined);
  });

  it('takes the tuning job ARN out of a training job without hyperparameters', () => {
    assert.deepEqual(withoutTunerAdditions({ TrainingJobName: 'x', TuningJobArn: 'arn:aws:sagemaker:us-east-1:1:hyper-parameter-tuning-job/tune' }), { TrainingJobName: 'x' });
  });

  it('reads null as no record, keeps only the trials that are objects, drops times that are not times', () => {
    assert.equal(tuningJobFromRecord(null), undefined);
    assert.equal(tuningJobFromRecord('tune'), undefined);
    const parsed = tuningJobFromRecord({
      HyperParameterTuningJobName: 'tune',
      HyperParameterTuningJobStatus: 'Completed',
      CreationTime: 'not a time',
      HyperParameterTuningEndTime: null,
      Trials: [null, 'tune-009-99999999', 5, { TrainingJobName: 'tune-001-aaaaaaaa', TrainingJobStatus: 'Completed', TrainingEndTime: '2026-12-07T08:00:30.000Z' }],
      Local: { jobFile: 7 },
    });
    assert.deepEqual(parsed, {
      description: { HyperParameterTuningJobName: 'tune', HyperParameterTuningJobStatus: 'Completed', HyperParameterTuningEndTime: null },
      trials: [{ TrainingJobName: 'tune-001-aaaaaaaa', TrainingJobStatus: 'Completed', TrainingEndTime: t(30) }],
    });
  });

  it("turns BestTrainingJob's times into Dates, adds no BestTrainingJob, and reads a record without Local", () => {
    const withBest = tuningJobFromRecord({
      HyperParameterTuningJobName: 'tune',
      BestTrainingJob: { TrainingJobName: 'tune-001-aaaaaaaa', CreationTime: '2026-12-07T08:00:00.000Z', TrainingEndTime: '2026-12-07T08:00:30.000Z' },
    });
    assert.deepEqual(withBest, {
      description: { HyperParameterTuningJobName: 'tune', BestTrainingJob: { TrainingJobName: 'tune-001-aaaaaaaa', CreationTime: t(0), TrainingEndTime: t(30) } },
      trials: [],
    });
    assert.deepEqual(tuningJobFromRecord({ HyperParameterTuningJobName: 'tune', Trials: 'none' }), { description: { HyperParameterTuningJobName: 'tune' }, trials: [] });
  });
});
