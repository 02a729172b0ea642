// examples/pytorch-ddp run as shipped, on two local hosts, with real torch.distributed (gloo on this
// CPU): the local backend gives each host process torchrun's worker environment, the hosts train on
// different shards and end with identical parameters (DDP all-reduced the gradients), only rank 0
// writes the model, and what it wrote goes through Download Model (extracting model.tar.gz), the
// model card and Push to Hub (the real @huggingface/hub client against the Hub emulator).
//
// Needs a Python with PyTorch: scripts/setup-test-env.sh installs Debian's python3-torch. Without one
// the suite is skipped, saying so, except under CI=true, where it fails instead.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { downloadFile } from '@huggingface/hub';
import { parse } from 'yaml';
import { extractTarGzFile } from '../../src/artifacts/extractArchive';
import { cardCommand } from '../../src/cli/cardCommand';
import type { CliIo } from '../../src/cli/cliError';
import { launchCommand } from '../../src/cli/launchCommand';
import { pushCommand } from '../../src/cli/pushCommand';
import { EMULATOR_USER, EMULATOR_WRITE_TOKEN, startHubEmulator } from '../emulators/hub/hubEmulator';
import type { HubEmulator } from '../emulators/hub/hubEmulator';
import { REPO_ROOT } from './repoRoot';

const example = path.join(REPO_ROOT, 'examples', 'pytorch-ddp');
const TORCH_CHECK = 'import torch, torch.distributed as d; assert d.is_available() and d.is_gloo_available(), "no gloo"; print(torch.__version__)';

