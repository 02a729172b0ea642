/** Why a training job was not launched. */
export type LaunchErrorCode =
  | 'launch.duplicate'
  /** The job file's text is not the one the plan (the preview) was made from. */
  | 'plan.stale'
  | 'cancelled'
  | 'region.missing'
  | 'role.notFound'
  | 'bucket.notOwned'
  | 'bucket.forbidden'
  | 'bucket.wrongRegion'
  | 'quota.exceeded'
  | 'instanceType.notOffered'
  | 'jobName.taken'
  | 'aws.accessDenied'
  | 'aws.noCredentials'
  | 'aws.badCredentials'
  | 'aws.unreachable'
  | 'service.validation'
  | 'service.error';

export interface LaunchErrorContext {
  /** The AWS call that failed, as an IAM action: `sagemaker:CreateTrainingJob`. */
  call?: string;
  /** Who made it (STS caller ARN), when known. */
  principal?: string;
  roleArn?: string;
  region?: string;
  instanceType?: string;
  /** Service Quotas name, e.g. `ml.p3dn.24xlarge for training job usage`. */
  quotaName?: string;
  /** Where to raise that quota. */
  serviceQuotasUrl?: string;
  bucket?: string;
  jobName?: string;
  /** `s3://` URIs of source archives uploaded before the failure (left in place). */
  uploaded?: string[];
  /** The service's error code and its own words. */
  serviceCode?: string;
  serviceMessage?: string;
}

/**
 * A launch failure with its next step in the message. Carries no secret: principals and role
 * ARNs are identifiers, not credentials.
 */
export class LaunchError extends Error {
  override readonly name = 'LaunchError';

  constructor(
    readonly code: LaunchErrorCode,
    message: string,
    readonly context: LaunchErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
