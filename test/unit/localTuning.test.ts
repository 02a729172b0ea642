// Local hyperparameter tuning (#19): the search (Random by scaling and seed, Grid combinations), the
// objective read from a trial's log, the refusals, and real runs: the quickstart's tune.sagemaker.yaml
// (4 trials of its train.py, 2 at a time, under the container contract), a Grid run through the CLI with
// a failing trial, a stop, and the best trial cloned back into a job file that plans to its values.
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { CliIo } from '../../src/cli/cliError';
import { launchCommand } from '../../src/cli/launchCommand';
import { declaresTuning } from '../../src/core/jobFile/jobDocument';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import type { HyperparameterRange, TuningSpec } from '../../src/core/sagemaker/tuningSpec';
import { cloneBestTrialJobFile } from '../../src/core/tuning/cloneBestTrial';
import {
  bestTrial,
  completionReached,
  drawFromRange,
  effectiveScaling,
  gridTrials,
  localTuningRefusal,
  objectiveFromLog,
  plannedTrials,
  randomTrials,
  trialHyperParameters,
  trialJobName,
  tuningJobName,
} from '../../src/core/tuning/localSearch';
import { readLocalJob } from '../../src/local/localJobRecord';
import { runLocalTuning } from '../../src/local/localTuning';
import { listLocalTuningJobs, readLocalTuningJob, tuningNameFromArn } from '../../src/local/localTuningRecord';
import type { LocalTuningRecord } from '../../src/local/localTuningRecord';
import { planLocalRun } from '../../src/local/runJobFile';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const quickstartDir = path.join(repoRoot, 'examples', 'quickstart');
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

