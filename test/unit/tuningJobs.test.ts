// Hyperparameter tuning jobs for the tree and the CLI: the view model (trials by objective, counts, best,
// stopped early), and launch / trials / best / stop / Clone Best Trial through the real SDK against moto with
// our lifecycle plugin (test/emulators/moto/sagemakerLifecycle.py), which launches the trials as training jobs.
//
// The CreateHyperParameterTuningJob request is built by hand here from the SDK's own seed training request
// (test/fixtures/requests/seed-bart-samsum.sdk.json), as HyperparameterTuner.fit() lays one out: the request
// builder for tuning jobs is another branch's work (h/tuneplan) and is not merged in this one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateHyperParameterTuningJobCommand, ListTrainingJobsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CreateHyperParameterTuningJobCommandInput, HyperParameterTrainingJobSummary } from '@aws-sdk/client-sagemaker';
import { describeTrainingJob } from '../../src/aws/trainingJobs';
import type { SageMakerClients } from '../../src/aws/trainingJobs';
import { describeTuningJob, describeTuningJobWithTrials, listTuningJobs, listTuningTrials, stopTuningJob } from '../../src/aws/tuningJobs';
import type { CliIo } from '../../src/cli/cliError';
import { jobsCommand } from '../../src/cli/jobsCommand';
import { stopCommand } from '../../src/cli/stopCommand';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { bestTrialJobFile } from '../../src/core/jobs/bestTrialJobFile';
import {
  countsText,
  trialDescriptionLine,
  tuningDescriptionLine,
  tuningEndSummary,
  tuningJobFromRecord,
  tuningJobOfTrial,
  tuningJobView,
  withoutTunerAdditions,
} from '../../src/core/jobs/tuningJobView';
import type { TuningJobDescriptionLike, TuningTrialSummary } from '../../src/core/jobs/tuningJobView';
import { buildTrainingJobPlan } from '../../src/core/training/createTrainingJobRequest';
import type { CreateTrainingJobRequest } from '../../src/core/training/createTrainingJobRequest';
import { encodeJobFileValues } from '../../src/core/training/pythonJson';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const t = (s: number) => new Date(Date.UTC(2026, 11, 7, 8, 0, s));
const trial = (name: string, status: string, value?: number, extra: Partial<TuningTrialSummary> = {}): TuningTrialSummary => ({
  TrainingJobName: name,
  TrainingJobStatus: status,
  CreationTime: t(0),
  TunedHyperParameters: { learning_rate: '3e-05', optim: '"adamw_torch"' },
  ...(value !== undefined ? { FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'eval_loss', Value: value }, ObjectiveStatus: 'Succeeded' } : {}),
  ...extra,
});
const description = (type: 'Minimize' | 'Maximize', extra: Partial<TuningJobDescriptionLike> = {}): TuningJobDescriptionLike => ({
  HyperParameterTuningJobName: 'tune',
  HyperParameterTuningJobStatus: 'InProgress',
  CreationTime: t(0),
  HyperParameterTuningJobConfig: {
    Strategy: 'Random',
    HyperParameterTuningJobObjective: { Type: type, MetricName: 'eval_loss' },
    ResourceLimits: { MaxNumberOfTrainingJobs: 8, MaxParallelTrainingJobs: 2 },
    TrainingJobEarlyStoppingType: 'Auto',
  },
  ...extra,
});

