/**
 * How we read an AWS failure: a missing region, a missing or rejected credential, a permission the
 * caller lacks, a timeout, a network that is not there, throttling, a server error. The setup check
 * turns these into "could not check" items, never into a verdict on the thing being checked; every
 * other surface (the CLI, the Training Jobs view, a command's error message) says what to do about
 * them through `awsAccessProblem`; the log tail and the tree's refresh back off on the passing ones
 * (`awsFailureKind`, `isThrottled`). No SDK is imported: the errors are read by their shape.
 */

interface ErrorShape {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  cause?: unknown;
}

/** Node's and undici's codes for a connection that could not be made or was cut. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);
/** The error names AWS services use for "slow down" (the SDK's own throttling list, plus S3's and CloudWatch's). */
const THROTTLING: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
]);
/** Service-side failures by name, for the services that answer them without a 5xx status. */
const SERVER_ERRORS: ReadonlySet<string> = new Set([
  'InternalFailure',
  'InternalServerError',
  'InternalServerException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceException',
]);
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

/** The connection failed or was cut (ECONNREFUSED, ECONNRESET, ENOTFOUND, …), on the error or its `cause`. */
export function isNetwork(err: unknown): boolean {
  return networkCode(err) !== undefined;
}

/** The network error code of `err` or of the error that caused it; undefined for any other failure. */
export function networkCode(err: unknown): string | undefined {
  for (let e = err as ErrorShape | undefined, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause as ErrorShape | undefined, depth++) {
    if (e.code !== undefined && NETWORK_CODES.has(e.code)) return e.code;
  }
  return undefined;
}

/** AWS asked the caller to slow down: a throttling error name, or HTTP 429. */
export function isThrottled(err: unknown): boolean {
  return THROTTLING.has((err as ErrorShape | undefined)?.name ?? '') || httpStatus(err) === 429;
}

/** The service failed on its side: a 5xx status, or a server error name. */
export function isServerError(err: unknown): boolean {
  const status = httpStatus(err);
  return SERVER_ERRORS.has((err as ErrorShape | undefined)?.name ?? '') || (status !== undefined && status >= 500);
}

export type AwsFailureKind = 'throttled' | 'serverError' | 'network' | 'notFound' | 'invalidToken' | 'aborted' | 'fatal';

/**
 * What kind of failure an AWS SDK error is, for deciding to back off and retry. The SDK retries
 * these itself a few times; what reaches here is what its retry budget could not absorb, or a
 * response cut off mid-body (which its deserializer reports as a parse error): that counts as
 * `network` too, as does a request timeout.
 */
export function awsFailureKind(err: unknown): AwsFailureKind {
  const e = (err ?? {}) as ErrorShape;
  const name = e.name ?? '';
  const status = httpStatus(err);
  if (name === 'AbortError') return 'aborted';
  if (isThrottled(err)) return 'throttled';
  if (name === 'ResourceNotFoundException') return 'notFound';
  if (name === 'InvalidParameterException' && /token/i.test(e.message ?? '')) return 'invalidToken';
  if (isServerError(err)) return 'serverError';
  if (isNetwork(err) || name === 'TimeoutError' || name === 'RequestTimeout' || name === 'RequestTimeoutException') return 'network';
  if (/socket hang up|aborted|premature close|ECONNRESET|EPIPE|Deserialization error|Unexpected end of JSON|Unterminated string in JSON|JSON at position/i.test(e.message ?? ''))
    return 'network';
  if (name === 'SyntaxError' && (status === undefined || status < 300)) return 'network';
  if (e.cause !== undefined && e.cause !== err && awsFailureKind(e.cause) === 'network') return 'network';
  return 'fatal';
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
  if (isNetwork(err)) return `Could not reach AWS for ${call} (${networkCode(err)}).`;
  return `${call} failed (${errorCode(err)}): ${errorMessage(err)}`;
}

/** The SDK's words when neither the client, the environment nor the profile gives a region (@smithy/core's config resolver). */
export function isNoRegion(err: unknown): boolean {
  const e = err as (ErrorShape & { code?: string; cause?: unknown }) | undefined;
  return e?.message === 'Region is missing' || (e?.cause !== undefined && e.cause !== err && isNoRegion(e.cause));
}

/** Where the message is shown: the CLI names its flags, the extension its settings. */
export type AccessSurface = 'cli' | 'extension';

/**
 * The one message for a missing region, wherever it is found (plan, launch, jobs, logs, doctor, the
 * jobs view): where a region can come from, in the order they win, and the command that sets one.
 */
export function noRegionMessage(surface: AccessSurface, where: { jobFile?: boolean } = {}): string {
  const sources = [
    ...(where.jobFile ? ['set `region` in the job file'] : []),
    surface === 'cli' ? 'pass --region' : 'set the sagemakerHf.aws.region setting',
    'set AWS_REGION',
    'or give your AWS profile a region (`aws configure set region us-east-1`)',
  ];
  return `No AWS region: ${sources.join(', ')}.`;
}

/**
 * What to do when AWS could not be asked at all: no region, no credentials, credentials AWS rejects,
 * no network. Undefined for any other failure, whose own message is the one to show. The SDK's own
 * words are kept at the end: they are what a search engine or AWS support knows.
 */
export function awsAccessProblem(err: unknown, surface: AccessSurface, context: { profile?: string } = {}): string | undefined {
  const cli = surface === 'cli';
  const said = errorMessage(err);
  const { profile } = context;
  if (isNoRegion(err)) return noRegionMessage(surface);
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
    return `Could not reach AWS (${networkCode(err)}). Check the network, a proxy, or the endpoint overrides (AWS_ENDPOINT_URL*). ${said}`;
  }
  return undefined;
}
