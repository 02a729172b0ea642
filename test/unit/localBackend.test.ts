/**
 * The local backend running real Python processes: the probe entry point (test/fixtures/probe)
 * records what it was given, failing and never-ending scripts check the failure and stop paths,
 * and the quickstart example runs end to end on two hosts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { tarEntries } from './tarEntries';
import { parse as parseYaml } from 'yaml';

import { encodeHyperparameter } from '../../src/core/sagemaker/hyperparameters';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import { runLocalJob } from '../../src/local/localJob';
import type { LocalJobListener, LocalJobOptions, LocalLogLine, LocalStatusChange } from '../../src/local/localJob';
import { LocalJobError } from '../../src/local/localJobError';
import { localJobOptionsFromSpec } from '../../src/local/localJobOptions';
import { listLocalJobs, readLocalJob } from '../../src/local/localJobRecord';
import { IgnoreRules } from '../../src/core/sagemakerIgnore';
import { launchCommand } from '../../src/cli/launchCommand';
import { planCommand } from '../../src/cli/planCommand';
import type { CliIo } from '../../src/cli/cliError';
import { runJobFileLocally } from '../../src/local/runJobFile';
import { jobFileContext } from '../../src/source/jobFileOnDisk';
import { TrainingPlanError } from '../../src/core/training/trainingPlanError';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const probeDir = path.join(repoRoot, 'test', 'fixtures', 'probe');
const quickstartDir = path.join(repoRoot, 'examples', 'quickstart');
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

let scratch: string;
before(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'local-backend-'));
});
after(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  const dir = path.join(scratch, name);
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

/** Collects everything a job reports. */
function recorder(): LocalJobListener & { lines: LocalLogLine[]; statuses: LocalStatusChange[]; waitFor(text: string, host: string): Promise<void> } {
  const lines: LocalLogLine[] = [];
  const statuses: LocalStatusChange[] = [];
  const waiters: Array<{ text: string; host: string; resolve: () => void }> = [];
  return {
    lines,
    statuses,
    onLine(line) {
      lines.push(line);
      for (const w of waiters.filter((w) => w.host === line.host && line.line.includes(w.text))) w.resolve();
    },
    onStatus(change) {
      statuses.push(change);
    },
    waitFor(text, host) {
      if (lines.some((l) => l.host === host && l.line.includes(text))) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ text, host, resolve }));
    },
  };
}

/** A process is gone when `ps` no longer lists it or lists it as a zombie awaiting its reaper. */
function isRunning(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)])
      .toString()
      .trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}

function probeOptions(root: string, probeOut: string, overrides: Partial<LocalJobOptions> = {}): LocalJobOptions {
  return {
    jobName: 'probe-job',
    sourceDir: probeDir,
    entryPoint: 'probe.py',
    dependencies: [path.join(probeDir, 'deps', 'shared_util')],
    hyperparameters: {
      num_train_epochs: encodeHyperparameter(3),
      learning_rate: encodeHyperparameter(5e-5),
      model_name_or_path: encodeHyperparameter('facebook/bart-large-cnn'),
      do_train: encodeHyperparameter(true),
      source_prefix: encodeHyperparameter('summarize: this'),
      sagemaker_program: encodeHyperparameter('ignored.py'),
      sagemaker_region: encodeHyperparameter('eu-west-1'),
      sagemaker_torch_distributed_enabled: 'true',
      sagemaker_instance_type: encodeHyperparameter('ml.p3.2xlarge'),
    },
    instanceType: 'ml.p3.2xlarge',
    instanceCount: 2,
    channels: {
      train: { source: path.join(probeDir, 'data', 'train') },
      validation: { source: `file://${path.join(probeDir, 'data', 'validation')}`, contentType: 'text/plain' },
      shards: { source: path.join('data', 'train'), distribution: 'ShardedByS3Key' },
    },
    environment: { PROBE_OUT: probeOut },
    root,
    baseDir: probeDir,
    interpreter: python,
    numGpus: 0,
    ...overrides,
  };
}

interface ProbeRecord {
  argv: string[];
  cwd: string;
  executable: string;
  env: Record<string, string>;
  config: Record<string, string>;
  tree: string[];
  helper: string;
  shared_util: string;
}

// A broken kill or stop shows up as a job that never ends: these bounds turn that into a failure.
const processTest = { timeout: 60_000 };

