// An HTTP proxy on 127.0.0.1 that sits between a real @aws-sdk client and the emulator and, at set
// rates drawn from a seeded generator, answers in AWS's words that it is busy or broken:
//
//   throttle     400 ThrottlingException, the AWS JSON error shape ({"__type": ..., "message": ...}
//                plus x-amzn-ErrorType / x-amzn-RequestId headers), without forwarding;
//   serverError  500 InternalFailure or 503 ServiceUnavailable, without forwarding;
//   drop         forwards the request, then destroys the socket half way through the answer (the
//                headers and part of the body were sent), so the client sees a cut connection.
//
//   const proxy = await startFaultProxy({ target: moto.endpoint, seed: 7, rates: { throttle: 0.05, serverError: 0.03, drop: 0.03 } });
//   const logs = new CloudWatchLogsClient(awsTestClientConfig(proxy.endpoint));
//   ...
//   proxy.counters.byOperation['Logs_20140328.FilterLogEvents'].forwarded
//   await proxy.stop();
//
// Faults apply only to requests `faultsFor` selects (by X-Amz-Target, e.g. only log reads). `respond`
// answers chosen requests itself with a given AWS error (an expired nextToken, say), before any roll.
// The proxy stops by itself after maxLifetimeMs and never keeps a test process alive (its server is unref'd).

import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FaultRates {
  /** Share of requests answered 400 ThrottlingException. */
  throttle?: number;
  /** Share answered 500 or 503. */
  serverError?: number;
  /** Share whose connection is dropped mid-answer. */
  drop?: number;
}

export interface FaultProxyOptions {
  /** Where requests go, e.g. moto's http://127.0.0.1:5000. */
  target: string;
  seed: number;
  rates: FaultRates;
  /** Which requests may be faulted, by their X-Amz-Target (e.g. `Logs_20140328.FilterLogEvents`); default all. */
  faultsFor?: (target: string) => boolean;
  /** The proxy closes itself after this long; default 10 minutes. */
  maxLifetimeMs?: number;
  /**
   * Looked at before the fault roll: an AWS error to answer this request with instead of forwarding it
   * (counted as `answered`), or undefined to go on. Consumes no random draw, so the fault schedule stays.
   */
  respond?: (request: { operation: string; body: Buffer }) => AwsErrorAnswer | undefined;
}

/** An error in the AWS JSON protocol's shape, e.g. `{ status: 400, type: 'InvalidParameterException', message: 'The given nextToken is expired.' }`. */
export interface AwsErrorAnswer {
  status: number;
  type: string;
  message: string;
}

export type FaultOutcome = 'forwarded' | 'throttled' | 'serverError' | 'dropped' | 'answered';

export interface OperationCounters {
  requests: number;
  forwarded: number;
  throttled: number;
  serverError: number;
  dropped: number;
  /** Answered by `respond`. */
  answered: number;
}

export interface FaultCounters extends OperationCounters {
  /** Per X-Amz-Target (`Logs_20140328.FilterLogEvents`, `SageMaker.DescribeTrainingJob`, …). */
  byOperation: Record<string, OperationCounters>;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly counters: FaultCounters;
  /** Change the rates from now on (e.g. 0 for a clean final phase). */
  setRates(rates: FaultRates): void;
  /** Requests of one operation (after the `.`), whatever the service prefix. */
  requestsOf(operation: string): OperationCounters;
  stop(): Promise<void>;
}

