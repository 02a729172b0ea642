/**
 * Run Locally with instance_groups (issue 16): a heterogeneous cluster's job file run through
 * `sagemaker-hf launch --local`, real Python processes on every host of every group. A tiny
 * script records what each host sees (SM_* variables, resourceconfig.json, the rendezvous) and
 * writes model and output files; the expectations are the training toolkit's (TK environment.py
 * and PTK train(), see src/core/contract/containerContract.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { tarEntries } from './tarEntries';

import { launchCommand } from '../../src/cli/launchCommand';
import type { CliIo } from '../../src/cli/cliError';
import { readLocalJob } from '../../src/local/localJobRecord';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
// A broken teardown shows up as a job that never ends: this bound turns that into a failure.
const processTest = { timeout: 90_000 };

/** Records what the host was given, then (when FAIL_GROUP names its group) fails once every other host is running. */
const SCRIPT = `import json, os, sys, time
host = os.environ["SM_CURRENT_HOST"]
out = os.environ["PROBE_OUT"]
keys = [k for k in os.environ if k.startswith("SM_") and k != "SM_TRAINING_ENV"]
seen = {k: os.environ[k] for k in keys + ["MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE"] if k in os.environ}
seen["training_env"] = json.loads(os.environ["SM_TRAINING_ENV"])
seen["resourceconfig"] = json.load(open(os.path.join(os.environ["SM_INPUT_CONFIG_DIR"], "resourceconfig.json")))
seen["argv"] = sys.argv[1:]
seen["inputdataconfig"] = json.load(open(os.path.join(os.environ["SM_INPUT_CONFIG_DIR"], "inputdataconfig.json")))
data_dir = os.path.join(os.environ["SM_INPUT_DIR"], "data")
seen["data"] = {c: sorted(os.listdir(os.path.join(data_dir, c))) for c in sorted(os.listdir(data_dir))} if os.path.isdir(data_dir) else {}
model = os.environ["SM_MODEL_DIR"]
open(os.path.join(model, "written-by-%s.txt" % host), "w").write(host)
open(os.path.join(model, "same-name.txt"), "w").write(host)
open(os.path.join(os.environ["SM_OUTPUT_DATA_DIR"], "seen-%s.json" % host), "w").write(host)
json.dump(seen, open(os.path.join(out, host + ".json"), "w"), indent=1)
open(os.path.join(out, host + ".started"), "w").write(str(os.getpid()))
if os.environ.get("FAIL_GROUP") == os.environ["SM_CURRENT_INSTANCE_GROUP"]:
    deadline = time.time() + 30
    others = [h for h in json.loads(os.environ["SM_HOSTS"]) if h != host]
    while not all(os.path.exists(os.path.join(out, h + ".started")) for h in others) and time.time() < deadline:
        time.sleep(0.05)
    raise ValueError("the %s group cannot read its shard" % os.environ["SM_CURRENT_INSTANCE_GROUP"])
if os.environ.get("FAIL_GROUP"):
    time.sleep(120)
`;

/** data: one CPU host (algo-1); train: two GPU hosts (algo-2, algo-3), the group MPI runs on. */
function jobFile(probeOut: string, failGroup?: string): string {
  return [
    'entry_point: train.py',
    'source_dir: .',
    'transformers_version: "4.56.2"',
    'pytorch_version: "2.8.0"',
    'py_version: py312',
    'role: SageMakerRole',
    'instance_groups:',
    '  - instance_group_name: data',
    '    instance_type: ml.c5.xlarge',
    '    instance_count: 1',
    '  - instance_group_name: train',
    '    instance_type: ml.g5.xlarge',
    '    instance_count: 2',
    'distribution:',
    '  mpi:',
    '    enabled: true',
    '    processes_per_host: 1',
    '  instance_groups: [train]',
    'hyperparameters:',
    '  epochs: 1',
    'environment:',
    `  PROBE_OUT: ${JSON.stringify(probeOut)}`,
    ...(failGroup ? [`  FAIL_GROUP: ${failGroup}`] : []),
    '',
  ].join('\n');
}

interface Seen extends Record<string, unknown> {
  training_env: Record<string, unknown>;
  resourceconfig: Record<string, unknown>;
  inputdataconfig: Record<string, unknown>;
  data: Record<string, string[]>;
}

