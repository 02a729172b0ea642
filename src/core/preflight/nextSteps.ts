/**
 * The fixes the checklist hands out: SageMaker's quota names, the Service Quotas console and CLI
 * for raising one, the trust policy SageMaker needs on an execution role, and the commands that
 * create a role or a bucket. Strings only; nothing here calls AWS.
 */
import { regionPartition } from '../catalog/huggingfaceImages';

export const SAGEMAKER_SERVICE_PRINCIPAL = 'sagemaker.amazonaws.com';

/**
 * The Service Quotas name of the per-account instance limit a training job counts against, e.g.
 * "ml.p3dn.24xlarge for training job usage" — the words of the ResourceLimitExceeded error
 * ("The account-level service limit 'ml.p3dn.24xlarge for training job usage' is 0 Instances").
 */
export function trainingQuotaName(instanceType: string, spot: boolean): string {
  return `${instanceType} for ${spot ? 'spot training' : 'training'} job usage`;
}

const CONSOLE_HOST: Readonly<Record<string, (region: string) => string>> = {
  aws: (region) => `https://${region}.console.aws.amazon.com`,
  'aws-us-gov': () => 'https://console.amazonaws-us-gov.com',
  'aws-cn': () => 'https://console.amazonaws.cn',
};

/** The console page of one SageMaker quota (or of all of them without a code); undefined where no public console exists. */
export function quotaConsoleUrl(region: string, quotaCode?: string): string | undefined {
  const partition = regionPartition(region)?.partition;
  const host = partition ? CONSOLE_HOST[partition] : undefined;
  if (!host) return undefined;
  const page = `/servicequotas/home/services/sagemaker/quotas${quotaCode ? `/${quotaCode}` : ''}`;
  return `${host(region)}${page}?region=${region}`;
}

/** `aws service-quotas request-service-quota-increase …` for a SageMaker quota. */
export function quotaIncreaseCommand(region: string, quotaCode: string, desiredValue: number): string {
  return `aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code ${quotaCode} --desired-value ${desiredValue} --region ${region}`;
}

/** The trust policy statement that lets SageMaker assume a role. */
export function sagemakerTrustPolicy(): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: SAGEMAKER_SERVICE_PRINCIPAL }, Action: 'sts:AssumeRole' }],
    },
    null,
    2,
  );
}

/** Replaces the role's trust policy with the document in sagemaker-trust.json. */
export function trustPolicyUpdateCommand(roleName: string): string {
  return `aws iam update-assume-role-policy --role-name ${roleName} --policy-document file://sagemaker-trust.json`;
}

/** Creates an execution role SageMaker can assume, with SageMaker's managed policy. */
export function createRoleCommand(roleName: string, partition = 'aws'): string {
  return [
    `aws iam create-role --role-name ${roleName} --assume-role-policy-document file://sagemaker-trust.json`,
    `aws iam attach-role-policy --role-name ${roleName} --policy-arn arn:${partition}:iam::aws:policy/AmazonSageMakerFullAccess`,
  ].join(' && ');
}

export function createBucketCommand(bucket: string, region: string): string {
  return `aws s3 mb s3://${bucket} --region ${region}`;
}
