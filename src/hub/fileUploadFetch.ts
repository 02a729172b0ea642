// A `fetch` for the hub client that sends file bodies the way curl does. Node 20's fetch (undici) sends a
// file-backed Blob by reading it far ahead of the socket — peak memory grows with the size of the
// file — and slower than curl sends it. Requests whose body is a LocalFileBlob (the LFS PUTs: whole
// files, or multipart parts) go instead through node:http(s), streamed from the file with backpressure and
// with real upload progress; every other request goes to the fetch it wraps, unchanged.
//
// An upload the storage fails for a passing reason (HTTP 500/502/503/504, a dropped or refused connection,
// an idle socket) is sent again from the file after a pause, as huggingface_hub's Python client retries
// its LFS PUTs: a pre-signed PUT of the same bytes is idempotent, and a 2 GB upload should not be lost to
// one 503. Anything else (a refused signature, a changed file, a cancel) fails at once.
//
// Proxies and TLS: the request uses node's default agents, the very ones VS Code patches in the extension
// host for `http.proxy`, system proxies and system certificates, as it extends fetch; in a plain node process
// (the CLI) neither node 20's fetch nor node:http reads HTTP(S)_PROXY, so the route is the same as before.

import { open } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { sleep } from '../core/sleep';
import { FILE_READ_CHUNK, FileChangedError, LocalFileBlob } from './localFileBlob';

/** What the hub client adds to the init of an upload (commit.ts: `progressHint`, with part/numParts for multipart). */
interface ProgressHint {
  progressCallback?: (progress: number) => void;
  part?: number;
  numParts?: number;
}

export interface FileUploadFetchOptions {
  /** Where every request without a file body goes. Default: the global fetch. */
  fallback?: typeof fetch;
  /**
   * Fail an upload when the socket has been idle this long (undici's default body timeout is 300 s too).
   * Default 300 000.
   */
  idleTimeoutMs?: number;
  /** Pauses before each new attempt of a failed upload; its length is the number of retries. Default 1, 3 and 9 s. */
  retryDelaysMs?: readonly number[];
  /** Told before each pause, so a progress view can say why an upload started over. */
  onRetry?: (retry: UploadRetry) => void;
}

export interface UploadRetry {
  /** The file on disk being uploaded (the whole file, or the file a part belongs to). */
  filePath: string;
  /** The attempt about to start: 2 for the first retry. */
  attempt: number;
  attempts: number;
  /** Why the last attempt failed, e.g. "HTTP 503" or "ECONNRESET". */
  reason: string;
  delayMs: number;
}

/** Statuses a storage answers for a passing fault (huggingface_hub retries its LFS PUTs on the same four). */
const RETRIED_STATUSES = new Set([500, 502, 503, 504]);
/** Connection failures worth another attempt: dropped, refused, timed out, or a name lookup that failed for now. */
const RETRIED_NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const DEFAULT_RETRY_DELAYS_MS = [1000, 3000, 9000];

/** Progress never reaches 1 from the bytes sent: the hub client reports 1 once the storage has said yes. */
const ALMOST_DONE = 0.9999;

export function fileUploadFetch(opts: FileUploadFetchOptions = {}): typeof fetch {
  const fallback = opts.fallback ?? ((input, init) => fetch(input, init));
  const idleTimeoutMs = opts.idleTimeoutMs ?? 300_000;
  const retryDelaysMs = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  // Multipart: several parts of one file in flight, each with its own request; the file's progress is their sum.
  const partsSent = new WeakMap<(progress: number) => void, Map<number, number>>();

  return async (input, init) => {
    const body = init?.body;
    const method = (init?.method ?? 'GET').toUpperCase();
    if (!(body instanceof LocalFileBlob) || (method !== 'PUT' && method !== 'POST')) return fallback(input, init);
    const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return fallback(input, init);

    const hint = (init as { progressHint?: ProgressHint }).progressHint;
    const callback = hint?.progressCallback;
    let report: ((sent: number) => void) | undefined;
    if (callback && body.size > 0) {
      if (hint.part !== undefined && hint.numParts) {
        const part = hint.part;
        const numParts = hint.numParts;
        let parts = partsSent.get(callback);
        if (!parts) partsSent.set(callback, (parts = new Map()));
        const fileParts = parts;
        report = (sent) => {
          fileParts.set(part, sent / body.size);
          let total = 0;
          for (const fraction of fileParts.values()) total += fraction;
          callback(Math.min(total / numParts, ALMOST_DONE));
        };
      } else {
        report = (sent) => callback(Math.min(sent / body.size, ALMOST_DONE));
      }
    }
    const signal = init?.signal ?? undefined;
    const attempts = retryDelaysMs.length + 1;
    for (let attempt = 1; ; attempt++) {
      let reason: string | undefined;
      try {
        const response = await sendFile(url, method, new Headers(init?.headers), body, signal, idleTimeoutMs, report);
        if (!RETRIED_STATUSES.has(response.status) || attempt === attempts) return response;
        reason = `HTTP ${response.status}`;
      } catch (err) {
        reason = retriedNetworkCode(err);
        if (!reason || attempt === attempts || signal?.aborted) throw err;
      }
      const delayMs = retryDelaysMs[attempt - 1]!;
      opts.onRetry?.({ filePath: body.filePath, attempt: attempt + 1, attempts, reason, delayMs });
      report?.(0);
      await sleep(delayMs, signal);
      if (signal?.aborted) throw abortReason(signal);
    }
  };
}

