// `sagemaker-hf diagnose` end to end: the real @aws-sdk clients (built by the CLI from the
// environment, as a user's would be) against moto with our SageMaker lifecycle plugin, where a 2-host
// job dies with a CUDA out-of-memory traceback on algo-2 only; and a local job's folder.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker';
import { runCli } from '../../src/cli';
import type { Diagnosis } from '../../src/core/diagnosis/diagnoseJob';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';

const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04';

function job(name: string): CreateTrainingJobCommandInput {
  return {
    TrainingJobName: name,
    RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
    AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
    HyperParameters: { per_device_train_batch_size: '8', sagemaker_program: '"train.py"' },
    OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
    ResourceConfig: { InstanceCount: 2, InstanceType: 'ml.g5.12xlarge', VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 86400 },
  };
}

async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd, env });
  return { code, out, err };
}

function workspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'diagnose-ws-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'train.py'), 'def main():\n    pass\n');
  return dir;
}

describe('sagemaker-hf diagnose against moto', { skip: motoInstallProblem() ?? false }, () => {
  let moto: MotoServer | undefined;
  let sagemaker: SageMakerClient;
  let env: NodeJS.ProcessEnv;
  const folders: string[] = [];

  before(async () => {
    moto = await startMoto({ simSeconds: 60 });
    sagemaker = new SageMakerClient(awsTestClientConfig(moto.endpoint));
    env = { AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  });
  after(async () => {
    sagemaker?.destroy();
    await moto?.stop();
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  async function runToEnd(name: string): Promise<void> {
    await sagemaker.send(new CreateTrainingJobCommand(job(name)));
    for (;;) {
      const d = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
      if (d.TrainingJobStatus !== 'InProgress') return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('diagnoses a CUDA OOM on algo-2 of a 2-host job, its frame mapped to the workspace file', async () => {
    const name = 'diag-oom-on-algo-2';
    await moto!.configure({ jobs: { [name]: { outcome: 'Failed', simSeconds: 1, logLinesPerHost: 3, failingHost: 2 } } });
    await runToEnd(name);
    const ws = workspace();
    folders.push(ws);

    const { code, out, err } = await cli(['diagnose', name, '--json', '--source-dir', 'src'], ws, env);
    assert.equal(code, 1, err);
    const d = JSON.parse(out) as Diagnosis;
    assert.deepEqual(Object.keys(d), ['job', 'status', 'failureReason', 'failedIn', 'cause', 'tracebacks']);
    assert.equal(d.job, name);
    assert.equal(d.status, 'Failed');
    assert.match(d.failureReason ?? '', /ExecuteUserScriptError/);
    assert.equal(d.failedIn?.status, 'Training');
    assert.equal(d.cause?.kind, 'cuda-out-of-memory');
    assert.equal(d.cause?.host, 'algo-2');
    assert.match(d.cause!.fix, /from 8 to 4/);
    assert.deepEqual(Object.keys(d.cause!), ['kind', 'host', 'message', 'fix']);
    assert.equal(d.tracebacks.length, 1, 'only algo-2 printed a traceback');
    const [tb] = d.tracebacks;
    assert.equal(tb!.host, 'algo-2');
    assert.match(tb!.error, /^RuntimeError: CUDA out of memory\. Tried to allocate 256\.00 MiB/);
    assert.deepEqual(tb!.frames, [
      { file: 'train.py', line: 655, local: 'src/train.py' },
      { file: 'train.py', line: 585, local: 'src/train.py' },
      { file: '/opt/conda/lib/python3.8/site-packages/transformers/trainer.py', line: 1120, local: null },
    ]);

    // The text form says the same for a person.
    const text = await cli(['diagnose', name, '--source-dir', 'src'], ws, env);
    assert.equal(text.code, 1);
    assert.match(text.out, /Cause: cuda-out-of-memory on algo-2/);
    assert.match(text.out, /^FailureReason: AlgorithmError: ExecuteUserScriptError:\n {2}ExitCode 1\n/m);
    assert.match(text.out, /train\.py:585 {2}→ {2}src\/train\.py:585/);
  });

  it('maps nothing when the workspace lacks the file, and exits 0 for a job that did not fail', async () => {
    const failed = 'diag-oom-unmapped';
    await moto!.configure({ jobs: { [failed]: { outcome: 'Failed', simSeconds: 1, logLinesPerHost: 2 } } });
    await runToEnd(failed);
    const empty = mkdtempSync(path.join(os.tmpdir(), 'diagnose-empty-'));
    folders.push(empty);
    const unmapped = JSON.parse((await cli(['diagnose', failed, '--json'], empty, env)).out) as Diagnosis;
    assert.equal(unmapped.tracebacks.length, 2);
    assert.ok(unmapped.tracebacks.every((t) => t.frames.every((f) => f.local === null)));

    const completed = 'diag-completed';
    await moto!.configure({ jobs: { [completed]: { outcome: 'Completed', simSeconds: 1, logLinesPerHost: 2 } } });
    await runToEnd(completed);
    const { code, out } = await cli(['diagnose', completed, '--json'], empty, env);
    assert.equal(code, 0);
    const d = JSON.parse(out) as Diagnosis;
    assert.equal(d.status, 'Completed');
    assert.equal(d.cause, null);
    assert.deepEqual(d.tracebacks, []);
  });

  it('says a job that does not exist does not exist (exit 2)', async () => {
    const { code, err } = await cli(['diagnose', 'no-such-job'], os.tmpdir(), env);
    assert.equal(code, 2);
    assert.match(err, /no-such-job/);
  });
});

describe('sagemaker-hf diagnose --local', () => {
  it('reads a local job folder: job.json, each host log, frames under the host code folder', async () => {
    const ws = workspace();
    try {
      const folder = path.join(ws, '.sagemaker-local', 'local-job-1');
      mkdirSync(path.join(folder, 'logs'), { recursive: true });
      const code1 = path.join(folder, 'algo-1', 'opt', 'ml', 'code');
      const record = {
        TrainingJobName: 'local-job-1',
        TrainingJobStatus: 'Failed',
        SecondaryStatus: 'Failed',
        FailureReason: 'AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "ModuleNotFoundError: No module named \'peft\'"',
        CreationTime: '2026-12-07T10:00:00.000Z',
        LastModifiedTime: '2026-12-07T10:00:05.000Z',
        HyperParameters: { sagemaker_program: '"train.py"' },
        AlgorithmSpecification: { TrainingInputMode: 'File', TrainingImage: 'local' },
        ResourceConfig: { InstanceType: 'local', InstanceCount: 1, VolumeSizeInGB: 30 },
        InputDataConfig: [],
        OutputDataConfig: { S3OutputPath: 'file:///tmp' },
        SecondaryStatusTransitions: [
          { Status: 'Training', StartTime: '2026-12-07T10:00:01.000Z', StatusMessage: 'Training in progress.' },
          { Status: 'Failed', StartTime: '2026-12-07T10:00:05.000Z', StatusMessage: 'Training job failed' },
        ],
        Local: {
          version: 1,
          folder,
          hosts: ['algo-1'],
          sourceDir: path.join(ws, 'src'),
          entryPoint: 'train.py',
          interpreter: 'python3',
          pythonVersion: '3.11',
          logFiles: { 'algo-1': path.join(folder, 'logs', 'algo-1.log') },
          runnerPid: 999_999_999,
        },
      };
      writeFileSync(path.join(folder, 'job.json'), JSON.stringify(record));
      writeFileSync(
        path.join(folder, 'logs', 'algo-1.log'),
        ['Traceback (most recent call last):', `  File "${code1}/train.py", line 2, in <module>`, '    import peft', "ModuleNotFoundError: No module named 'peft'", ''].join('\n'),
      );
      const { code, out, err } = await cli(['diagnose', 'local-job-1', '--local', '--json'], ws, {});
      assert.equal(code, 1, err);
      const d = JSON.parse(out) as Diagnosis;
      assert.equal(d.cause?.kind, 'module-not-found');
      assert.equal(d.cause?.host, 'algo-1');
      assert.deepEqual(d.tracebacks[0]!.frames, [{ file: `${code1}/train.py`, line: 2, local: 'src/train.py' }]);

      const missing = await cli(['diagnose', '../etc', '--local'], ws, {});
      assert.equal(missing.code, 2);
      assert.match(missing.err, /no local job/);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
