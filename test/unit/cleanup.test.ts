// Clean-up of ended jobs: what each left in S3, sized and priced per month, a dry run unless --delete,
// deleting exactly the listed prefixes and nothing of a neighbour job whose name shares the prefix,
// never a prefix two jobs share, and DeleteTrainingJob refused while a warm pool is Available —
// through the real @aws-sdk clients against moto with our lifecycle plugin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker';
import { AwsClients } from '../../src/aws/awsClients';
import type { CliIo } from '../../src/cli/cliError';
import { cleanupCommand } from '../../src/cli/cleanupCommand';
import { cleanupCandidates, jobLeftovers, overlaps } from '../../src/core/cost/cleanup';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const BUCKET = 'ml-bucket';

function described(name: string, extra: Partial<TrainingJobDescription> = {}): TrainingJobDescription {
  return {
    TrainingJobName: name,
    TrainingJobStatus: 'Completed',
    OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/out` },
    HyperParameters: { sagemaker_submit_directory: JSON.stringify(`s3://${BUCKET}/${name}/source/sourcedir.tar.gz`) },
    CheckpointConfig: { S3Uri: `s3://${BUCKET}/ckpt/${name}` },
    ProfilerConfig: { S3OutputPath: `s3://${BUCKET}/out`, DisableProfiler: false },
    ...extra,
  };
}

describe('what a job left in S3', () => {
  it('names model output, checkpoints, the code archive and profiler output, each ending at a folder boundary', () => {
    assert.deepEqual(
      jobLeftovers(described('train')).map((l) => [l.kind, l.uri]),
      [
        ['model output', `s3://${BUCKET}/out/train/output/`],
        ['checkpoints', `s3://${BUCKET}/ckpt/train/`],
        ['source', `s3://${BUCKET}/train/source/sourcedir.tar.gz`],
        ['profiler/debug output', `s3://${BUCKET}/out/train/profiler-output/`],
      ],
    );
  });

  it('a neighbour whose name shares the prefix does not overlap; a checkpoint folder two jobs share is kept with the other job named', () => {
    const [train, neighbour] = [jobLeftovers(described('train')), jobLeftovers(described('train-2'))];
    for (const a of train) for (const b of neighbour) assert.equal(overlaps(a, b), false, `${a.uri} vs ${b.uri}`);
    const shared = cleanupCandidates(
      [described('pair-a', { CheckpointConfig: { S3Uri: `s3://${BUCKET}/pair-ckpt` } })],
      [described('pair-b', { CheckpointConfig: { S3Uri: `s3://${BUCKET}/pair-ckpt/` } })],
    );
    assert.equal(shared.find((c) => c.kind === 'checkpoints')?.sharedWith, 'pair-b');
    assert.equal(shared.find((c) => c.kind === 'model output')?.sharedWith, undefined);
  });

  it('never offers a bucket root (output_path at the bucket, checkpoints at the bucket)', () => {
    const l = jobLeftovers(described('j', { CheckpointConfig: { S3Uri: `s3://${BUCKET}/` } }));
    assert.equal(
      l.some((x) => x.kind === 'checkpoints'),
      false,
    );
  });
});

const installProblem = motoInstallProblem();