describe('the tuning job view', () => {
  const trials = [
    trial('tune-001-aaaaaaaa', 'Completed', 1.52),
    trial('tune-002-bbbbbbbb', 'InProgress'),
    trial('tune-003-cccccccc', 'Completed', 1.49),
    trial('tune-004-dddddddd', 'Failed', undefined, { FailureReason: 'AlgorithmError: boom', ObjectiveStatus: 'Failed' }),
    trial('tune-005-eeeeeeee', 'Stopped', 1.61, { TrainingEndTime: t(30) }),
    trial('tune-006-ffffffff', 'Completed', 1.55),
  ];

  it('orders the trials by objective (Minimize: lowest first), those without a value last, running before ended', () => {
    const view = tuningJobView(description('Minimize'), trials);
    assert.deepEqual(
      view.trials.map((x) => x.name.slice(5, 8)),
      ['003', '001', '006', '005', '002', '004'],
    );
    const max = tuningJobView(description('Maximize'), trials);
    assert.deepEqual(
      max.trials.map((x) => x.name.slice(5, 8)),
      ['005', '006', '001', '003', '002', '004'],
    );
  });

  it('picks the best Completed trial (a stopped trial never), or BestTrainingJob when SageMaker names it', () => {
    assert.equal(tuningJobView(description('Minimize'), trials).best?.name, 'tune-003-cccccccc');
    // Maximize: the stopped 1.61 is higher but stopped early; the best is the best completed.
    assert.equal(tuningJobView(description('Maximize'), trials).best?.name, 'tune-006-ffffffff');
    const named = tuningJobView(description('Minimize', { BestTrainingJob: trial('tune-001-aaaaaaaa', 'Completed', 1.52) }), trials);
    assert.equal(named.best?.name, 'tune-001-aaaaaaaa');
    assert.deepEqual(
      named.trials.filter((x) => x.best).map((x) => x.name),
      ['tune-001-aaaaaaaa'],
    );
  });

  it('counts the trials in words and marks the early-stopped ones', () => {
    const view = tuningJobView(description('Minimize'), trials);
    assert.equal(view.countsText, '3 completed, 1 running, 1 failed, 1 stopped early');
    assert.equal(view.trials.find((x) => x.name === 'tune-005-eeeeeeee')?.earlyStopped, true);
    assert.equal(countsText({ completed: 12, running: 2, failed: 1, stopped: 0, earlyStopped: 0 }), '12 completed, 2 running, 1 failed');
    assert.equal(countsText({ completed: 0, running: 0, failed: 0, stopped: 0, earlyStopped: 0 }), 'no trials yet');
    // Without early stopping a Stopped trial was stopped by someone: not "stopped early".
    const off = tuningJobView(
      description('Minimize', { HyperParameterTuningJobConfig: { HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'eval_loss' } } }),
      trials,
    );
    assert.equal(off.countsText, '3 completed, 1 running, 1 failed, 1 stopped');
    assert.equal(
      off.trials.some((x) => x.earlyStopped),
      false,
    );
  });

  it('after the user stopped the tuning job, only trials that ended before the last trial started were stopped early', () => {
    const stopped = tuningJobView(description('Minimize', { HyperParameterTuningJobStatus: 'Stopped' }), [
      trial('tune-001-aaaaaaaa', 'Stopped', 1.7, { CreationTime: t(0), TrainingEndTime: t(10) }),
      trial('tune-002-bbbbbbbb', 'Completed', 1.5, { CreationTime: t(0), TrainingEndTime: t(12) }),
      trial('tune-003-cccccccc', 'Stopped', undefined, { CreationTime: t(12), TrainingEndTime: t(20) }),
    ]);
    assert.deepEqual(
      stopped.trials.map((x) => [x.name.slice(5, 8), x.earlyStopped]),
      [
        ['002', false],
        ['001', true],
        ['003', false],
      ],
    );
    assert.equal(stopped.countsText, '1 completed, 1 stopped early, 1 stopped');
  });

  it('reads a list row (counters, no trials) and describes rows and trials in one line', () => {
    const row = tuningJobView({
      HyperParameterTuningJobName: 'tune',
      HyperParameterTuningJobStatus: 'Completed',
      Strategy: 'Bayesian',
      CreationTime: t(0),
      TrainingJobStatusCounters: { Completed: 12, InProgress: 2, NonRetryableError: 1, RetryableError: 0, Stopped: 0 },
    });
    assert.equal(row.countsText, '12 completed, 2 running, 1 failed');
    assert.equal(row.strategy, 'Bayesian');
    const view = tuningJobView(description('Minimize'), trials);
    assert.equal(
      tuningDescriptionLine(view, new Date(t(0).getTime() + 300_000)),
      'InProgress · 3 completed, 1 running, 1 failed, 1 stopped early · best eval_loss 1.49 · 5 min ago',
    );
    assert.equal(trialDescriptionLine(view.trials[0]!, 'eval_loss'), '★ best · eval_loss 1.49 · learning_rate=3e-05, optim=adamw_torch');
    assert.equal(
      trialDescriptionLine(
        view.trials.find((x) => x.earlyStopped)!,
        'eval_loss',
      ),
      'eval_loss 1.61 · stopped early · learning_rate=3e-05, optim=adamw_torch',
    );
    assert.equal(
      trialDescriptionLine(
        view.trials.find((x) => x.status === 'Failed')!,
        'eval_loss',
      ),
      'Failed · learning_rate=3e-05, optim=adamw_torch',
    );
  });

  it('says how a tuning job ended, with its best trial and the trials worth comparing', () => {
    const ended = trials.map((x) => (x.TrainingJobStatus === 'InProgress' ? { ...x, TrainingJobStatus: 'Completed' } : x));
    const done = tuningEndSummary(tuningJobView(description('Minimize', { HyperParameterTuningJobStatus: 'Completed' }), ended));
    assert.equal(done.level, 'info');
    assert.equal(done.message, 'Hyperparameter tuning job tune completed: 4 completed, 1 failed, 1 stopped early. Best trial tune-003-cccccccc (eval_loss = 1.49).');
    // Best first, only trials that reported the objective (the early-stopped one did; the failed one did not).
    assert.deepEqual(done.compare, ['tune-003-cccccccc', 'tune-001-aaaaaaaa', 'tune-006-ffffffff', 'tune-005-eeeeeeee']);
    const failed = tuningEndSummary(tuningJobView(description('Minimize', { HyperParameterTuningJobStatus: 'Failed', FailureReason: 'All training jobs failed.' }), [trials[3]!]));
    assert.equal(failed.level, 'error');
    assert.equal(failed.message, 'Hyperparameter tuning job tune failed: 1 failed. No trial reported eval_loss. All training jobs failed.');
    assert.deepEqual(failed.compare, []);
    const stopped = tuningEndSummary(tuningJobView(description('Maximize', { HyperParameterTuningJobStatus: 'Stopped' }), trials.slice(0, 1)));
    assert.equal(stopped.level, 'warning');
    assert.match(stopped.message, /^Hyperparameter tuning job tune stopped: 1 completed\. Best trial tune-001-aaaaaaaa \(eval_loss = 1\.52\)\.$/);
    assert.equal(tuningEndSummary(tuningJobView(description('Minimize', { HyperParameterTuningJobStatus: 'Completed' }), trials)).compare.length, 4);
    const many = Array.from({ length: 9 }, (_, i) => trial(`tune-01${i}-0000000${i}`, 'Completed', i));
    assert.deepEqual(
      tuningEndSummary(tuningJobView(description('Minimize', { HyperParameterTuningJobStatus: 'Completed' }), many)).compare.map((n) => n.slice(5, 8)),
      ['010', '011', '012', '013', '014'],
    );
  });

  it('knows a trial of a listed tuning job by its name', () => {
    const listed = new Set(['tune', 'my-sweep']);
    assert.equal(tuningJobOfTrial('my-sweep-012-0a1b2c3d', listed), 'my-sweep');
    assert.equal(tuningJobOfTrial('other-012-0a1b2c3d', listed), undefined);
    assert.equal(tuningJobOfTrial('my-sweep-2026-12-07-08-00-00-123', listed), undefined);
  });

  it("shows a local tuning run's tuning.json (the API's shapes, ISO times) through the same view", () => {
    const record = JSON.parse(
      JSON.stringify({
        ...description('Maximize', { HyperParameterTuningJobStatus: 'Completed', HyperParameterTuningEndTime: t(50) }),
        Trials: [trial('tune-001-aaaaaaaa', 'Completed', 0.8, { TrainingEndTime: t(20) }), trial('tune-002-bbbbbbbb', 'Completed', 0.9, { TrainingEndTime: t(40) })],
        Local: { version: 1, folder: '/tmp/jobs/tune', runnerPid: 1, jobFile: '/w/tune.sagemaker.yaml' },
      }),
    );
    assert.equal(typeof record.CreationTime, 'string');
    const parsed = tuningJobFromRecord(record)!;
    assert.equal(parsed.jobFile, '/w/tune.sagemaker.yaml');
    assert.ok(parsed.description.CreationTime instanceof Date && parsed.trials[0]!.TrainingEndTime instanceof Date);
    const view = tuningJobView(parsed.description, parsed.trials);
    assert.equal(view.best?.name, 'tune-002-bbbbbbbb');
    assert.equal(view.countsText, '2 completed');
    assert.deepEqual(view.best?.tunedHyperParameters, { learning_rate: '3e-05', optim: '"adamw_torch"' });
    assert.equal(tuningJobFromRecord({ not: 'a record' }), undefined);
  });

  it('takes what the tuner added out of a trial before it is cloned', () => {
    const d = withoutTunerAdditions({
      TrainingJobName: 'x',
      TuningJobArn: 'arn:aws:sagemaker:us-east-1:1:hyper-parameter-tuning-job/tune',
      HyperParameters: {
        lr: '0.1',
        _tuning_objective_metric: 'eval_loss',
        sagemaker_estimator_class_name: '"HuggingFace"',
        sagemaker_estimator_module: '"sagemaker.huggingface.estimator"',
        sagemaker_program: '"t.py"',
      },
    });
    assert.deepEqual(d, { TrainingJobName: 'x', HyperParameters: { lr: '0.1', sagemaker_program: '"t.py"' } });
  });
});