/** The code of a connection failure worth retrying (as sendFile shapes it, like undici), else undefined. */
function retriedNetworkCode(err: unknown): string | undefined {
  if (!(err instanceof TypeError) || !(err.cause instanceof Error)) return undefined;
  const code = (err.cause as NodeJS.ErrnoException).code;
  return code && RETRIED_NETWORK_CODES.has(code) ? code : undefined;
}

/**
 * Buffers the body is read into and written from, each reused once the socket has taken its bytes: a fresh
 * buffer per chunk (as a file read stream allocates) touches fresh pages, a page fault per chunk sent, CPU
 * taken from the send itself (docs/PERFORMANCE.md, Hub upload).
 */
const SEND_BUFFERS = 4;

function sendFile(
  url: URL,
  method: string,
  headers: Headers,
  blob: LocalFileBlob,
  signal: AbortSignal | undefined,
  idleTimeoutMs: number,
  report: ((sent: number) => void) | undefined,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const outgoing: Record<string, string> = {};
    headers.forEach((value, key) => {
      outgoing[key] = value;
    });
    // The blob's own length, whatever a caller put: a pre-signed storage URL checks it.
    outgoing['content-length'] = String(blob.size);
    const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers: outgoing });

    let settled = false;
    const body: BodyState = { halted: false, waiting: new Set() };
    /** The body must stop: the storage answered, or the request failed. Wakes a sender waiting for a buffer. */
    const haltSending = () => {
      body.halted = true;
      for (const wake of body.waiting) wake(undefined);
      body.waiting.clear();
    };
    const settle = (outcome: { response: Response } | { error: unknown }) => {
      if (settled) return;
      settled = true;
      haltSending();
      signal?.removeEventListener('abort', onAbort);
      if ('response' in outcome) resolve(outcome.response);
      else reject(outcome.error);
    };
    const fail = (error: unknown) => {
      request.destroy();
      settle({ error });
    };
    const onAbort = () => fail(abortReason(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });

    request.setTimeout(idleTimeoutMs, () => {
      fail(networkError(Object.assign(new Error(`no progress for ${Math.round(idleTimeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })));
    });
    // As undici does, so hubErrors.networkFailureCode reads the code (ECONNREFUSED, ECONNRESET, …) from `cause`.
    request.on('error', (err) => fail(networkError(err)));
    request.on('response', (incoming) => {
      // The storage may answer before the whole body is sent (a refused signature, a full disk): stop sending,
      // and let the connection go with the answer, since a half-sent body leaves it unusable.
      haltSending();
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', (err) => fail(networkError(err)));
      incoming.on('end', () => {
        const status = incoming.statusCode ?? 0;
        const responseHeaders = new Headers();
        for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) responseHeaders.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
        const nullBody = status === 204 || status === 205 || status === 304;
        const response = new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: incoming.statusMessage ?? '', headers: responseHeaders });
        // The hub client names the URL in its errors, as it would with undici's Response.
        Object.defineProperty(response, 'url', { value: url.href });
        settle({ response });
        if (!request.writableEnded) request.destroy();
      });
    });

    sendBody(request, blob, body, report).catch(fail);
  });
}

interface BodyState {
  halted: boolean;
  /** Resolvers of buffers still being written; a destroyed request may never call their write callbacks. */
  waiting: Set<(buffer: Buffer | undefined) => void>;
}

/** Reads the range into a few reused buffers and writes them to the request, at most SEND_BUFFERS in flight. */
async function sendBody(request: http.ClientRequest, blob: LocalFileBlob, body: BodyState, report: ((sent: number) => void) | undefined): Promise<void> {
  if (blob.size === 0) {
    request.end();
    return;
  }
  const file = await open(blob.filePath, 'r');
  try {
    const ring: Array<Promise<Buffer | undefined>> = [];
    for (let i = 0; i < SEND_BUFFERS; i++) ring.push(Promise.resolve(Buffer.allocUnsafeSlow(FILE_READ_CHUNK)));
    let position = blob.start;
    let sent = 0;
    for (let slot = 0; position < blob.end; slot = (slot + 1) % SEND_BUFFERS) {
      const buffer = await ring[slot];
      if (!buffer || body.halted) return;
      const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, blob.end - position), position);
      if (bytesRead === 0) throw new FileChangedError(blob.filePath);
      if (body.halted) return;
      position += bytesRead;
      ring[slot] = new Promise<Buffer | undefined>((release) => {
        body.waiting.add(release);
        request.write(buffer.subarray(0, bytesRead), (err) => {
          body.waiting.delete(release);
          if (err) return release(undefined);
          sent += bytesRead;
          report?.(sent);
          release(buffer);
        });
      });
    }
    request.end();
  } finally {
    // The socket may still be sending the last buffers; closing the file does not touch them.
    await file.close();
  }
}

function networkError(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