describe('runLocalJob with the probe on two hosts', processTest, () => {
  let root: string;
  let probeOut: string;
  let events: ReturnType<typeof recorder>;
  let records: Record<string, ProbeRecord>;
  let folder: string;

  before(async () => {
    root = await freshDir('probe-root');
    probeOut = await freshDir('probe-out');
    events = recorder();
    const job = await runLocalJob(probeOptions(root, probeOut), events);
    folder = job.folder;
    const record = await job.completion;
    assert.equal(record.TrainingJobStatus, 'Completed', record.FailureReason);
    records = {};
    for (const host of ['algo-1', 'algo-2']) {
      records[host] = JSON.parse(await fs.readFile(path.join(probeOut, `${host}.json`), 'utf8')) as ProbeRecord;
    }
  }, processTest);

  it('reports SageMaker statuses in order and records them in job.json', async () => {
    assert.deepEqual(
      events.statuses.map((s) => `${s.status}/${s.secondaryStatus}`),
      ['InProgress/Starting', 'InProgress/Downloading', 'InProgress/Training', 'InProgress/Uploading', 'Completed/Completed'],
    );
    const record = await readLocalJob(folder);
    assert.equal(record?.TrainingJobStatus, 'Completed');
    assert.deepEqual(
      record?.SecondaryStatusTransitions.map((t) => t.Status),
      ['Starting', 'Downloading', 'Training', 'Uploading', 'Completed'],
    );
    assert.deepEqual(record?.ResourceConfig, { InstanceType: 'ml.p3.2xlarge', InstanceCount: 2, VolumeSizeInGB: 0 });
    assert.equal(record?.HyperParameters.sagemaker_program, '"probe.py"', 'the run points sagemaker_program at its entry point');
    assert.equal(record?.HyperParameters.learning_rate, '5e-05');
    assert.ok(record?.TrainingStartTime && record.TrainingEndTime);
    const listed = await listLocalJobs(root);
    assert.deepEqual(
      listed.map((j) => j.TrainingJobName),
      ['probe-job'],
    );
  });

  it('starts each host with the toolkit argv: sorted --key value, True for booleans, split by the toolkit shell', () => {
    assert.deepEqual(records['algo-1']!.argv, [
      'probe.py',
      '--do_train',
      'True',
      '--learning_rate',
      '5e-05',
      '--model_name_or_path',
      'facebook/bart-large-cnn',
      '--num_train_epochs',
      '3',
      // /bin/sh splits "summarize: this" exactly as in the container.
      '--source_prefix',
      'summarize:',
      'this',
    ]);
    assert.ok(
      events.lines.some((l) => l.stream === 'toolkit' && l.line.startsWith('--source_prefix')),
      'the split is announced',
    );
  });

  it('runs in the host code folder with the toolkit environment, paths rooted in the host folder', () => {
    for (const host of ['algo-1', 'algo-2']) {
      const record = records[host]!;
      const base = path.join(folder, host, 'opt', 'ml');
      assert.equal(record.cwd, path.join(base, 'code'));
      const env = record.env;
      assert.equal(env.SM_CURRENT_HOST, host);
      assert.equal(env.CURRENT_HOST, host);
      assert.equal(env.SM_HOSTS, '["algo-1","algo-2"]');
      assert.equal(env.SM_MODEL_DIR, path.join(base, 'model'));
      assert.equal(env.SM_OUTPUT_DATA_DIR, path.join(base, 'output', 'data'));
      assert.equal(env.SM_CHANNEL_TRAIN, path.join(base, 'input', 'data', 'train'));
      assert.equal(env.SM_CHANNELS, '["shards","train","validation"]');
      assert.equal(env.SM_HP_LEARNING_RATE, '5e-05');
      assert.equal(env.SM_HP_DO_TRAIN, 'true');
      assert.equal(env.SM_NUM_GPUS, '0');
      assert.equal(env.SM_USER_ENTRY_POINT, 'probe.py');
      assert.equal(env.SM_FRAMEWORK_PARAMS, '{"sagemaker_instance_type":"ml.p3.2xlarge","sagemaker_torch_distributed_enabled":true}');
      assert.equal(env.SAGEMAKER_REGION, 'eu-west-1');
      assert.equal(env.SAGEMAKER_JOB_NAME, 'probe-job');
      assert.equal(env.TRAINING_JOB_NAME, 'probe-job');
      assert.equal(env.PROBE_OUT, probeOut, 'the job environment reaches the script');
      assert.equal(env.SAGEMAKER_BASE_DIR, base);
      assert.equal(env.PYTHONPATH.split(path.delimiter)[0], path.join(base, 'code'));
      assert.equal(record.helper, 'helper imported');
      assert.equal(record.shared_util, 'dependency imported');
      const trainingEnv = JSON.parse(env.SM_TRAINING_ENV!) as { is_master: boolean; module_dir: string };
      assert.equal(trainingEnv.is_master, host === 'algo-1');
      assert.equal(trainingEnv.module_dir, `file://${probeDir}`, 'as the SDK local mode sets sagemaker_submit_directory');
    }
  });

  it('gives torch_distributed hosts one rank each and a rendezvous that works on this machine', () => {
    const [one, two] = [records['algo-1']!.env, records['algo-2']!.env];
    assert.deepEqual([one.RANK, two.RANK, one.WORLD_SIZE, two.LOCAL_RANK], ['0', '1', '2', '0']);
    assert.equal(one.MASTER_ADDR, '127.0.0.1');
    assert.equal(one.MASTER_PORT, two.MASTER_PORT);
    assert.notEqual(one.MASTER_PORT, '');
  });

  it('writes the three config files per host', () => {
    const config = records['algo-2']!.config;
    const hyperparameters = JSON.parse(config['hyperparameters.json']!) as Record<string, string>;
    assert.equal(hyperparameters.model_name_or_path, '"facebook/bart-large-cnn"');
    assert.equal(hyperparameters.sagemaker_job_name, '"probe-job"');
    const resource = JSON.parse(config['resourceconfig.json']!) as { current_host: string; hosts: string[]; current_instance_type: string };
    assert.deepEqual([resource.current_host, resource.hosts, resource.current_instance_type], ['algo-2', ['algo-1', 'algo-2'], 'ml.p3.2xlarge']);
    const input = JSON.parse(config['inputdataconfig.json']!) as Record<string, Record<string, string>>;
    assert.deepEqual(Object.keys(input), ['train', 'validation', 'shards']);
    assert.equal(input.validation!.ContentType, 'text/plain');
    assert.equal(input.shards!.S3DistributionType, 'ShardedByS3Key');
  });

  it('copies the code without what .sagemakerignore excludes, and the channels (sharded ones split between hosts)', () => {
    const tree = records['algo-1']!.tree;
    for (const expected of [
      'code/probe.py',
      'code/lib/helper.py',
      'code/keep.tmp',
      'code/shared_util/__init__.py',
      'input/config/resourceconfig.json',
      'input/data/train/nested/c.txt',
      'input/data/validation/v.txt',
      'model/',
      'output/data/',
      'output/intermediate/',
    ]) {
      assert.ok(tree.includes(expected), `${expected} in ${tree.join(', ')}`);
    }
    for (const excluded of ['code/notes.tmp', 'code/ignored/', 'code/data/', 'code/deps/']) {
      assert.ok(!tree.includes(excluded), `${excluded} must not be copied`);
    }
    const shardFiles = (host: string) => records[host]!.tree.filter((p) => p.startsWith('input/data/shards/') && !p.endsWith('/'));
    assert.deepEqual(shardFiles('algo-1'), ['input/data/shards/a.txt', 'input/data/shards/d.txt']);
    assert.deepEqual(shardFiles('algo-2'), ['input/data/shards/b.txt', 'input/data/shards/nested/c.txt']);
  });

  it('reports every output line with its host and stream, and keeps a log per host', async () => {
    assert.ok(events.lines.some((l) => l.host === 'algo-1' && l.stream === 'stdout' && l.line === 'probe recorded algo-1'));
    assert.ok(events.lines.some((l) => l.host === 'algo-2' && l.stream === 'stderr' && l.line === 'a warning on stderr'));
    assert.ok(events.lines.every((l) => l.time instanceof Date));
    const log = await fs.readFile(path.join(folder, 'logs', 'algo-2.log'), 'utf8');
    assert.match(log, /probe recorded algo-2/);
  });

  it('packs model/ of all hosts into model.tar.gz (algo-1 wins a name clash) and output/data into output.tar.gz', async () => {
    const model = await tarEntries(path.join(folder, 'output', 'model.tar.gz'));
    assert.deepEqual([...model.keys()].sort(), ['same-name.txt', 'written-by-algo-1.txt', 'written-by-algo-2.txt']);
    assert.equal(model.get('same-name.txt'), 'algo-1');
    const output = await tarEntries(path.join(folder, 'output', 'output.tar.gz'));
    assert.deepEqual([...output.keys()].sort(), ['metrics-algo-1.json', 'metrics-algo-2.json']);
    assert.ok(existsSync(path.join(folder, 'algo-1', 'opt', 'ml', 'output', 'success')));
    const record = await readLocalJob(folder);
    assert.equal(record?.ModelArtifacts?.S3ModelArtifacts, `file://${path.join(folder, 'output', 'model.tar.gz')}`);
  });
});

