// "Download Model" through the real @aws-sdk clients against moto: the lifecycle plugin writes a real
// model.tar.gz when a job completes, and the download streams it into a folder.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { DescribeTrainingJobCommandOutput, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { AwsClients } from '../../src/aws/awsClients';
import { downloadModel, DownloadError } from '../../src/aws/artifacts/downloadModel';
import { ArchiveError } from '../../src/artifacts/archiveError';
import { readHashRecord } from '../../src/artifacts/hashRecord';
import { downloadCommand } from '../../src/cli/downloadCommand';
import { motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const BUCKET = 'sagemaker-us-east-1-123456789012';

describe('Download Model', { skip: motoInstallProblem() ?? false }, () => {
  let moto: MotoServer;
  let clients: AwsClients;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sm-download-'));

  before(async () => {
    moto = await startMoto({ simSeconds: 1 });
    clients = new AwsClients({ region: 'us-east-1', endpoints: { sagemaker: moto.endpoint, s3: moto.endpoint }, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await clients.s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(async () => {
    clients.destroy();
    await moto.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function completedJob(name: string): Promise<void> {
    await clients.sagemaker().send(
      new CreateTrainingJobCommand({
        TrainingJobName: name,
        RoleArn: 'arn:aws:iam::123456789012:role/r',
        AlgorithmSpecification: {
          TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu129-ubuntu22.04',
          TrainingInputMode: 'File',
        },
        OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/out/` },
        ResourceConfig: { InstanceCount: 2, InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 3600 },
        HyperParameters: { model_name_or_path: '"facebook/bart-large-cnn"' },
      }),
    );
    for (let i = 0; i < 100; i++) {
      const d = await clients.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
      if (d.TrainingJobStatus === 'Completed') return;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`${name} did not complete`);
  }

  it('streams model.tar.gz from S3 into the folder, with progress', async () => {
    await completedJob('dl-job-1');
    const target = path.join(tmp, 'model-1');
    const progress: number[] = [];
    const result = await downloadModel({ clients, jobName: 'dl-job-1', targetDir: target, onProgress: (p) => progress.push(p.bytes) });
    assert.equal(result.compressed, true);
    assert.match(result.source, /^s3:\/\/sagemaker-us-east-1-123456789012\/out\/dl-job-1\/output\/model\.tar\.gz$/);
    const files = readdirSync(target);
    for (const f of ['config.json', 'train_results.json', 'eval_results.json', 'trainer_state.json']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
    assert.ok(JSON.parse(readFileSync(path.join(target, 'trainer_state.json'), 'utf8')).log_history.length > 0);
    assert.ok(progress.length > 0 && progress.at(-1)! > 0);
    // Each file hashed on its way to the disk, for Push to Hub (issue 21).
    const record = await readHashRecord(target);
    for (const f of ['config.json', 'trainer_state.json']) {
      assert.equal(
        record.get(f)?.sha256,
        createHash('sha256')
          .update(readFileSync(path.join(target, f)))
          .digest('hex'),
        f,
      );
    }
  });

  it('refuses a folder that is not empty, and replaces it only with --overwrite', async () => {
    const target = path.join(tmp, 'model-1');
    await assert.rejects(downloadModel({ clients, jobName: 'dl-job-1', targetDir: target }), (e: unknown) => e instanceof ArchiveError && e.code === 'target-exists');
    await downloadModel({ clients, jobName: 'dl-job-1', targetDir: target, overwrite: true });
    assert.ok(existsSync(path.join(target, 'config.json')));
  });

  it('says why a job still in progress has no model yet', async () => {
    await moto.configure({ jobs: { 'dl-running': { simSeconds: 600 } } });
    await clients.sagemaker().send(
      new CreateTrainingJobCommand({
        TrainingJobName: 'dl-running',
        RoleArn: 'arn:aws:iam::123456789012:role/r',
        AlgorithmSpecification: { TrainingImage: 'x', TrainingInputMode: 'File' },
        OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/out/` },
        ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      }),
    );
    await assert.rejects(
      downloadModel({ clients, jobName: 'dl-running', targetDir: path.join(tmp, 'never') }),
      (e: unknown) => e instanceof DownloadError && e.code === 'download.notCompleted' && /InProgress/.test(e.message),
    );
    assert.ok(!existsSync(path.join(tmp, 'never')));
  });

  // moto never writes uncompressed artifacts, so for CompressionType NONE the job's description is
  // given by hand (the only stand-in here); the objects are real ones in moto's S3.
  function describedAs(d: Partial<DescribeTrainingJobCommandOutput>): AwsClients {
    const fake = { send: async () => ({ TrainingJobStatus: 'Completed', ...d }) } as unknown as SageMakerClient;
    return Object.assign(Object.create(clients) as AwsClients, { sagemaker: () => fake });
  }

  it('copies every object under the model prefix for CompressionType NONE', async () => {
    const prefix = 'out/raw-job/output/model/';
    for (const [k, v] of [
      ['config.json', '{}'],
      ['tokenizer/vocab.txt', 'a\nb\n'],
    ])
      await clients.s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: prefix + k, Body: v }));
    const c = describedAs({ OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/out/`, CompressionType: 'NONE' }, ModelArtifacts: { S3ModelArtifacts: `s3://${BUCKET}/${prefix}` } });
    const result = await downloadModel({ clients: c, jobName: 'raw-job', targetDir: path.join(tmp, 'raw') });
    assert.equal(result.compressed, false);
    assert.equal(result.files, 2);
    assert.equal(readFileSync(path.join(tmp, 'raw/tokenizer/vocab.txt'), 'utf8'), 'a\nb\n');
  });

  it('never writes an object whose key climbs out of the folder, and leaves nothing behind', async () => {
    const prefix = 'out/evil-job/output/model/';
    await clients.s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}ok.txt`, Body: 'ok' }));
    await clients.s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}../../../../escaped.txt`, Body: 'x' }));
    const c = describedAs({ OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/out/`, CompressionType: 'NONE' }, ModelArtifacts: { S3ModelArtifacts: `s3://${BUCKET}/${prefix}` } });
    await assert.rejects(
      downloadModel({ clients: c, jobName: 'evil-job', targetDir: path.join(tmp, 'evil') }),
      (e: unknown) => e instanceof ArchiveError && e.code === 'path-traversal',
    );
    assert.ok(!existsSync(path.join(tmp, 'evil')));
    assert.deepEqual(
      readdirSync(tmp).filter((f) => f.includes('partial') || f === 'escaped.txt'),
      [],
    );
  });

  it('sagemaker-hf download prints the folder and exits 0; 1 for a job without a model', async () => {
    let out = '';
    let err = '';
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t), cwd: tmp, env: {} };
    assert.equal(await downloadCommand(['dl-job-1', '--to', 'cli-model'], io, { clients }), 0, err);
    assert.equal(out.trim(), path.join(tmp, 'cli-model'));
    assert.match(err, /Downloaded s3:\/\/.*model\.tar\.gz: \d+ files/);
    assert.equal(await downloadCommand(['dl-running'], io, { clients }), 1);
  });
});