describe('sagemaker-hf cleanup against moto', { skip: installProblem ?? false }, () => {
  let moto: MotoServer;
  let sagemaker: SageMakerClient;
  let s3: S3Client;
  let clients: AwsClients;
  const later = () => new Date(Date.now() + 31 * 86_400_000);
  const run = async (args: string[]) => {
    let out = '';
    let err = '';
    const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: REPO_ROOT, env: {} };
    const code = await cleanupCommand(args, io, { clients, now: later() });
    return { code, out, err };
  };
  const job = (name: string, extra: Partial<CreateTrainingJobCommandInput> = {}): CreateTrainingJobCommandInput => ({
    TrainingJobName: name,
    RoleArn: 'arn:aws:iam::123456789012:role/r',
    AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
    HyperParameters: { sagemaker_submit_directory: JSON.stringify(`s3://${BUCKET}/${name}/source/sourcedir.tar.gz`) },
    OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/out` },
    CheckpointConfig: { S3Uri: `s3://${BUCKET}/ckpt/${name}` },
    ProfilerConfig: { S3OutputPath: `s3://${BUCKET}/out`, DisableProfiler: false },
    ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    ...extra,
  });
  const put = (key: string, bytes = 100) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.alloc(bytes, 1) }));
  const keys = async () => ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key!).sort();
  const status = async (name: string) => (await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus;

  before(async () => {
    moto = await startMoto({ simSeconds: 0.3 });
    sagemaker = new SageMakerClient(awsTestClientConfig(moto.endpoint));
    s3 = new S3Client(awsTestClientConfig(moto.endpoint));
    clients = new AwsClients({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, endpoints: { sagemaker: moto.endpoint, s3: moto.endpoint } });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    // The neighbour runs on (so it is never a candidate) and has everything a job leaves, under names that start with "train".
    await moto.configure({ jobs: { 'train-2': { simSeconds: 600 } } });
    await sagemaker.send(new CreateTrainingJobCommand(job('train')));
    await sagemaker.send(new CreateTrainingJobCommand(job('train-2')));
    await sagemaker.send(new CreateTrainingJobCommand(job('pair-a', { CheckpointConfig: { S3Uri: `s3://${BUCKET}/pair-ckpt` } })));
    await sagemaker.send(new CreateTrainingJobCommand(job('pair-b', { CheckpointConfig: { S3Uri: `s3://${BUCKET}/pair-ckpt` } })));
    await sagemaker.send(
      new CreateTrainingJobCommand(job('pooled', { ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.g5.2xlarge', VolumeSizeInGB: 30, KeepAlivePeriodInSeconds: 3600 } })),
    );
    for (const k of ['train/source/sourcedir.tar.gz', 'ckpt/train/checkpoint-1/model.bin', 'ckpt/train/checkpoint-2/model.bin', 'out/train/profiler-output/system/1.json'])
      await put(k, 1000);
    for (const k of ['train-2/source/sourcedir.tar.gz', 'ckpt/train-2/checkpoint-1/model.bin', 'out/train-2/output/model.tar.gz', 'out/train-2/profiler-output/system/1.json'])
      await put(k);
    for (const k of ['pair-ckpt/checkpoint-1/model.bin', 'pooled/source/sourcedir.tar.gz']) await put(k);
    for (const name of ['train', 'pair-a', 'pair-b', 'pooled']) for (let i = 0; i < 100 && (await status(name)) !== 'Completed'; i++) await new Promise((r) => setTimeout(r, 100));
  });

  after(async () => {
    sagemaker?.destroy();
    s3?.destroy();
    clients?.destroy();
    await moto?.stop();
  });

  it('lists ended jobs with what they left, sizes and monthly cost; a dry run deletes nothing', async () => {
    const before = await keys();
    const { code, out } = await run(['--json']);
    assert.equal(code, 0);
    const listing = JSON.parse(out) as {
      jobs: Array<{ job: string; leftovers: Array<{ kind: string; uri: string; objects: number; bytes: number; sharedWith?: string }> }>;
      totalBytes: number;
      deleted: boolean;
      priceSource: string;
    };
    assert.equal(listing.deleted, false);
    assert.deepEqual(listing.jobs.map((j) => j.job).sort(), ['pair-a', 'pair-b', 'pooled', 'train'], 'the running neighbour is not listed');
    const train = listing.jobs.find((j) => j.job === 'train')!;
    assert.deepEqual(
      train.leftovers.map((l) => [l.kind, l.uri, l.objects]),
      [
        ['model output', `s3://${BUCKET}/out/train/output/`, 1],
        ['checkpoints', `s3://${BUCKET}/ckpt/train/`, 2],
        ['source', `s3://${BUCKET}/train/source/sourcedir.tar.gz`, 1],
        ['profiler/debug output', `s3://${BUCKET}/out/train/profiler-output/`, 1],
      ],
    );
    assert.equal(listing.jobs.find((j) => j.job === 'pair-a')!.leftovers.find((l) => l.kind === 'checkpoints')?.sharedWith, 'pair-b');
    assert.match(listing.priceSource, /^assumed S3 Standard .*\$0\.023 per GB-month \(not confirmed from an AWS page; check https:\/\/aws\.amazon\.com\/s3\/pricing\/\)/);
    assert.deepEqual(await keys(), before, 'a dry run deletes nothing');
    const text = await run([]);
    assert.match(text.out, /Dry run: nothing deleted/);
    assert.match(text.out, /kept: shared with pair-b/);
  });

  it('--delete removes exactly the listed unshared prefixes, nothing of the neighbour train-2; --delete-jobs refuses a job with an Available warm pool', async () => {
    const before = await keys();
    const { out: listed } = await run(['--json']);
    const listing = JSON.parse(listed) as { jobs: Array<{ leftovers: Array<{ uri: string; sharedWith?: string }> }> };
    const chosen = listing.jobs.flatMap((j) => j.leftovers.filter((l) => !l.sharedWith).map((l) => l.uri.slice(`s3://${BUCKET}/`.length)));
    const expectedLeft = before.filter((k) => !chosen.some((p) => (p.endsWith('/') ? k.startsWith(p) : k === p)));
    assert.ok(expectedLeft.includes('ckpt/train-2/checkpoint-1/model.bin') && expectedLeft.includes('train-2/source/sourcedir.tar.gz'));

    const { code, err } = await run(['--delete', '--delete-jobs']);
    assert.equal(code, 1, 'something was kept (the shared checkpoints, the pooled job), so exit 1');
    assert.deepEqual(await keys(), expectedLeft);
    for (const k of [
      'train-2/source/sourcedir.tar.gz',
      'ckpt/train-2/checkpoint-1/model.bin',
      'out/train-2/output/model.tar.gz',
      'out/train-2/profiler-output/system/1.json',
      'pair-ckpt/checkpoint-1/model.bin',
    ])
      assert.ok((await keys()).includes(k), `${k} is kept`);
    assert.match(err, /pooled was not deleted: its warm pool is Available .* Release the warm pool first/);
    assert.match(err, /pair-a was kept: not everything it left was deleted/);
    await assert.rejects(status('train'), /Could not find training job/, 'train’s record is deleted');
    assert.equal(await status('pooled'), 'Completed');
    assert.equal(await status('train-2'), 'InProgress');
  });

  it('refuses --delete-jobs without --delete, and a status that is not an ended one', async () => {
    await assert.rejects(run(['--delete-jobs']), /--delete-jobs needs --delete/);
    await assert.rejects(run(['--status', 'InProgress']), /--status takes ended statuses/);
  });
});