describe('runLocalJob argv modes', processTest, () => {
  it('passes each value intact with argvMode "exact"', async () => {
    const probeOut = await freshDir('exact-out');
    const job = await runLocalJob(probeOptions(await freshDir('exact-root'), probeOut, { instanceCount: 1, argvMode: 'exact' }));
    assert.equal((await job.completion).TrainingJobStatus, 'Completed');
    const record = JSON.parse(await fs.readFile(path.join(probeOut, 'algo-1.json'), 'utf8')) as ProbeRecord;
    assert.deepEqual(record.argv.slice(-2), ['--source_prefix', 'summarize: this']);
  });
});

describe('runLocalJob when the script fails', processTest, () => {
  it('fails the job with the toolkit reason, writes output/failure and tears the other host down', async () => {
    const probeOut = await freshDir('fail-out');
    const events = recorder();
    const job = await runLocalJob(probeOptions(await freshDir('fail-root'), probeOut, { jobName: 'failing-job', entryPoint: 'failing.py', stopGraceMs: 2000 }), events);
    const record = await job.completion;
    assert.equal(record.TrainingJobStatus, 'Failed');
    assert.equal(record.SecondaryStatus, 'Failed');
    const reason = record.FailureReason ?? '';
    assert.ok(reason.startsWith('AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "'), reason);
    assert.match(reason, /ValueError: learning_rate must be positive, got -0\.1/);
    assert.match(reason, /Command "\S+ failing\.py --do_train True /);
    const failureFile = await fs.readFile(path.join(job.folder, 'algo-2', 'opt', 'ml', 'output', 'failure'), 'utf8');
    assert.equal(`AlgorithmError: ${failureFile}`, reason);
    assert.equal(events.statuses.at(-1)?.failureReason, reason);
    assert.equal(existsSync(path.join(job.folder, 'output', 'model.tar.gz')), false, 'no model from a failed job');
    const algo1 = Number(await fs.readFile(path.join(probeOut, 'algo-1.pid'), 'utf8'));
    assert.equal(isRunning(algo1), false, 'algo-1 was still training and must be stopped');
    assert.equal((await readLocalJob(job.folder))?.TrainingJobStatus, 'Failed');
  });
});

describe('runLocalJob stop', processTest, () => {
  it('ends every process of every host, escalating to SIGKILL, and ends Stopped with the model uploaded', async () => {
    const probeOut = await freshDir('stop-out');
    const events = recorder();
    const options = probeOptions(await freshDir('stop-root'), probeOut, { jobName: 'stopped-job', entryPoint: 'sleeper.py', stopGraceMs: 300 });
    options.hyperparameters = { ...options.hyperparameters, ignore_sigterm: encodeHyperparameter(true) };
    const job = await runLocalJob(options, events);
    await Promise.all([events.waitFor('ready on algo-1', 'algo-1'), events.waitFor('ready on algo-2', 'algo-2')]);
    const pids: number[] = [];
    for (const host of job.hosts) pids.push(...(JSON.parse(await fs.readFile(path.join(probeOut, `${host}-pids.json`), 'utf8')) as number[]));
    assert.equal(pids.length, 4);
    assert.ok(pids.every(isRunning));
    const record = await job.stop();
    assert.equal(record.TrainingJobStatus, 'Stopped');
    assert.deepEqual(
      events.statuses.slice(-3).map((s) => `${s.status}/${s.secondaryStatus}`),
      ['Stopping/Stopping', 'Stopping/Uploading', 'Stopped/Stopped'],
    );
    assert.deepEqual(pids.filter(isRunning), [], 'no process of the job is left');
    const model = await tarEntries(path.join(job.folder, 'output', 'model.tar.gz'));
    assert.equal(model.get('checkpoint.txt'), 'epoch 1');
    assert.equal(record.FailureReason, undefined);
  });
});

describe('runLocalJob refuses what CreateTrainingJob would refuse', processTest, () => {
  it('names the problem and what to do', async () => {
    const root = await freshDir('refusals');
    const base = probeOptions(root, root, { instanceCount: 1 });
    await assert.rejects(runLocalJob({ ...base, jobName: 'no_underscores' }), (e: LocalJobError) => e.code === 'InvalidJobName');
    await assert.rejects(runLocalJob({ ...base, entryPoint: 'missing.py' }), (e: LocalJobError) => e.code === 'EntryPointNotFound' && /missing\.py/.test(e.message));
    await assert.rejects(runLocalJob({ ...base, channels: { train: { source: 'nowhere' } } }), (e: LocalJobError) => e.code === 'ChannelNotFound');
    await assert.rejects(runLocalJob({ ...base, channels: { train: { source: 's3://bucket/train' } } }), (e: LocalJobError) => e.code === 'ChannelNeedsFetcher');
    await assert.rejects(runLocalJob({ ...base, interpreter: 'no-such-python-3' }), (e: LocalJobError) => e.code === 'InterpreterNotFound');
    await fs.mkdir(path.join(root, 'taken'));
    await assert.rejects(runLocalJob({ ...base, jobName: 'taken' }), (e: LocalJobError) => e.code === 'JobExists');
    assert.ok(!existsSync(path.join(root, 'no_underscores')));
  });

  it('fetches s3:// channels through the ChannelFetcher port', async () => {
    const requests: string[] = [];
    const probeOut = await freshDir('fetch-out');
    const job = await runLocalJob(
      probeOptions(await freshDir('fetch-root'), probeOut, {
        instanceCount: 1,
        channels: { train: { source: 's3://bucket/prefix/train' } },
        channelFetcher: {
          async fetchChannel(request) {
            requests.push(`${request.channel} ${request.uri}`);
            await fs.mkdir(path.join(request.destination, 'part'), { recursive: true });
            await fs.writeFile(path.join(request.destination, 'part', 'rows.jsonl'), '{}\n');
          },
        },
      }),
    );
    assert.equal((await job.completion).TrainingJobStatus, 'Completed');
    assert.deepEqual(requests, ['train s3://bucket/prefix/train']);
    const record = JSON.parse(await fs.readFile(path.join(probeOut, 'algo-1.json'), 'utf8')) as ProbeRecord;
    assert.ok(record.tree.includes('input/data/train/part/rows.jsonl'));
  });
});

describe('a job file run locally with ${env:NAME} environment values', processTest, () => {
  const SENTINEL = 'hf_LOCALsentinelVALUE0123456789abcdefXYZ';
  const jobFile = (dir: string) => path.join(dir, 'env.sagemaker.yaml');
  const text =
    'entry_point: train.py\nsource_dir: .\ninstance_type: ml.g5.xlarge\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\nenvironment:\n  HF_TOKEN: ${env:LOCAL_SENTINEL}\n  PLAIN: as-written\n';

  it("gives the script the variable's value, as a launch would send it, and writes it nowhere else", async () => {
    const dir = await freshDir('env-expand');
    await fs.writeFile(
      path.join(dir, 'train.py'),
      'import os, json\nopen(os.path.join(os.environ["SM_MODEL_DIR"], "env.json"), "w").write(json.dumps({"HF_TOKEN": os.environ.get("HF_TOKEN"), "PLAIN": os.environ.get("PLAIN")}))\n',
    );
    await fs.writeFile(jobFile(dir), text);
    const root = path.join(dir, '.jobs');
    const outcome = await runJobFileLocally({ jobFilePath: jobFile(dir), text, root, interpreter: python, env: { ...process.env, LOCAL_SENTINEL: SENTINEL } });
    assert.equal(outcome.kind, 'started');
    if (outcome.kind !== 'started') return;
    const record = await outcome.job.completion;
    assert.equal(record.TrainingJobStatus, 'Completed', record.FailureReason);
    const modelFile = path.join(outcome.job.folder, 'algo-1', 'opt', 'ml', 'model', 'env.json');
    assert.deepEqual(JSON.parse(await fs.readFile(modelFile, 'utf8')), { HF_TOKEN: SENTINEL, PLAIN: 'as-written' });
    assert.equal(outcome.request.Environment?.['HF_TOKEN'], '${env:LOCAL_SENTINEL}', 'the request shown holds the name');
    // Only the script's own output holds the value: not job.json, the logs or the config files.
    const leaks: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await fs.readdir(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else if (p !== modelFile && !p.endsWith('model.tar.gz') && (await fs.readFile(p)).includes(SENTINEL)) leaks.push(path.relative(root, p));
      }
    };
    await walk(root);
    assert.deepEqual(leaks, []);
  });

  it('refuses to start, naming the variable, when it is not set', async () => {
    const dir = await freshDir('env-missing');
    await fs.writeFile(path.join(dir, 'train.py'), 'print(1)\n');
    await fs.writeFile(jobFile(dir), text);
    const env = { ...process.env };
    delete env['LOCAL_SENTINEL'];
    await assert.rejects(runJobFileLocally({ jobFilePath: jobFile(dir), text, root: path.join(dir, '.jobs'), interpreter: python, env }), (e: unknown) => {
      assert.ok(e instanceof TrainingPlanError);
      assert.equal(e.code, 'env.variableMissing');
      assert.match(e.message, /LOCAL_SENTINEL, which is not set/);
      return true;
    });
    assert.equal(existsSync(path.join(dir, '.jobs')), false, 'a job folder was made');
  });
});

