/**
 * How we read an AWS failure: a missing region, a missing or rejected credential, a permission the
 * caller lacks, a timeout, a network that is not there. The setup check turns these into "could not
 * check" items, never into a verdict on the thing being checked; every other surface (the CLI, the
 * Training Jobs view, a command's error message) says what to do about them through
 * `awsAccessProblem`. No SDK is imported: the errors are read by their shape.
 */

interface ErrorShape {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const REJECTED_CREDENTIALS: ReadonlySet<string> = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
]);

export function errorCode(err: unknown): string {
  const e = err as ErrorShape | undefined;
  return e?.Code ?? e?.name ?? 'Error';
}

export function httpStatus(err: unknown): number | undefined {
  return (err as ErrorShape | undefined)?.$metadata?.httpStatusCode;
}

/** A response header of a failed call (HEAD answers carry their meaning in headers only). */
export function responseHeader(err: unknown, name: string): string | undefined {
  const headers = (err as ErrorShape | undefined)?.$response?.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? headers[key] : undefined;
}

export function errorMessage(err: unknown): string {
  const e = err as ErrorShape | undefined;
  return (e?.message ?? '').trim() || errorCode(err);
}

export function isAbort(err: unknown): boolean {
  const name = (err as ErrorShape | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

export function isNoCredentials(err: unknown): boolean {
  return (err as ErrorShape | undefined)?.name === 'CredentialsProviderError';
}

export function isRejectedCredentials(err: unknown): boolean {
  return REJECTED_CREDENTIALS.has(errorCode(err));
}

export function isAccessDenied(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'AccessDenied' || code === 'AccessDeniedException' || code === 'Forbidden' || code === 'UnauthorizedOperation';
}

export function isNetwork(err: unknown): boolean {
  const code = (err as ErrorShape | undefined)?.code;
  return code !== undefined && NETWORK_CODES.has(code);
}

/**
 * Why a call could not be made or answered, as the detail of an unknown item: "AWS denied
 * servicequotas:ListServiceQuotas to arn:…", "did not answer within 15 s", "could not reach AWS".
 */
export function unreachableReason(err: unknown, call: string, principal: string | undefined, timeoutMs: number): string {
  if (isAbort(err)) return `${call} did not answer within ${Math.round(timeoutMs / 1000)} s.`;
  if (isNoCredentials(err)) return `${call} needs AWS credentials and none were found.`;
  if (isRejectedCredentials(err)) return `AWS rejected the credentials for ${call} (${errorCode(err)}).`;
  if (isAccessDenied(err)) return `AWS denied ${call} to ${principal ?? 'the AWS identity in use'}: ${errorMessage(err)}`;
  if (isNetwork(err)) return `Could not reach AWS for ${call} (${(err as ErrorShape).code}).`;
  return `${call} failed (${errorCode(err)}): ${errorMessage(err)}`;
}

/** The SDK's words when neither the client, the environment nor the profile gives a region (@smithy/core's config resolver). */
export function isNoRegion(err: unknown): boolean {
  return (err as ErrorShape | undefined)?.message === 'Region is missing';
}

/** Where the message is shown: the CLI names its flags, the extension its settings. */
export type AccessSurface = 'cli' | 'extension';

/**
 * What to do when AWS could not be asked at all: no region, no credentials, credentials AWS rejects,
 * no network. Undefined for any other failure, whose own message is the one to show. The SDK's own
 * words are kept at the end: they are what a search engine or AWS support knows.
 */
export function awsAccessProblem(err: unknown, surface: AccessSurface, context: { profile?: string } = {}): string | undefined {
  const cli = surface === 'cli';
  const said = errorMessage(err);
  const { profile } = context;
  if (isNoRegion(err)) {
    return `No AWS region: ${cli ? 'pass --region, set AWS_REGION' : 'set sagemakerHf.aws.region or AWS_REGION'}, or give the profile a region (\`aws configure set region us-east-1\`).`;
  }
  if (isNoCredentials(err) && profile) {
    // The SDK's chain swallows "profile not found" and reports only that no provider had credentials.
    return `No AWS credentials were found for the profile "${profile}". Check that it exists (\`aws configure list-profiles\`), or sign in with it (\`aws sso login --profile ${profile}\`). The SDK said: ${said}`;
  }
  if (isNoCredentials(err)) {
    return `No AWS credentials were found. Sign in (\`aws sso login\`, or \`aws configure\`), or choose a profile that has them (${cli ? '--profile or AWS_PROFILE' : 'sagemakerHf.aws.profile in your user settings, or AWS_PROFILE'}). The SDK said: ${said}`;
  }
  if (isRejectedCredentials(err)) {
    return `AWS rejected the credentials (${errorCode(err)}): they are expired or wrong. Refresh them (\`aws sso login\`, new access keys) and try again. AWS said: ${said}`;
  }
  if (isNetwork(err)) {
    return `Could not reach AWS (${(err as ErrorShape).code}). Check the network, a proxy, or the endpoint overrides (AWS_ENDPOINT_URL*). ${said}`;
  }
  return undefined;
}
