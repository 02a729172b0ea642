/**
 * Job file → the plan a launch sends: the text validated and parsed once (the validator's document
 * also yields the `json.dumps`-encoded values), the account (STS) and role (IAM, for a bare name)
 * resolved once, the exact CreateTrainingJob request built by src/core/training, the uploads, where
 * each `${env:NAME}` goes and the links that leave the source folders, and the digest of the text it
 * was all made from. The preview shows this object and `launchTrainingJob` sends it: nothing is
 * validated, parsed or resolved again, and a job file changed since is refused there.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { credentialFlows, requireCredentialVariables } from '../../core/jobFile/credentialFlows';
import type { CredentialFlow, EnvLookup } from '../../core/jobFile/credentialFlows';
import type { JobSpec } from '../../core/jobFile/jobSpec';
import type { Problem } from '../../core/jobFile/problem';
import { validateJobFile } from '../../core/jobFile/validateJobFile';
import { buildTrainingJobPlan } from '../../core/training/createTrainingJobRequest';
import type { SourceArchiveUpload, TrainingJobPlan, TrainingPlanContext } from '../../core/training/createTrainingJobRequest';
import { buildTuningJobPlan } from '../../core/training/createTuningJobRequest';
import type { TuningJobPlan, TuningJobPlanInput } from '../../core/training/createTuningJobRequest';
import { encodeDocumentValues } from '../../core/training/pythonJson';
import { jobFileContext } from '../../source/jobFileOnDisk';
import { AwsClients } from '../awsClients';
import { isNoRegion, noRegionMessage } from '../awsErrors';
import { listSourceArchive } from '../staging/sourceArchive';
import type { ExternalLink } from '../staging/sourceArchive';
import { resolveAccount, resolveRole } from './identity';
import type { CallerIdentity, ResolvedRole } from './identity';
import { LaunchError } from './launchError';

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
  /** `fit(job_name=…)`: used as is, and a collision at launch is an error rather than a retry. Otherwise `{base_job_name or image repository}-{timestamp of now}`. */
  jobName?: string;
  now?: Date;
  signal?: AbortSignal;
  /** Where `${env:NAME}` references must be set (plan fails naming those that are not); default process.env. Values are never read into the plan. */
  env?: EnvLookup;
}

export interface PlannedTrainingJob {
  kind: 'planned';
  /** The job file, absolute. */
  jobFilePath: string;
  /** SHA-256 (hex) of the text planned from: `launchTrainingJob` refuses a job file whose text no longer has it. */
  jobFileDigest: string;
  /**
   * The request and the uploads: what the preview shows and the launch sends. For a job file with
   * `tuning:`, the estimator's own CreateTrainingJob request, which `tuning` was built from.
   */
  plan: TrainingJobPlan;
  /**
   * A job file with a `tuning:` block: the CreateHyperParameterTuningJob request
   * `HyperparameterTuner(...).fit()` sends, which the preview shows and the launch sends instead of
   * CreateTrainingJob (the uploads are the same).
   */
  tuning?: TuningJobPlan;
  /**
   * What `plan` was built from (the spec, the values encoded from the validator's document, the
   * account, role ARN, clock and name): a launch rebuilds from it, without parsing, only for the paths
   * of a git checkout (the request must come out the same) or a fresh name after a collision.
   */
  input: Readonly<TuningJobPlanInput>;
  spec: JobSpec;
  region: string;
  accountId: string;
  /** The STS caller, when the account came from STS (not with `accountId`). */
  caller?: CallerIdentity;
  /** IAM GetRole's answer, when the role was a bare name looked up (the preflight's role check uses it). */
  roleLookup?: NonNullable<ResolvedRole['iam']>;
  /** The clock the job name was made from. */
  now: Date;
  /** Warnings and notes of the job file (never errors: a file with errors is `invalid`). */
  warnings: Problem[];
  /**
   * Each `${env:NAME}` and where launch sends its value: git_config credentials to the git host,
   * environment values to SageMaker. The plan's request holds `${env:NAME}` itself, never a value.
   */
  credentialFlows: CredentialFlow[];
  /**
   * Links in the local source folders (source_dir, dependencies) that leave their folder: launch
   * uploads their targets only when confirmed. A git_config checkout is only looked at at launch.
   */
  externalLinks: ExternalLink[];
}

export type TrainingJobPlanOutcome = { kind: 'invalid'; problems: Problem[] } | PlannedTrainingJob;