describe('the job-level input_mode in a local run (issue 16)', () => {
  const spec = (extra: Partial<JobSpec>): JobSpec => ({ entry_point: 'train.py', instance_type: 'local', role: 'SageMakerRole', image_uri: 'x', ...extra }) as JobSpec;
  const modes = (s: JobSpec): Record<string, string | undefined> =>
    Object.fromEntries(
      Object.entries(localJobOptionsFromSpec({ spec: s, jobFileDir: '/tmp/project', jobName: 'j', root: '/tmp/jobs' }).channels ?? {}).map(([n, c]) => [n, c.inputMode]),
    );

  it('goes to every channel without its own input_mode, as TrainingInputMode does on SageMaker', () => {
    const inputs = { train: './data/train', test: { s3_data: './data/test', input_mode: 'File' as const } };
    assert.deepEqual(modes(spec({ input_mode: 'FastFile', inputs })), { train: 'FastFile', test: 'File' });
    assert.deepEqual(modes(spec({ input_mode: 'Pipe', inputs: './data' })), { training: 'Pipe' });
    assert.deepEqual(modes(spec({ inputs })), { train: undefined, test: 'File' });
  });

  it('model_uri is one more File channel (model_channel_name, default model), as the SDK sends it', () => {
    const channels = (s: JobSpec) => localJobOptionsFromSpec({ spec: s, jobFileDir: '/tmp/project', jobName: 'j', root: '/tmp/jobs' }).channels;
    assert.deepEqual(channels(spec({ input_mode: 'FastFile', model_uri: './base-model' })), {
      model: { source: './base-model', contentType: 'application/x-sagemaker-model', inputMode: 'File' },
    });
    assert.deepEqual(Object.keys(channels(spec({ inputs: { train: './d' }, model_uri: 's3://b/m/', model_channel_name: 'pretrained' })) ?? {}), ['train', 'pretrained']);
  });

  it('makes the run refuse a channel that inherits Pipe or FastFile, naming the channel; nothing starts', async () => {
    const root = await freshDir('job-input-mode');
    await fs.writeFile(path.join(root, 'train.py'), 'print("never runs")\n');
    const options = localJobOptionsFromSpec({
      spec: spec({ input_mode: 'FastFile', inputs: { train: root } }),
      jobFileDir: root,
      jobName: 'fastfile',
      root: path.join(root, 'jobs'),
    });
    await assert.rejects(runLocalJob(options), (e: LocalJobError) => e.code === 'UnsupportedForLocalRun' && /Channel train uses input_mode FastFile/.test(e.message));
    assert.ok(!existsSync(path.join(root, 'jobs', 'fastfile')));
  });
});

