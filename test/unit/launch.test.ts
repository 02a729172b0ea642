// Launching training jobs with the real @aws-sdk clients against moto (test/emulators/moto), and the
// `plan` / `launch` CLI commands. Assertions read what the emulator stored: the job DescribeTrainingJob
// returns, the objects in S3, the buckets; and what reached the network at all.

import { after, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync, realpathSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { DescribeTrainingJobCommand, ListTrainingJobsCommand, ResourceLimitExceeded } from '@aws-sdk/client-sagemaker';
import type { DescribeTrainingJobCommandOutput } from '@aws-sdk/client-sagemaker';
import { parseDocument } from 'yaml';
import { Parser } from 'tar';
import type { ReadEntry } from 'tar';
import { AwsClients } from '../../src/aws/awsClients';
import { ensureDefaultBucket } from '../../src/aws/launch/defaultBucket';
import { resolveAccount, resolveRole } from '../../src/aws/launch/identity';
import { LaunchError } from '../../src/aws/launch/launchError';
import { launchTrainingJob, LaunchesInFlight } from '../../src/aws/launch/launchTrainingJob';
import type { LaunchedTrainingJob, LaunchOptions, LaunchProgress } from '../../src/aws/launch/launchTrainingJob';
import { planTrainingJob } from '../../src/aws/launch/planTrainingJob';
import type { Problem } from '../../src/core/jobFile/problem';
import { awsCallError, createTrainingJobError } from '../../src/aws/launch/serviceErrors';
import { planDocument } from '../../src/aws/launch/planPreview';
import { runPreflight } from '../../src/aws/preflight/runPreflight';
import { SourceStagingError } from '../../src/source/stagingError';
import { launchCommand } from '../../src/cli/launchCommand';
import { planCommand } from '../../src/cli/planCommand';
import type { CliIo } from '../../src/cli/cliError';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import { buildTrainingJobPlan } from '../../src/core/training/createTrainingJobRequest';
import { TrainingPlanError } from '../../src/core/training/trainingPlanError';
import { encodeJobFileValues } from '../../src/core/training/pythonJson';
import { startFaultProxy } from '../emulators/faultProxy';
import type { FaultProxy } from '../emulators/faultProxy';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// The modules whose functions the counting tests spy on (node:test `mock.method` replaces the export;
// the compiled code reads `module.fn` at each call, so every caller goes through the spy):
// validateJobFile is the validation, yaml's parseDocument every parse of a job file's text.
const validateModule = require('../../src/core/jobFile/validateJobFile') as typeof import('../../src/core/jobFile/validateJobFile');
const yamlModule = require('yaml') as typeof import('yaml');

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

type LaunchOutcome = LaunchedTrainingJob | { kind: 'invalid'; problems: Problem[] };

/**
 * The CLI's path from a job file's text to a job: plan it (`now`, `jobName` and `env` are the plan's),
 * then launch that plan with the text unchanged. A file with errors is the plan's `invalid`.
 */
async function planAndLaunch(args: {
  clients: AwsClients;
  file: string;
  text: string;
  options?: LaunchOptions & { now?: Date; jobName?: string };
  onProgress?: (p: LaunchProgress) => void;
  inFlight?: LaunchesInFlight;
}): Promise<LaunchOutcome> {
  const { now, jobName, ...options } = args.options ?? {};
  const planned = await planTrainingJob({
    clients: args.clients,
    jobFilePath: args.file,
    text: args.text,
    ...(now ? { now } : {}),
    ...(jobName !== undefined ? { jobName } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  if (planned.kind === 'invalid') return planned;
  return launchTrainingJob({
    clients: args.clients,
    planned,
    currentText: () => args.text,
    options,
    ...(args.onProgress ? { onProgress: args.onProgress } : {}),
    ...(args.inFlight ? { inFlight: args.inFlight } : {}),
  });
}

function launched(outcome: LaunchOutcome): LaunchedTrainingJob {
  assert.equal(outcome.kind, 'launched', JSON.stringify(outcome));
  return outcome as LaunchedTrainingJob;
}

function captureIo(env: NodeJS.ProcessEnv = {}): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', cwd: REPO_ROOT, env, stdout: (t: string) => (io.out += t), stderr: (t: string) => (io.err += t) };
  return io;
}

/**
 * A job folder under `parent`: the seed job file (without the dependency) with `extra` appended, a
 * `src/` holding train.py, and whatever `setup` adds to src/.
 */
async function jobFolder(parent: string, name: string, extra = '', setup?: (src: string) => Promise<void>): Promise<{ file: string; text: string; src: string }> {
  const dir = path.join(parent, name);
  const src = path.join(dir, 'src');
  await fs.mkdir(src, { recursive: true });
  await fs.writeFile(path.join(src, 'train.py'), 'print("train")\n');
  await setup?.(src);
  const text = SEED_TEXT.replace(/^dependencies:\n {2}- .*\n/m, '') + extra;
  const file = path.join(dir, `${name}.sagemaker.yaml`);
  await fs.writeFile(file, text);
  return { file, text, src };
}

/** A value that must never be printed, planned or returned: only SageMaker (moto) may receive it. */
const SENTINEL = 'hf_SENTINELsecretVALUE0123456789abcdefXYZ';

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
  const jobNames = async (): Promise<string[]> =>
    ((await clients.sagemaker().send(new ListTrainingJobsCommand({ MaxResults: 100 }))).TrainingJobSummaries ?? []).map((j) => j.TrainingJobName ?? '');
  const keysUnder = async (prefix: string): Promise<string[]> =>
    ((await clients.s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key ?? '');
  const launchSeed = (options: LaunchOptions & { jobName?: string } = {}, onProgress?: (p: LaunchProgress) => void, text = SEED_TEXT) =>
    planAndLaunch({ clients, file: SEED_FILE, text, options: { now: NOW, ...options }, ...(onProgress ? { onProgress } : {}) });

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
    assert.equal(
      stored.AlgorithmSpecification?.TrainingImage,
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04',
    );
    assert.deepEqual(stored.ResourceConfig, { InstanceType: 'ml.p3dn.24xlarge', InstanceCount: 2, VolumeSizeInGB: 30 });
    assert.deepEqual(stored.OutputDataConfig, { S3OutputPath: `s3://${BUCKET}/` });
    assert.equal(stored.RoleArn, ROLE_ARN);
    assert.deepEqual(stored.StoppingCondition, request.StoppingCondition);

    // The default bucket now exists, and the archive in it holds exactly the expected entries.
    await clients.s3().send(new HeadBucketCommand({ Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT }));
    assert.deepEqual(
      job.uploads.map((u) => u.to),
      [`s3://${BUCKET}/${job.jobName}/source/sourcedir.tar.gz`],
    );
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
    const job = launched(await planAndLaunch({ clients, file: jobFile, text, options: { now: new Date('2024-05-02T00:00:00.000Z'), env: gitEnv } }));
    assert.deepEqual(await archiveEntries(clients.s3(), job.uploads[0]!.to), ['requirements.txt', 'run_summarization.py']);
    assert.equal(job.uploads[0]!.from, url);
    assert.equal(job.uploads[0]!.commit, git(['rev-parse', 'HEAD'], work).trim());
    const stored = await describeJob(job.jobName);
    assert.equal(stored.HyperParameters?.['sagemaker_program'], '"run_summarization.py"');

    // The entry point missing from the repository: refused before anything is uploaded.
    const missing = text.replace('entry_point: run_summarization.py', 'entry_point: train.py');
    const before = await keysUnder('');
    await assert.rejects(planAndLaunch({ clients, file: jobFile, text: missing, options: { now: new Date('2024-05-03T00:00:00.000Z'), env: gitEnv } }), (e: unknown) => {
      assert.ok(e instanceof SourceStagingError, String(e));
      assert.equal(e.code, 'git.entryPointMissing');
      assert.match(e.message, /Entry point `train\.py` does not exist/);
      return true;
    });
    assert.deepEqual(await keysUnder(''), before);
  });

  it('sends ${env:NAME} environment values expanded, while plan and the outcome hold only the name', async () => {
    const { file, text } = await jobFolder(tmp, 'env-expand', 'environment:\n  HF_TOKEN: ${env:SENTINEL_HF_TOKEN}\n  NCCL_DEBUG: INFO\n');
    const env = { SENTINEL_HF_TOKEN: SENTINEL };
    const planned = await planTrainingJob({ jobFilePath: file, text, clients, now: NOW, env });
    assert.equal(planned.kind, 'planned');
    if (planned.kind !== 'planned') return;
    assert.deepEqual(planned.plan.createTrainingJob.Environment, { HF_TOKEN: '${env:SENTINEL_HF_TOKEN}', NCCL_DEBUG: 'INFO' });
    assert.deepEqual(
      planned.credentialFlows.map((f) => [f.key, f.variable, f.to]),
      [['environment.HF_TOKEN', 'SENTINEL_HF_TOKEN', 'SageMaker']],
    );
    assert.ok(!JSON.stringify(planned).includes(SENTINEL));

    const job = launched(await planAndLaunch({ clients, file: file, text, options: { now: NOW, env, jobName: 'env-expanded' } }));
    const stored = await describeJob('env-expanded');
    assert.deepEqual(stored.Environment, { HF_TOKEN: SENTINEL, NCCL_DEBUG: 'INFO' }, 'SageMaker receives the value');
    assert.deepEqual(job.request.Environment, planned.plan.createTrainingJob.Environment, 'the outcome shows the request as previewed');
    assert.ok(!JSON.stringify(job).includes(SENTINEL));
  });

  it('keeps expanded values out of the error when SageMaker quotes the request back', async () => {
    const { file, text } = await jobFolder(tmp, 'env-echo', 'environment:\n  HF_TOKEN: ${env:SENTINEL_HF_TOKEN}\n');
    // moto quotes nothing back; SageMaker's validation messages do ("Value '…' at 'environment' failed to satisfy
    // constraint"), so this client answers CreateTrainingJob the way SageMaker would, with the values it was sent.
    const echoing = new AwsClients(clients.connection);
    echoing.sagemaker().middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'CreateTrainingJobCommand') {
          const sent = (args.input as { Environment?: Record<string, string> }).Environment;
          throw Object.assign(
            new Error(`1 validation error detected: Value '${JSON.stringify(sent)}' at 'environment' failed to satisfy constraint: Map value must satisfy constraint`),
            { name: 'ValidationException', $metadata: { httpStatusCode: 400 } },
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'echoEnvironment' },
    );
    try {
      await assert.rejects(
        planAndLaunch({ clients: echoing, file: file, text, options: { now: NOW, env: { SENTINEL_HF_TOKEN: SENTINEL }, jobName: 'env-echo' } }),
        (e: unknown) => {
          assert.ok(e instanceof LaunchError, String(e));
          assert.equal(e.code, 'service.validation');
          assert.match(e.message, /Value '\{"HF_TOKEN":"\*\*\*"\}' at 'environment'/);
          assert.ok(!JSON.stringify({ message: e.message, context: e.context }).includes(SENTINEL));
          assert.equal(e.cause, undefined, 'the raw error (with the value) is not kept');
          return true;
        },
      );
    } finally {
      echoing.destroy();
    }
  });

  it('refuses to launch with an ${env:NAME} that is not set, naming it, before calling or uploading anything', async () => {
    const { file, text } = await jobFolder(tmp, 'env-missing', 'environment:\n  HF_TOKEN: ${env:SENTINEL_NOT_SET}\n');
    const requests = s3Requests.length;
    await assert.rejects(planAndLaunch({ clients, file: file, text, options: { now: NOW, env: { SENTINEL_NOT_SET: '' }, jobName: 'env-missing' } }), (e: unknown) => {
      assert.ok(e instanceof TrainingPlanError, String(e));
      assert.equal(e.code, 'env.variableMissing');
      assert.match(e.message, /environment\.HF_TOKEN \(\$\{env:SENTINEL_NOT_SET\}\) refers to the environment variable SENTINEL_NOT_SET, which is not set/);
      return true;
    });
    assert.equal(s3Requests.length, requests);
    assert.ok(!(await jobNames()).includes('env-missing'));
    await assert.rejects(planTrainingJob({ jobFilePath: file, text, clients, now: NOW, env: {} }), /SENTINEL_NOT_SET/);
  });

  it('refuses source links that leave the folder (to /etc, to a file outside) unless confirmed; links inside need nothing', async () => {
    const outside = path.join(tmp, 'outside-of-src');
    await fs.mkdir(outside, { recursive: true });
    await fs.writeFile(path.join(outside, 'secret.txt'), 'OUTSIDE-THE-FOLDER\n');
    const etc = await jobFolder(tmp, 'link-to-etc', '', async (src) => {
      await fs.symlink('/etc', path.join(src, 'etc'));
      await fs.symlink(path.join(outside, 'secret.txt'), path.join(src, 'notes.txt'));
    });
    const planned = await planTrainingJob({ jobFilePath: etc.file, text: etc.text, clients, now: NOW });
    assert.equal(planned.kind, 'planned');
    if (planned.kind !== 'planned') return;
    assert.deepEqual(
      planned.externalLinks.map((l) => [l.name, l.path, l.target]),
      [
        ['etc', path.join(etc.src, 'etc'), realpathSync('/etc')],
        ['notes.txt', path.join(etc.src, 'notes.txt'), realpathSync(path.join(outside, 'secret.txt'))],
      ],
    );
    let asked: string[] = [];
    for (const confirmExternalLinks of [undefined, (links: readonly { name: string }[]) => ((asked = links.map((l) => l.name)), false)]) {
      await assert.rejects(
        planAndLaunch({ clients, file: etc.file, text: etc.text, options: { now: NOW, jobName: 'links-refused', ...(confirmExternalLinks ? { confirmExternalLinks } : {}) } }),
        (e: unknown) => {
          assert.ok(e instanceof SourceStagingError, String(e));
          assert.equal(e.code, 'source.externalLinks');
          assert.match(e.message, /2 symbolic links leave the folder being packed/);
          assert.match(e.message, new RegExp(`^etc → ${realpathSync('/etc')}$`, 'm'));
          assert.match(e.message, /^notes\.txt → .*secret\.txt$/m);
          assert.match(e.message, /Nothing was uploaded/);
          return true;
        },
      );
    }
    assert.deepEqual(asked, ['etc', 'notes.txt'], 'the confirmation names the links');
    assert.deepEqual(await keysUnder('links-refused/'), []);
    assert.ok(!(await jobNames()).includes('links-refused'));

    // Links inside the folder: packed (followed) without a question.
    const inside = await jobFolder(tmp, 'link-inside', '', async (src) => {
      await fs.mkdir(path.join(src, 'lib'));
      await fs.writeFile(path.join(src, 'lib', 'a.py'), 'A = 1\n');
      await fs.symlink('lib', path.join(src, 'lib_alias'));
    });
    const plain = launched(await planAndLaunch({ clients, file: inside.file, text: inside.text, options: { now: NOW, jobName: 'links-inside' } }));
    assert.deepEqual(await archiveEntries(clients.s3(), plain.uploads[0]!.to), ['lib/', 'lib/a.py', 'lib_alias/', 'lib_alias/a.py', 'train.py']);

    // A link out, confirmed: its target is packed under the link's name.
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(inside.src, 'notes.txt'));
    const confirmed = launched(
      await planAndLaunch({ clients, file: inside.file, text: inside.text, options: { now: NOW, jobName: 'links-confirmed', confirmExternalLinks: () => true } }),
    );
    assert.ok((await archiveEntries(clients.s3(), confirmed.uploads[0]!.to)).includes('notes.txt'));
  });

  it('refuses a git_config checkout whose source_dir holds a link out of the clone, uploading nothing', async () => {
    const repoRoot = path.join(tmp, 'git-link');
    const work = path.join(repoRoot, 'work');
    await fs.mkdir(path.join(work, 'code'), { recursive: true });
    git(['init', '--quiet', '--bare', path.join(repoRoot, 'remote.git')], tmp);
    git(['init', '--quiet', work], tmp);
    await fs.writeFile(path.join(work, 'code', 'train.py'), 'print(1)\n');
    await fs.symlink('/etc/passwd', path.join(work, 'code', 'users.txt'));
    git(['add', '.'], work);
    git(['commit', '--quiet', '-m', 'a link out'], work);
    git(['push', '--quiet', path.join(repoRoot, 'remote.git'), 'HEAD:refs/heads/main'], work);
    const url = 'https://git.example.test/hostile/code.git';
    const gitEnv = { ...process.env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `url.file://${path.join(repoRoot, 'remote.git')}.insteadOf`, GIT_CONFIG_VALUE_0: url };
    const text = SEED_TEXT.replace(/^source_dir: .*$/m, `git_config:\n  repo: ${url}\n  branch: main\nsource_dir: code`).replace(/^dependencies:\n {2}- .*\n/m, '');
    const jobFile = path.join(tmp, 'git-link.sagemaker.yaml');
    await fs.writeFile(jobFile, text);
    await assert.rejects(planAndLaunch({ clients, file: jobFile, text, options: { now: NOW, env: gitEnv, jobName: 'git-link-refused' } }), (e: unknown) => {
      assert.ok(e instanceof SourceStagingError, String(e));
      assert.equal(e.code, 'source.externalLinks');
      assert.match(e.message, new RegExp(`^users\\.txt → ${realpathSync('/etc/passwd')}$`, 'm'));
      return true;
    });
    assert.deepEqual(await keysUnder('git-link-refused/'), []);
  });

  it('refuses a file with errors, returning its problems and calling nothing', async () => {
    const count = s3Requests.length;
    const outcome = await planAndLaunch({ clients, file: INVALID_FILE, text: readFileSync(INVALID_FILE, 'utf8') });
    assert.equal(outcome.kind, 'invalid');
    if (outcome.kind !== 'invalid') return;
    assert.deepEqual(
      outcome.problems.filter((p) => p.severity === 'error').map((p) => [p.range.start.line + 1, p.path]),
      [
        [2, 'role'],
        [5, 'pytorch_version'],
      ],
    );
    assert.equal(s3Requests.length, count);
  });

  it('a second launch of a file still being launched creates no job unless confirmed', async () => {
    const inFlight = new LaunchesInFlight();
    const end = inFlight.begin(SEED_FILE);
    const jobsBefore = await jobNames();
    await assert.rejects(
      planAndLaunch({ clients, file: SEED_FILE, text: SEED_TEXT, inFlight, options: { jobName: 'duplicate-refused', confirmDuplicate: async () => false } }),
      (e: unknown) => e instanceof LaunchError && e.code === 'launch.duplicate',
    );
    assert.deepEqual(await jobNames(), jobsBefore);
    const job = launched(
      await planAndLaunch({ clients, file: SEED_FILE, text: SEED_TEXT, inFlight, options: { jobName: 'duplicate-confirmed', confirmDuplicate: async () => true } }),
    );
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

  it('cancelled in the middle of a multipart upload: no job, no object and no open multipart upload left in S3', async () => {
    // A source of 32 MiB of incompressible bytes: seven 5 MiB parts, four in flight at a time; the cancel
    // comes once the first is in, while most of the archive is still to be read.
    const dir = path.join(tmp, 'cancel-multipart');
    await fs.mkdir(path.join(dir, 'src'), { recursive: true });
    await fs.writeFile(path.join(dir, 'src', 'train.py'), 'print("big")\n');
    await fs.writeFile(path.join(dir, 'src', 'weights.bin'), randomBytes(32 * 1024 * 1024));
    const file = path.join(dir, 'big.sagemaker.yaml');
    const text = SEED_TEXT.replace(/dependencies:\n {2}- \.\/shared\/common_lib\n/, '');
    await fs.writeFile(file, text);
    const jobName = 'cancelled-multipart';
    const requestsBefore = s3Requests.length;
    const controller = new AbortController();
    const uploaded: number[] = [];
    await assert.rejects(
      planAndLaunch({
        clients,
        file,
        text,
        options: { now: NOW, jobName, partSize: 5 * 1024 * 1024, signal: controller.signal },
        onProgress: (p) => {
          if (p.step !== 'uploading') return;
          uploaded.push(p.uploadedBytes);
          if (p.uploadedBytes >= 5 * 1024 * 1024) controller.abort();
        },
      }),
      (e: unknown) => (e as { code?: string }).code === 'cancelled',
    );
    const commands = s3Requests.slice(requestsBefore).map((r) => r.command);
    assert.ok(commands.includes('CreateMultipartUploadCommand') && commands.includes('UploadPartCommand'), `not a multipart upload: ${commands.join(' ')}`);
    assert.ok(!commands.includes('CompleteMultipartUploadCommand'), 'the upload completed before the cancel');
    assert.ok(Math.max(...uploaded) < 32 * 1024 * 1024);
    assert.ok(!(await jobNames()).includes(jobName));
    assert.deepEqual(await keysUnder(`${jobName}/`), []);
    const open = await clients.s3().send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    assert.deepEqual(
      (open.Uploads ?? []).filter((u) => u.Key?.startsWith(`${jobName}/`)).map((u) => u.Key),
      [],
      'a multipart upload was left open (its parts are billed)',
    );
  });

  it('resolves the caller and the role as the SDK does', async () => {
    const caller = await resolveAccount(clients);
    assert.equal(caller.accountId, ACCOUNT);
    assert.equal(caller.partition, 'aws');
    const looked = await resolveRole(clients, 'SageMakerRole');
    assert.equal(looked.arn, ROLE_ARN);
    assert.deepEqual(looked.iam && { name: looked.iam.name, arn: looked.iam.arn }, { name: 'SageMakerRole', arn: ROLE_ARN }, 'the GetRole answer is kept for the preflight');
    assert.deepEqual(await resolveRole(clients, 'arn:aws:iam::111122223333:role/x/Given'), { arn: 'arn:aws:iam::111122223333:role/x/Given' });
    await assert.rejects(resolveRole(clients, 'NoSuchRole'), (e: unknown) => {
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
    const notOffered = createTrainingJobError(serviceError('ValidationException', 'Instance type ml.p3dn.24xlarge is not supported in region eu-central-1.'), {
      ...ctx,
      region: 'eu-central-1',
    });
    assert.equal(notOffered.code, 'instanceType.notOffered');
    assert.match(notOffered.message, /^ml\.p3dn\.24xlarge is not offered for training in eu-central-1\./);
    const other = createTrainingJobError(serviceError('ValidationException', 'Could not assume role arn:aws:iam::123456789012:role/service-role/SageMakerRole.'), ctx);
    assert.equal(other.code, 'service.validation');
    assert.equal(other.message, 'SageMaker refused the training job: Could not assume role arn:aws:iam::123456789012:role/service-role/SageMakerRole.');
  });

  it('AccessDenied names the call, the principal and the role', () => {
    const passRole = createTrainingJobError(
      serviceError('AccessDeniedException', `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:PassRole on resource: ${ROLE_ARN}`, 403),
      ctx,
    );
    assert.equal(passRole.code, 'aws.accessDenied');
    assert.match(
      passRole.message,
      /AWS denied sagemaker:CreateTrainingJob to arn:aws:iam::123456789012:user\/dev\. Allow .* iam:PassRole on arn:aws:iam::123456789012:role\/service-role\/SageMakerRole/,
    );
    const upload = awsCallError(serviceError('AccessDenied', 'Access Denied', 403), { call: 's3:CreateBucket', principal: 'arn:aws:sts::123456789012:assumed-role/dev/me' });
    assert.match(upload.message, /AWS denied s3:CreateBucket to arn:aws:sts::123456789012:assumed-role\/dev\/me/);
  });

  it('missing credentials and an unreachable endpoint get their own next step', () => {
    assert.equal(
      awsCallError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), { call: 'sts:GetCallerIdentity' }).code,
      'aws.noCredentials',
    );
    const down = awsCallError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), { call: 'sts:GetCallerIdentity' });
    assert.equal(down.code, 'aws.unreachable');
    assert.match(down.message, /AWS_ENDPOINT_URL/);
  });
});

