/**
 * Job file → a SageMaker training job, the way `HuggingFace(**spec).fit()` does it: validate,
 * resolve the account and role, plan the exact CreateTrainingJob request (src/core/training),
 * make sure the default bucket exists and is ours, stage the code (git clone or local folder) as
 * `sourcedir.tar.gz` in S3, then create the job.
 *
 * The editor command and the CLI both sit on this module; neither needs the other.
 */
import * as path from 'node:path';
import { CopyObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker';
import type { JobSpec } from '../../core/jobFile/jobSpec';
import type { Problem } from '../../core/jobFile/problem';
import { validateJobFile } from '../../core/jobFile/validateJobFile';
import { jobFileContext } from '../../source/jobFileOnDisk';
import { buildTrainingJobPlan } from '../../core/training/createTrainingJobRequest';
import type { CreateTrainingJobRequest, SourceArchiveUpload, TrainingJobPlan, TrainingPlanContext } from '../../core/training/createTrainingJobRequest';
import { freshJobName } from '../../core/training/jobName';
import { encodeJobFileValues } from '../../core/training/pythonJson';
import { AwsClients } from '../awsClients';
import { withGitCheckout } from '../../source/gitSource';
import { uploadSourceArchive } from '../staging/sourceArchive';
import type { SkippedPath } from '../staging/sourceArchive';
import { SourceStagingError } from '../../source/stagingError';
import { ensureDefaultBucket } from './defaultBucket';
import { resolveAccount, resolveRoleArn } from './identity';
import type { CallerIdentity } from './identity';
import { LaunchError } from './launchError';
import { awsCallError, createTrainingJobError, serviceErrorCode, trainingJobConsoleUrl } from './serviceErrors';

// ---------------------------------------------------------------------------------------------
// Plan (no uploads, no job)
// ---------------------------------------------------------------------------------------------

export interface PlanTrainingJobArgs {
  /** The job file; relative paths in it resolve against its folder. */
  jobFilePath: string;
  /** Its text (the editor's buffer, which may be unsaved). */
  text: string;
  /** For STS, IAM and the default region. Not called at all when `accountId` is given and a region is known. */
  clients?: AwsClients;
  /** Overrides the file's `region` (the CLI's --region). Otherwise: the file's, then the clients'. */
  region?: string;
  /** Offline planning: no STS call, and a bare role name becomes `arn:{partition}:iam::{account}:role/{name}`. */
  accountId?: string;
  /** `fit(job_name=…)`; otherwise `{base_job_name or image repository}-{timestamp of now}`. */
  jobName?: string;
  now?: Date;
  signal?: AbortSignal;
}

export interface PlannedTrainingJob {
  kind: 'planned';
  plan: TrainingJobPlan;
  spec: JobSpec;
  region: string;
  accountId: string;
  /** The STS caller, when the account came from STS. */
  caller?: CallerIdentity;
  /** The clock the job name was made from: pass it to `launchTrainingJob` to launch this very request. */
  now: Date;
  /** Warnings and notes of the job file (never errors: a file with errors is `invalid`). */
  warnings: Problem[];
}

export type TrainingJobPlanOutcome = { kind: 'invalid'; problems: Problem[] } | PlannedTrainingJob;

/**
 * The CreateTrainingJob request and uploads a launch would make, without making them. Throws
 * `TrainingPlanError` (src/core/training) when the SDK itself would refuse the estimator, and
 * `LaunchError` when AWS cannot tell the account or the role.
 */
export async function planTrainingJob(args: PlanTrainingJobArgs): Promise<TrainingJobPlanOutcome> {
  const jobFilePath = path.resolve(args.jobFilePath);
  const validation = validateJobFile(args.text, jobFileContext(jobFilePath, args.region ?? args.clients?.connection.region));
  const errors = validation.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !validation.spec) return { kind: 'invalid', problems: validation.problems };
  const spec = validation.spec;

  const region = await jobRegion(spec, args.region, args.clients);
  const now = args.now ?? new Date();
  if (args.accountId !== undefined) {
    const plan = buildPlan(args.text, spec, { region, accountId: args.accountId, now, jobName: args.jobName, baseDir: path.dirname(jobFilePath) });
    return { kind: 'planned', plan, spec, region, accountId: args.accountId, now, warnings: validation.problems };
  }
  if (!args.clients) throw new LaunchError('region.missing', 'Planning without an account id needs AWS access (STS) to find it; pass the AWS clients, or the account id.');
  const regional = clientsForRegion(args.clients, region);
  try {
    const caller = await resolveAccount(regional, args.signal);
    const roleArn = await resolveRoleArn(regional, spec.role, { principal: caller.arn, ...(args.signal ? { signal: args.signal } : {}) });
    const plan = buildPlan(args.text, spec, { region, accountId: caller.accountId, now, jobName: args.jobName, roleArn, baseDir: path.dirname(jobFilePath) });
    return { kind: 'planned', plan, spec, region, accountId: caller.accountId, caller, now, warnings: validation.problems };
  } finally {
    if (regional !== args.clients) regional.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Launch
// ---------------------------------------------------------------------------------------------

export type LaunchProgress =
  | { step: 'preparing'; message: string }
  | { step: 'cloning'; message: string; repo: string }
  | { step: 'packaging'; message: string; from: string; files: number; sourceBytes: number }
  | { step: 'uploading'; message: string; to: string; uploadedBytes: number }
  | { step: 'creating'; message: string; jobName: string }
  | { step: 'created'; message: string; jobName: string; jobArn: string };

export interface LaunchOptions {
  /** An explicit job name: used as is, and a collision is an error rather than a retry. */
  jobName?: string;
  /** The clock for the generated job name; pass the preview's `now` to launch the previewed request. */
  now?: Date;
  /** Cancels everything before CreateTrainingJob is sent; nothing is left in S3. After that the job exists. */
  signal?: AbortSignal;
  /** Asked when `inFlight` shows a launch of the same file still running; false (or absent) refuses. */
  confirmDuplicate?: () => Promise<boolean>;
  /** Overrides the file's `region`. */
  region?: string;
  /** Where git_config's `${env:NAME}` references are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Upload tuning (tests force multipart uploads with it). */
  partSize?: number;
  /** The git executable for git_config; default `git` on PATH. */
  gitCommand?: string;
}

export interface LaunchTrainingJobArgs {
  clients: AwsClients;
  jobFilePath: string;
  text: string;
  options?: LaunchOptions;
  onProgress?: (progress: LaunchProgress) => void;
  /** Launches under way, shared by the callers of one extension host (see LaunchesInFlight). */
  inFlight?: LaunchesInFlight;
}

export interface StagedSource {
  /** A local folder or file, or the git URL the code was cloned from. */
  from: string;
  /** `s3://…/sourcedir.tar.gz` */
  to: string;
  /** Compressed size. */
  bytes: number;
  files: number;
  /** Archive paths `.sagemakerignore` kept home. */
  ignored: string[];
  skipped: SkippedPath[];
  /** The commit cloned, for git_config. */
  commit?: string;
}

export interface LaunchedTrainingJob {
  kind: 'launched';
  jobName: string;
  jobArn: string;
  region: string;
  accountId: string;
  /** The request as sent (after any rename). */
  request: CreateTrainingJobRequest;
  uploads: StagedSource[];
  consoleUrl: string;
  /** The generated name that was taken, when the job was created under a fresh one. */
  renamedFrom?: string;
  /**
   * The signal fired after CreateTrainingJob had been sent: the job exists and runs (and bills).
   * Say so, and offer to stop it.
   */
  cancelledAfterCreate?: boolean;
  warnings: Problem[];
}

export type LaunchOutcome = { kind: 'invalid'; problems: Problem[] } | LaunchedTrainingJob;

/**
 * Launches the job file. Returns `invalid` with the problems when the file has errors (nothing
 * is called); throws `LaunchError`, `SourceStagingError` (packaging, upload, git) or
 * `TrainingPlanError` otherwise, each with a message that says what to do and a `code`;
 * cancellation is code `cancelled` in either class.
 */
export async function launchTrainingJob(args: LaunchTrainingJobArgs): Promise<LaunchOutcome> {
  const options = args.options ?? {};
  const signal = options.signal;
  const jobFilePath = path.resolve(args.jobFilePath);
  const progress = args.onProgress ?? (() => undefined);

  if (args.inFlight?.has(jobFilePath)) {
    const confirmed = options.confirmDuplicate ? await options.confirmDuplicate() : false;
    if (!confirmed) {
      throw new LaunchError('launch.duplicate', `${path.basename(jobFilePath)} is already being launched; not starting a second job. Wait for the first launch, or confirm a second one.`);
    }
  }
  const release = args.inFlight?.begin(jobFilePath);
  try {
    const validation = validateJobFile(args.text, jobFileContext(jobFilePath, options.region ?? args.clients.connection.region));
    if (!validation.spec || validation.problems.some((p) => p.severity === 'error')) return { kind: 'invalid', problems: validation.problems };
    const spec = validation.spec;
    const region = await jobRegion(spec, options.region, args.clients);
    const clients = clientsForRegion(args.clients, region);
    try {
      return await launchValidated({ clients, spec, text: args.text, jobFilePath, region, options, progress, warnings: validation.problems });
    } finally {
      if (clients !== args.clients) clients.destroy();
    }
  } catch (err) {
    if (signal?.aborted && !(err instanceof LaunchError && err.code !== 'cancelled')) throw cancelledError(err);
    throw err;
  } finally {
    release?.();
  }
}

interface ValidatedLaunch {
  clients: AwsClients;
  spec: JobSpec;
  text: string;
  jobFilePath: string;
  region: string;
  options: LaunchOptions;
  progress: (p: LaunchProgress) => void;
  warnings: Problem[];
}

async function launchValidated(l: ValidatedLaunch): Promise<LaunchedTrainingJob> {
  const { clients, spec, region, options, progress } = l;
  const signal = options.signal;
  const baseDir = path.dirname(l.jobFilePath);

  progress({ step: 'preparing', message: 'Checking the AWS account and role…' });
  const caller = await resolveAccount(clients, signal);
  const principal = caller.arn;
  const roleArn = await resolveRoleArn(clients, spec.role, { principal, ...(signal ? { signal } : {}) });
  const now = options.now ?? new Date();
  const planContext = { region, accountId: caller.accountId, now, jobName: options.jobName, roleArn, baseDir };
  const plan = buildPlan(l.text, spec, planContext);

  if (plan.defaultBucket) {
    progress({ step: 'preparing', message: `Checking the default bucket ${plan.defaultBucket}…` });
    await ensureDefaultBucket(clients, plan.defaultBucket, region, caller.accountId, { principal, ...(signal ? { signal } : {}) });
  }
  throwIfCancelled(signal);

  const uploads = await stageSources(l, plan, planContext, principal);
  // What is in S3 right now, named in a failure message.
  let uploadedUris = uploads.map((u) => u.to);
  if (signal?.aborted) {
    await deleteQuietly(clients, plan.uploads);
    throw new LaunchError('cancelled', 'Launch cancelled before the training job was created; the uploaded source archive was removed.');
  }

  // Past this point the request is sent whatever the signal says: a job half-created is worse
  // than one created and reported.
  let request = plan.createTrainingJob;
  let renamedFrom: string | undefined;
  const failure = (err: unknown) => {
    const mapped = createTrainingJobError(err, {
      call: 'sagemaker:CreateTrainingJob',
      principal,
      region,
      roleArn: request.RoleArn,
      instanceType: request.ResourceConfig.InstanceType,
      instanceCount: request.ResourceConfig.InstanceCount,
      spot: request.EnableManagedSpotTraining === true,
      jobName: request.TrainingJobName,
    });
    if (uploadedUris.length === 0) return mapped;
    return new LaunchError(mapped.code, `${mapped.message} (The source code had been uploaded to ${uploadedUris.join(', ')}; it is left there, and a new launch uploads its own.)`, { ...mapped.context, uploaded: uploadedUris }, { cause: err });
  };

  progress({ step: 'creating', message: `Creating training job ${request.TrainingJobName}…`, jobName: request.TrainingJobName });
  let jobArn: string;
  try {
    jobArn = await createJob(clients, request);
  } catch (err) {
    // A taken name is retried once under a fresh timestamp, as a second click a millisecond
    // later would; a name the user chose is theirs to change.
    if (serviceErrorCode(err) !== 'ResourceInUse' || options.jobName !== undefined) throw failure(err);
    renamedFrom = request.TrainingJobName;
    const fresh = freshJobName(renamedFrom, new Date());
    const renamed = buildPlan(l.text, spec, { ...planContext, jobName: fresh });
    await copyUploads(clients, plan.uploads, renamed.uploads).catch((copyErr: unknown) => {
      throw failure(copyErr);
    });
    uploadedUris = [...uploadedUris, ...renamed.uploads.map((u) => u.to)];
    request = renamed.createTrainingJob;
    progress({ step: 'creating', message: `${renamedFrom} was taken; creating training job ${request.TrainingJobName}…`, jobName: request.TrainingJobName });
    try {
      jobArn = await createJob(clients, request);
    } catch (retryErr) {
      throw failure(retryErr);
    }
    uploads.forEach((u, i) => {
      u.to = renamed.uploads[i]?.to ?? u.to;
    });
  }
  progress({ step: 'created', message: `Created training job ${request.TrainingJobName}.`, jobName: request.TrainingJobName, jobArn });

  const launched: LaunchedTrainingJob = {
    kind: 'launched',
    jobName: request.TrainingJobName,
    jobArn,
    region,
    accountId: caller.accountId,
    request,
    uploads,
    consoleUrl: trainingJobConsoleUrl(region, request.TrainingJobName),
    warnings: l.warnings,
  };
  if (renamedFrom) launched.renamedFrom = renamedFrom;
  if (signal?.aborted) launched.cancelledAfterCreate = true;
  return launched;
}

async function createJob(clients: AwsClients, request: CreateTrainingJobRequest): Promise<string> {
  // The request mirrors CreateTrainingJob's shape field for field; the SDK's input type differs
  // only in spelling enums as unions where ours carries plain strings.
  const out = await clients.sagemaker().send(new CreateTrainingJobCommand(request as unknown as CreateTrainingJobCommandInput));
  return out.TrainingJobArn ?? '';
}

/** Packs and uploads every source the plan names: from a git clone (removed after) or the disk. */
async function stageSources(l: ValidatedLaunch, plan: TrainingJobPlan, planContext: TrainingPlanContext, principal: string): Promise<StagedSource[]> {
  const { spec, options } = l;
  if (plan.uploads.length === 0) return [];
  if (!spec.git_config) return uploadAll(l, plan.uploads, principal);
  const gitConfig = spec.git_config;
  const repo = plan.uploads[0]?.git?.repo ?? gitConfig.repo;
  l.progress({ step: 'cloning', message: `Cloning ${repo}${gitConfig.commit ? ` at ${gitConfig.commit}` : gitConfig.branch ? ` (${gitConfig.branch})` : ''}…`, repo });
  return withGitCheckout(
    { gitConfig, ...(spec.source_dir !== undefined ? { sourceDir: spec.source_dir } : {}), entryPoint: spec.entry_point, dependencies: spec.dependencies ?? [] },
    async (checkout) => {
      const cloned = buildPlan(l.text, spec, { ...planContext, sourceDirIsGit: { repo: checkout.root } });
      // The clone changes where the files are, never what is sent: the preview stays true.
      if (JSON.stringify(cloned.createTrainingJob) !== JSON.stringify(plan.createTrainingJob)) {
        throw new Error('Internal: the request planned from the clone differs from the preview.');
      }
      const staged = await uploadAll(l, cloned.uploads, principal);
      return staged.map((s) => ({ ...s, from: checkout.repo, commit: checkout.commit }));
    },
    { ...(options.env ? { env: options.env } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(options.gitCommand ? { gitCommand: options.gitCommand } : {}) },
  );
}

async function uploadAll(l: ValidatedLaunch, uploads: SourceArchiveUpload[], principal: string): Promise<StagedSource[]> {
  const staged: StagedSource[] = [];
  for (const upload of uploads) {
    const shown = path.relative(path.dirname(l.jobFilePath), upload.from) || '.';
    const done = await uploadSourceArchive({
      s3: l.clients.s3(),
      upload,
      principal,
      ...(l.options.signal ? { signal: l.options.signal } : {}),
      ...(l.options.partSize !== undefined ? { partSize: l.options.partSize } : {}),
      onContents: (c) => l.progress({ step: 'packaging', message: `Packaging ${shown} (${c.files} file${c.files === 1 ? '' : 's'}, ${formatBytes(c.totalBytes)})…`, from: upload.from, files: c.files, sourceBytes: c.totalBytes }),
      onProgress: (p) => l.progress({ step: 'uploading', message: `Uploading ${formatBytes(p.uploadedBytes)} to ${upload.to}…`, to: upload.to, uploadedBytes: p.uploadedBytes }),
    });
    staged.push({ from: upload.from, to: done.uri, bytes: done.bytes, files: done.contents.files, ignored: done.contents.ignored, skipped: done.contents.skipped });
  }
  return staged;
}

/** Server-side copies of the archives to the renamed job's keys (same bytes, same encryption). */
async function copyUploads(clients: AwsClients, from: SourceArchiveUpload[], to: SourceArchiveUpload[]): Promise<void> {
  for (let i = 0; i < from.length; i++) {
    const source = from[i]!;
    const target = to[i]!;
    try {
      await clients.s3().send(
        new CopyObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          CopySource: `${source.bucket}/${source.key.split('/').map(encodeURIComponent).join('/')}`,
          ServerSideEncryption: target.extraArgs.ServerSideEncryption,
          ...(target.extraArgs.SSEKMSKeyId !== undefined ? { SSEKMSKeyId: target.extraArgs.SSEKMSKeyId } : {}),
          ...(target.extraArgs.ExpectedBucketOwner !== undefined ? { ExpectedBucketOwner: target.extraArgs.ExpectedBucketOwner } : {}),
          ...(source.extraArgs.ExpectedBucketOwner !== undefined ? { ExpectedSourceBucketOwner: source.extraArgs.ExpectedBucketOwner } : {}),
        }),
      );
    } catch (err) {
      throw awsCallError(err, { call: 's3:CopyObject' }, { bucket: target.bucket });
    }
  }
}

async function deleteQuietly(clients: AwsClients, uploads: SourceArchiveUpload[]): Promise<void> {
  for (const u of uploads) {
    await clients
      .s3()
      .send(new DeleteObjectCommand({ Bucket: u.bucket, Key: u.key, ...(u.extraArgs.ExpectedBucketOwner !== undefined ? { ExpectedBucketOwner: u.extraArgs.ExpectedBucketOwner } : {}) }))
      .catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Launches under way
// ---------------------------------------------------------------------------------------------

/**
 * Which job files are being launched right now. One instance per extension host (the caller
 * owns it, as a service): a second launch of the same file asks before creating a second job.
 */
export class LaunchesInFlight {
  private readonly running = new Map<string, number>();

  has(jobFilePath: string): boolean {
    return (this.running.get(path.resolve(jobFilePath)) ?? 0) > 0;
  }

  /** Marks a launch of the file as running; call the returned function when it ends. */
  begin(jobFilePath: string): () => void {
    const key = path.resolve(jobFilePath);
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const n = (this.running.get(key) ?? 1) - 1;
      if (n <= 0) this.running.delete(key);
      else this.running.set(key, n);
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Shared
// ---------------------------------------------------------------------------------------------

function buildPlan(text: string, spec: JobSpec, context: Omit<TrainingPlanContext, 'jobName'> & { jobName?: string | undefined }): TrainingJobPlan {
  const encoded = encodeJobFileValues(text);
  const ctx: TrainingPlanContext = { region: context.region, accountId: context.accountId, now: context.now };
  if (context.jobName !== undefined) ctx.jobName = context.jobName;
  if (context.roleArn !== undefined) ctx.roleArn = context.roleArn;
  if (context.sourceDirIsGit !== undefined) ctx.sourceDirIsGit = context.sourceDirIsGit;
  if (context.baseDir !== undefined) ctx.baseDir = context.baseDir;
  return buildTrainingJobPlan({
    spec,
    hyperparameters: encoded.hyperparameters,
    ...(encoded.modelParallelParameters !== undefined ? { modelParallelParameters: encoded.modelParallelParameters } : {}),
    context: ctx,
  });
}

async function jobRegion(spec: JobSpec, override: string | undefined, clients: AwsClients | undefined): Promise<string> {
  const region = override ?? spec.region;
  if (region) return region;
  if (!clients) throw new LaunchError('region.missing', 'No AWS region: set `region` in the job file, pass --region, or set AWS_REGION.');
  try {
    return await clients.region();
  } catch (err) {
    throw new LaunchError('region.missing', (err as Error).message, {}, { cause: err });
  }
}

/** The same connection in the job's region, when that differs from the clients' own. */
function clientsForRegion(clients: AwsClients, region: string): AwsClients {
  if (clients.connection.region === region) return clients;
  return new AwsClients({ ...clients.connection, region });
}


function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LaunchError('cancelled', 'Launch cancelled before the training job was created.');
}

function cancelledError(err: unknown): LaunchError | SourceStagingError {
  if ((err instanceof LaunchError || err instanceof SourceStagingError) && err.code === 'cancelled') return err;
  return new LaunchError('cancelled', 'Launch cancelled before the training job was created; nothing was left in S3.', {}, { cause: err });
}

/** `3.2 MB`, decimal units as S3's console shows them. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let unit = '';
  for (const u of units) {
    v /= 1000;
    unit = u;
    if (v < 1000) break;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${unit}`;
}