describe('container_entry_point and container_arguments in a local run (issue 16)', () => {
  it('are refused by name before anything starts: a local run is the training toolkit they replace', () => {
    const spec = (extra: Partial<JobSpec>): JobSpec => ({ entry_point: 'train.py', instance_type: 'local', role: 'SageMakerRole', image_uri: 'x', ...extra }) as JobSpec;
    const cases: Array<[Partial<JobSpec>, string]> = [
      [{ container_entry_point: ['python3', 'run.py'] }, 'container_entry_point'],
      [{ container_arguments: ['--x'] }, 'container_arguments'],
    ];
    for (const [extra, key] of cases) {
      assert.throws(
        () => localJobOptionsFromSpec({ spec: spec(extra), jobFileDir: '/tmp/project', jobName: 'j', root: '/tmp/jobs' }),
        (e: LocalJobError) => e.code === 'UnsupportedForLocalRun' && e.message.startsWith(`${key} replaces how the training image starts`),
      );
    }
    assert.doesNotThrow(() => localJobOptionsFromSpec({ spec: spec({}), jobFileDir: '/tmp/project', jobName: 'j', root: '/tmp/jobs' }));
  });
});

describe('instance_groups in a local run (issue 16)', () => {
  it('runs every group: each becomes a local instance group with its name, ml.* type and count, and the GPUs are detected as for any ml.* type', () => {
    const { instance_type: _t, ...spec } = { entry_point: 'train.py', instance_type: 'local', role: 'SageMakerRole', image_uri: 'x' } as JobSpec;
    const groups: JobSpec = {
      ...spec,
      instance_groups: [
        { instance_group_name: 'train', instance_type: 'ml.g5.xlarge', instance_count: 2 },
        { instance_group_name: 'data', instance_type: 'ml.c5.xlarge', instance_count: 1 },
      ],
    };
    const options = localJobOptionsFromSpec({ spec: groups, jobFileDir: '/tmp/project', jobName: 'j', root: '/tmp/jobs' });
    assert.deepEqual(options.instanceGroups, [
      { name: 'train', instanceType: 'ml.g5.xlarge', instanceCount: 2 },
      { name: 'data', instanceType: 'ml.c5.xlarge', instanceCount: 1 },
    ]);
    assert.deepEqual([options.instanceType, options.instanceCount, options.numGpus], [undefined, undefined, undefined]);
  });

  it('refuses options that give both a homogeneous type and groups, or a group without hosts, before anything starts', async () => {
    const root = await freshDir('groups-invalid');
    const probeOut = await freshDir('groups-invalid-out');
    const group = { name: 'train', instanceType: 'ml.g5.xlarge', instanceCount: 1 };
    await assert.rejects(
      runLocalJob(probeOptions(root, probeOut, { instanceGroups: [group] })),
      (e: LocalJobError) => e.code === 'InvalidOptions' && /replaces instance_type/.test(e.message),
    );
    await assert.rejects(
      runLocalJob(probeOptions(root, probeOut, { instanceType: undefined, instanceCount: undefined, instanceGroups: [{ ...group, instanceCount: 0 }] })),
      (e: LocalJobError) => e.code === 'InvalidOptions' && /instance_groups\[0\] \(train\): instance_count must be a whole number of at least 1 \(got 0\)/.test(e.message),
    );
    assert.ok(!existsSync(path.join(root, 'probe-job')));
  });
});