describe('sagemaker-hf plan', () => {
  it("--account makes no network call at all and prints the builder's request", async () => {
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

  it('names each secret and where it goes, says launch expands the environment, and never prints a value', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'plan-secrets-'));
    try {
      const extra = 'environment:\n  HF_TOKEN: ${env:SENTINEL_HF_TOKEN}\n  NCCL_DEBUG: INFO\n';
      const { file } = await jobFolder(dir, 'secrets', extra);
      const gitText =
        SEED_TEXT.replace(/^source_dir: .*$/m, 'git_config:\n  repo: https://github.com/org/code.git\n  token: ${env:SENTINEL_GIT_TOKEN}\nsource_dir: examples').replace(
          /^dependencies:\n {2}- .*\n/m,
          '',
        ) + extra;
      const gitFile = path.join(dir, 'git.sagemaker.yaml');
      await fs.writeFile(gitFile, gitText);
      const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', SENTINEL_HF_TOKEN: SENTINEL, SENTINEL_GIT_TOKEN: `${SENTINEL}-git` };

      const text = captureIo(env);
      assert.equal(await planCommand([gitFile, '--account', ACCOUNT, '--time', NOW.toISOString()], text), 0, text.err);
      assert.match(text.out, /^ {2}HF_TOKEN = \$\{env:SENTINEL_HF_TOKEN\}$/m);
      assert.match(text.out, /^ {2}git_config\.token ← \$SENTINEL_GIT_TOKEN → github\.com {2}\(sent by git from this machine over https, as Basic authentication\)$/m);
      assert.match(text.out, /^ {2}environment\.HF_TOKEN ← \$SENTINEL_HF_TOKEN → SageMaker/m);
      assert.match(
        text.out,
        /Launch sends: This request, except that Environment\.HF_TOKEN holds the value of the variable named in \$\{env:…\}, expanded at launch from the launching machine's environment/,
      );
      assert.ok(!`${text.out}${text.err}`.includes(SENTINEL), 'a secret value was printed');

      const json = captureIo(env);
      assert.equal(await planCommand([file, '--json', '--account', ACCOUNT, '--time', NOW.toISOString()], json), 0, json.err);
      const printed = JSON.parse(json.out) as { createTrainingJob: { Environment: Record<string, string> }; credentials: Array<{ flow: string }>; launchSends: string };
      assert.deepEqual(printed.createTrainingJob.Environment, { HF_TOKEN: '${env:SENTINEL_HF_TOKEN}', NCCL_DEBUG: 'INFO' });
      assert.deepEqual(
        printed.credentials.map((c) => c.flow),
        ['environment.HF_TOKEN ← $SENTINEL_HF_TOKEN → SageMaker'],
      );
      assert.match(printed.launchSends, /Environment\.HF_TOKEN/);
      assert.ok(!`${json.out}${json.err}`.includes(SENTINEL), 'a secret value was printed');

      // Not set: exit 1, the variable named, nothing planned.
      const missing = captureIo({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
      assert.equal(await planCommand([file, '--account', ACCOUNT], missing), 1);
      assert.equal(missing.out, '');
      assert.match(missing.err, /environment\.HF_TOKEN \(\$\{env:SENTINEL_HF_TOKEN\}\) refers to the environment variable SENTINEL_HF_TOKEN, which is not set/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('lists the links that leave source_dir, and where they lead', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'plan-links-'));
    try {
      const { file } = await jobFolder(dir, 'links', '', async (src) => {
        await fs.symlink('/etc', path.join(src, 'etc'));
        await fs.symlink('train.py', path.join(src, 'main.py'));
      });
      const text = captureIo({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
      assert.equal(await planCommand([file, '--account', ACCOUNT], text), 0, text.err);
      assert.match(text.out, /^Links out {8}1 link leaves its folder: launch uploads the target only with --follow-external-links$/m);
      assert.match(text.out, new RegExp(`^ {2}${path.relative(REPO_ROOT, path.join(dir, 'links', 'src', 'etc')).replace(/[.]/g, '\\.')} → ${realpathSync('/etc')}$`, 'm'));
      assert.ok(!text.out.includes('main.py'), 'a link inside the folder is no concern');
      const json = captureIo({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
      assert.equal(await planCommand([file, '--json', '--account', ACCOUNT], json), 0, json.err);
      assert.deepEqual(JSON.parse(json.out).linksLeavingTheirFolder, [
        { link: path.join(dir, 'links', 'src', 'etc'), in: path.join(dir, 'links', 'src'), target: realpathSync('/etc') },
      ]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
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
    assert.match(
      io.err,
      /Packaging src \(5 files, .*\)…\nUploading .* to s3:\/\/.*\/cli-completes\/source\/sourcedir\.tar\.gz…\nCreating training job cli-completes…\nCreated training job cli-completes\./,
    );
    assert.match(io.err, /Completed \/ Completed/);
  });

  it('launch refuses links out of source_dir, listing them, unless --follow-external-links', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'launch-links-'));
    try {
      await fs.writeFile(path.join(dir, 'elsewhere.txt'), 'OUTSIDE\n');
      const { file } = await jobFolder(dir, 'links', '', async (src) => {
        await fs.symlink(path.join(dir, 'elsewhere.txt'), path.join(src, 'data.txt'));
      });
      const refused = captureIo(env);
      assert.equal(await launchCommand([file, '--job-name', 'cli-links-refused'], refused), 1);
      assert.equal(refused.out, '');
      assert.match(refused.err, /A symbolic link leaves the folder being packed .*\ndata\.txt → .*elsewhere\.txt\nNothing was uploaded\..*--follow-external-links/s);
      const followed = captureIo(env);
      assert.equal(await launchCommand([file, '--job-name', 'cli-links-followed', '--follow-external-links'], followed), 0, followed.err);
      assert.match(followed.err, /Following 1 link out of the source folder \(--follow-external-links\):\n {2}data\.txt → /);
      assert.match(followed.out, /^cli-links-followed\n/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('launch --wait exits 1 with the failure reason when the job fails', async () => {
    await moto.configure({ jobs: { 'cli-fails': { outcome: 'Failed' } } });
    const io = captureIo(env);
    assert.equal(await launchCommand([SEED_FILE, '--job-name', 'cli-fails', '--wait', '--poll', '0.2'], io), 1);
    assert.match(io.err, /Failed \/ Failed/);
    assert.match(io.err, /ExecuteUserScriptError/);
  });
});

/**
 * What reached AWS, counted where every client's requests pass: a proxy in front of moto
 * (test/emulators/faultProxy.ts, with no faults) that names each request by its operation — the
 * query protocol's `Action` (STS, IAM), the JSON protocol's X-Amz-Target (SageMaker), or the S3
 * method and path — and keeps CreateTrainingJob's body as sent.
 */
interface AwsWire {
  proxy: FaultProxy;
  /** Operation names in arrival order. */
  calls: string[];
  /** The JSON bodies of CreateTrainingJob, as sent. */
  created: unknown[];
}

async function countingProxy(target: string): Promise<AwsWire> {
  const wire: Omit<AwsWire, 'proxy'> = { calls: [], created: [] };
  const proxy = await startFaultProxy({
    target,
    seed: 1,
    rates: {},
    respond: ({ operation, body }) => {
      let name = operation;
      if (operation.startsWith('POST ')) name = new URLSearchParams(body.toString('utf8')).get('Action') ?? operation;
      else if (!operation.includes(' ')) name = operation.slice(operation.lastIndexOf('.') + 1);
      wire.calls.push(name);
      if (name === 'CreateTrainingJob') wire.created.push(JSON.parse(body.toString('utf8')));
      return undefined;
    },
  });
  return { proxy, ...wire };
}

/** The operations since `from`, counted by name. */
function callsSince(wire: AwsWire, from: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of wire.calls.slice(from)) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** Runs `body` with validateJobFile and yaml's parseDocument spied; parses are those of `text` only. */
async function counted<T>(text: string, body: () => Promise<T>): Promise<{ result: T; validations: number; parses: number }> {
  const validations = mock.method(validateModule, 'validateJobFile');
  const parses = mock.method(yamlModule, 'parseDocument');
  try {
    const result = await body();
    return { result, validations: validations.mock.callCount(), parses: parses.mock.calls.filter((c) => c.arguments[0] === text).length };
  } finally {
    validations.mock.restore();
    parses.mock.restore();
  }
}

describe('Launch sends what it previewed (requests counted at a proxy in front of moto)', { skip: installProblem ?? false }, () => {
  let moto: MotoServer;
  let wire: AwsWire;
  let clients: AwsClients;
  let tmp: string;
  const cliEnv = (): NodeJS.ProcessEnv => ({ AWS_ENDPOINT_URL: wire.proxy.endpoint });
  const jobNames = async (): Promise<string[]> =>
    ((await clients.sagemaker().send(new ListTrainingJobsCommand({ MaxResults: 100 }))).TrainingJobSummaries ?? []).map((j) => j.TrainingJobName ?? '');

  before(async () => {
    moto = await startMoto({ simSeconds: 2 });
    wire = await countingProxy(moto.endpoint);
    // The CLI builds its clients from the default chain: credentials from the environment.
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    const e = wire.proxy.endpoint;
    // Every service through the proxy (the preflight's Service Quotas and Price List too: moto answers
    // what it knows, and nothing leaves this machine).
    clients = new AwsClients({
      region: 'us-east-1',
      endpoints: { sagemaker: e, s3: e, sts: e, iam: e, logs: e, serviceQuotas: e, pricing: e },
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await clients.iam().send(
      new CreateRoleCommand({
        RoleName: 'SageMakerRole',
        Path: '/service-role/',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'launch-previewed-'));
  });

  after(async () => {
    clients?.destroy();
    await wire?.proxy.stop();
    await moto?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  it('`launch FILE`: the job file validated once and parsed once, one GetCallerIdentity, one GetRole', async () => {
    const from = wire.calls.length;
    const io = captureIo(cliEnv());
    const { result: code, validations, parses } = await counted(SEED_TEXT, () => launchCommand([SEED_FILE, '--job-name', 'counted-cli'], io));
    assert.equal(code, 0, io.err);
    assert.equal(validations, 1, 'validations of the job file');
    assert.equal(parses, 1, 'YAML parses of the job file');
    const calls = callsSince(wire, from);
    assert.equal(calls['GetCallerIdentity'], 1, JSON.stringify(calls));
    assert.equal(calls['GetRole'], 1, JSON.stringify(calls));
    assert.equal(calls['CreateTrainingJob'], 1, JSON.stringify(calls));
  });

  it('`launch FILE --account ID` with a role ARN asks neither STS nor IAM', async () => {
    const { file, text } = await jobFolder(tmp, 'offline', '');
    const arnText = text.replace('role: SageMakerRole', `role: ${ROLE_ARN}`);
    await fs.writeFile(file, arnText);
    const from = wire.calls.length;
    const io = captureIo(cliEnv());
    const { result: code, validations, parses } = await counted(arnText, () => launchCommand([file, '--account', ACCOUNT, '--job-name', 'counted-offline'], io));
    assert.equal(code, 0, io.err);
    assert.equal(validations, 1);
    assert.equal(parses, 1);
    const calls = callsSince(wire, from);
    assert.equal(calls['GetCallerIdentity'] ?? 0, 0, JSON.stringify(calls));
    assert.equal(calls['GetRole'] ?? 0, 0, JSON.stringify(calls));
    assert.equal(calls['CreateTrainingJob'], 1, JSON.stringify(calls));
    assert.equal((await clients.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: 'counted-offline' }))).RoleArn, ROLE_ARN);
  });

  it("the editor's sequence — plan, the setup check with the plan's answers, launch — asks STS and IAM GetRole once each", async () => {
    const from = wire.calls.length;
    const {
      result: job,
      validations,
      parses,
    } = await counted(SEED_TEXT, async () => {
      const planned = await planTrainingJob({ jobFilePath: SEED_FILE, text: SEED_TEXT, clients, jobName: 'counted-editor' });
      assert.equal(planned.kind, 'planned');
      if (planned.kind !== 'planned') throw new Error('not planned');
      // What Launch passes the preflight (commands/launchTraining.ts knownToPreflight).
      const checklist = await runPreflight({
        clients,
        spec: planned.spec,
        region: planned.region,
        known: { ...(planned.caller ? { identity: planned.caller } : {}), ...(planned.roleLookup ? { role: planned.roleLookup } : {}) },
        options: { timeoutMs: 5000 },
      });
      assert.equal(checklist.items.find((i) => i.id === 'credentials')?.status, 'passed');
      assert.equal(checklist.items.find((i) => i.id === 'role')?.status, 'passed', "the role check read the trust policy from the plan's GetRole answer");
      return launchTrainingJob({ clients, planned, currentText: () => SEED_TEXT });
    });
    assert.equal(job.jobName, 'counted-editor');
    assert.equal(validations, 1);
    assert.equal(parses, 1);
    const calls = callsSince(wire, from);
    assert.equal(calls['GetCallerIdentity'], 1, JSON.stringify(calls));
    assert.equal(calls['GetRole'], 1, JSON.stringify(calls));
  });

  it('refuses a plan whose job file changed on disk (or in the buffer) since: nothing is uploaded or created, AWS is not asked again', async () => {
    const { file, text } = await jobFolder(tmp, 'changed', '');
    const planned = await planTrainingJob({ jobFilePath: file, text, clients, jobName: 'changed-after-plan' });
    assert.equal(planned.kind, 'planned');
    if (planned.kind !== 'planned') return;
    await fs.writeFile(file, text.replace('learning_rate: 5e-5', 'learning_rate: 5e-3'));
    const from = wire.calls.length;
    const stale = (e: unknown) => {
      assert.ok(e instanceof LaunchError, String(e));
      assert.equal(e.code, 'plan.stale');
      assert.equal(
        e.message,
        'The job file changed.sagemaker.yaml changed since the preview: review the new request (Preview Training Request, or sagemaker-hf plan), then launch again. Nothing was uploaded or created.',
      );
      return true;
    };
    // The file on disk (the CLI reads it again), and an edited buffer (the editor's currentText).
    await assert.rejects(launchTrainingJob({ clients, planned, currentText: () => fs.readFile(file, 'utf8') }), stale);
    await assert.rejects(launchTrainingJob({ clients, planned, currentText: () => `${text}\n# an edit\n` }), stale);
    // A file that cannot be read any more is no plan's text either.
    await assert.rejects(
      launchTrainingJob({ clients, planned, currentText: () => fs.readFile(`${file}.gone`, 'utf8') }),
      (e: unknown) => e instanceof LaunchError && e.code === 'plan.stale' && /cannot be read any more \(ENOENT\)/.test(e.message),
    );
    assert.deepEqual(callsSince(wire, from), {}, 'no AWS call at all: no bucket, no upload, no job');
    assert.ok(!(await jobNames()).includes('changed-after-plan'));

    // The CLI: `plan` printed the digest; the file changed since; `launch --job-file-sha256` refuses it.
    await fs.writeFile(file, text);
    const printed = captureIo(cliEnv());
    assert.equal(await planCommand([file, '--json', '--account', ACCOUNT], printed), 0, printed.err);
    const digest = (JSON.parse(printed.out) as { jobFileSha256: string }).jobFileSha256;
    assert.match(digest, /^[0-9a-f]{64}$/);
    await fs.writeFile(file, `${text}base_job_name: edited\n`);
    const before = wire.calls.length;
    const refused = captureIo(cliEnv());
    assert.equal(await launchCommand([file, '--job-name', 'changed-cli', '--job-file-sha256', digest], refused), 1);
    assert.equal(refused.out, '');
    assert.match(refused.err, /^sagemaker-hf launch: The job file changed\.sagemaker\.yaml changed since the preview: review the new request/m);
    assert.deepEqual(callsSince(wire, before), {}, 'refused before any AWS call');
    assert.ok(!(await jobNames()).includes('changed-cli'));
    // Unchanged, the same digest launches.
    await fs.writeFile(file, text);
    const accepted = captureIo(cliEnv());
    assert.equal(await launchCommand([file, '--job-name', 'unchanged-cli', '--job-file-sha256', digest], accepted), 0, accepted.err);
  });

  it('sends the previewed request field for field, except Environment values written ${env:NAME}, which carry their values', async () => {
    const { file, text } = await jobFolder(tmp, 'sent', 'environment:\n  HF_TOKEN: ${env:SENTINEL_HF_TOKEN}\n  NCCL_DEBUG: INFO\n');
    const env = { SENTINEL_HF_TOKEN: SENTINEL };
    const planned = await planTrainingJob({ jobFilePath: file, text, clients, env, jobName: 'sent-as-previewed' });
    assert.equal(planned.kind, 'planned');
    if (planned.kind !== 'planned') return;
    // What the preview document (and `plan --json`) shows.
    const previewed = JSON.parse(JSON.stringify(planDocument(planned))) as ReturnType<typeof planDocument>;
    assert.equal(previewed.jobFileSha256, planned.jobFileDigest);
    const created = wire.created.length;
    const job = await launchTrainingJob({ clients, planned, currentText: () => text, options: { env } });
    assert.equal(wire.created.length, created + 1);
    const sent = wire.created[created];
    assert.deepEqual(sent, { ...previewed.createTrainingJob, Environment: { HF_TOKEN: SENTINEL, NCCL_DEBUG: 'INFO' } });
    assert.deepEqual(previewed.createTrainingJob!.Environment, { HF_TOKEN: '${env:SENTINEL_HF_TOKEN}', NCCL_DEBUG: 'INFO' }, 'the preview names the variable');
    assert.deepEqual(
      job.uploads.map((u) => u.to),
      previewed.uploads.map((u) => u.to),
    );
    assert.ok(!JSON.stringify(job).includes(SENTINEL));
  });
});
