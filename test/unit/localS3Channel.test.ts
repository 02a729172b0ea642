// A local run whose input channel is in S3: the objects under the prefix are downloaded into the
// host's input/data/<channel> before the script starts (real @aws-sdk client against moto).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AwsClients } from '../../src/aws/awsClients';
import { S3ChannelFetcher } from '../../src/aws/artifacts/s3ChannelFetcher';
import { runJobFileLocally } from '../../src/local/runJobFile';
import { motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

describe('local run with an S3 channel', { skip: motoInstallProblem() ?? false }, () => {
  let moto: MotoServer;
  let clients: AwsClients;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sm-local-s3-'));

  before(async () => {
    moto = await startMoto();
    clients = new AwsClients({ region: 'us-east-1', endpoints: { s3: moto.endpoint }, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await clients.s3().send(new CreateBucketCommand({ Bucket: 'data-bucket' }));
    for (const [k, v] of [
      ['corpus/train/a.jsonl', '{"x":1}\n'],
      ['corpus/train/sub/b.jsonl', '{"x":2}\n'],
      ['corpus/test/c.jsonl', 'no'],
    ]) {
      await clients.s3().send(new PutObjectCommand({ Bucket: 'data-bucket', Key: k, Body: v }));
    }
  });
  after(async () => {
    clients.destroy();
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads every object under the prefix into the channel folder, at its relative key', async () => {
    writeFileSync(
      path.join(dir, 'train.py'),
      'import os, json\nroot = os.environ["SM_CHANNEL_TRAIN"]\nfiles = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)\nopen(os.path.join(os.environ["SM_MODEL_DIR"], "files.json"), "w").write(json.dumps(files))\n',
    );
    const text =
      'entry_point: train.py\nsource_dir: .\ninstance_type: ml.g5.xlarge\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\ninputs:\n  train: s3://data-bucket/corpus/train\n';
    writeFileSync(path.join(dir, 'job.sagemaker.yaml'), text);
    const outcome = await runJobFileLocally({
      jobFilePath: path.join(dir, 'job.sagemaker.yaml'),
      text,
      root: path.join(dir, '.jobs'),
      channelFetcher: new S3ChannelFetcher(() => clients.s3()),
    });
    assert.equal(outcome.kind, 'started');
    if (outcome.kind !== 'started') return;
    const record = await outcome.job.completion;
    assert.equal(record.TrainingJobStatus, 'Completed', record.FailureReason);
    const files = JSON.parse(readFileSync(path.join(outcome.job.folder, 'algo-1/opt/ml/model/files.json'), 'utf8'));
    assert.deepEqual(files, ['a.jsonl', 'sub/b.jsonl']);
  });

  it('refuses an S3 channel when no fetcher is given, before anything runs', async () => {
    const text =
      'entry_point: train.py\nsource_dir: .\ninstance_type: ml.g5.xlarge\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\ninputs:\n  train: s3://data-bucket/corpus/train\n';
    await assert.rejects(runJobFileLocally({ jobFilePath: path.join(dir, 'job.sagemaker.yaml'), text, root: path.join(dir, '.jobs2') }), /s3/i);
  });
});