describe('listLocalJobs', () => {
  it('reports a job whose runner died while it was in progress as Failed', async () => {
    const root = await freshDir('interrupted');
    const dead = spawn(python, ['-c', 'pass']);
    const deadPid = await new Promise<number>((resolve) => dead.on('exit', () => resolve(dead.pid!)));
    const folder = path.join(root, 'orphan');
    await fs.mkdir(folder);
    const now = new Date().toISOString();
    await fs.writeFile(
      path.join(folder, 'job.json'),
      JSON.stringify({
        TrainingJobName: 'orphan',
        TrainingJobStatus: 'InProgress',
        SecondaryStatus: 'Training',
        CreationTime: now,
        LastModifiedTime: now,
        Local: { runnerPid: deadPid },
      }),
    );
    await fs.mkdir(path.join(root, 'not-a-job'));
    const jobs = await listLocalJobs(root);
    assert.deepEqual(
      jobs.map((j) => [j.TrainingJobName, j.TrainingJobStatus]),
      [['orphan', 'Failed']],
    );
    assert.match(jobs[0]!.FailureReason ?? '', /runner exited/);
    assert.deepEqual(await listLocalJobs(path.join(root, 'missing')), []);
  });
});

describe('.sagemakerignore', () => {
  const rules = IgnoreRules.parse(['# comment', '*.log', '/build', 'cache/', 'docs/**/*.png', '!docs/keep/**', '**/tmp', 'a?c', '[0-9]*.bin', '\\#hash', 'trailing   '].join('\n'));
  const cases: Array<[string, boolean, boolean]> = [
    ['train.log', false, true],
    ['logs/deep/run.log', false, true],
    ['build', true, true],
    ['src/build', true, false],
    ['cache', true, true],
    ['cache', false, false],
    ['src/cache', true, true],
    ['docs/img/a.png', false, true],
    ['docs/a.png', false, true],
    ['docs/keep/a.png', false, false],
    ['x/y/tmp', true, true],
    ['abc', false, true],
    ['abbc', false, false],
    ['7.bin', false, true],
    ['x.bin', false, false],
    ['#hash', false, true],
    ['trailing', false, true],
    ['train.py', false, false],
  ];
  for (const [file, isDirectory, ignored] of cases) {
    it(`${ignored ? 'ignores' : 'keeps'} ${file}${isDirectory ? '/' : ''}`, () => {
      assert.equal(rules.ignores(file, isDirectory), ignored);
    });
  }
});

