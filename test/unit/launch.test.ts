// Launching training jobs with the real @aws-sdk clients against moto (test/emulators/moto), and the
// `plan` / `launch` CLI commands. Assertions read what the emulator stored: the job DescribeTrainingJob
// returns, the objects in S3, the buckets; and what reached the network at all.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetBucketLocationCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeTrainingJobCommand, ListTrainingJobsCommand, ResourceLimitExceeded } from '@aws-sdk/client-sagemaker';
import type { DescribeTrainingJobCommandOutput } from '@aws-sdk/client-sagemaker';
import { parseDocument } from 'yaml';
import { Parser } from 'tar';
import type { ReadEntry } from 'tar';
import { AwsClients } from '../../src/aws/awsClients';
import { ensureDefaultBucket } from '../../src/aws/launch/defaultBucket';
import { resolveAccount, resolveRoleArn } from '../../src/aws/launch/identity';
import { LaunchError } from '../../src/aws/launch/launchError';
import { launchTrainingJob, LaunchesInFlight, planTrainingJob } from '../../src/aws/launch/launchTrainingJob';
import type { LaunchedTrainingJob, LaunchOutcome, LaunchProgress } from '../../src/aws/launch/launchTrainingJob';
import { awsCallError, createTrainingJobError } from '../../src/aws/launch/serviceErrors';
import { SourceStagingError } from '../../src/source/stagingError';
import { launchCommand } from '../../src/cli/launchCommand';
import { planCommand } from '../../src/cli/planCommand';
import type { CliIo } from '../../src/cli/cliError';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import { buildTrainingJobPlan } from '../../src/core/training/createTrainingJobRequest';
import { encodeJobFileValues } from '../../src/core/training/pythonJson';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ACCOUNT = '123456789012';
const BUCKET = `sagemaker-us-east-1-${ACCOUNT}`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/service-role/SageMakerRole`;
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'launch');
const SEED_FILE = path.join(FIXTURES, 'seed-local', 'seed-local.sagemaker.yaml');
const SEED_TEXT = readFileSync(SEED_FILE, 'utf8');
const INVALID_FILE = path.join(FIXTURES, 'invalid.sagemaker.yaml');
const NOW = new Date('2024-05-01T12:00:00.000Z');
/** The seed fixture's archive: source_dir's entries sorted, then the dependency, minus what .sagemakerignore keeps home. */
const SEED_ENTRIES = ['.sagemakerignore', 'requirements.txt', 'train.py', 'utils/', 'utils/helpers.py', 'common_lib/', 'common_lib/__init__.py'];
const installProblem = motoInstallProblem();

function s3Location(uri: string): { Bucket: string; Key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  assert.ok(m, uri);
  return { Bucket: m[1]!, Key: m[2]! };
}

async function archiveEntries(s3: S3Client, uri: string): Promise<string[]> {
  const object = await s3.send(new GetObjectCommand(s3Location(uri)));
  const archive = Buffer.from(await object.Body!.transformToByteArray());
  const names: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser();
    parser.on('entry', (e: ReadEntry) => {
      names.push(e.path);
      e.resume();
    });
    parser.on('end', () => resolve());
    parser.on('error', reject);
    parser.end(archive);
  });
  return names;
}

function launched(outcome: LaunchOutcome): LaunchedTrainingJob {
  assert.equal(outcome.kind, 'launched', JSON.stringify(outcome));
  return outcome as LaunchedTrainingJob;
}

function captureIo(env: NodeJS.ProcessEnv = {}): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', cwd: REPO_ROOT, env, stdout: (t: string) => (io.out += t), stderr: (t: string) => (io.err += t) };
  return io;
}

function git(args: string[], cwd: string): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1' },
  });
}

describe('launching against moto', { skip: installProblem ?? false }, () => {
  let moto: MotoServer;
  let clients: AwsClients;
  /** Every S3 request's headers, as sent on the wire (moto does not record ExpectedBucketOwner). */
  const s3Requests: Array<{ command: string; headers: Record<string, string> }> = [];
  let tmp: string;

  const describeJob = (name: string): Promise<DescribeTrainingJobCommandOutput> => clients.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
  const jobNames = async (): Promise<string[]> => ((await clients.sagemaker().send(new ListTrainingJobsCommand({ MaxResults: 100 }))).TrainingJobSummaries ?? []).map((j) => j.TrainingJobName ?? '');
  const keysUnder = async (prefix: string): Promise<string[]> => ((await clients.s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key ?? '');
  const launchSeed = (options: Parameters<typeof launchTrainingJob>[0]['options'] = {}, onProgress?: (p: LaunchProgress) => void, text = SEED_TEXT) =>
    launchTrainingJob({ clients, jobFilePath: SEED_FILE, text, options: { now: NOW, ...options }, ...(onProgress ? { onProgress } : {}) });

  before(async () => {
    moto = await startMoto({ simSeconds: 2 });
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'launch-test-'));
    const e = moto.endpoint;
    clients = new AwsClients({ region: 'us-east-1', endpoints: { sagemaker: e, s3: e, sts: e, iam: e, logs: e }, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    clients.s3().middlewareStack.add(
      (next, context) => async (args) => {
        s3Requests.push({ command: context.commandName ?? '', headers: { ...(args.request as { headers: Record<string, string> }).headers } });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordS3Requests' },
    );
    // Under a path, so only IAM (not an ARN built by hand) finds it.
    await clients.iam().send(new CreateRoleCommand({ RoleName: 'SageMakerRole', Path: '/service-role/', AssumeRolePolicyDocument: '{}' }));
  });

  after(async () => {
    clients?.destroy();
    await moto?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  it('launches the seed job: SageMaker holds the planned request, S3 the archive, SSE arguments sent, default bucket created', async () => {
    await assert.rejects(clients.s3().send(new HeadBucketCommand({ Bucket: BUCKET })), 'the default bucket exists before the launch');
    const steps: string[] = [];
    const job = launched(await launchSeed({}, (p) => steps.push(p.step)));
    const planned = await planTrainingJob({ jobFilePath: SEED_FILE, text: SEED_TEXT, clients, now: NOW });
    assert.equal(planned.kind, 'planned');
    if (planned.kind !== 'planned') return;
    const request = planned.plan.createTrainingJob;
    assert.deepEqual(job.request, request, 'the launch sends what plan previews');

    const stored = await describeJob(job.jobName);
    assert.equal(stored.TrainingJobName, 'huggingface-pytorch-training-2024-05-01-12-00-00-000');
    assert.equal(stored.TrainingJobArn, job.jobArn);
    assert.deepEqual(stored.HyperParameters, request.HyperParameters);
    assert.equal(stored.HyperParameters?.['learning_rate'], '5e-05');
    assert.equal(stored.HyperParameters?.['dataset_name'], '"samsum"');
    assert.equal(stored.HyperParameters?.['max_source_length'], 'null');
    assert.equal(stored.HyperParameters?.['sagemaker_submit_directory'], `"s3://${BUCKET}/${job.jobName}/source/sourcedir.tar.gz"`);
    assert.deepEqual(stored.AlgorithmSpecification, request.AlgorithmSpecification);
    assert.equal(stored.AlgorithmSpecification?.TrainingImage, '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04');
    assert.deepEqual(stored.ResourceConfig, { InstanceType: 'ml.p3dn.24xlarge', InstanceCount: 2, VolumeSizeInGB: 30 });
    assert.deepEqual(stored.OutputDataConfig, { S3OutputPath: `s3://${BUCKET}/` });
    assert.equal(stored.RoleArn, ROLE_ARN);
    assert.deepEqual(stored.StoppingCondition, request.StoppingCondition);

    // The default bucket now exists, and the archive in it holds exactly the expected entries.
    await clients.s3().send(new HeadBucketCommand({ Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT }));
    assert.deepEqual(job.uploads.map((u) => u.to), [`s3://${BUCKET}/${job.jobName}/source/sourcedir.tar.gz`]);
    assert.deepEqual(await archiveEntries(clients.s3(), job.uploads[0]!.to), SEED_ENTRIES);
    assert.ok(!(await archiveEntries(clients.s3(), job.uploads[0]!.to)).includes('notes.tmp'));
    const head = await clients.s3().send(new HeadObjectCommand(s3Location(job.uploads[0]!.to)));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    const put = s3Requests.find((r) => r.command === 'PutObjectCommand');
    assert.equal(put?.headers['x-amz-server-side-encryption'], 'aws:kms');
    assert.equal(put?.headers['x-amz-expected-bucket-owner'], ACCOUNT);

    assert.deepEqual([...new Set(steps)], ['preparing', 'packaging', 'uploading', 'creating', 'created']);
  });

  it('a second launch at the same instant gets a fresh name and its own copy of the code', async () => {
    const taken = 'huggingface-pytorch-training-2024-05-01-12-00-00-000';
    assert.ok((await jobNames()).includes(taken));
    const job = launched(await launchSeed());
    assert.equal(job.renamedFrom, taken);
    assert.notEqual(job.jobName, taken);
    assert.match(job.jobName, /^huggingface-pytorch-training-\d{4}(-\d{2}){5}-\d{3}$/);
    const stored = await describeJob(job.jobName);
    assert.equal(stored.HyperParameters?.['sagemaker_job_name'], `"${job.jobName}"`);
    assert.equal(stored.HyperParameters?.['sagemaker_submit_directory'], `"${job.uploads[0]!.to}"`);
    assert.deepEqual(await archiveEntries(clients.s3(), job.uploads[0]!.to), SEED_ENTRIES);
    assert.equal((await clients.s3().send(new HeadObjectCommand(s3Location(job.uploads[0]!.to)))).ServerSideEncryption, 'aws:kms');
  });

  it('CreateTrainingJob failing after the upload: the error says so and names the uploaded object, which is there', async () => {
    const taken = 'huggingface-pytorch-training-2024-05-01-12-00-00-000';
    await assert.rejects(launchSeed({ jobName: taken }), (e: unknown) => {
      assert.ok(e instanceof LaunchError, String(e));
      assert.equal(e.code, 'jobName.taken');
      assert.deepEqual(e.context.uploaded, [`s3://${BUCKET}/${taken}/source/sourcedir.tar.gz`]);
      assert.match(e.message, new RegExp(`uploaded to s3://${BUCKET}/${taken}/source/sourcedir\\.tar\\.gz`));
      return true;
    });
    await assert.rejects(launchSeed({ jobName: 'not_a_valid_name' }), (e: unknown) => {
      assert.ok(e instanceof LaunchError, String(e));
      assert.equal(e.code, 'service.validation');
      assert.match(e.message, /SageMaker refused the training job: .*not_a_valid_name.*failed to satisfy constraint/);
      assert.match(e.message, /uploaded to s3:\/\/.*\/not_a_valid_name\/source\/sourcedir\.tar\.gz/);
      return true;
    });
    assert.deepEqual(await keysUnder('not_a_valid_name/'), ['not_a_valid_name/source/sourcedir.tar.gz']);
  });

  it('launches git_config code from a local bare repository, checked out at the branch', async () => {
    const repoRoot = path.join(tmp, 'git');
    const work = path.join(repoRoot, 'work');
    await fs.mkdir(path.join(work, 'examples', 'seq2seq'), { recursive: true });
    git(['init', '--quiet', '--bare', path.join(repoRoot, 'remote.git')], tmp);
    git(['init', '--quiet', work], tmp);
    await fs.writeFile(path.join(work, 'examples', 'seq2seq', 'run_summarization.py'), 'print("summarize")\n');
    await fs.writeFile(path.join(work, 'examples', 'seq2seq', 'requirements.txt'), 'rouge-score\n');
    await fs.writeFile(path.join(work, 'README.md'), 'not shipped: outside source_dir\n');
    git(['add', '.'], work);
    git(['commit', '--quiet', '-m', 'seq2seq'], work);
    git(['push', '--quiet', path.join(repoRoot, 'remote.git'), 'HEAD:refs/heads/master'], work);

    // The job file names an https URL (the schema allows no other); git itself is told to fetch it
    // from the local bare repository instead (url.<base>.insteadOf), so nothing leaves the machine.
    const url = 'https://git.example.test/philschmid/transformers.git';
    const gitEnv = { ...process.env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `url.file://${path.join(repoRoot, 'remote.git')}.insteadOf`, GIT_CONFIG_VALUE_0: url };
    const jobFile = path.join(tmp, 'git.sagemaker.yaml');
    const text = SEED_TEXT.replace(/^source_dir: .*$/m, `git_config:\n  repo: ${url}\n  branch: master\nsource_dir: examples/seq2seq`)
      .replace(/^entry_point: .*$/m, 'entry_point: run_summarization.py')
      .replace(/^dependencies:\n {2}- .*\n/m, '');
    await fs.writeFile(jobFile, text);
    const job = launched(await launchTrainingJob({ clients, jobFilePath: jobFile, text, options: { now: new Date('2024-05-02T00:00:00.000Z'), env: gitEnv } }));
    assert.deepEqual(await archiveEntries(clients.s3(), job.uploads[0]!.to), ['requirements.txt', 'run_summarization.py']);
    assert.equal(job.uploads[0]!.from, url);
    assert.equal(job.uploads[0]!.commit, git(['rev-parse', 'HEAD'], work).trim());
    const stored = await describeJob(job.jobName);
    assert.equal(stored.HyperParameters?.['sagemaker_program'], '"run_summarization.py"');

    // The entry point missing from the repository: refused before anything is uploaded.
    const missing = text.replace('entry_point: run_summarization.py', 'entry_point: train.py');
    const before = await keysUnder('');
    await assert.rejects(launchTrainingJob({ clients, jobFilePath: jobFile, text: missing, options: { now: new Date('2024-05-03T00:00:00.000Z'), env: gitEnv } }), (e: unknown) => {
      assert.ok(e instanceof SourceStagingError, String(e));
      assert.equal(e.code, 'git.entryPointMissing');
      assert.match(e.message, /Entry point `train\.py` does not exist/);
      return true;
    });
    assert.deepEqual(await keysUnder(''), before);
  });

  it('refuses a file with errors, returning its problems and calling nothing', async () => {
    const count = s3Requests.length;
    const outcome = await launchTrainingJob({ clients, jobFilePath: INVALID_FILE, text: readFileSync(INVALID_FILE, 'utf8') });
    assert.equal(outcome.kind, 'invalid');
    if (outcome.kind !== 'invalid') return;
    assert.deepEqual(outcome.problems.filter((p) => p.severity === 'error').map((p) => [p.range.start.line + 1, p.path]), [[2, 'role'], [5, 'pytorch_version']]);
    assert.equal(s3Requests.length, count);
  });

  it('a second launch of a file still being launched creates no job unless confirmed', async () => {
    const inFlight = new LaunchesInFlight();
    const end = inFlight.begin(SEED_FILE);
    const jobsBefore = await jobNames();
    await assert.rejects(
      launchTrainingJob({ clients, jobFilePath: SEED_FILE, text: SEED_TEXT, inFlight, options: { jobName: 'duplicate-refused', confirmDuplicate: async () => false } }),
      (e: unknown) => e instanceof LaunchError && e.code === 'launch.duplicate',
    );
    assert.deepEqual(await jobNames(), jobsBefore);
    const job = launched(await launchTrainingJob({ clients, jobFilePath: SEED_FILE, text: SEED_TEXT, inFlight, options: { jobName: 'duplicate-confirmed', confirmDuplicate: async () => true } }));
    assert.equal(job.jobName, 'duplicate-confirmed');
    end();
    assert.equal(inFlight.has(SEED_FILE), false);
  });

  it('cancelled before CreateTrainingJob: no job, nothing in S3; cancelled after: the job exists and the outcome says so', async () => {
    const early = new AbortController();
    early.abort();
    await assert.rejects(launchSeed({ jobName: 'cancelled-early', signal: early.signal }), (e: unknown) => (e as { code?: string }).code === 'cancelled');

    const duringUpload = new AbortController();
    await assert.rejects(
      launchSeed({ jobName: 'cancelled-uploading', signal: duringUpload.signal }, (p) => {
        if (p.step === 'uploading') duringUpload.abort();
      }),
      (e: unknown) => (e as { code?: string }).code === 'cancelled',
    );
    const names = await jobNames();
    assert.ok(!names.includes('cancelled-early') && !names.includes('cancelled-uploading'));
    assert.deepEqual(await keysUnder('cancelled-'), []);

    const late = new AbortController();
    const job = launched(
      await launchSeed({ jobName: 'cancelled-too-late', signal: late.signal }, (p) => {
        if (p.step === 'creating') late.abort();
      }),
    );
    assert.equal(job.cancelledAfterCreate, true);
    assert.equal((await describeJob('cancelled-too-late')).TrainingJobName, 'cancelled-too-late');
  });

  it('resolves the caller and the role as the SDK does', async () => {
    const caller = await resolveAccount(clients);
    assert.equal(caller.accountId, ACCOUNT);
    assert.equal(caller.partition, 'aws');
    assert.equal(await resolveRoleArn(clients, 'SageMakerRole'), ROLE_ARN);
    assert.equal(await resolveRoleArn(clients, 'arn:aws:iam::111122223333:role/x/Given'), 'arn:aws:iam::111122223333:role/x/Given');
    await assert.rejects(resolveRoleArn(clients, 'NoSuchRole'), (e: unknown) => {
      assert.ok(e instanceof LaunchError);
      assert.equal(e.code, 'role.notFound');
      assert.match(e.message, /NoSuchRole does not exist.*full ARN/);
      return true;
    });
  });

  it('creates a default bucket outside us-east-1 with its location constraint, once', async () => {
    const eu = new AwsClients({ ...clients.connection, region: 'eu-west-1' });
    try {
      const bucket = `sagemaker-eu-west-1-${ACCOUNT}`;
      assert.deepEqual(await ensureDefaultBucket(eu, bucket, 'eu-west-1', ACCOUNT), { bucket, created: true });
      assert.equal((await eu.s3().send(new GetBucketLocationCommand({ Bucket: bucket }))).LocationConstraint, 'eu-west-1');
      assert.deepEqual(await ensureDefaultBucket(eu, bucket, 'eu-west-1', ACCOUNT), { bucket, created: false });
    } finally {
      eu.destroy();
    }
  });

  it('refuses a default bucket that another account owns', async () => {
    const bucket = `sagemaker-ap-south-1-${ACCOUNT}`;
    const config = { ...awsTestClientConfig(moto.endpoint), region: 'ap-south-1' };
    const asAccount = (account: string): S3Client => {
      const s3 = new S3Client(config);
      s3.middlewareStack.add(
        (next) => async (args) => {
          (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
          return next(args);
        },
        { step: 'finalizeRequest', name: 'motoAccount' },
      );
      return s3;
    };
    const squatter = asAccount('999999999999');
    await squatter.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'ap-south-1' } }));

    const ours = new AwsClients({ ...clients.connection, region: 'ap-south-1' });
    // moto ignores ExpectedBucketOwner; this answers as S3 does (403 when the owner differs), from
    // the owner moto records: the account whose bucket list has the bucket.
    const owner = asAccount(ACCOUNT);
    ours.s3().middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Bucket?: string; ExpectedBucketOwner?: string };
        if (context.commandName === 'HeadBucketCommand' && input.ExpectedBucketOwner) {
          const listed = await asAccount(input.ExpectedBucketOwner).send(new ListBucketsCommand({}));
          if (!(listed.Buckets ?? []).some((b) => b.Name === input.Bucket)) {
            throw Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } });
          }
        }
        return next(args);
      },
      { step: 'initialize', name: 'expectedBucketOwner' },
    );
    try {
      await assert.rejects(ensureDefaultBucket(ours, bucket, 'ap-south-1', ACCOUNT), (e: unknown) => {
        assert.ok(e instanceof LaunchError, String(e));
        assert.equal(e.code, 'bucket.notOwned');
        assert.match(e.message, new RegExp(`${bucket} belongs to another AWS account.*Set output_path`));
        return true;
      });
    } finally {
      ours.destroy();
      squatter.destroy();
      owner.destroy();
    }
  });
});

