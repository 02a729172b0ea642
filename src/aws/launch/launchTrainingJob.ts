/**
 * A plan (planTrainingJob.ts) → a SageMaker training job, the way `HuggingFace(**spec).fit()` does
 * it: make sure the default bucket exists and is ours, stage the code (git clone or local folder) as
 * `sourcedir.tar.gz` in S3, then create the job with the planned request. Nothing is validated,
 * parsed or resolved again: the account, the role ARN and the request are the plan's, and a job file
 * whose text changed since it was planned is refused before anything is called.
 *
 * The editor command and the CLI both sit on this module; neither needs the other.
 */
import * as path from 'node:path';
import { CopyObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { CreateHyperParameterTuningJobCommand, CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { CreateHyperParameterTuningJobCommandInput, CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker';
import { formatBytes } from '../../core/format';
import { credentialFlows, expandEnvironment, requireCredentialVariables } from '../../core/jobFile/credentialFlows';
import type { Problem } from '../../core/jobFile/problem';
import { buildTrainingJobPlan } from '../../core/training/createTrainingJobRequest';
import type { CreateTrainingJobRequest, SourceArchiveUpload, TrainingJobPlanInput } from '../../core/training/createTrainingJobRequest';
import type { CreateHyperParameterTuningJobRequest } from '../../core/training/createTuningJobRequest';
import { freshJobName } from '../../core/training/jobName';
import type { AwsClients } from '../awsClients';
import { withGitCheckout } from '../../source/gitSource';
import { uploadSourceArchive } from '../staging/sourceArchive';
import type { ExternalLink, SkippedPath } from '../staging/sourceArchive';
import { SourceStagingError } from '../../source/stagingError';
import { ensureDefaultBucket } from './defaultBucket';
import { LaunchError } from './launchError';
import { clientsForRegion, jobFileDigest } from './planTrainingJob';
import type { PlannedTrainingJob } from './planTrainingJob';
import { awsCallError, createTrainingJobError, serviceErrorCode, trainingJobConsoleUrl, tuningJobConsoleUrl } from './serviceErrors';
import type { CreateTrainingJobFailure } from './serviceErrors';

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
  /** Cancels everything before CreateTrainingJob is sent; nothing is left in S3. After that the job exists. */
  signal?: AbortSignal;
  /** Asked when `inFlight` shows a launch of the same file still running; false (or absent) refuses. */
  confirmDuplicate?: () => Promise<boolean>;
  /**
   * Where `${env:NAME}` references are read (git_config credentials, environment values); default
   * process.env. A variable that is not set fails the launch before anything is uploaded.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Asked, before any byte is uploaded, when links in the source leave their folder (source_dir, a
   * dependency, or in a git_config checkout): true uploads their targets too. Absent or false refuses
   * the launch with `source.externalLinks` (SourceStagingError), naming them.
   */
  confirmExternalLinks?: (links: readonly ExternalLink[]) => boolean | Promise<boolean>;
  /** Upload tuning (tests force multipart uploads with it). */
  partSize?: number;
  /** The git executable for git_config; default `git` on PATH. */
  gitCommand?: string;
}

export interface LaunchTrainingJobArgs {
  clients: AwsClients;
  /** The plan that was previewed (`planTrainingJob`): its request is the one sent, in its region and account. */
  planned: PlannedTrainingJob;
  /**
   * The job file's text now: the editor's buffer, or the file read again from disk. Read once, before
   * anything is called or uploaded; when its digest is not the plan's, the launch is refused
   * (`plan.stale`) and nothing is uploaded or created.
   */
  currentText: () => string | Promise<string>;
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
  /**
   * The request as sent (after any rename), except that Environment values written `${env:NAME}`
   * are shown as written: the request sent held their values, which never leave launchTrainingJob.
   */
  request: CreateTrainingJobRequest;
  uploads: StagedSource[];
  consoleUrl: string;
  /**
   * Present when the job file has `tuning:`: the CreateHyperParameterTuningJob request sent (as
   * previewed, `${env:NAME}` as written); `jobName`, `jobArn` and `consoleUrl` are then the tuning
   * job's, and `request` is the estimator's own request the tuning request was built from.
   */
  tuningRequest?: CreateHyperParameterTuningJobRequest;
  /** The generated name that was taken, when the job was created under a fresh one. */
  renamedFrom?: string;
  /**
   * The signal fired after CreateTrainingJob had been sent: the job exists and runs (and bills).
   * Say so, and offer to stop it.
   */
  cancelledAfterCreate?: boolean;
  warnings: Problem[];
}

/**
 * Launches the plan. Throws `LaunchError` (`plan.stale` when the job file changed since the plan),
 * `SourceStagingError` (packaging, upload, git) or `TrainingPlanError` (a `${env:NAME}` no longer
 * set), each with a message that says what to do and a `code`; cancellation is code `cancelled` in
 * either class.
 */
export async function launchTrainingJob(args: LaunchTrainingJobArgs): Promise<LaunchedTrainingJob> {
  const { planned } = args;
  const options = args.options ?? {};
  const signal = options.signal;
  const jobFilePath = planned.jobFilePath;
  const progress = args.onProgress ?? (() => undefined);

  await refuseStalePlan(planned, args.currentText);
  if (args.inFlight?.has(jobFilePath)) {
    const confirmed = options.confirmDuplicate ? await options.confirmDuplicate() : false;
    if (!confirmed) {
      throw new LaunchError(
        'launch.duplicate',
        `${path.basename(jobFilePath)} is already being launched; not starting a second job. Wait for the first launch, or confirm a second one.`,
      );
    }
  }
  const release = args.inFlight?.begin(jobFilePath);
  try {
    const clients = clientsForRegion(args.clients, planned.region);
    try {
      return await launchPlanned({ clients, planned, options, progress });
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

/**
 * The refusal of a plan made from other text than the job file holds now (`plan.stale`): the
 * request previewed is not what the file says any more. `unreadable` is why the text could not be
 * read again (the file was deleted or moved).
 */
export function stalePlanError(jobFilePath: string, unreadable?: string): LaunchError {
  const what = unreadable === undefined ? 'changed since the preview' : `cannot be read any more (${unreadable}), so it is not the text the preview was made from`;
  return new LaunchError(
    'plan.stale',
    `The job file ${path.basename(jobFilePath)} ${what}: review the new request (Preview Training Request, or sagemaker-hf plan), then launch again. Nothing was uploaded or created.`,
  );
}

async function refuseStalePlan(planned: PlannedTrainingJob, currentText: () => string | Promise<string>): Promise<void> {
  let text: string;
  try {
    text = await currentText();
  } catch (err) {
    throw stalePlanError(planned.jobFilePath, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  if (jobFileDigest(text) !== planned.jobFileDigest) throw stalePlanError(planned.jobFilePath);
}

interface PlannedLaunch {
  clients: AwsClients;
  planned: PlannedTrainingJob;
  options: LaunchOptions;
  progress: (p: LaunchProgress) => void;
}

async function launchPlanned(l: PlannedLaunch): Promise<LaunchedTrainingJob> {
  const { clients, planned, options, progress } = l;
  const { spec, region, accountId } = planned;
  const signal = options.signal;
  // Every ${env:NAME} must be set before anything is called or uploaded; the values are read only
  // into the request sent, never into the plan, the outcome or a message.
  const env = options.env ?? process.env;
  requireCredentialVariables(spec, env);
  const send = (request: CreateTrainingJobRequest): CreateTrainingJobRequest => {
    const environment = expandEnvironment(request.Environment, env);
    return environment === undefined ? request : { ...request, Environment: environment };
  };
  const expandedValues = credentialFlows({ environment: spec.environment })
    .map((f) => env[f.variable] ?? '')
    .filter((v) => v.length >= 4);
  const hideExpanded = (text: string): string => expandedValues.reduce((t, v) => t.split(v).join('***'), text);

  // The account and the role are the plan's: nothing is asked of STS or IAM again.
  const principal = planned.caller?.arn;
  const plan = planned.plan;
  const shownName = planned.tuning ? planned.tuning.createHyperParameterTuningJob.HyperParameterTuningJobName : plan.createTrainingJob.TrainingJobName;
  progress({ step: 'preparing', message: `Launching ${planned.tuning ? 'hyperparameter tuning job ' : ''}${shownName} for account ${accountId} in ${region}…` });
  if (plan.defaultBucket) {
    progress({ step: 'preparing', message: `Checking the default bucket ${plan.defaultBucket}…` });
    await ensureDefaultBucket(clients, plan.defaultBucket, region, accountId, { ...(principal ? { principal } : {}), ...(signal ? { signal } : {}) });
  }
  throwIfCancelled(signal);

  const uploads = await stageSources(l, principal);
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
  const failureOf = (err: unknown, ctx: CreateTrainingJobFailure) => {
    const mapped = createTrainingJobError(err, ctx);
    const uploaded = uploadedUris.length === 0 ? '' : ` (The source code had been uploaded to ${uploadedUris.join(', ')}; it is left there, and a new launch uploads its own.)`;
    // SageMaker's validation messages may quote the values sent: the expanded ${env:NAME} values are blanked.
    const message = hideExpanded(`${mapped.message}${uploaded}`);
    const serviceMessage = mapped.context.serviceMessage === undefined ? undefined : hideExpanded(mapped.context.serviceMessage);
    const echoed = message !== `${mapped.message}${uploaded}` || serviceMessage !== mapped.context.serviceMessage;
    if (!echoed && uploadedUris.length === 0) return mapped;
    return new LaunchError(
      mapped.code,
      message,
      { ...mapped.context, ...(serviceMessage !== undefined ? { serviceMessage } : {}), ...(uploadedUris.length ? { uploaded: uploadedUris } : {}) },
      echoed ? {} : { cause: err },
    );
  };
  const failure = (err: unknown) =>
    failureOf(err, {
      call: 'sagemaker:CreateTrainingJob',
      principal,
      region,
      roleArn: request.RoleArn,
      // With instance groups: the first group's type (a quota or capacity message names its own), all instances.
      // With instance_preferences: every candidate (the error names the one SageMaker's message is about).
      instanceType:
        request.ResourceConfig.InstanceType ??
        request.ResourceConfig.InstanceGroups?.[0]?.InstanceType ??
        (request.ResourceConfig.InstancePreferences ?? []).map((p) => p.InstanceType).join(', '),
      instanceCount:
        request.ResourceConfig.InstanceGroups !== undefined
          ? request.ResourceConfig.InstanceGroups.reduce((n, g) => n + g.InstanceCount, 0)
          : (request.ResourceConfig.InstanceCount ?? request.ResourceConfig.InstancePreferences?.[0]?.InstanceCount ?? 1),
      ...(request.ResourceConfig.InstancePreferences
        ? {
            preferences: request.ResourceConfig.InstancePreferences.map((p) => ({
              instanceType: p.InstanceType,
              instanceCount: p.InstanceCount ?? request.ResourceConfig.InstanceCount ?? 1,
            })),
          }
        : {}),
      spot: request.EnableManagedSpotTraining === true,
      jobName: request.TrainingJobName,
    });

  if (planned.tuning) {
    // HyperparameterTuner.fit(): the same uploads, then CreateHyperParameterTuningJob instead of
    // CreateTrainingJob. No rename on a taken name: the SDK's tuning names end in the minute, so a
    // fresh timestamp would usually be the same name.
    const tuningRequest = planned.tuning.createHyperParameterTuningJob;
    const definition = tuningRequest.TrainingJobDefinition;
    const environment = expandEnvironment(definition.Environment, env);
    const sent = environment === undefined ? tuningRequest : { ...tuningRequest, TrainingJobDefinition: { ...definition, Environment: environment } };
    const name = tuningRequest.HyperParameterTuningJobName;
    progress({ step: 'creating', message: `Creating hyperparameter tuning job ${name}…`, jobName: name });
    let tuningArn: string;
    try {
      const out = await clients.sagemaker().send(new CreateHyperParameterTuningJobCommand(sent as unknown as CreateHyperParameterTuningJobCommandInput));
      tuningArn = out.HyperParameterTuningJobArn ?? '';
    } catch (err) {
      const resources = definition.HyperParameterTuningResourceConfig;
      throw failureOf(err, {
        call: 'sagemaker:CreateHyperParameterTuningJob',
        principal,
        region,
        roleArn: definition.RoleArn,
        instanceType: resources.InstanceType,
        instanceCount: resources.InstanceCount * tuningRequest.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs,
        spot: definition.EnableManagedSpotTraining === true,
        jobName: name,
        tuning: true,
      });
    }
    progress({ step: 'created', message: `Created hyperparameter tuning job ${name}.`, jobName: name, jobArn: tuningArn });
    const launchedTuning: LaunchedTrainingJob = {
      kind: 'launched',
      jobName: name,
      jobArn: tuningArn,
      region,
      accountId,
      request,
      tuningRequest,
      uploads,
      consoleUrl: tuningJobConsoleUrl(region, name),
      warnings: planned.warnings,
    };
    if (signal?.aborted) launchedTuning.cancelledAfterCreate = true;
    return launchedTuning;
  }

  progress({ step: 'creating', message: `Creating training job ${request.TrainingJobName}…`, jobName: request.TrainingJobName });
  let jobArn: string;
  try {
    jobArn = await createJob(clients, send(request));
  } catch (err) {
    // A taken name is retried once under a fresh timestamp, as a second click a millisecond
    // later would; a name the user chose is theirs to change.
    if (serviceErrorCode(err) !== 'ResourceInUse' || planned.input.context.jobName !== undefined) throw failure(err);
    renamedFrom = request.TrainingJobName;
    const fresh = freshJobName(renamedFrom, new Date());
    // The same plan under the fresh name (the name is in the request, its hyperparameters and the upload keys).
    const renamed = replan(planned.input, { jobName: fresh });
    await copyUploads(clients, plan.uploads, renamed.uploads).catch((copyErr: unknown) => {
      throw failure(copyErr);
    });
    uploadedUris = [...uploadedUris, ...renamed.uploads.map((u) => u.to)];
    request = renamed.createTrainingJob;
    progress({ step: 'creating', message: `${renamedFrom} was taken; creating training job ${request.TrainingJobName}…`, jobName: request.TrainingJobName });
    try {
      jobArn = await createJob(clients, send(request));
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
    accountId,
    request,
    uploads,
    consoleUrl: trainingJobConsoleUrl(region, request.TrainingJobName),
    warnings: planned.warnings,
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
async function stageSources(l: PlannedLaunch, principal: string | undefined): Promise<StagedSource[]> {
  const { planned, options } = l;
  const { spec, plan } = planned;
  if (plan.uploads.length === 0) return [];
  if (!spec.git_config) return uploadAll(l, plan.uploads, principal);
  const gitConfig = spec.git_config;
  const repo = plan.uploads[0]?.git?.repo ?? gitConfig.repo;
  l.progress({ step: 'cloning', message: `Cloning ${repo}${gitConfig.commit ? ` at ${gitConfig.commit}` : gitConfig.branch ? ` (${gitConfig.branch})` : ''}…`, repo });
  return withGitCheckout(
    { gitConfig, ...(spec.source_dir !== undefined ? { sourceDir: spec.source_dir } : {}), entryPoint: spec.entry_point, dependencies: spec.dependencies ?? [] },
    async (checkout) => {
      const cloned = replan(planned.input, { sourceDirIsGit: { repo: checkout.root } });
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

async function uploadAll(l: PlannedLaunch, uploads: SourceArchiveUpload[], principal: string | undefined): Promise<StagedSource[]> {
  const staged: StagedSource[] = [];
  for (const upload of uploads) {
    const shown = path.relative(path.dirname(l.planned.jobFilePath), upload.from) || '.';
    const done = await uploadSourceArchive({
      s3: l.clients.s3(),
      upload,
      ...(principal ? { principal } : {}),
      ...(l.options.signal ? { signal: l.options.signal } : {}),
      ...(l.options.partSize !== undefined ? { partSize: l.options.partSize } : {}),
      ...(l.options.confirmExternalLinks ? { confirmExternalLinks: l.options.confirmExternalLinks } : {}),
      onContents: (c) =>
        l.progress({
          step: 'packaging',
          message: `Packaging ${shown} (${c.files} file${c.files === 1 ? '' : 's'}, ${formatBytes(c.totalBytes)})…`,
          from: upload.from,
          files: c.files,
          sourceBytes: c.totalBytes,
        }),
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
      .send(
        new DeleteObjectCommand({
          Bucket: u.bucket,
          Key: u.key,
          ...(u.extraArgs.ExpectedBucketOwner !== undefined ? { ExpectedBucketOwner: u.extraArgs.ExpectedBucketOwner } : {}),
        }),
      )
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

/** The plan's own input with part of its context changed: no parse, no call (see `PlannedTrainingJob.input`). */
function replan(input: Readonly<TrainingJobPlanInput>, change: { jobName?: string; sourceDirIsGit?: { repo: string } }) {
  return buildTrainingJobPlan({ ...input, context: { ...input.context, ...change } });
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LaunchError('cancelled', 'Launch cancelled before the training job was created.');
}

function cancelledError(err: unknown): LaunchError | SourceStagingError {
  if ((err instanceof LaunchError || err instanceof SourceStagingError) && err.code === 'cancelled') return err;
  return new LaunchError('cancelled', 'Launch cancelled before the training job was created; nothing was left in S3.', {}, { cause: err });
}