let scratch: string;
before(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'local-hetero-'));
});
after(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

function capture(cwd: string): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', cwd, env: { ...process.env }, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

async function launch(
  name: string,
  failGroup?: string,
  text: (probeOut: string) => string = (probeOut) => jobFile(probeOut, failGroup),
): Promise<{ code: number; io: ReturnType<typeof capture>; probeOut: string; folder: string }> {
  const dir = path.join(scratch, name);
  const probeOut = path.join(scratch, `${name}-out`);
  await fs.mkdir(dir, { recursive: true });
  await fs.mkdir(probeOut, { recursive: true });
  await fs.writeFile(path.join(dir, 'train.py'), SCRIPT);
  await fs.writeFile(path.join(dir, 'job.sagemaker.yaml'), text(probeOut));
  const io = capture(dir);
  const code = await launchCommand(['job.sagemaker.yaml', '--local', '--root', path.join(scratch, `${name}-jobs`), '--python', python], io);
  const folder = io.out.trim().split('\n')[1] ?? '';
  return { code, io, probeOut, folder };
}

describe('sagemaker-hf launch --local with instance_groups: every host of every group', processTest, () => {
  let run: Awaited<ReturnType<typeof launch>>;
  const seen: Record<string, Seen> = {};

  before(async () => {
    run = await launch('groups');
    assert.equal(run.code, 0, run.io.err);
    for (const host of ['algo-1', 'algo-2', 'algo-3']) seen[host] = JSON.parse(await fs.readFile(path.join(run.probeOut, `${host}.json`), 'utf8')) as Seen;
  }, processTest);

  it('says which host stands in for which group, and completes', () => {
    assert.match(run.io.err, /locally on 3 host\(s\) \(algo-1 as ml\.c5\.xlarge, group data; algo-2, algo-3 as ml\.g5\.xlarge, group train\)/);
    assert.match(run.io.err, /: Completed/);
  });

  it("gives each host its own group's resourceconfig.json", () => {
    const groups = [
      { instance_group_name: 'data', instance_type: 'ml.c5.xlarge', hosts: ['algo-1'] },
      { instance_group_name: 'train', instance_type: 'ml.g5.xlarge', hosts: ['algo-2', 'algo-3'] },
    ];
    for (const [host, group, type] of [
      ['algo-1', 'data', 'ml.c5.xlarge'],
      ['algo-2', 'train', 'ml.g5.xlarge'],
      ['algo-3', 'train', 'ml.g5.xlarge'],
    ] as const) {
      assert.deepEqual(seen[host]!.resourceconfig, {
        current_host: host,
        current_instance_type: type,
        current_group_name: group,
        hosts: ['algo-1', 'algo-2', 'algo-3'],
        instance_groups: groups,
        network_interface_name: 'eth0',
      });
    }
  });

  it("exports the toolkit's instance-group variables, the training group from distribution.instance_groups", () => {
    for (const [host, group, type, groupHosts] of [
      ['algo-1', 'data', 'ml.c5.xlarge', '["algo-1"]'],
      ['algo-2', 'train', 'ml.g5.xlarge', '["algo-2","algo-3"]'],
      ['algo-3', 'train', 'ml.g5.xlarge', '["algo-2","algo-3"]'],
    ] as const) {
      const s = seen[host]!;
      assert.deepEqual([s.SM_CURRENT_HOST, s.SM_CURRENT_INSTANCE_GROUP, s.SM_CURRENT_INSTANCE_TYPE, s.SM_CURRENT_INSTANCE_GROUP_HOSTS], [host, group, type, groupHosts]);
      assert.equal(s.SM_HOSTS, '["algo-1","algo-2","algo-3"]');
      assert.equal(s.SM_INSTANCE_GROUPS, '["data","train"]');
      assert.equal(
        s.SM_INSTANCE_GROUPS_DICT,
        '{"data":{"hosts":["algo-1"],"instance_group_name":"data","instance_type":"ml.c5.xlarge"},"train":{"hosts":["algo-2","algo-3"],"instance_group_name":"train","instance_type":"ml.g5.xlarge"}}',
      );
      assert.equal(s.SM_DISTRIBUTION_INSTANCE_GROUPS, '["train"]');
      assert.equal(s.SM_IS_HETERO, 'true');
      assert.deepEqual(s.training_env.distribution_hosts, ['algo-2', 'algo-3']);
      assert.equal(s.training_env.master_hostname, 'algo-2');
      assert.equal(s.training_env.is_master, host === 'algo-2');
      assert.deepEqual(s.argv, ['--epochs', '1']);
      // Every host meets at the training group's master, which is algo-2's port here.
      assert.equal(s.MASTER_ADDR, '127.0.0.1');
      assert.equal(s.MASTER_PORT, seen['algo-2']!.MASTER_PORT);
    }
    // Every local host gets this machine's GPUs, whatever its group's type.
    assert.equal(seen['algo-1']!.SM_NUM_GPUS, seen['algo-2']!.SM_NUM_GPUS);
  });

  it('runs the data group plainly and MPI only on the train group, and says so', () => {
    assert.match(run.io.err, /^\[algo-2\] On SageMaker algo-2 starts the ranks with mpirun/m);
    assert.match(run.io.err, /^\[algo-3\] On SageMaker algo-2 starts the ranks with mpirun/m);
    assert.doesNotMatch(run.io.err, /^\[algo-1\] On SageMaker .* mpirun/m);
    assert.match(run.io.err, /^\[algo-1\] algo-1 is in instance group data \(ml\.c5\.xlarge\); here it gets this machine's \d+ GPU\(s\)/m);
  });

  it("packs every host's model and output/data, algo-1 winning a name clash, and records the groups in job.json", async () => {
    const model = await tarEntries(path.join(run.folder, 'output', 'model.tar.gz'));
    assert.deepEqual([...model.keys()].sort(), ['same-name.txt', 'written-by-algo-1.txt', 'written-by-algo-2.txt', 'written-by-algo-3.txt']);
    assert.equal(model.get('same-name.txt'), 'algo-1');
    const output = await tarEntries(path.join(run.folder, 'output', 'output.tar.gz'));
    assert.deepEqual([...output.keys()].sort(), ['seen-algo-1.json', 'seen-algo-2.json', 'seen-algo-3.json']);
    const record = await readLocalJob(run.folder);
    assert.deepEqual(record?.ResourceConfig, {
      InstanceGroups: [
        { InstanceGroupName: 'data', InstanceType: 'ml.c5.xlarge', InstanceCount: 1 },
        { InstanceGroupName: 'train', InstanceType: 'ml.g5.xlarge', InstanceCount: 2 },
      ],
      VolumeSizeInGB: 0,
    });
    assert.deepEqual(record?.Local.hosts, ['algo-1', 'algo-2', 'algo-3']);
    for (const host of ['algo-1', 'algo-2', 'algo-3']) assert.ok(existsSync(path.join(run.folder, host, 'opt', 'ml', 'output', 'success')), host);
  });
});

describe('sagemaker-hf launch --local with instance_groups when one group fails', processTest, () => {
  it("fails the job with that host's reason and tears the other group down", async () => {
    const run = await launch('groups-fail', 'data');
    assert.equal(run.code, 1, run.io.err);
    const record = await readLocalJob(run.folder);
    assert.equal(record?.TrainingJobStatus, 'Failed');
    const reason = record?.FailureReason ?? '';
    assert.ok(reason.startsWith('AlgorithmError: ExecuteUserScriptError:\nExitCode 1\n'), reason);
    assert.match(reason, /ValueError: the data group cannot read its shard/);
    assert.equal(`AlgorithmError: ${await fs.readFile(path.join(run.folder, 'algo-1', 'opt', 'ml', 'output', 'failure'), 'utf8')}`, reason);
    for (const host of ['algo-2', 'algo-3']) {
      assert.ok(existsSync(path.join(run.probeOut, `${host}.started`)), `${host} was running`);
      assert.ok(!existsSync(path.join(run.folder, host, 'opt', 'ml', 'output', 'failure')), `${host} did not fail on its own`);
    }
    assert.ok(!existsSync(path.join(run.folder, 'output', 'model.tar.gz')), 'a failed job uploads no model');
  });
});

describe('sagemaker-hf launch --local with instance_groups and torch_distributed (no training group sent)', processTest, () => {
  it('makes each group a world of its own, meeting at its own master on its own local port', async () => {
    // Two GPU groups: the SDK sends the flag alone, so the toolkit distributes every group by itself.
    const text = (probeOut: string) =>
      jobFile(probeOut)
        .replace('instance_type: ml.c5.xlarge', 'instance_type: ml.g4dn.xlarge')
        .replace(/distribution:\n[\s\S]*?instance_groups: \[train\]\n/, 'distribution:\n  torch_distributed:\n    enabled: true\n  instance_groups: [train]\n');
    const run = await launch('groups-torchrun', undefined, text);
    assert.equal(run.code, 0, run.io.err);
    const seen: Record<string, Seen> = {};
    for (const host of ['algo-1', 'algo-2', 'algo-3']) seen[host] = JSON.parse(await fs.readFile(path.join(run.probeOut, `${host}.json`), 'utf8')) as Seen;
    const [one, two, three] = [seen['algo-1']!, seen['algo-2']!, seen['algo-3']!];
    assert.deepEqual([one.SM_DISTRIBUTION_INSTANCE_GROUPS, two.SM_DISTRIBUTION_INSTANCE_GROUPS], ['["data"]', '["train"]']);
    assert.deepEqual([one.RANK, one.WORLD_SIZE, two.RANK, three.RANK, three.WORLD_SIZE], ['0', '1', '0', '1', '2']);
    assert.deepEqual([one.training_env.master_hostname, three.training_env.master_hostname], ['algo-1', 'algo-2']);
    assert.equal(two.MASTER_PORT, three.MASTER_PORT);
    assert.notEqual(one.MASTER_PORT, two.MASTER_PORT, 'two worlds on one port would join each other');
  });
});

describe("sagemaker-hf launch --local with a channel's instance_groups: only those groups' hosts get it", processTest, () => {
  it('gives raw to the data group, shards over the train group only, config to every host; the others do not see the channel at all', async () => {
    const channels = [
      'inputs:',
      '  raw:',
      '    s3_data: ./raw',
      '    instance_groups: [data]',
      '  shards:',
      '    s3_data: ./shards',
      '    distribution: ShardedByS3Key',
      '    instance_groups: [train]',
      '  config: ./config',
      '',
    ].join('\n');
    const dir = path.join(scratch, 'groups-channels');
    for (const [folder, files] of [
      ['raw', ['r.txt']],
      ['shards', ['s0.txt', 's1.txt', 's2.txt', 's3.txt']],
      ['config', ['c.json']],
    ] as const) {
      await fs.mkdir(path.join(dir, folder), { recursive: true });
      for (const f of files) await fs.writeFile(path.join(dir, folder, f), f);
    }
    const run = await launch('groups-channels', undefined, (probeOut) => jobFile(probeOut) + channels);
    assert.equal(run.code, 0, run.io.err);
    const seen: Record<string, Seen> = {};
    for (const host of ['algo-1', 'algo-2', 'algo-3']) seen[host] = JSON.parse(await fs.readFile(path.join(run.probeOut, `${host}.json`), 'utf8')) as Seen;
    const [one, two, three] = [seen['algo-1']!, seen['algo-2']!, seen['algo-3']!];
    // algo-1 (data): raw and config; no shards folder, variable or inputdataconfig.json entry.
    assert.deepEqual(one.data, { config: ['c.json'], raw: ['r.txt'] });
    assert.deepEqual(Object.keys(one.inputdataconfig).sort(), ['config', 'raw']);
    assert.equal(one.SM_CHANNELS, '["config","raw"]');
    assert.ok(one.SM_CHANNEL_RAW !== undefined && one.SM_CHANNEL_SHARDS === undefined, JSON.stringify(one));
    assert.deepEqual(Object.keys(one.training_env.channel_input_dirs as object).sort(), ['config', 'raw']);
    // algo-2, algo-3 (train): shards split between the two of them alone, config whole, no raw.
    for (const s of [two, three]) {
      assert.deepEqual(Object.keys(s.data).sort(), ['config', 'shards']);
      assert.equal(s.SM_CHANNELS, '["config","shards"]');
      assert.equal(s.SM_CHANNEL_RAW, undefined);
      assert.deepEqual(s.inputdataconfig.shards, { TrainingInputMode: 'File', S3DistributionType: 'ShardedByS3Key', RecordWrapperType: 'None' });
    }
    assert.deepEqual([...two.data.shards!, ...three.data.shards!].sort(), ['s0.txt', 's1.txt', 's2.txt', 's3.txt']);
    assert.equal(two.data.shards!.length, 2);
    assert.ok(!existsSync(path.join(run.folder, 'algo-1', 'opt', 'ml', 'input', 'data', 'shards')));
    // Each host that goes without a channel says so.
    assert.match(run.io.err, /^\[algo-1\] Channel shards is for instance group\(s\) train only: this host \(group data\) has no /m);
    assert.match(run.io.err, /^\[algo-3\] Channel raw is for instance group\(s\) data only/m);
    assert.doesNotMatch(run.io.err, /^\[algo-1\] Channel raw is for/m);
  });
});

describe('instance_groups with tuning: (the SDK cannot send it)', processTest, () => {
  const tuning = [
    'tuning:',
    '  objective_metric_name: loss',
    '  objective_type: Minimize',
    '  max_jobs: 2',
    '  max_parallel_jobs: 1',
    '  metric_definitions: [{Name: loss, Regex: "loss=([0-9.]+)"}]',
    '  hyperparameter_ranges:',
    '    lr: {type: continuous, min_value: 0.01, max_value: 0.1}',
    '',
  ].join('\n');

  it('is an error at instance_groups in the editor, and tune --local starts no trial', async () => {
    const text = jobFile('/tmp/unused') + tuning;
    const problems = validateJobFile(text, {}).problems.filter((p) => p.code === 'tuning.instanceGroups');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.severity, 'error');
    assert.equal(problems[0]!.path, 'instance_groups');
    assert.match(problems[0]!.message, /HyperparameterTuner sends the estimator's instance_type and instance_count/);
    const dir = path.join(scratch, 'groups-tuning');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'train.py'), SCRIPT);
    await fs.writeFile(path.join(dir, 'job.sagemaker.yaml'), text);
    const io = capture(dir);
    const root = path.join(scratch, 'groups-tuning-jobs');
    assert.equal(await launchCommand(['job.sagemaker.yaml', '--local', '--root', root, '--python', python], io), 1);
    assert.match(io.err, /A tuning job runs every trial on one instance type/);
    assert.ok(!existsSync(root), 'nothing was started');
  });
});