describe('AWS errors say what to do next', () => {
  const ctx = {
    call: 'sagemaker:CreateTrainingJob',
    principal: 'arn:aws:iam::123456789012:user/dev',
    region: 'us-east-1',
    roleArn: ROLE_ARN,
    instanceType: 'ml.p3dn.24xlarge',
    instanceCount: 2,
    spot: false,
    jobName: 'j',
  };
  const serviceError = (name: string, message: string, status = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it('ResourceLimitExceeded names the quota to raise and where', () => {
    const err = new ResourceLimitExceeded({ message: "The account-level service limit 'ml.p3dn.24xlarge for training job usage' is 0 Instances", $metadata: {} });
    const e = createTrainingJobError(err, ctx);
    assert.equal(e.code, 'quota.exceeded');
    assert.equal(e.context.quotaName, 'ml.p3dn.24xlarge for training job usage');
    assert.equal(e.context.serviceQuotasUrl, 'https://us-east-1.console.aws.amazon.com/servicequotas/home/services/sagemaker/quotas?region=us-east-1');
    assert.match(e.message, /"ml\.p3dn\.24xlarge for training job usage" in us-east-1 is too low for 2 instances/);
    assert.match(e.message, /SageMaker said: The account-level service limit/);
    assert.equal(createTrainingJobError(err, { ...ctx, spot: true, region: 'cn-north-1' }).context.quotaName, 'ml.p3dn.24xlarge for spot training job usage');
    assert.match(createTrainingJobError(err, { ...ctx, region: 'cn-north-1' }).context.serviceQuotasUrl!, /^https:\/\/cn-north-1\.console\.amazonaws\.cn\//);
  });

  it('an instance type the region does not offer is told apart from other validation errors', () => {
    const notOffered = createTrainingJobError(serviceError('ValidationException', 'Instance type ml.p3dn.24xlarge is not supported in region eu-central-1.'), { ...ctx, region: 'eu-central-1' });
    assert.equal(notOffered.code, 'instanceType.notOffered');
    assert.match(notOffered.message, /^ml\.p3dn\.24xlarge is not offered for training in eu-central-1\./);
    const other = createTrainingJobError(serviceError('ValidationException', 'Could not assume role arn:aws:iam::123456789012:role/service-role/SageMakerRole.'), ctx);
    assert.equal(other.code, 'service.validation');
    assert.equal(other.message, 'SageMaker refused the training job: Could not assume role arn:aws:iam::123456789012:role/service-role/SageMakerRole.');
  });

  it('AccessDenied names the call, the principal and the role', () => {
    const passRole = createTrainingJobError(serviceError('AccessDeniedException', `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:PassRole on resource: ${ROLE_ARN}`, 403), ctx);
    assert.equal(passRole.code, 'aws.accessDenied');
    assert.match(passRole.message, /AWS denied sagemaker:CreateTrainingJob to arn:aws:iam::123456789012:user\/dev\. Allow .* iam:PassRole on arn:aws:iam::123456789012:role\/service-role\/SageMakerRole/);
    const upload = awsCallError(serviceError('AccessDenied', 'Access Denied', 403), { call: 's3:CreateBucket', principal: 'arn:aws:sts::123456789012:assumed-role/dev/me' });
    assert.match(upload.message, /AWS denied s3:CreateBucket to arn:aws:sts::123456789012:assumed-role\/dev\/me/);
  });

  it('missing credentials and an unreachable endpoint get their own next step', () => {
    assert.equal(awsCallError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), { call: 'sts:GetCallerIdentity' }).code, 'aws.noCredentials');
    const down = awsCallError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), { call: 'sts:GetCallerIdentity' });
    assert.equal(down.code, 'aws.unreachable');
    assert.match(down.message, /AWS_ENDPOINT_URL/);
  });
});