describe('instance_type local and local_gpu (the schema documents them for local runs)', processTest, () => {
  const capture = (cwd: string): CliIo & { out: string; err: string } => {
    const io = { out: '', err: '', cwd, env: { ...process.env }, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
    return io;
  };
  const jobFolder = async (name: string, instanceType: string): Promise<string> => {
    const dir = await freshDir(name);
    await fs.writeFile(
      path.join(dir, 'train.py'),
      'import os\nprint("instance", os.environ["SM_CURRENT_INSTANCE_TYPE"], "gpus", os.environ["SM_NUM_GPUS"], flush=True)\nopen(os.path.join(os.environ["SM_MODEL_DIR"], "model.txt"), "w").write("ok")\n',
    );
    await fs.writeFile(
      path.join(dir, 'job.sagemaker.yaml'),
      `entry_point: train.py\nsource_dir: .\ninstance_type: ${instanceType}\ninstance_count: 1\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\nrole: SageMakerRole\nhyperparameters:\n  epochs: 1\n`,
    );
    return dir;
  };

  for (const [instanceType, gpus] of [
    ['local', '0'],
    ['local_gpu', undefined],
  ] as const) {
    it(`sagemaker-hf launch --local runs a job file with instance_type: ${instanceType}`, async () => {
      const dir = await jobFolder(`local-type-${instanceType}`, instanceType);
      const io = capture(dir);
      const code = await launchCommand(['job.sagemaker.yaml', '--local', '--root', path.join(dir, '..', `jobs-${instanceType}`), '--python', python], io);
      assert.equal(code, 0, io.err);
      // SageMaker local mode's `local` has no GPUs; `local_gpu` gets whatever this machine has.
      assert.match(io.err, new RegExp(`^\\[algo-1\\] instance ${instanceType} gpus ${gpus ?? '\\d+'}$`, 'm'));
      assert.match(io.err, /: Completed/);
    });
  }

  it('sagemaker-hf plan (a SageMaker launch) still refuses it, saying how to run it locally', async () => {
    const dir = await jobFolder('local-type-plan', 'local');
    const io = capture(dir);
    assert.equal(await planCommand(['job.sagemaker.yaml', '--account', '123456789012', '--region', 'us-east-1'], io), 1);
    assert.match(
      io.err,
      /^sagemaker-hf plan: instance_type local runs the job on this machine; SageMaker has no such instance type\. Run it with `sagemaker-hf launch FILE --local` \(or Run Locally in the editor\), or pick an ml\.\* instance type/m,
    );
  });
});

describe('a .sagemakerignore line that cannot work, in a local run', () => {
  it('is a validation error on source_dir naming the file, the line and the pattern; nothing starts', async () => {
    const dir = await freshDir('bad-ignore');
    await fs.writeFile(path.join(dir, 'train.py'), 'print(1)\n');
    await fs.writeFile(path.join(dir, '.sagemakerignore'), '*.pyc\n\n[z-a]\n');
    const jobFilePath = path.join(dir, 'job.sagemaker.yaml');
    const text = 'entry_point: train.py\nsource_dir: .\ninstance_type: local\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\nrole: SageMakerRole\n';
    await fs.writeFile(jobFilePath, text);
    const root = path.join(dir, '.jobs');
    const outcome = await runJobFileLocally({ jobFilePath, text, root, context: jobFileContext(jobFilePath), interpreter: python });
    assert.equal(outcome.kind, 'invalid');
    const problems = outcome.kind === 'invalid' ? outcome.problems.filter((p) => p.code === 'source.ignoreFile') : [];
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.path, 'source_dir');
    assert.equal(problems[0]!.severity, 'error');
    assert.match(problems[0]!.message, new RegExp(`^${path.join(dir, '.sagemakerignore').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} line 3: the range z-a runs backwards`));
    assert.equal(existsSync(root), false, 'a job folder was created');
  });

  it('stops a run that skipped validation with a failure reason naming it, not a raw SyntaxError', processTest, async () => {
    const dir = await freshDir('bad-ignore-direct');
    await fs.writeFile(path.join(dir, 'train.py'), 'print(1)\n');
    await fs.writeFile(path.join(dir, '.sagemakerignore'), 'ok/\n[z-a]\n');
    const spec: JobSpec = { entry_point: 'train.py', source_dir: '.', instance_type: 'local', role: 'r' } as JobSpec;
    const job = await runLocalJob(
      localJobOptionsFromSpec({ spec, jobFileDir: dir, jobName: 'bad-ignore', root: path.join(dir, '..', 'bad-ignore-jobs'), interpreter: python, numGpus: 0 }),
    );
    const record = await job.completion;
    assert.equal(record.TrainingJobStatus, 'Failed');
    assert.match(record.FailureReason ?? '', /^ClientError: .*\.sagemakerignore line 2: the range z-a runs backwards.*`\[z-a\]`/);
  });
});

