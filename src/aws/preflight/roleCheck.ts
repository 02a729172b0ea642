/**
 * The job's execution role: it exists in the caller's account and its trust policy lets
 * sagemaker.amazonaws.com assume it (IAM GetRole). A role SageMaker cannot assume fails the job
 * at CreateTrainingJob; a role of another account cannot be passed at all (iam:PassRole does not
 * cross accounts).
 */
import { GetRoleCommand } from '@aws-sdk/client-iam';
import type { CheckItem } from '../../core/preflight/checklist';
import { createRoleCommand, sagemakerTrustPolicy, trustPolicyUpdateCommand } from '../../core/preflight/nextSteps';
import { decodePolicyDocument, sagemakerTrust } from '../../core/preflight/trustPolicy';
import { errorCode, isAccessDenied, unreachableReason } from '../awsErrors';
import type { PreflightContext } from './preflightContext';
import { DEFAULT_CHECK_TIMEOUT_MS, sendOptions } from './preflightContext';

export interface RoleRef {
  name: string;
  /** Present when the job file gave an ARN. */
  arn?: { partition: string; account: string; path: string };
}

/** `arn:aws:iam::123456789012:role/service-role/Name` or a bare `Name` (as SDK `expand_role` reads them). */
export function parseRoleReference(role: string): RoleRef | undefined {
  const text = role.trim();
  const arn = /^arn:([a-z-]+):iam::(\d{12}):role(\/(?:[^/]+\/)*)([^/]+)$/.exec(text);
  if (arn) return { name: arn[4]!, arn: { partition: arn[1]!, account: arn[2]!, path: arn[3]! } };
  if (/^[\w+=,.@-]{1,64}$/.test(text)) return { name: text };
  return undefined;
}

function item(status: CheckItem['status'], title: string, detail: string, nextStep?: CheckItem['nextStep']): CheckItem {
  return { id: 'role', kind: 'role', title, status, blocking: true, detail, ...(nextStep ? { nextStep } : {}) };
}

export async function checkExecutionRole(ctx: PreflightContext): Promise<CheckItem> {
  const role = ctx.spec?.role;
  const title = `Execution role ${role ?? ''}`.trim();
  if (typeof role !== 'string' || role.trim() === '') {
    return item('failed', 'Execution role', 'The job file names no role.', {
      action: "Set role: to the name or ARN of an IAM role SageMaker can assume (the SDK's `role` argument).",
    });
  }
  const ref = parseRoleReference(role);
  if (!ref) {
    return item('failed', title, `"${role}" is neither a role name nor a role ARN (arn:aws:iam::<account>:role/<path/><name>).`, {
      action: 'Write the bare role name, or its full ARN as the IAM console shows it.',
    });
  }
  const identity = ctx.identity;
  if (ref.arn && identity && (ref.arn.account !== identity.accountId || ref.arn.partition !== identity.partition)) {
    return item(
      'failed',
      title,
      `The role belongs to account ${ref.arn.account}, but jobs are created by account ${identity.accountId}: SageMaker can only be passed a role of the account that creates the job.`,
      {
        action: `Use an execution role of account ${identity.accountId}, or launch with credentials of account ${ref.arn.account}.`,
      },
    );
  }

  let out: { Role?: { Arn?: string; AssumeRolePolicyDocument?: string } };
  const known = ctx.knownRole;
  if (known && known.name === ref.name) {
    // The plan looked this role up a moment ago: its answer, not a second GetRole.
    out = { Role: { Arn: known.arn, ...(known.assumeRolePolicyDocument !== undefined ? { AssumeRolePolicyDocument: known.assumeRolePolicyDocument } : {}) } };
  } else {
    try {
      out = await ctx.clients.iam().send(new GetRoleCommand({ RoleName: ref.name }), sendOptions(ctx));
    } catch (err) {
      const code = errorCode(err);
      if (code === 'NoSuchEntity' || code === 'NoSuchEntityException') {
        return item('failed', title, `No role named ${ref.name} exists in account ${identity?.accountId ?? '(this account)'}.`, {
          action: `Create it, trusted by SageMaker (save the policy below as sagemaker-trust.json), or set role: to an existing role.`,
          command: createRoleCommand(ref.name, identity?.partition),
          document: sagemakerTrustPolicy(),
        });
      }
      return {
        ...item('unknown', title, unreachableReason(err, 'iam:GetRole', identity?.arn, ctx.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS)),
        blocking: false,
        ...(isAccessDenied(err)
          ? {
              nextStep: { action: `Check the role's trust relationships in the IAM console; it must trust sagemaker.amazonaws.com. (Granting iam:GetRole lets this check do it.)` },
            }
          : {}),
      };
    }
  }

  const arn = out.Role?.Arn ?? '';
  if (ref.arn && arn && arn !== role.trim()) {
    // IAM ARNs include the role's path; one written without it names no role at all.
    return item('failed', title, `The role ${ref.name} exists, but its ARN is ${arn}, not ${role.trim()}: SageMaker would not find the role the job file names.`, {
      action: `Write role: ${arn} (or just ${ref.name}).`,
    });
  }
  const verdict = sagemakerTrust(decodePolicyDocument(out.Role?.AssumeRolePolicyDocument));
  if (!verdict.trusted) {
    return item('failed', title, `${arn || ref.name} exists, but ${verdict.reason}: SageMaker cannot assume it.`, {
      action: "Add this statement to the role's trust policy (update-assume-role-policy replaces the whole document: keep the statements it has).",
      command: trustPolicyUpdateCommand(ref.name),
      document: sagemakerTrustPolicy(),
    });
  }
  return item('passed', title, `${arn} ${verdict.reason}`);
}