describe('sagemaker-hf plan', () => {
  it('--account makes no network call at all and prints the builder\'s request', async () => {
    // Anything that connects is counted and hung up on; the AWS endpoints all point here.
    let connections = 0;
    const sink = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    sink.unref();
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(sink.address() as net.AddressInfo).port}`;
    try {
      const io = captureIo({ AWS_ENDPOINT_URL: endpoint });
      const code = await planCommand([path.relative(REPO_ROOT, SEED_FILE), '--json', '--account', ACCOUNT, '--time', NOW.toISOString()], io);
      assert.equal(code, 0, io.err);
      const printed = JSON.parse(io.out) as { createTrainingJob: unknown; uploads: Array<{ from: string; to: string }> };

      const encoded = encodeJobFileValues(SEED_TEXT);
      const expected = buildTrainingJobPlan({
        spec: parseDocument(SEED_TEXT).toJS() as JobSpec,
        hyperparameters: encoded.hyperparameters,
        context: { region: 'us-east-1', accountId: ACCOUNT, now: NOW, baseDir: path.dirname(SEED_FILE) },
      });
      assert.equal(JSON.stringify(printed.createTrainingJob), JSON.stringify(expected.createTrainingJob));
      assert.deepEqual(printed.uploads, [{ from: path.join(FIXTURES, 'seed-local', 'src'), to: expected.uploads[0]!.to }]);
      assert.equal((printed.createTrainingJob as { RoleArn: string }).RoleArn, `arn:aws:iam::${ACCOUNT}:role/SageMakerRole`);
      assert.equal(connections, 0);
    } finally {
      sink.close();
    }
  });

  it('refuses a file with errors: exit 1, the problems as validate prints them, nothing on stdout', async () => {
    const io = captureIo({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
    const file = path.relative(REPO_ROOT, INVALID_FILE);
    assert.equal(await planCommand([file, '--json', '--account', ACCOUNT], io), 1);
    assert.equal(io.out, '');
    assert.match(io.err, new RegExp(`^${file.replace(/[.]/g, '\\.')}:5:18: error: \`pytorch_version: 1\\.10\` is the number 1\\.1`, 'm'));
    assert.match(io.err, new RegExp(`^${file.replace(/[.]/g, '\\.')}:2:1: error: Missing required key \`role\``, 'm'));
  });

  it('rejects a time without a zone and an account id that is not one', async () => {
    await assert.rejects(planCommand([SEED_FILE, '--account', ACCOUNT, '--time', '2024-05-01 12:00'], captureIo()), /ISO-8601/);
    await assert.rejects(planCommand([SEED_FILE, '--account', '12345'], captureIo()), /12-digit/);
  });
});

