/** Do the credentials resolve, and to whom (STS GetCallerIdentity)? Is a region set? */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { regionPartition } from '../../core/catalog/huggingfaceImages';
import type { CheckItem } from '../../core/preflight/checklist';
import type { AwsClients } from '../awsClients';
import { errorCode, errorMessage, isNoCredentials, isRejectedCredentials, noRegionMessage, unreachableReason } from '../awsErrors';
import type { CallerIdentity } from './preflightContext';
import { DEFAULT_CHECK_TIMEOUT_MS } from './preflightContext';

const TITLE = 'AWS credentials';

function signInStep(profile: string | undefined) {
  return {
    action: `Sign in or configure credentials${profile ? ` for the profile ${profile}` : ''} (or pick another profile: the sagemakerHf.aws.profile user setting, --profile).`,
    command: profile ? `aws sso login --profile ${profile}` : 'aws configure',
  };
}

export async function checkCredentials(clients: AwsClients, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<{ item: CheckItem; identity?: CallerIdentity }> {
  const profile = clients.connection.profile;
  try {
    const out = await clients.sts().send(new GetCallerIdentityCommand({}), options.signal ? { abortSignal: options.signal } : {});
    const arn = out.Arn ?? '';
    const identity: CallerIdentity = { accountId: out.Account ?? '', arn, partition: arn.split(':')[1] || 'aws' };
    return {
      item: {
        id: 'credentials',
        kind: 'credentials',
        title: TITLE,
        status: 'passed',
        blocking: true,
        detail: `account ${identity.accountId} as ${identity.arn}${profile ? ` (profile ${profile})` : ''}`,
      },
      identity,
    };
  } catch (err) {
    if (isNoCredentials(err)) {
      return {
        item: {
          id: 'credentials',
          kind: 'credentials',
          title: TITLE,
          status: 'failed',
          blocking: true,
          detail: `No AWS credentials were found${profile ? ` for the profile ${profile}` : ' (environment, shared config and credentials files, SSO, instance metadata)'}: ${errorMessage(err)}`,
          nextStep: signInStep(profile),
        },
      };
    }
    if (isRejectedCredentials(err)) {
      return {
        item: {
          id: 'credentials',
          kind: 'credentials',
          title: TITLE,
          status: 'failed',
          blocking: true,
          detail: `AWS rejected the credentials (${errorCode(err)}): they are expired or wrong. ${errorMessage(err)}`,
          nextStep: signInStep(profile),
        },
      };
    }
    return {
      item: {
        id: 'credentials',
        kind: 'credentials',
        title: TITLE,
        status: 'unknown',
        blocking: true,
        detail: unreachableReason(err, 'sts:GetCallerIdentity', undefined, options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS),
        nextStep: { action: 'Check the network, a proxy, or the endpoint overrides (AWS_ENDPOINT_URL*), then check again.' },
      },
    };
  }
}

/** The region the job runs in: named, and shaped like an AWS region. */
export function checkRegion(region: string | undefined, missingReason?: string, howToSet?: string): CheckItem {
  if (!region) {
    // The SDK's bare "Region is missing" says nothing the message below does not.
    const reason = missingReason && !/^Region is missing$/.test(missingReason) && !missingReason.startsWith('No AWS region') ? ` (${missingReason})` : '';
    return {
      id: 'region',
      kind: 'region',
      title: 'Region',
      status: 'failed',
      blocking: true,
      detail: `${howToSet ?? noRegionMessage('extension', { jobFile: true })}${reason}`,
      nextStep: { action: 'Set a region in one of those places.', command: 'aws configure set region us-east-1' },
    };
  }
  if (!regionPartition(region)) {
    return {
      id: 'region',
      kind: 'region',
      title: 'Region',
      status: 'failed',
      blocking: true,
      detail: `"${region}" is not an AWS region name.`,
      nextStep: { action: 'Use a region name such as us-east-1, us-west-2 or eu-west-1.' },
    };
  }
  return { id: 'region', kind: 'region', title: 'Region', status: 'passed', blocking: true, detail: region };
}