describe('the quickstart example on two hosts', processTest, () => {
  it('completes, and model.tar.gz holds the files the Hugging Face Trainer writes', async () => {
    const spec = parseYaml(await fs.readFile(path.join(quickstartDir, 'quickstart.sagemaker.yaml'), 'utf8')) as JobSpec;
    assert.equal(spec.instance_count, 2);
    const events = recorder();
    const root = await freshDir('quickstart');
    const job = await runLocalJob(localJobOptionsFromSpec({ spec, jobFileDir: quickstartDir, jobName: 'quickstart-test', root, interpreter: python, numGpus: 0 }), events);
    const record = await job.completion;
    assert.equal(record.TrainingJobStatus, 'Completed', record.FailureReason);
    const model = await tarEntries(record.Local.modelArtifact!);
    for (const file of [
      'config.json',
      'model.safetensors',
      'train_results.json',
      'eval_results.json',
      'predict_results.json',
      'all_results.json',
      'trainer_state.json',
      'generated_predictions.txt',
    ]) {
      assert.ok(model.has(file), `${file} in model.tar.gz (${[...model.keys()].join(', ')})`);
    }
    const evalResults = JSON.parse(model.get('eval_results.json')!) as Record<string, number>;
    for (const key of ['eval_loss', 'eval_rouge1', 'eval_rouge2', 'eval_rougeL', 'eval_rougeLsum', 'eval_runtime', 'eval_samples_per_second', 'eval_samples', 'epoch']) {
      assert.equal(typeof evalResults[key], 'number', key);
    }
    assert.ok(evalResults.eval_rouge1! > 0 && evalResults.eval_rouge1! <= 100);
    const state = JSON.parse(model.get('trainer_state.json')!) as { log_history: Array<Record<string, number>>; global_step: number };
    assert.ok(state.log_history.some((entry) => 'loss' in entry && 'learning_rate' in entry));
    assert.ok(state.global_step > 0);
    assert.equal(model.get('generated_predictions.txt')!.split('\n').length, 12, 'one prediction per test dialogue');
    assert.ok(
      events.lines.some((l) => l.host === 'algo-1' && /^\{'loss': /.test(l.line)),
      'Trainer-style loss lines',
    );
    assert.ok(
      events.lines.some((l) => l.host === 'algo-2' && /Connected 2 hosts/.test(l.line)),
      'algo-2 trained with algo-1',
    );
  });
});
