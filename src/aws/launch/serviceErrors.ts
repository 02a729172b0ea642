/**
 * AWS errors turned into messages that say what to do next. The cases are the ones users hit
 * again and again (sagemaker-hub-facts.md §9): an instance quota of 0 (`ResourceLimitExceeded`,
 * also what an instance type missing from the region looks like), an instance type the region does
 * not offer, access denied on a call or on `iam:PassRole`, and missing or expired credentials.
 * The service's own words are always kept: they are what a search engine or AWS support needs.
 */
import { httpStatus, isNetwork, isNoCredentials, isRejectedCredentials } from '../awsErrors';
import { LaunchError } from './launchError';
import type { LaunchErrorContext } from './launchError';

export interface AwsCallContext {
  /** The IAM action of the call: `sagemaker:CreateTrainingJob`, `s3:HeadBucket`. */
  call: string;
  /** The caller's ARN (STS GetCallerIdentity), when known. */
  principal?: string;
  region?: string;
}

/** The parts of an @aws-sdk service exception (or a Node network error) this module reads. */
interface ServiceErrorShape {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
}

export function serviceErrorCode(err: unknown): string | undefined {
  const e = err as ServiceErrorShape | undefined;
  return e?.Code ?? e?.name;
}

export function isAbortError(err: unknown): boolean {
  return (err as ServiceErrorShape | undefined)?.name === 'AbortError';
}

/** The mapping every call shares: cancellation, credentials, the network, access denied, the rest. */
export function awsCallError(err: unknown, ctx: AwsCallContext, extra: LaunchErrorContext = {}): LaunchError {
  if (err instanceof LaunchError) return err;
  const e = (err ?? {}) as ServiceErrorShape;
  const serviceCode = serviceErrorCode(err) ?? 'Error';
  const serviceMessage = (e.message ?? '').trim() || serviceCode;
  const context: LaunchErrorContext = {
    call: ctx.call,
    ...(ctx.principal ? { principal: ctx.principal } : {}),
    ...(ctx.region ? { region: ctx.region } : {}),
    serviceCode,
    serviceMessage,
    ...extra,
  };
  const who = ctx.principal ?? 'the AWS identity in use';

  if (isAbortError(err)) return new LaunchError('cancelled', 'Launch cancelled before the training job was created.', context, { cause: err });
  if (isNoCredentials(err)) {
    return new LaunchError(
      'aws.noCredentials',
      `No AWS credentials were found for ${ctx.call}. Sign in (\`aws sso login\`, or \`aws configure\`), or choose a profile (sagemakerHf.aws.profile in your user settings / --profile). The SDK said: ${serviceMessage}`,
      context,
      { cause: err },
    );
  }
  if (isRejectedCredentials(err)) {
    return new LaunchError(
      'aws.badCredentials',
      `AWS rejected the credentials for ${ctx.call} (${serviceCode}): they are expired or wrong. Refresh them (\`aws sso login\`, new access keys) and launch again. AWS said: ${serviceMessage}`,
      context,
      { cause: err },
    );
  }
  if (isNetwork(err)) {
    return new LaunchError(
      'aws.unreachable',
      `Could not reach AWS for ${ctx.call} (${e.code}). Check the network, a proxy, or the endpoint overrides (AWS_ENDPOINT_URL*). ${serviceMessage}`,
      { ...context, serviceCode: e.code },
      { cause: err },
    );
  }
  if (serviceCode === 'AccessDenied' || serviceCode === 'AccessDeniedException' || httpStatus(err) === 403) {
    return new LaunchError(
      'aws.accessDenied',
      `AWS denied ${ctx.call} to ${who}. Grant it that permission (an IAM policy on the user or role), or use a profile that has it. AWS said: ${serviceMessage}`,
      context,
      { cause: err },
    );
  }
  if (serviceCode === 'ValidationException') {
    return new LaunchError('service.validation', `AWS refused ${ctx.call}: ${serviceMessage}`, context, { cause: err });
  }
  return new LaunchError('service.error', `${ctx.call} failed (${serviceCode}): ${serviceMessage}`, context, { cause: err });
}

export interface CreateTrainingJobFailure extends AwsCallContext {
  region: string;
  roleArn: string;
  instanceType: string;
  instanceCount: number;
  spot: boolean;
  jobName: string;
  /** instance_preferences: every type SageMaker may pick, with its count (SageMaker checks the quota of each). */
  preferences?: Array<{ instanceType: string; instanceCount: number }>;
  /** CreateHyperParameterTuningJob (instanceCount is then max_parallel_jobs × instance_count). */
  tuning?: boolean;
}

