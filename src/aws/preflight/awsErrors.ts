/**
 * How the setup check reads an AWS failure: a missing or rejected credential, a permission the
 * caller lacks, a timeout, a network that is not there. The checks turn these into "could not
 * check" items with the reason, never into a verdict on the thing being checked.
 */

interface ErrorShape {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const REJECTED_CREDENTIALS = new Set([
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