let scratch: string;
before(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'local-tuning-'));
});
after(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

const base = { objective_metric_name: 'm', hyperparameter_ranges: {} } as TuningSpec;

describe('Random search', () => {
  const ranges: Record<string, HyperparameterRange> = {
    lr: { type: 'continuous', min_value: 1e-5, max_value: 1e-1, scaling_type: 'Logarithmic' },
    epochs: { type: 'integer', min_value: 1, max_value: 4, scaling_type: 'Linear' },
    optim: { type: 'categorical', values: ['adamw', 'sgd'] },
  };

  it('gives the same trials for the same random_seed and others for another seed', () => {
    assert.deepEqual(randomTrials(ranges, 5, 42), randomTrials(ranges, 5, 42));
    assert.notDeepEqual(randomTrials(ranges, 5, 42), randomTrials(ranges, 5, 43));
  });

  it('encodes values as a trial receives them: floats as Python repr, integers, categoricals json.dumps-ed', () => {
    for (const t of randomTrials(ranges, 50, 1)) {
      assert.match(t.lr!, /^\d\.\d+(e-\d\d)?$|^0\.\d+$/);
      assert.match(t.epochs!, /^[1-4]$/);
      assert.ok(t.optim === '"adamw"' || t.optim === '"sgd"', t.optim);
    }
  });

  it('draws Logarithmic ranges evenly per decade, Linear ones evenly over the range', () => {
    const n = 4000;
    const draws = (r: HyperparameterRange) => randomTrials({ x: r }, n, 7).map((t) => Number(t.x));
    const log = draws({ type: 'continuous', min_value: 1e-5, max_value: 1e-1, scaling_type: 'Logarithmic' });
    for (let decade = -5; decade < -1; decade++) {
      const share = log.filter((v) => v >= 10 ** decade && v < 10 ** (decade + 1)).length / n;
      assert.ok(share > 0.2 && share < 0.3, `decade 1e${decade}: ${share}`);
    }
    const linear = draws({ type: 'continuous', min_value: 1e-5, max_value: 1e-1, scaling_type: 'Linear' });
    assert.ok(linear.filter((v) => v < 1e-3).length / n < 0.03, 'a linear draw rarely lands in the lowest two decades');
    assert.ok(linear.every((v) => v >= 1e-5 && v <= 1e-1));
  });

  it('draws ReverseLogarithmic ranges close to 1 (1 - x evenly per decade)', () => {
    const n = 3000;
    const values = randomTrials({ b: { type: 'continuous', min_value: 0, max_value: 0.999, scaling_type: 'ReverseLogarithmic' } }, n, 3).map((t) => Number(t.b));
    const above09 = values.filter((v) => v >= 0.9).length / n;
    assert.ok(above09 > 0.6 && above09 < 0.73, `share ≥ 0.9: ${above09}`);
    assert.ok(values.every((v) => v >= 0 && v <= 0.999));
  });

  it('reaches every integer of a range, both ends included, and no other', () => {
    const seen = new Set(randomTrials({ k: { type: 'integer', min_value: 2, max_value: 8 } }, 500, 9).map((t) => t.k));
    assert.deepEqual([...seen].sort(), ['2', '3', '4', '5', '6', '7', '8']);
  });

  it('reads Auto as Logarithmic for a positive range of an order of magnitude or more, else Linear', () => {
    assert.equal(effectiveScaling({ type: 'continuous', min_value: 1e-5, max_value: 1e-3 }), 'Logarithmic');
    assert.equal(effectiveScaling({ type: 'continuous', min_value: 0.1, max_value: 0.5, scaling_type: 'Auto' }), 'Linear');
    assert.equal(effectiveScaling({ type: 'integer', min_value: 0, max_value: 100 }), 'Linear');
    // The middle of an Auto range 1e-4..1e-2 is its geometric middle (1e-3), not the arithmetic one (~5e-3).
    assert.ok(Math.abs(Number(drawFromRange({ type: 'continuous', min_value: 1e-4, max_value: 1e-2 }, 0.5)) - 1e-3) < 1e-12);
  });
});

describe('Grid search', () => {
  it('runs every combination of the categorical values, the last range changing fastest, each as the SDK sends it (json.dumps of str())', () => {
    const trials = gridTrials({ a: { type: 'categorical', values: [1, 2] }, b: { type: 'categorical', values: ['x', 'y', true] } });
    assert.deepEqual(trials, [
      { a: '"1"', b: '"x"' },
      { a: '"1"', b: '"y"' },
      { a: '"1"', b: '"True"' },
      { a: '"2"', b: '"x"' },
      { a: '"2"', b: '"y"' },
      { a: '"2"', b: '"True"' },
    ]);
  });

  it('takes max_jobs as the grid size: left out or equal, else refused', () => {
    const grid: TuningSpec = { ...base, strategy: 'Grid', hyperparameter_ranges: { a: { type: 'categorical', values: [1, 2, 3] } } };
    assert.equal((plannedTrials(grid, 0) as { trials: unknown[] }).trials.length, 3);
    assert.equal((plannedTrials({ ...grid, max_jobs: 3 }, 0) as { trials: unknown[] }).trials.length, 3);
    assert.match((plannedTrials({ ...grid, max_jobs: 5 }, 0) as { error: string }).error, /3 here, so max_jobs must be 3/);
  });

  it('refuses a continuous or integer range', () => {
    assert.match(
      localTuningRefusal({ ...base, strategy: 'Grid', hyperparameter_ranges: { lr: { type: 'continuous', min_value: 0, max_value: 1 } } })!,
      /categorical ranges only.*lr is continuous/,
    );
  });
});

describe('which files `launch --local` runs as tuning jobs', () => {
  it('reads the top-level tuning: key as YAML does, not a line that looks like one', () => {
    assert.equal(declaresTuning('entry_point: train.py\ntuning:\n  max_jobs: 2\n'), true);
    assert.equal(declaresTuning('{"entry_point": "train.py", "tuning": {"max_jobs": 2}}'), true, 'flow style and quoted keys');
    assert.equal(declaresTuning("'tuning' : {max_jobs: 2}\n"), true);
    assert.equal(declaresTuning('entry_point: train.py\nhyperparameters:\n  notes: |\ntuning: no\n'), true);
    assert.equal(declaresTuning('entry_point: train.py\ndescription: |\n  tuning: max_jobs 2\n'), false, 'a line inside a block scalar');
    assert.equal(declaresTuning('entry_point: train.py\nhyperparameters:\n  tuning: 3\n'), false, 'a nested key');
    assert.equal(declaresTuning('- tuning\n'), false);
    assert.equal(declaresTuning('tuning: [\n'), undefined, 'not YAML: validation says what is wrong');
  });
});

describe('what a local run refuses', () => {
  const ranges = { lr: { type: 'continuous', min_value: 0.1, max_value: 1 } } as const;
  it('refuses Bayesian (also as the default strategy), Hyperband and autotune, saying what to use instead', () => {
    assert.match(localTuningRefusal({ ...base, hyperparameter_ranges: ranges })!, /Bayesian \(the SDK's default\).*SageMaker's service.*strategy: Random/);
    assert.match(localTuningRefusal({ ...base, strategy: 'Bayesian', hyperparameter_ranges: ranges })!, /^strategy Bayesian chooses/);
    assert.match(localTuningRefusal({ ...base, strategy: 'Hyperband', hyperparameter_ranges: ranges })!, /Hyperband.*strategy: Random/);
    assert.match(localTuningRefusal({ ...base, strategy: 'Random', autotune: true, hyperparameter_ranges: ranges })!, /autotune/);
    assert.equal(localTuningRefusal({ ...base, strategy: 'Random', hyperparameter_ranges: ranges }), undefined);
  });
});

describe('the objective and the best trial', () => {
  const defs = [{ Name: 'eval_acc', Regex: "'eval_acc': ([0-9.]+)" }];
  it('takes the LAST value the regex matches in the log, as SageMaker takes the final objective', () => {
    const lines = ["{'eval_acc': 0.5, 'epoch': 1.0}", 'noise', "{'eval_acc': 0.75, 'epoch': 2.0}", "{'eval_acc': nan}"];
    assert.deepEqual(objectiveFromLog(lines, defs, 'eval_acc'), { value: 0.75 });
    assert.deepEqual(objectiveFromLog(['nothing here'], defs, 'eval_acc'), {});
    assert.match(objectiveFromLog(lines, defs, 'eval_f1').error!, /No metric_definitions entry is named eval_f1/);
  });

  it('picks the highest for Maximize and the lowest for Minimize; the earlier trial on a tie', () => {
    const trials = [
      { name: 'a', index: 0, objective: 0.3 },
      { name: 'b', index: 1 },
      { name: 'c', index: 2, objective: 0.9 },
      { name: 'd', index: 3, objective: 0.9 },
      { name: 'e', index: 4, objective: 0.1 },
    ];
    assert.equal(bestTrial(trials, 'Maximize')!.name, 'c');
    assert.equal(bestTrial(trials, 'Minimize')!.name, 'e');
    assert.equal(bestTrial([{ name: 'x', index: 0 }], 'Maximize'), undefined);
  });

  it('ends on the target value or after max_number_of_training_jobs_not_improving trials without improvement', () => {
    const t = (c: TuningSpec['completion_criteria_config'], type: 'Maximize' | 'Minimize' = 'Maximize') => ({ ...base, objective_type: type, completion_criteria_config: c });
    assert.match(completionReached(t({ target_objective_metric_value: 0.8 }), [0.5, 0.81])!, /target objective value 0.8/);
    assert.equal(completionReached(t({ target_objective_metric_value: 0.8 }), [0.5, 0.7]), undefined);
    assert.match(completionReached(t({ target_objective_metric_value: 0.2 }, 'Minimize'), [0.5, 0.1])!, /target/);
    assert.match(completionReached(t({ max_number_of_training_jobs_not_improving: 2 }), [0.5, 0.4, undefined])!, /2 trials in a row/);
    assert.equal(completionReached(t({ max_number_of_training_jobs_not_improving: 2 }), [0.5, 0.4, 0.6]), undefined);
  });

  it('names the tuning job as fit() does (32 characters at most) and trials as SageMaker does', () => {
    const name = tuningJobName('a-rather-long-base-tuning-job-name', new Date(Date.UTC(2026, 11, 7, 9, 5)));
    assert.equal(name, 'a-rather-long-base-t-261207-0905');
    assert.ok(name.length <= 32);
    assert.equal(trialJobName(name, 0, 'ABCDEF0123'), `${name}-001-abcdef01`);
  });

  it('gives a trial the static hyperparameters without the tuned names, the tuner keys, then the tuned values', () => {
    const hp = trialHyperParameters({ lr: '0.1', seed: '7', sagemaker_program: '"train.py"' }, { lr: { type: 'continuous', min_value: 0, max_value: 1 } }, { lr: '0.25' });
    assert.deepEqual(hp, {
      seed: '7',
      sagemaker_program: '"train.py"',
      sagemaker_estimator_class_name: '"HuggingFace"',
      sagemaker_estimator_module: '"sagemaker.huggingface.estimator"',
      lr: '0.25',
    });
  });
});

const processTest = { skip: process.platform === 'win32' ? 'the local backend runs POSIX process groups' : false } as const;

describe("the quickstart's tuning example run locally", processTest, () => {
  let dir: string;
  let record: LocalTuningRecord;
  let text: string;
  const snapshots: LocalTuningRecord[] = [];

  before(async () => {
    dir = path.join(scratch, 'quickstart');
    await fs.cp(quickstartDir, dir, { recursive: true });
    const file = path.join(dir, 'tune.sagemaker.yaml');
    text = await fs.readFile(file, 'utf8');
    const outcome = await runLocalTuning({
      jobFilePath: file,
      text,
      root: path.join(dir, '.sagemaker-local'),
      interpreter: python,
      tuningListener: { onRecord: (r) => snapshots.push(r) },
    });
    assert.equal(outcome.kind, 'started', JSON.stringify(outcome));
    if (outcome.kind !== 'started') return;
    record = await outcome.tuning.completion;
  });

  it('runs max_jobs trials, at most max_parallel_jobs at a time, and completes', () => {
    assert.equal(record.HyperParameterTuningJobStatus, 'Completed', record.FailureReason);
    assert.equal(record.Trials.length, 4);
    assert.deepEqual(record.TrainingJobStatusCounters, { Completed: 4, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 });
    assert.deepEqual(record.ObjectiveStatusCounters, { Succeeded: 4, Pending: 0, Failed: 0 });
    assert.ok(snapshots.length > 4);
    for (const s of snapshots) assert.ok(s.TrainingJobStatusCounters.InProgress <= 2, `${s.TrainingJobStatusCounters.InProgress} trials ran at once`);
    assert.ok(
      snapshots.some((s) => s.TrainingJobStatusCounters.InProgress === 2),
      'two trials ran at once',
    );
    assert.match(record.HyperParameterTuningJobName, /^quickstart-tune-\d{6}-\d{4}$/);
    assert.equal(record.HyperParameterTuningJobConfig.RandomSeed, 7);
    assert.deepEqual(
      record.Trials.map((t) => t.TunedHyperParameters),
      randomTrials(
        {
          learning_rate: { type: 'continuous', min_value: 0.05, max_value: 1.0, scaling_type: 'Logarithmic' },
          num_train_epochs: { type: 'integer', min_value: 2, max_value: 8 },
        },
        4,
        7,
      ),
    );
  });

  it("reads each trial's objective as the last eval_rouge1 in its log and picks the best", async () => {
    for (const t of record.Trials) {
      const job = (await readLocalJob(path.join(dir, '.sagemaker-local', t.TrainingJobName)))!;
      const log = await fs.readFile(job.Local.logFiles['algo-1']!, 'utf8');
      const values = [...log.matchAll(/'eval_rouge1': ([0-9.]+)/g)].map((m) => Number(m[1]));
      assert.ok(values.length > 0);
      assert.equal(t.FinalHyperParameterTuningJobObjectiveMetric?.Value, values.at(-1), t.TrainingJobName);
      assert.equal(t.ObjectiveStatus, 'Succeeded');
    }
    const max = Math.max(...record.Trials.map((t) => t.FinalHyperParameterTuningJobObjectiveMetric!.Value));
    assert.equal(record.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value, max);
    assert.ok(record.Trials.some((t) => t.TrainingJobName === record.BestTrainingJob?.TrainingJobName));
  });

  it('writes each trial as a local job named <tuning>-NNN-<hex>, linked to its tuning job, with the tuned values over the static ones', async () => {
    for (const [i, t] of record.Trials.entries()) {
      assert.match(t.TrainingJobName, new RegExp(`^${record.HyperParameterTuningJobName}-00${i + 1}-[0-9a-f]{8}$`));
      const job = (await readLocalJob(path.join(dir, '.sagemaker-local', t.TrainingJobName)))!;
      assert.equal(job.TrainingJobStatus, 'Completed');
      assert.equal(tuningNameFromArn(job.TuningJobArn), record.HyperParameterTuningJobName.toLowerCase());
      assert.equal(job.HyperParameters.learning_rate, t.TunedHyperParameters.learning_rate);
      assert.equal(job.HyperParameters.num_train_epochs, t.TunedHyperParameters.num_train_epochs);
      assert.equal(job.HyperParameters.per_device_train_batch_size, '4');
      assert.equal(job.HyperParameters.sagemaker_estimator_class_name, '"HuggingFace"');
      assert.equal(job.HyperParameters.sagemaker_job_name, JSON.stringify(t.TrainingJobName));
      assert.ok(job.Local.modelArtifact && existsSync(job.Local.modelArtifact));
    }
  });

  it("keeps tuning.json in DescribeHyperParameterTuningJob's shapes, readable and listed", async () => {
    const onDisk = (await readLocalTuningJob(record.Local.folder))!;
    assert.deepEqual(onDisk, record);
    assert.deepEqual(
      (await listLocalTuningJobs(path.join(dir, '.sagemaker-local'))).map((r) => r.HyperParameterTuningJobName),
      [record.HyperParameterTuningJobName],
    );
    assert.deepEqual(record.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective, { Type: 'Maximize', MetricName: 'eval_rouge1' });
    assert.deepEqual(record.HyperParameterTuningJobConfig.ResourceLimits, { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 });
    assert.deepEqual(record.HyperParameterTuningJobConfig.ParameterRanges.ContinuousParameterRanges, [
      { Name: 'learning_rate', MinValue: '0.05', MaxValue: '1.0', ScalingType: 'Logarithmic' },
    ]);
    assert.equal(record.TrainingJobDefinition.StaticHyperParameters.learning_rate, undefined);
    for (const key of ['CreationTime', 'LastModifiedTime', 'HyperParameterTuningEndTime'] as const) assert.ok(!Number.isNaN(Date.parse(record[key]!)), key);
    for (const t of record.Trials) for (const key of ['CreationTime', 'TrainingStartTime', 'TrainingEndTime'] as const) assert.ok(!Number.isNaN(Date.parse(t[key]!)), key);
  });

  it('clones the best trial into a job file that validates and plans to its hyperparameters, comments kept', async () => {
    const best = record.BestTrainingJob!;
    const clone = cloneBestTrialJobFile(text, {
      tuningJobName: record.HyperParameterTuningJobName,
      trialName: best.TrainingJobName,
      tunedHyperParameters: best.TunedHyperParameters,
      objective: { name: 'eval_rouge1', value: best.FinalHyperParameterTuningJobObjectiveMetric!.Value },
    });
    assert.doesNotMatch(clone, /^tuning:/m);
    assert.match(clone, /^# Best trial .* of tuning job /);
    assert.match(clone, /# What every trial shares/);
    const validation = validateJobFile(clone, {});
    assert.deepEqual(
      validation.problems.filter((p) => p.severity === 'error'),
      [],
    );
    const file = path.join(dir, 'best.sagemaker.yaml');
    await fs.writeFile(file, clone);
    const planned = planLocalRun({ jobFilePath: file, text: clone, root: path.join(dir, '.sagemaker-local') });
    assert.equal(planned.kind, 'planned');
    if (planned.kind !== 'planned') return;
    const trialJob = (await readLocalJob(path.join(dir, '.sagemaker-local', best.TrainingJobName)))!;
    const userKeys = (hp: Record<string, string>) => Object.fromEntries(Object.entries(hp).filter(([k]) => !k.startsWith('sagemaker_')));
    assert.deepEqual(userKeys(planned.planned.request.HyperParameters!), userKeys(trialJob.HyperParameters));
  });
});

describe('a Grid tuning job through `sagemaker-hf launch --local`, with a failing trial', processTest, () => {
  it('runs every combination, records the failed trial, still completes, and prints the best', async () => {
    const dir = path.join(scratch, 'grid');
    await fs.mkdir(dir, { recursive: true });
    // The score depends on the values; `optimizer: bad` fails the way a script with a wrong value does.
    await fs.writeFile(
      path.join(dir, 'train.py'),
      [
        'import argparse, sys',
        'p = argparse.ArgumentParser()',
        'p.add_argument("--optimizer"); p.add_argument("--batch", type=int); p.add_argument("--seed", type=int)',
        'a = p.parse_args()',
        'if a.optimizer == "bad": sys.exit("ValueError: unknown optimizer bad")',
        'print({"eval_acc": 0.1, "epoch": 1.0})',
        'print({"eval_acc": round(0.5 + a.batch / 10 + (0.2 if a.optimizer == "adamw" else 0), 3), "epoch": 2.0})',
        '',
      ].join('\n'),
    );
    const text = [
      'entry_point: train.py',
      'source_dir: .',
      'instance_type: local',
      'role: SageMakerRole',
      'transformers_version: "4.56.2"',
      'pytorch_version: "2.8.0"',
      'py_version: py312',
      'hyperparameters:',
      '  seed: 1',
      'tuning:',
      '  metric_definitions:',
      '    - {Name: eval_acc, Regex: "\'eval_acc\': ([0-9.]+)"}',
      '  objective_metric_name: eval_acc',
      '  strategy: Grid',
      '  max_parallel_jobs: 2',
      '  base_tuning_job_name: grid',
      '  hyperparameter_ranges:',
      '    optimizer: {type: categorical, values: [adamw, bad, sgd]}',
      '    batch: {type: categorical, values: [1, 2]}',
      '',
    ].join('\n');
    await fs.writeFile(path.join(dir, 'grid.sagemaker.yaml'), text);
    const io = { out: '', err: '', cwd: dir, env: { ...process.env }, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
    const code = await launchCommand(['grid.sagemaker.yaml', '--local', '--python', python], io as CliIo);
    assert.equal(code, 0, io.err);
    const [name, bestName, folder] = io.out.trim().split('\n');
    const record = (await readLocalTuningJob(folder!))!;
    assert.equal(record.HyperParameterTuningJobName, name);
    assert.equal(record.HyperParameterTuningJobStatus, 'Completed');
    assert.deepEqual(
      record.Trials.map((t) => `${t.TunedHyperParameters.optimizer} ${t.TunedHyperParameters.batch}`),
      ['"adamw" "1"', '"adamw" "2"', '"bad" "1"', '"bad" "2"', '"sgd" "1"', '"sgd" "2"'],
    );
    const failed = record.Trials.filter((t) => t.TrainingJobStatus === 'Failed');
    assert.equal(failed.length, 2);
    for (const t of failed) {
      assert.equal(t.ObjectiveStatus, 'Failed');
      assert.match(t.FailureReason!, /unknown optimizer bad/);
    }
    assert.deepEqual(record.TrainingJobStatusCounters, { Completed: 4, InProgress: 0, RetryableError: 0, NonRetryableError: 2, Stopped: 0 });
    assert.equal(bestName, record.Trials[1]!.TrainingJobName);
    assert.equal(record.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value, 0.9);
    assert.match(io.err, new RegExp(`\\* ${bestName}  Completed 0.9  optimizer="adamw" batch="2"`));
    assert.match(io.err, /Failed .*no eval_acc|Failed, no eval_acc/);
  });

  it('refuses a Bayesian tuning file without starting anything, saying what to use', async () => {
    const dir = path.join(scratch, 'bayes');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'train.py'), 'print(1)\n');
    const text =
      'entry_point: train.py\ninstance_type: local\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\ntuning:\n  metric_definitions:\n    - {Name: m, Regex: "m=([0-9.]+)"}\n  objective_metric_name: m\n  max_jobs: 2\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 1}\n';
    const outcome = await runLocalTuning({ jobFilePath: path.join(dir, 'b.sagemaker.yaml'), text, root: path.join(dir, '.jobs'), interpreter: python });
    assert.equal(outcome.kind, 'refused');
    assert.match((outcome as { reason: string }).reason, /Bayesian.*SageMaker's service.*strategy: Random/);
    assert.equal(existsSync(path.join(dir, '.jobs')), false);
  });
});

describe('stopping a local tuning job', processTest, () => {
  it('stops the running trials, starts no more, and ends Stopped', async () => {
    const dir = path.join(scratch, 'stop');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'train.py'), 'import time\nprint("started", flush=True)\ntime.sleep(60)\n');
    const text =
      'entry_point: train.py\ninstance_type: local\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\ntuning:\n  metric_definitions:\n    - {Name: m, Regex: "m=([0-9.]+)"}\n  objective_metric_name: m\n  strategy: Random\n  max_jobs: 4\n  max_parallel_jobs: 2\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 1}\n';
    let started = 0;
    let resolveStarted!: () => void;
    const bothStarted = new Promise<void>((r) => (resolveStarted = r));
    const outcome = await runLocalTuning({
      jobFilePath: path.join(dir, 's.sagemaker.yaml'),
      text,
      root: path.join(dir, '.jobs'),
      interpreter: python,
      tuningListener: {
        onLine: (_trial, l) => {
          if (l.line === 'started' && ++started === 2) resolveStarted();
        },
      },
    });
    assert.equal(outcome.kind, 'started');
    if (outcome.kind !== 'started') return;
    await bothStarted;
    const record = await outcome.tuning.stop();
    assert.equal(record.HyperParameterTuningJobStatus, 'Stopped');
    assert.equal(record.Trials.length, 2);
    assert.deepEqual(
      record.Trials.map((t) => t.TrainingJobStatus),
      ['Stopped', 'Stopped'],
    );
    assert.equal((await readLocalTuningJob(outcome.tuning.folder))!.HyperParameterTuningJobStatus, 'Stopped');
  });
});