const installProblem = motoInstallProblem();

describe('tuning jobs against moto through the real SDK', { skip: installProblem ?? false }, () => {
  let moto: MotoServer;
  let sagemaker: SageMakerClient;
  let clients: SageMakerClients;
  const io = (out: string[], err: string[]): CliIo => ({ stdout: (s) => out.push(s), stderr: (s) => err.push(s), cwd: REPO_ROOT, env: {} });
  const seed = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/requests/seed-bart-samsum.sdk.json'), 'utf8')) as { request: CreateTrainingJobRequest }).request;
  const TUNED = ['learning_rate', 'per_device_train_batch_size'];

  /** What HyperparameterTuner(estimator, …).fit() sends for the seed's estimator (the SDK's layout, written by hand). */
  function tuningRequest(name: string, limits: { jobs: number; parallel: number }, early: 'Auto' | 'Off'): CreateHyperParameterTuningJobCommandInput {
    const staticHps = Object.fromEntries(Object.entries(seed.HyperParameters ?? {}).filter(([k]) => !TUNED.includes(k)));
    return {
      HyperParameterTuningJobName: name,
      HyperParameterTuningJobConfig: {
        Strategy: 'Random',
        HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'eval_loss' },
        ResourceLimits: { MaxNumberOfTrainingJobs: limits.jobs, MaxParallelTrainingJobs: limits.parallel },
        ParameterRanges: {
          ContinuousParameterRanges: [{ Name: 'learning_rate', MinValue: '1e-05', MaxValue: '0.001', ScalingType: 'Logarithmic' }],
          IntegerParameterRanges: [{ Name: 'per_device_train_batch_size', MinValue: '2', MaxValue: '16', ScalingType: 'Auto' }],
          CategoricalParameterRanges: [],
        },
        TrainingJobEarlyStoppingType: early,
      },
      TrainingJobDefinition: {
        StaticHyperParameters: {
          ...staticHps,
          sagemaker_job_name: JSON.stringify(name),
          sagemaker_estimator_class_name: '"HuggingFace"',
          sagemaker_estimator_module: '"sagemaker.huggingface.estimator"',
        },
        AlgorithmSpecification: {
          TrainingImage: seed.AlgorithmSpecification.TrainingImage!,
          TrainingInputMode: 'File',
          MetricDefinitions: [{ Name: 'eval_loss', Regex: "'eval_loss': ([0-9.]+)" }],
        },
        RoleArn: seed.RoleArn,
        OutputDataConfig: seed.OutputDataConfig,
        ResourceConfig: seed.ResourceConfig as NonNullable<CreateHyperParameterTuningJobCommandInput['TrainingJobDefinition']>['ResourceConfig'],
        StoppingCondition: seed.StoppingCondition,
      },
    };
  }

  before(async () => {
    moto = await startMoto({ simSeconds: 1.5, stopSeconds: 0.3, logLinesPerHost: 6 });
    sagemaker = new SageMakerClient(awsTestClientConfig(moto.endpoint));
    clients = { sagemaker: () => sagemaker };
  });

  after(async () => {
    sagemaker?.destroy();
    await moto?.stop();
  });

  const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> => {
    for (let i = 0; i < 300; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`gave up waiting for ${what}`);
  };

  it('launches the trials as training jobs as slots free up, ranks them, and names the best', async () => {
    await sagemaker.send(new CreateHyperParameterTuningJobCommand(tuningRequest('sweep-a', { jobs: 6, parallel: 2 }, 'Auto')));
    const seen: number[] = [];
    const { description: d, trials } = await until(
      () => describeTuningJobWithTrials(clients, 'sweep-a'),
      (r) => {
        seen.push(r.trials.length);
        return r.description.HyperParameterTuningJobStatus === 'Completed';
      },
      'sweep-a to complete',
    );
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      seen,
      'trials only ever appear',
    );
    assert.equal(trials.length, 6);
    for (const [i, tr] of trials.entries()) assert.match(tr.TrainingJobName!, new RegExp(`^sweep-a-00${i + 1}-[0-9a-f]{8}$`));

    // Two start together; each later one starts when an earlier one has ended.
    const created = trials.map((x) => x.CreationTime!.getTime());
    assert.equal(created[0], created[1]);
    const ends = trials.map((x) => x.TrainingEndTime!.getTime());
    for (const c of created.slice(2)) assert.ok(ends.includes(c), 'a later trial starts the moment an earlier one ends');

    // Tuned values drawn from the ranges; everything else the definition's static hyperparameters.
    for (const tr of trials) {
      const lr = Number(tr.TunedHyperParameters!['learning_rate']);
      const batch = Number(tr.TunedHyperParameters!['per_device_train_batch_size']);
      assert.ok(lr >= 1e-5 && lr <= 1e-3, `learning_rate ${lr}`);
      assert.ok(Number.isInteger(batch) && batch >= 2 && batch <= 16, `batch ${batch}`);
    }

    const view = tuningJobView(d, trials);
    const completed = trials.filter((x) => x.TrainingJobStatus === 'Completed');
    const stopped = trials.filter((x) => x.TrainingJobStatus === 'Stopped');
    assert.equal(completed.length + stopped.length, 6);
    assert.equal(d.TrainingJobStatusCounters?.Completed, completed.length);
    assert.equal(d.TrainingJobStatusCounters?.Stopped, stopped.length);
    assert.equal(d.ObjectiveStatusCounters?.Succeeded, 6);
    const best = [...completed].sort((a, b) => a.FinalHyperParameterTuningJobObjectiveMetric!.Value! - b.FinalHyperParameterTuningJobObjectiveMetric!.Value!)[0]!;
    assert.equal(d.BestTrainingJob?.TrainingJobName, best.TrainingJobName);
    assert.equal(view.best?.name, best.TrainingJobName);
    assert.equal(view.trials[0]!.name, best.TrainingJobName, 'Minimize: the lowest eval_loss first');
    const values = view.trials.map((x) => x.objective!);
    assert.deepEqual(
      [...values].sort((a, b) => a - b),
      values,
    );
    assert.ok(stopped.length > 0, 'early stopping stopped a trial worse than the median');
    assert.equal(view.trials.filter((x) => x.earlyStopped).length, stopped.length);

    // Each trial is a training job: Describe has the tuning job's ARN and what SageMaker adds.
    const described = await describeTrainingJob(clients, best.TrainingJobName!);
    assert.equal(described.TuningJobArn, d.HyperParameterTuningJobArn);
    assert.equal(described.HyperParameters?.['_tuning_objective_metric'], 'eval_loss');
    assert.equal(described.HyperParameters?.['learning_rate'], best.TunedHyperParameters!['learning_rate']);
    assert.equal(described.FinalMetricDataList?.find((m) => m.MetricName === 'eval_loss')?.Value, best.FinalHyperParameterTuningJobObjectiveMetric?.Value);
    const listed = await sagemaker.send(new ListTrainingJobsCommand({ NameContains: 'sweep-a-', MaxResults: 100 }));
    assert.equal(listed.TrainingJobSummaries?.length, 6);
  });

  it('is deterministic: the same tuning job draws the same values and stops the same trials early', async () => {
    const first = await listTuningTrials(clients, 'sweep-a');
    await sagemaker.send(new CreateHyperParameterTuningJobCommand(tuningRequest('sweep-a2', { jobs: 6, parallel: 2 }, 'Auto')));
    // A different name is a different seed: the draws differ.
    const other = await until(
      () => listTuningTrials(clients, 'sweep-a2'),
      (x) => x.length >= 2,
      'sweep-a2 trials',
    );
    assert.notDeepEqual(other[0]!.TunedHyperParameters, first[0]!.TunedHyperParameters);
    const again = await listTuningTrials(clients, 'sweep-a');
    assert.deepEqual(again, first);
  });

  it('lists every page of trials, and tuning jobs newest first', async () => {
    const pages: number[] = [];
    const counting: SageMakerClients = {
      sagemaker: () =>
        ({
          send: (command: { input: { MaxResults?: number } }, options?: unknown) => {
            if (command.constructor.name === 'ListTrainingJobsForHyperParameterTuningJobCommand') {
              command.input.MaxResults = 4; // pages of 4: six trials take two requests
              pages.push(1);
            }
            return (sagemaker.send as (c: unknown, o?: unknown) => Promise<unknown>)(command, options);
          },
        }) as unknown as SageMakerClient,
    };
    const trials = await listTuningTrials(counting, 'sweep-a');
    assert.equal(trials.length, 6);
    assert.equal(pages.length, 2);
    const jobs = await listTuningJobs(clients, { max: 10 });
    assert.deepEqual(
      jobs.map((j) => j.HyperParameterTuningJobName),
      ['sweep-a2', 'sweep-a'],
    );
  });

  it('clones the best trial into a job file that plans back to that trial’s training request', async () => {
    const d = await describeTuningJob(clients, 'sweep-a');
    const bestName = d.BestTrainingJob!.TrainingJobName!;
    const trialDescription = await describeTrainingJob(clients, bestName);
    const view = tuningJobView(d, await listTuningTrials(clients, 'sweep-a'));
    const clone = bestTrialJobFile(trialDescription, view, { tags: [] });
    assert.match(clone.text, /^# The best trial of the tuning job sweep-a \(Minimize eval_loss [0-9.]+\)/);
    assert.doesNotMatch(clone.text, /_tuning_objective_metric:|sagemaker_estimator/);
    const validation = validateJobFile(clone.text);
    assert.deepEqual(
      validation.problems.filter((p) => p.severity === 'error'),
      [],
      clone.text,
    );
    // Planned under the tuning job's name, which the trial's sagemaker_job_name carries (the SDK sets it at fit()).
    const replanned = buildTrainingJobPlan({
      spec: validation.spec!,
      ...encodeJobFileValues(clone.text),
      context: { region: 'us-east-1', accountId: '123456789012', now: new Date(), jobName: 'sweep-a' },
    }).createTrainingJob;
    const { TuningJobArn: _arn, HyperParameters, ...trialRest } = trialDescription;
    const tunerKeys = ['_tuning_objective_metric', 'sagemaker_estimator_class_name', 'sagemaker_estimator_module'];
    assert.deepEqual(replanned.HyperParameters, Object.fromEntries(Object.entries(HyperParameters!).filter(([k]) => !tunerKeys.includes(k))));
    assert.equal(replanned.DebugHookConfig, undefined, 'a trial has no debugger hook, so neither has its clone');
    // A tuning job's training job definition has no field for EnableSageMakerMetricsTimeSeries or ProfilerConfig, so a
    // trial has neither; a job file cannot say "absent", and the planner sends what the SDK sends for this estimator.
    const { EnableSageMakerMetricsTimeSeries, ...algorithm } = replanned.AlgorithmSpecification;
    assert.equal(EnableSageMakerMetricsTimeSeries, seed.AlgorithmSpecification.EnableSageMakerMetricsTimeSeries);
    assert.deepEqual(algorithm, trialRest.AlgorithmSpecification);
    assert.deepEqual(replanned.ProfilerConfig, seed.ProfilerConfig);
    assert.equal(trialRest.ProfilerConfig, undefined);
    // Every other field the clone plans is the trial's own.
    const others = Object.keys(replanned).filter((k) => !['TrainingJobName', 'HyperParameters', 'AlgorithmSpecification', 'ProfilerConfig'].includes(k));
    assert.deepEqual(others.sort(), ['OutputDataConfig', 'ResourceConfig', 'RoleArn', 'StoppingCondition']);
    for (const field of others) assert.deepEqual(replanned[field as keyof CreateTrainingJobRequest], trialRest[field as keyof typeof trialRest], field);
  });

  it('stops a tuning job and its running trials; refuses to stop it twice', async () => {
    await moto.configure({ simSeconds: 60 });
    await sagemaker.send(new CreateHyperParameterTuningJobCommand(tuningRequest('sweep-b', { jobs: 4, parallel: 2 }, 'Off')));
    await until(
      () => listTuningTrials(clients, 'sweep-b'),
      (x) => x.length === 2,
      'sweep-b trials',
    );
    assert.deepEqual(await stopTuningJob(clients, 'sweep-b'), { previousStatus: 'InProgress', status: 'Stopping' });
    const { description: d, trials } = await until(
      () => describeTuningJobWithTrials(clients, 'sweep-b'),
      (r) => r.description.HyperParameterTuningJobStatus === 'Stopped',
      'sweep-b to stop',
    );
    assert.equal(trials.length, 2, 'no trial launched after the stop');
    assert.deepEqual(
      trials.map((x) => x.TrainingJobStatus),
      ['Stopped', 'Stopped'],
    );
    assert.equal(d.TrainingJobStatusCounters?.Stopped, 2);
    assert.equal(tuningJobView(d, trials).countsText, '2 stopped');
    await assert.rejects(stopTuningJob(clients, 'sweep-b'), /Tuning job sweep-b cannot be stopped: it has already ended \(Stopped\)/);
    await assert.rejects(describeTuningJob(clients, 'no-such-sweep'), /No hyperparameter tuning job named no-such-sweep/);
    await moto.configure({ simSeconds: null });
  });

  it('sagemaker-hf jobs lists tuning jobs with counts and best; stop NAME stops a tuning job', async () => {
    const out: string[] = [];
    const err: string[] = [];
    assert.equal(await jobsCommand(['--name-contains', 'sweep-a', '--max', '3'], io(out, err), { clients }), 0, err.join(''));
    const text = out.join('');
    const best = (await describeTuningJob(clients, 'sweep-a')).BestTrainingJob!;
    assert.match(text, /^TUNING JOB +STATUS +TRIALS +BEST +CREATED$/m);
    assert.match(
      text,
      new RegExp(`^sweep-a +Completed +\\d completed, \\d stopped early +${best.TrainingJobName} \\(eval_loss ${best.FinalHyperParameterTuningJobObjectiveMetric!.Value}\\)`, 'm'),
    );

    const json: string[] = [];
    assert.equal(await jobsCommand(['--name-contains', 'sweep-a2', '--json'], io(json, err), { clients }), 0);
    const parsed = JSON.parse(json.join('')) as Array<{ kind: string; name: string }>;
    assert.deepEqual(
      parsed.filter((x) => x.kind === 'tuning').map((x) => x.name),
      ['sweep-a2'],
    );
    assert.ok(parsed.some((x) => x.kind === 'training' && x.name.startsWith('sweep-a2-')));

    await moto.configure({ simSeconds: 60 });
    await sagemaker.send(new CreateHyperParameterTuningJobCommand(tuningRequest('sweep-c', { jobs: 2, parallel: 1 }, 'Off')));
    const stopOut: string[] = [];
    const stopErr: string[] = [];
    assert.equal(await stopCommand(['sweep-c'], io(stopOut, stopErr), { clients }), 0, stopErr.join(''));
    assert.match(stopOut.join(''), /^Stopping the tuning job sweep-c: it was InProgress, now Stopping\./);
    const again: string[] = [];
    assert.equal(await stopCommand(['sweep-c'], io([], again), { clients }), 1);
    assert.match(again.join(''), /Tuning job sweep-c cannot be stopped: it is already stopping/);
    await moto.configure({ simSeconds: null });
  });
});

// Keeps the SDK's summary type and ours in step: an SDK answer is passed where the view expects its shape.
const _sdkShape: TuningTrialSummary = {} as HyperParameterTrainingJobSummary;
void _sdkShape;