describe('sagemaker-hf plan and launch against moto', { skip: installProblem ?? false }, () => {
  let moto: MotoServer;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    moto = await startMoto({ simSeconds: 1.5 });
    // The CLI builds its clients from the default chain: credentials from the environment.
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    env = { AWS_ENDPOINT_URL: moto.endpoint };
    const iam = new AwsClients({ region: 'us-east-1', endpoints: { iam: moto.endpoint }, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await iam.iam().send(new CreateRoleCommand({ RoleName: 'SageMakerRole', Path: '/service-role/', AssumeRolePolicyDocument: '{}' }));
    iam.destroy();
  });

  after(async () => {
    await moto?.stop();
  });

  it('plan without --account takes the account from STS and the role from IAM', async () => {
    const io = captureIo(env);
    assert.equal(await planCommand([SEED_FILE, '--json', '--time', NOW.toISOString()], io), 0, io.err);
    const printed = JSON.parse(io.out) as { createTrainingJob: { RoleArn: string; OutputDataConfig: { S3OutputPath: string } } };
    assert.equal(printed.createTrainingJob.RoleArn, ROLE_ARN);
    assert.equal(printed.createTrainingJob.OutputDataConfig.S3OutputPath, `s3://${BUCKET}/`);
  });

  it('launch --wait prints the job name and ARN, and exits 0 when the job completes', async () => {
    const io = captureIo(env);
    const code = await launchCommand([SEED_FILE, '--job-name', 'cli-completes', '--wait', '--poll', '0.2'], io);
    assert.equal(code, 0, io.err);
    assert.equal(io.out, `cli-completes\narn:aws:sagemaker:us-east-1:${ACCOUNT}:training-job/cli-completes\n`);
    assert.match(io.err, /Packaging src \(5 files, .*\)…\nUploading .* to s3:\/\/.*\/cli-completes\/source\/sourcedir\.tar\.gz…\nCreating training job cli-completes…\nCreated training job cli-completes\./);
    assert.match(io.err, /Completed \/ Completed/);
  });

  it('launch --wait exits 1 with the failure reason when the job fails', async () => {
    await moto.configure({ jobs: { 'cli-fails': { outcome: 'Failed' } } });
    const io = captureIo(env);
    assert.equal(await launchCommand([SEED_FILE, '--job-name', 'cli-fails', '--wait', '--poll', '0.2'], io), 1);
    assert.match(io.err, /Failed \/ Failed/);
    assert.match(io.err, /ExecuteUserScriptError/);
  });
});
