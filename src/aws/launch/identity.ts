/** Who is launching, and the role the job runs as (SDK v2 session.py `account_id`, `expand_role`). */
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../awsClients';
import { LaunchError } from './launchError';
import { awsCallError, isAbortError, serviceErrorCode } from './serviceErrors';

export interface CallerIdentity {
  accountId: string;
  /** `arn:aws:iam::…:user/…` or `arn:aws:sts::…:assumed-role/…`: named in access-denied messages. */
  arn: string;
  /** `aws`, `aws-cn`, `aws-us-gov`, from the ARN. */
  partition: string;
}

/** STS GetCallerIdentity: the account names the default bucket, the ARN says who was denied. */
export async function resolveAccount(clients: AwsClients, signal?: AbortSignal): Promise<CallerIdentity> {
  try {
    const out = await clients.sts().send(new GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {});
    const arn = out.Arn ?? '';
    return { accountId: out.Account ?? '', arn, partition: arn.split(':')[1] || 'aws' };
  } catch (err) {
    throw awsCallError(err, { call: 'sts:GetCallerIdentity' });
  }
}

/** The execution role as the plan resolved it. */
export interface ResolvedRole {
  arn: string;
  /**
   * IAM GetRole's answer, when the role was looked up (a bare name): the name asked for, its trust policy
   * (URL-encoded, as IAM returns it), so the preflight's role check need not ask IAM again.
   */
  iam?: { name: string; arn: string; assumeRolePolicyDocument?: string };
}

/**
 * The ARN of `role`. Anything with a `/` is taken as an ARN already (as `expand_role` does), with
 * no call; a bare name is looked up with IAM GetRole, which also finds roles under a path
 * (`service-role/…`) that an ARN built by hand would miss.
 */
export async function resolveRole(clients: AwsClients, role: string, options: { principal?: string; signal?: AbortSignal } = {}): Promise<ResolvedRole> {
  if (role.includes('/')) return { arn: role };
  try {
    const out = await clients.iam().send(new GetRoleCommand({ RoleName: role }), options.signal ? { abortSignal: options.signal } : {});
    const arn = out.Role?.Arn;
    if (!arn) throw new LaunchError('role.notFound', `IAM returned no ARN for the role ${role}; give the role's full ARN in role:.`, { call: 'iam:GetRole' });
    const document = out.Role?.AssumeRolePolicyDocument;
    return { arn, iam: { name: role, arn, ...(document !== undefined ? { assumeRolePolicyDocument: document } : {}) } };
  } catch (err) {
    if (err instanceof LaunchError) throw err;
    if (isAbortError(err)) throw awsCallError(err, { call: 'iam:GetRole' });
    const code = serviceErrorCode(err);
    if (code === 'NoSuchEntity' || code === 'NoSuchEntityException') {
      throw new LaunchError(
        'role.notFound',
        `The IAM role ${role} does not exist in this account. Create it (trusted by sagemaker.amazonaws.com, with access to your S3 data), or write an existing role's full ARN in role:.`,
        { call: 'iam:GetRole', serviceCode: code, ...(options.principal ? { principal: options.principal } : {}) },
        { cause: err },
      );
    }
    const mapped = awsCallError(err, { call: 'iam:GetRole', ...(options.principal ? { principal: options.principal } : {}) });
    if (mapped.code === 'aws.accessDenied') {
      throw new LaunchError(
        'aws.accessDenied',
        `${mapped.message} Or skip the lookup: write the role's full ARN (arn:aws:iam::<account>:role/<path/><name>) in role:.`,
        mapped.context,
        { cause: err },
      );
    }
    throw mapped;
  }
}