/** mulberry32: small, fast and good enough to make a fault schedule reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed);
  let rates: FaultRates = { ...options.rates };
  const faultsFor = options.faultsFor ?? (() => true);
  const counters: FaultCounters = { ...zero(), byOperation: {} };
  const sockets = new Set<Socket>();
  const upstream = new http.Agent({ keepAlive: true });
  let requestSeq = 0;

  const count = (operation: string, outcome: FaultOutcome | 'request') => {
    const op = (counters.byOperation[operation] ??= zero());
    const key = outcome === 'request' ? 'requests' : outcome;
    op[key]++;
    counters[key]++;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? `${req.method} ${req.url?.split('?')[0]}`);
      count(operation, 'request');
      const answer = options.respond?.({ operation, body });
      if (answer) {
        count(operation, 'answered');
        return awsError(res, answer.status, answer.type, answer.message, `fault-proxy-${++requestSeq}`);
      }
      const roll = faultsFor(operation) ? random() : 1;
      const throttle = rates.throttle ?? 0;
      const serverError = rates.serverError ?? 0;
      const drop = rates.drop ?? 0;
      const requestId = `fault-proxy-${++requestSeq}`;
      if (roll < throttle) {
        count(operation, 'throttled');
        return awsError(res, 400, 'ThrottlingException', 'Rate exceeded', requestId);
      }
      if (roll < throttle + serverError) {
        count(operation, 'serverError');
        // Which of the two: the next draw, so the schedule stays a function of the seed.
        return random() < 0.5
          ? awsError(res, 500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', requestId)
          : awsError(res, 503, 'ServiceUnavailable', 'Service Unavailable', requestId);
      }
      const dropIt = roll < throttle + serverError + drop;
      forward(
        req,
        body,
        (status, headers, payload) => {
          if (dropIt) {
            count(operation, 'dropped');
            // Promise the whole body, send part of it, then cut the connection.
            res.writeHead(status, { ...headers, 'content-length': String(payload.length) });
            res.write(payload.subarray(0, Math.floor(payload.length / 2)));
            res.socket?.destroy();
            return;
          }
          count(operation, 'forwarded');
          res.writeHead(status, { ...headers, 'content-length': String(payload.length) });
          res.end(payload);
        },
        (error) => {
          count(operation, 'serverError');
          awsError(res, 502, 'BadGateway', `fault proxy could not reach ${target.origin}: ${error.message}`, requestId);
        },
      );
    });
  });

  function forward(
    req: http.IncomingMessage,
    body: Buffer,
    done: (status: number, headers: http.OutgoingHttpHeaders, payload: Buffer) => void,
    failed: (error: Error) => void,
  ): void {
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
    delete headers['connection'];
    const up = http.request({ protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: upstream }, (upRes) => {
      const parts: Buffer[] = [];
      upRes.on('data', (c: Buffer) => parts.push(c));
      upRes.on('end', () => {
        const out: http.OutgoingHttpHeaders = { ...upRes.headers };
        delete out['transfer-encoding'];
        delete out['connection'];
        delete out['content-length'];
        done(upRes.statusCode ?? 502, out, Buffer.concat(parts));
      });
      upRes.on('error', failed);
    });
    up.on('error', failed);
    up.end(body);
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    clearTimeout(lifetime);
    for (const socket of sockets) socket.destroy();
    upstream.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const lifetime = setTimeout(() => void stop(), options.maxLifetimeMs ?? 10 * 60_000);
  lifetime.unref();

  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counters,
    setRates: (next) => {
      rates = { ...next };
    },
    requestsOf: (operation) => {
      const total = zero();
      for (const [name, c] of Object.entries(counters.byOperation)) {
        if (name === operation || name.endsWith(`.${operation}`)) {
          for (const k of Object.keys(total) as Array<keyof OperationCounters>) total[k] += c[k];
        }
      }
      return total;
    },
    stop,
  };
}

function zero(): OperationCounters {
  return { requests: 0, forwarded: 0, throttled: 0, serverError: 0, dropped: 0, answered: 0 };
}

/** The error shape of AWS JSON-protocol services (CloudWatch Logs, SageMaker): the SDK reads `__type` and the header. */
function awsError(res: http.ServerResponse, status: number, type: string, message: string, requestId: string): void {
  const payload = Buffer.from(JSON.stringify({ __type: type, message }));
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': String(payload.length),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': `${type}:`,
  });
  res.end(payload);
}
