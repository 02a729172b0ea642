import type { JobSpec } from '../../core/jobFile/jobSpec';
import type { AwsClients } from '../awsClients';

/** Who is calling (STS GetCallerIdentity). */
export interface CallerIdentity {
  accountId: string;
  /** `arn:aws:iam::…:user/…` or `arn:aws:sts::…:assumed-role/…`; named in access-denied details. */
  arn: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: from the ARN. */
  partition: string;
}

/** IAM GetRole's answer for a role, as the launch's plan received it. */
export interface KnownRole {
  name: string;
  arn: string;
  /** URL-encoded, as IAM returns it. */
  assumeRolePolicyDocument?: string;
}

/** What every check gets: clients in the job's region, the job (when there is a file), and a deadline. */
export interface PreflightContext {
  clients: AwsClients;
  spec?: JobSpec;
  region: string;
  /** Known once the credentials check passed; checks that need the account say so without it. */
  identity?: CallerIdentity;
  /** GetRole's answer the caller already has (the launch's plan): the role check uses it instead of asking IAM. */
  knownRole?: KnownRole;
  /** Aborted when the check's time is up (or the caller cancels). */
  signal?: AbortSignal;
  /** The budget behind `signal`, for the "did not answer within" detail. */
  timeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 15_000;

export function sendOptions(ctx: PreflightContext): { abortSignal?: AbortSignal } {
  return ctx.signal ? { abortSignal: ctx.signal } : {};
}