/** CreateTrainingJob's (and CreateHyperParameterTuningJob's) failures, each with the step that fixes it. */
export function createTrainingJobError(err: unknown, ctx: CreateTrainingJobFailure): LaunchError {
  const code = serviceErrorCode(err);
  const serviceMessage = ((err as ServiceErrorShape | undefined)?.message ?? '').trim() || (code ?? 'Error');
  const base: LaunchErrorContext = {
    call: ctx.call,
    region: ctx.region,
    roleArn: ctx.roleArn,
    instanceType: ctx.instanceType,
    jobName: ctx.jobName,
    serviceCode: code ?? 'Error',
    serviceMessage,
    ...(ctx.principal ? { principal: ctx.principal } : {}),
  };
  let type = ctx.instanceType;
  let count = ctx.instanceCount;
  if (ctx.preferences && ctx.preferences.length > 0) {
    // SageMaker checks the quota (and the offer) of every preference, not only the one it would pick:
    // the type its message names is the one to fix, else the first.
    const named = ctx.preferences.find((p) => serviceMessage.includes(p.instanceType)) ?? ctx.preferences[0]!;
    type = named.instanceType;
    count = named.instanceCount;
  }

  if (code === 'ResourceLimitExceeded') {
    const quotaName = `${type} for ${ctx.spot ? 'spot ' : ''}training job usage`;
    const url = serviceQuotasUrl(ctx.region);
    return new LaunchError(
      'quota.exceeded',
      `Your account's SageMaker quota "${quotaName}" in ${ctx.region} is too low for ${count} instance${count === 1 ? '' : 's'}. ` +
        (ctx.preferences && ctx.preferences.length > 1 ? `SageMaker checks the quota of every type in instance_preferences, not only the one it picks. ` : '') +
        `Request an increase in Service Quotas (AWS services → Amazon SageMaker → "${quotaName}"): ${url} — or choose an instance type you have quota for. ` +
        `A quota of 0 that cannot be raised usually means ${ctx.region} does not offer ${type}. SageMaker said: ${serviceMessage}`,
      { ...base, quotaName, serviceQuotasUrl: url },
      { cause: err },
    );
  }
  if (code === 'ValidationException' && instanceTypeNotOffered(serviceMessage, type)) {
    return new LaunchError(
      'instanceType.notOffered',
      `${type} is not offered for training in ${ctx.region}. Choose another instance type, or a region that offers it (Amazon SageMaker pricing, "Training" tab, lists them by region). SageMaker said: ${serviceMessage}`,
      base,
      { cause: err },
    );
  }
  if (code === 'AccessDenied' || code === 'AccessDeniedException' || httpStatus(err) === 403) {
    const who = ctx.principal ?? 'the AWS identity in use';
    const passRole = /iam:PassRole/i.test(serviceMessage);
    const action = ctx.tuning ? 'sagemaker:CreateHyperParameterTuningJob' : 'sagemaker:CreateTrainingJob';
    const fix = passRole ? `Allow ${who} iam:PassRole on ${ctx.roleArn} (the role SageMaker runs the job as).` : `Allow ${who} ${action}, and iam:PassRole on ${ctx.roleArn}.`;
    return new LaunchError('aws.accessDenied', `AWS denied ${action} to ${who}. ${fix} AWS said: ${serviceMessage}`, base, { cause: err });
  }
  if (code === 'ResourceInUse' && ctx.tuning) {
    return new LaunchError(
      'jobName.taken',
      `A hyperparameter tuning job named ${ctx.jobName} already exists in ${ctx.region}. Generated tuning job names end in the minute (as the SDK makes them): launch again in a minute, or choose a name (--job-name, or tuning.base_tuning_job_name).`,
      base,
      { cause: err },
    );
  }
  if (code === 'ResourceInUse') {
    return new LaunchError(
      'jobName.taken',
      `A training job named ${ctx.jobName} already exists in ${ctx.region}. Job names are unique per account and region: choose another name.`,
      base,
      { cause: err },
    );
  }
  if (code === 'ValidationException') {
    return new LaunchError('service.validation', `SageMaker refused the ${ctx.tuning ? 'hyperparameter tuning' : 'training'} job: ${serviceMessage}`, base, { cause: err });
  }
  return awsCallError(err, ctx, base);
}

/**
 * SageMaker words this several ways ("Unsupported instance type", "is not supported in this
 * region", an enum-constraint failure on resourceConfig.instanceType); all name the instance type
 * or the field.
 */
function instanceTypeNotOffered(message: string, instanceType: string): boolean {
  const aboutInstance = message.includes(instanceType) || /instance ?type/i.test(message);
  return aboutInstance && /(not (available|supported|offered|valid))|unsupported|enum value set/i.test(message);
}

/** The AWS console's origin for a region: aws, aws-cn and aws-us-gov have their own. */
export function consoleOrigin(region: string): string {
  if (region.startsWith('cn-')) return `https://${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return 'https://console.amazonaws-us-gov.com';
  return `https://${region}.console.aws.amazon.com`;
}

export function serviceQuotasUrl(region: string): string {
  return `${consoleOrigin(region)}/servicequotas/home/services/sagemaker/quotas?region=${region}`;
}

export function trainingJobConsoleUrl(region: string, jobName: string): string {
  return `${consoleOrigin(region)}/sagemaker/home?region=${region}#/jobs/${encodeURIComponent(jobName)}`;
}

export function tuningJobConsoleUrl(region: string, jobName: string): string {
  return `${consoleOrigin(region)}/sagemaker/home?region=${region}#/hyper-tuning-jobs/${encodeURIComponent(jobName)}`;
}