/** The digest a plan records of the text it was made from (SHA-256 of its UTF-8 bytes, hex). */
export function jobFileDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The CreateTrainingJob request and uploads a launch would make, without making them. Returns
 * `invalid` with the problems when the file has errors (nothing is called); throws
 * `TrainingPlanError` (src/core/training) when the SDK itself would refuse the estimator or a
 * `${env:NAME}` is not set, and `LaunchError` when AWS cannot tell the account or the role.
 */
export async function planTrainingJob(args: PlanTrainingJobArgs): Promise<TrainingJobPlanOutcome> {
  const jobFilePath = path.resolve(args.jobFilePath);
  const validation = validateJobFile(args.text, jobFileContext(jobFilePath, args.region ?? args.clients?.connection.region));
  const errors = validation.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !validation.spec) return { kind: 'invalid', problems: validation.problems };
  const spec = validation.spec;
  requireCredentialVariables(spec, args.env ?? process.env);
  // The validator's parse, encoded: the text is not parsed a second time.
  const encoded = encodeDocumentValues(validation.document.doc, validation.document.text);

  const region = await jobRegion(spec, args.region, args.clients);
  const now = args.now ?? new Date();
  const context: TrainingPlanContext = { region, accountId: args.accountId ?? '', now, baseDir: path.dirname(jobFilePath) };
  if (args.jobName !== undefined) context.jobName = args.jobName;
  let caller: CallerIdentity | undefined;
  let role: ResolvedRole | undefined;
  if (args.accountId === undefined) {
    if (!args.clients) throw new LaunchError('region.missing', 'Planning without an account id needs AWS access (STS) to find it; pass the AWS clients, or the account id.');
    const regional = clientsForRegion(args.clients, region);
    try {
      caller = await resolveAccount(regional, args.signal);
      role = await resolveRole(regional, spec.role, { principal: caller.arn, ...(args.signal ? { signal: args.signal } : {}) });
    } finally {
      if (regional !== args.clients) regional.destroy();
    }
    context.accountId = caller.accountId;
    context.roleArn = role.arn;
  }
  const input: TuningJobPlanInput = {
    spec,
    hyperparameters: encoded.hyperparameters,
    ...(encoded.modelParallelParameters !== undefined ? { modelParallelParameters: encoded.modelParallelParameters } : {}),
    ...(encoded.tagValues !== undefined ? { tagValues: encoded.tagValues } : {}),
    ...(encoded.ruleParameterValues !== undefined ? { ruleParameterValues: encoded.ruleParameterValues } : {}),
    ...(encoded.tuning !== undefined ? { tuningValues: encoded.tuning } : {}),
    context,
  };
  // A tuning job's plan holds the estimator's (it is built from it): one build either way.
  const tuning = spec.tuning ? buildTuningJobPlan(input) : undefined;
  const plan = tuning ? tuning.trainingPlan : buildTrainingJobPlan(input);
  const externalLinks = await localExternalLinks(plan.uploads, args.signal);
  return {
    kind: 'planned',
    jobFilePath,
    jobFileDigest: jobFileDigest(args.text),
    plan,
    ...(tuning ? { tuning } : {}),
    input,
    spec,
    region,
    accountId: context.accountId,
    ...(caller ? { caller } : {}),
    ...(role?.iam ? { roleLookup: role.iam } : {}),
    now,
    warnings: validation.problems,
    credentialFlows: credentialFlows(spec),
    externalLinks,
  };
}

/** The links that leave the local folders a launch would pack (a git checkout does not exist yet). */
async function localExternalLinks(uploads: readonly SourceArchiveUpload[], signal: AbortSignal | undefined): Promise<ExternalLink[]> {
  const links: ExternalLink[] = [];
  for (const upload of uploads) {
    if (upload.git) continue;
    links.push(...(await listSourceArchive(upload, signal)).externalLinks);
  }
  return links;
}

async function jobRegion(spec: JobSpec, override: string | undefined, clients: AwsClients | undefined): Promise<string> {
  const region = override ?? spec.region;
  if (region) return region;
  if (!clients) throw new LaunchError('region.missing', noRegionMessage('extension', { jobFile: true }));
  try {
    return await clients.region();
  } catch (err) {
    // The extension shows this message; the CLI, knowing the cause, names its --region flag instead.
    throw new LaunchError('region.missing', isNoRegion(err) ? noRegionMessage('extension', { jobFile: true }) : (err as Error).message, {}, { cause: err });
  }
}

/** The same connection in the job's region, when that differs from the clients' own. */
export function clientsForRegion(clients: AwsClients, region: string): AwsClients {
  if (clients.connection.region === region) return clients;
  return new AwsClients({ ...clients.connection, region });
}
