// AWS failures by class (src/aws/awsErrors.ts): throttled, server error, network. One table for the
// log tail's backoff, the Training Jobs view's refresh backoff and "could not reach AWS". The first
// cases are real @aws-sdk errors: a SageMaker client (one attempt, no SDK retry) against the fault
// proxy answering as AWS does when it throttles or fails, and against a port nobody listens on.

import assert from 'node:assert/strict';
import * as net from 'node:net';
import { DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { after, before, describe, it } from 'node:test';
import { awsAccessProblem, awsFailureKind, isNetwork, isServerError, isThrottled, networkCode, unreachableReason } from '../../src/aws/awsErrors';
import { startFaultProxy } from '../emulators/faultProxy';
import type { FaultProxy } from '../emulators/faultProxy';
import { awsTestClientConfig } from '../emulators/moto/motoServer';

async function failureOf(endpoint: string): Promise<unknown> {
  const client = new SageMakerClient({ ...awsTestClientConfig(endpoint), maxAttempts: 1 });
  try {
    await client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'any' }));
  } catch (err) {
    return err;
  } finally {
    client.destroy();
  }
  throw new Error(`${endpoint} answered: the test expected a failure`);
}

/** A port that refuses connections: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('AWS failure classes, from the real SDK', () => {
  let throttling: FaultProxy;
  let failing: FaultProxy;
  before(async () => {
    // Neither proxy forwards anything: every request is answered with the fault.
    throttling = await startFaultProxy({ target: 'http://127.0.0.1:9', seed: 1, rates: { throttle: 1 }, maxLifetimeMs: 60_000 });
    failing = await startFaultProxy({ target: 'http://127.0.0.1:9', seed: 1, rates: { serverError: 1 }, maxLifetimeMs: 60_000 });
  });
  after(async () => {
    await throttling.stop();
    await failing.stop();
  });

  it('ThrottlingException is throttled', async () => {
    const err = await failureOf(throttling.endpoint);
    assert.equal((err as Error).name, 'ThrottlingException');
    assert.equal(isThrottled(err), true);
    assert.equal(isServerError(err), false);
    assert.equal(isNetwork(err), false);
    assert.equal(awsFailureKind(err), 'throttled');
    assert.equal(awsAccessProblem(err, 'cli'), undefined);
  });

  it('InternalFailure (500) and ServiceUnavailable (503) are server errors', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 8 && names.size < 2; i++) {
      const err = await failureOf(failing.endpoint);
      names.add((err as Error).name);
      assert.equal(isServerError(err), true, (err as Error).name);
      assert.equal(isThrottled(err), false);
      assert.equal(awsFailureKind(err), 'serverError');
    }
    assert.deepEqual([...names].sort(), ['InternalFailure', 'ServiceUnavailable']);
  });

  it('a refused connection is network, and "could not reach AWS" names the code', async () => {
    const err = await failureOf(`http://127.0.0.1:${await closedPort()}`);
    assert.equal(isNetwork(err), true);
    assert.equal(networkCode(err), 'ECONNREFUSED');
    assert.equal(awsFailureKind(err), 'network');
    assert.match(awsAccessProblem(err, 'cli') ?? '', /^Could not reach AWS \(ECONNREFUSED\)\. Check the network/);
  });
});

describe('AWS failure classes, by shape', () => {
  const table: Array<[string, unknown, 'throttled' | 'serverError' | 'network' | 'notFound' | 'invalidToken' | 'aborted' | 'fatal']> = [
    ['S3 SlowDown', { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }, 'throttled'],
    ['any name with HTTP 429', { name: 'Unknown', $metadata: { httpStatusCode: 429 } }, 'throttled'],
    ['EC2 RequestLimitExceeded', { name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 400 } }, 'throttled'],
    ['TooManyRequestsException', { name: 'TooManyRequestsException' }, 'throttled'],
    ['a 502 from a proxy', { name: 'BadGateway', $metadata: { httpStatusCode: 502 } }, 'serverError'],
    ['InternalServerException without a status', { name: 'InternalServerException' }, 'serverError'],
    ['EPIPE', { name: 'Error', code: 'EPIPE' }, 'network'],
    ['undici socket error', { name: 'Error', code: 'UND_ERR_SOCKET' }, 'network'],
    ['a connection reset behind "fetch failed"', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }), 'network'],
    ['a body cut mid-JSON', { name: 'SyntaxError', message: 'Unexpected end of JSON input' }, 'network'],
    ['a request timeout', { name: 'TimeoutError' }, 'network'],
    ['ResourceNotFoundException', { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }, 'notFound'],
    ['a stale next token', { name: 'InvalidParameterException', message: 'The specified nextToken is not valid' }, 'invalidToken'],
    ['AccessDeniedException', { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }, 'fatal'],
    ['ValidationException', { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }, 'fatal'],
    ['AbortError', { name: 'AbortError' }, 'aborted'],
  ];
  for (const [what, err, kind] of table) {
    it(`${what} → ${kind}`, () => {
      assert.equal(awsFailureKind(err), kind);
      assert.equal(isThrottled(err), kind === 'throttled');
      if (kind === 'serverError') assert.equal(isServerError(err), true);
    });
  }

  it('"could not reach AWS" covers every connection failure code, on the error or its cause', () => {
    for (const code of [
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
    ]) {
      assert.match(awsAccessProblem({ name: 'Error', code, message: 'x' }, 'extension') ?? '', new RegExp(`^Could not reach AWS \\(${code}\\)`), code);
      assert.equal(
        unreachableReason(Object.assign(new TypeError('fetch failed'), { cause: { code } }), 'sts:GetCallerIdentity', undefined, 15_000),
        `Could not reach AWS for sts:GetCallerIdentity (${code}).`,
      );
    }
    assert.equal(isNetwork({ name: 'ThrottlingException' }), false);
    assert.equal(networkCode({ code: 'ENOENT' }), undefined);
  });
});
