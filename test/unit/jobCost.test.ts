// What a job cost: `sagemaker-hf cost` through the real @aws-sdk clients against moto (with our lifecycle plugin:
// spot billing, warm pools) and the Price List fake of test/emulators/awsExtras.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker';
import { AwsClients } from '../../src/aws/awsClients';
import type { CliIo } from '../../src/cli/cliError';
import { costCommand } from '../../src/cli/costCommand';
import { startAwsExtras } from '../emulators/awsExtras/awsExtras';
import type { AwsExtras } from '../emulators/awsExtras/awsExtras';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const TYPE = 'ml.p3dn.24xlarge';

const installProblem = motoInstallProblem();

describe('sagemaker-hf cost against moto and the Price List fake', { skip: installProblem ?? false }, () => {
  let moto: MotoServer;
  let extras: AwsExtras;
  let sagemaker: SageMakerClient;
  let clients: AwsClients;
  let cacheHome: string;
  const run = async (args: string[]) => {
    let out = '';
    let err = '';
    const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: REPO_ROOT, env: { XDG_CACHE_HOME: cacheHome } };
    const code = await costCommand(args, io, { clients });
    return { code, out, err };
  };
  const job = (name: string, extra: Partial<CreateTrainingJobCommandInput> = {}): CreateTrainingJobCommandInput => ({
    TrainingJobName: name,
    RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
    AlgorithmSpecification: {
      TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04',
      TrainingInputMode: 'File',
    },
    HyperParameters: { sagemaker_program: '"train.py"' },
    OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
    ResourceConfig: { InstanceCount: 2, InstanceType: TYPE, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 86400, MaxWaitTimeInSeconds: 172800 },
    ...extra,
  });
  const waitEnded = async (name: string) => {
    for (let i = 0; i < 200; i++) {
      const d = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
      if (d.TrainingJobStatus === 'Completed') return d;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} did not complete`);
  };

  before(async () => {
    moto = await startMoto({ simSeconds: 0.5 });
    extras = await startAwsExtras({ prices: [{ region: 'us-east-1', instanceType: TYPE, usd: 31.218, publicationDate: '2026-10-15T18:00:00Z' }], maxLifetimeMs: 120_000 });
    sagemaker = new SageMakerClient(awsTestClientConfig(moto.endpoint));
    clients = new AwsClients({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      endpoints: { sagemaker: moto.endpoint, pricing: extras.endpoint },
    });
    cacheHome = mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-cost-'));
  });

  after(async () => {
    sagemaker?.destroy();
    clients?.destroy();
    await moto?.stop();
    await extras?.stop();
    rmSync(cacheHome, { recursive: true, force: true });
  });

  it('prices a finished spot job: billable × instances × the Price List price, its own spot saving, the source and date', async () => {
    // Long enough that spot billing (30 % of the training time here) differs from the training time.
    await moto.configure({ jobs: { 'hf-spot-2026-12-01-10-00-00-000': { simSeconds: 4 } } });
    await sagemaker.send(new CreateTrainingJobCommand(job('hf-spot-2026-12-01-10-00-00-000', { EnableManagedSpotTraining: true })));
    const d = await waitEnded('hf-spot-2026-12-01-10-00-00-000');
    const billable = d.BillableTimeInSeconds!;
    const training = d.TrainingTimeInSeconds!;
    assert.ok(billable < training, 'the simulator bills a spot job less than it trained');
    const { code, out } = await run(['hf-spot-2026-12-01-10-00-00-000', '--json']);
    assert.equal(code, 0);
    const json = JSON.parse(out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['job', 'instanceType', 'instanceCount', 'billableSeconds', 'usdPerHour', 'usd', 'spotSavingsPercent', 'warmPoolUsd', 'priceSource']);
    assert.equal(json['instanceCount'], 2);
    assert.equal(json['billableSeconds'], billable);
    assert.equal(json['usdPerHour'], 31.218);
    assert.equal(json['usd'], Math.round(((2 * billable * 31.218) / 3600) * 1e6) / 1e6);
    assert.equal(json['spotSavingsPercent'], Math.round((1 - billable / training) * 1000) / 10);
    assert.equal(json['warmPoolUsd'], null);
    assert.match(String(json['priceSource']), /AWS Price List API .*published 2026-10-15/);
    const text = await run(['hf-spot-2026-12-01-10-00-00-000']);
    assert.match(text.out, /Spot savings\s+\d/);
    assert.match(text.out, /Price\s+AWS Price List API/);
  });

  it('falls back to the bundled table when pricing:GetProducts is denied, and names it', async () => {
    extras.setDenied('GetProducts', true);
    rmSync(cacheHome, { recursive: true, force: true });
    try {
      const { code, out } = await run(['hf-spot-2026-12-01-10-00-00-000', '--json']);
      assert.equal(code, 0);
      assert.match(String((JSON.parse(out) as Record<string, unknown>)['priceSource']), /bundled price table .*as of /);
    } finally {
      extras.setDenied('GetProducts', false);
    }
  });

  it('prices a warm pool’s retained time on its own line', async () => {
    const name = 'hf-pool-2026-12-01-10-00-00-000';
    await moto.configure({ jobs: { [name]: { simSeconds: 0.3, warmPoolRetainedSeconds: 1800 } } });
    await sagemaker.send(new CreateTrainingJobCommand(job(name, { ResourceConfig: { InstanceCount: 1, InstanceType: TYPE, VolumeSizeInGB: 30, KeepAlivePeriodInSeconds: 1 } })));
    await waitEnded(name);
    await new Promise((r) => setTimeout(r, 1200)); // the 1 s keep-alive runs out: Terminated
    const { out } = await run([name, '--json']);
    const json = JSON.parse(out) as Record<string, unknown>;
    assert.equal(json['warmPoolUsd'], Math.round(((1 * 1800 * 31.218) / 3600) * 1e6) / 1e6);
  });

  it('sums several jobs and groups them by base job name', async () => {
    const { code, out } = await run(['--since', '1d', '--group-by', 'base-job-name', '--json']);
    assert.equal(code, 0);
    const json = JSON.parse(out) as { jobs: Array<{ job: string; usd: number; warmPoolUsd: number | null }>; totalUsd: number; groups: Array<{ key: string; jobs: string[] }> };
    assert.deepEqual(json.jobs.map((j) => j.job).sort(), ['hf-pool-2026-12-01-10-00-00-000', 'hf-spot-2026-12-01-10-00-00-000']);
    const sum = json.jobs.reduce((s, j) => s + j.usd + (j.warmPoolUsd ?? 0), 0);
    assert.ok(Math.abs(json.totalUsd - sum) < 1e-5);
    assert.deepEqual(json.groups.map((g) => g.key).sort(), ['hf-pool', 'hf-spot']);
  });

  it('refuses a bad --group-by and a bad --since with exit 2', async () => {
    await assert.rejects(run(['--group-by', 'colour']), /--group-by must be/);
    await assert.rejects(run(['--since', 'yesterday']), /--since takes an age/);
  });

  it('names a job that does not exist, exit 1', async () => {
    const { code, err } = await run(['no-such-job']);
    assert.equal(code, 1);
    assert.match(err, /No training job named no-such-job/);
  });
});