/** The first interpreter that imports torch with gloo: $SAGEMAKER_HF_TEST_PYTHON, python3 on PATH, Debian's. */
function findTorchPython(): { python?: string; reason: string } {
  const candidates = [...new Set([process.env.SAGEMAKER_HF_TEST_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c))];
  const failures: string[] = [];
  for (const candidate of candidates) {
    const r = spawnSync(candidate, ['-c', TORCH_CHECK], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { python: candidate, reason: `${candidate} has PyTorch ${r.stdout.trim()}` };
    failures.push(`${candidate}: ${(r.error?.message ?? r.stderr.trim().split('\n').at(-1)) || `exit ${r.status}`}`);
  }
  return {
    reason: `no Python interpreter here imports torch with gloo (${failures.join('; ')}); install Debian's python3-torch (scripts/setup-test-env.sh does) or set SAGEMAKER_HF_TEST_PYTHON`,
  };
}

const torch = findTorchPython();
const skip = !torch.python && process.env.CI !== 'true' ? torch.reason : false;

interface RankReport {
  rank: number;
  world_size: number;
  local_rank: number;
  backend: string;
  master: string;
  first_epoch_example_ids: string[];
  example_ids_seen: string[];
  parameter_sha256: string;
  global_step: number;
}

function capture(cwd: string, env: NodeJS.ProcessEnv): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', cwd, env, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describe('examples/pytorch-ddp on two local hosts (torch_distributed, gloo)', { skip, timeout: 240_000 }, () => {
  let scratch: string;
  let jobFolder: string;
  let launchErr: string;
  let hub: HubEmulator;
  const modelDir = () => path.join(jobFolder, 'model');
  const hostDir = (host: string, ...rest: string[]) => path.join(jobFolder, host, 'opt', 'ml', ...rest);
  const report = async (host: string, rank: number) => JSON.parse(await fs.readFile(hostDir(host, 'output', 'data', `rank-${rank}.json`), 'utf8')) as RankReport;

  before(async () => {
    assert.ok(torch.python, torch.reason);
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'pytorch-ddp-'));
    hub = await startHubEmulator();
    // One intra-op thread per host process: two hosts share this machine's cores.
    const io = capture(example, { ...process.env, OMP_NUM_THREADS: '1' });
    const code = await launchCommand(['pytorch-ddp.sagemaker.yaml', '--local', '--root', path.join(scratch, 'jobs'), '--python', torch.python], io);
    launchErr = io.err;
    assert.equal(code, 0, io.err);
    jobFolder = io.out.trim().split('\n')[1]!;
  });
  after(async () => {
    await hub?.stop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  it('starts each host with its torchrun rank, both meeting at one 127.0.0.1 port, over gloo', async () => {
    const [one, two] = [await report('algo-1', 0), await report('algo-2', 1)];
    assert.deepEqual([one.rank, one.world_size, one.local_rank, one.backend], [0, 2, 0, 'gloo']);
    assert.deepEqual([two.rank, two.world_size, two.local_rank, two.backend], [1, 2, 0, 'gloo']);
    assert.match(one.master, /^127\.0\.0\.1:\d+$/);
    assert.equal(two.master, one.master);
    assert.match(launchErr, /^\[algo-2\] MASTER_ADDR\/MASTER_PORT are 127\.0\.0\.1:\d+ here; on SageMaker they are algo-1:7777\.$/m);
  });

  it('trains each host on its own shard, and both end with identical parameters: the gradients were all-reduced', async () => {
    const [one, two] = [await report('algo-1', 0), await report('algo-2', 1)];
    assert.equal(one.first_epoch_example_ids.length, 25, '51 examples, drop_last: 25 per rank');
    assert.equal(two.first_epoch_example_ids.length, 25);
    assert.deepEqual(
      one.first_epoch_example_ids.filter((id) => two.first_epoch_example_ids.includes(id)),
      [],
      'the ranks saw different examples',
    );
    assert.equal(one.global_step, two.global_step);
    assert.ok(one.global_step > 0);
    assert.match(one.parameter_sha256, /^[0-9a-f]{64}$/);
    assert.equal(two.parameter_sha256, one.parameter_sha256);
  });

  it('has only rank 0 write the model; model.tar.gz holds its files', async () => {
    assert.deepEqual(await fs.readdir(hostDir('algo-2', 'model')), []);
    const written = (await fs.readdir(hostDir('algo-1', 'model'))).sort();
    for (const file of [
      'config.json',
      'pytorch_model.bin',
      'vocab.json',
      'seq2seq.py',
      'trainer_state.json',
      'all_results.json',
      'eval_results.json',
      'generated_predictions.txt',
    ]) {
      assert.ok(written.includes(file), `${file} in ${written.join(', ')}`);
    }
    const job = JSON.parse(await fs.readFile(path.join(jobFolder, 'job.json'), 'utf8')) as { TrainingJobStatus: string; Local: { modelArtifact: string } };
    assert.equal(job.TrainingJobStatus, 'Completed');
    // Download Model of a local job: the safe extraction of its model.tar.gz.
    await extractTarGzFile(job.Local.modelArtifact, modelDir());
    assert.deepEqual((await fs.readdir(modelDir())).sort(), written);
    const config = JSON.parse(await fs.readFile(path.join(modelDir(), 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config.model_type, 'tiny-seq2seq-transformer');
    assert.match(String(config.trained_with), /DistributedDataParallel, 2 processes, gloo/);
  });

  it('the extracted model loads with the code saved beside it and summarizes a dialogue', () => {
    const script =
      'import sys; sys.path.insert(0, sys.argv[1]); from seq2seq import load, summarize; m, t = load(sys.argv[1]); print(repr(summarize(m, t, "Ann: Lunch at 1 on Friday?\\nBo: Sure, I\'ll book a table.")))';
    const r = spawnSync(torch.python!, ['-c', script, modelDir()], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^'.+'\n$/);
  });

  it('gets a model card from the job record and its result files', async () => {
    const io = capture(jobFolder, { ...process.env });
    assert.equal(await cardCommand([modelDir()], io), 0, io.err);
    const readme = await fs.readFile(path.join(modelDir(), 'README.md'), 'utf8');
    assert.ok(readme.startsWith('---\n'));
    const meta = parse(readme.slice(4, readme.indexOf('\n---\n'))) as Record<string, unknown>;
    assert.ok(meta && typeof meta === 'object');
    const evalLoss = (JSON.parse(await fs.readFile(path.join(modelDir(), 'eval_results.json'), 'utf8')) as { eval_loss: number }).eval_loss;
    assert.ok(readme.includes(String(evalLoss)), 'the validation loss of eval_results.json');
    assert.match(readme, /torch_distributed/);
    // Honest (issue 20): a torch.nn model trained by two local processes is no transformers model and
    // never ran on SageMaker, so the card claims neither, nor an instance type it never used.
    assert.equal(meta.library_name, undefined, 'a torch.nn model saved without transformers gets no library_name');
    assert.equal(meta.pipeline_tag, undefined);
    assert.doesNotMatch(readme, /trained on Amazon SageMaker/i);
    assert.doesNotMatch(readme, /ml\.g5\.xlarge/);
    assert.match(readme, /locally/i);
  });

  it('pushes to the Hub: config, weights, vocabulary, code and card arrive intact', async () => {
    const repo = `${EMULATOR_USER}/pytorch-ddp-seq2seq`;
    const io = capture(scratch, { HF_TOKEN: EMULATOR_WRITE_TOKEN });
    assert.equal(await pushCommand([modelDir(), '--repo', repo, '--hub-url', hub.url], io), 0, io.err);
    assert.equal(io.out, `${hub.url}/${repo}\n`);
    for (const file of ['README.md', 'config.json', 'pytorch_model.bin', 'vocab.json', 'seq2seq.py']) {
      const blob = await downloadFile({ repo: { type: 'model', name: repo }, path: file, hubUrl: hub.url, accessToken: EMULATOR_WRITE_TOKEN, xet: false });
      assert.ok(blob, `${file} in ${repo}`);
      assert.ok(Buffer.from(await blob.arrayBuffer()).equals(await fs.readFile(path.join(modelDir(), file))), file);
    }
  });
});
