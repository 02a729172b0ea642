// A local stand-in for the Hugging Face Hub and its inference router, answering what @huggingface/hub and
// @huggingface/inference really send (their request shapes are in node_modules/@huggingface/*/src):
//
//   GET  /api/whoami-v2                                   whoAmI
//   POST /api/repos/create                                createRepo (409 + {error, url} when it exists)
//   GET  /api/models/<ns>/<name>[?expand[]=…]             model info; inference provider mapping
//   POST /api/models/<ns>/<name>/preupload/<rev>          commit step 1: regular or lfs, per file
//   POST /<ns>/<name>.git/info/lfs/objects/batch          commit step 2: LFS batch, answers transfer "basic"
//                                                         (or "xet" with `xet: true` when the client offers it)
//   PUT  /lfs-upload/<oid>?sig=…                          the pre-signed upload URL the batch hands out
//   PUT  /lfs-part/<oid>/<n>?sig=…, POST /lfs-complete/<oid>?sig=…
//                                                         multipart upload (with `multipartChunkSize`): parts,
//                                                         then the completion that joins and checks them
//   GET  /api/models/<ns>/<name>/xet-write-token/<rev>    a Xet CAS write token ({accessToken, exp, casUrl})
//   POST /cas/v1/xorbs/default/<hash>, /cas/v1/shards     the Xet CAS (xetCas.ts): files rebuilt and sha256-checked
//   POST /api/models/<ns>/<name>/commit/<rev>             commit step 3: NDJSON header/file/lfsFile/deletedFile
//   GET  /<ns>/<name>/resolve/<rev>/<path>                file download (Range aware; LFS → 302 to /lfs-files)
//   POST /hf-inference/models/<ns>/<name>                 the router's hf-inference route (404 unless deployed)
//   POST /endpoints/<name>                                a dedicated endpoint: always serves summarization
//
//   const hub = await startHubEmulator();
//   await uploadFiles({ repo: 'alice/model', accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url, files });
//   hub.state.repos.get('alice/model')?.commits  // what the Hub recorded
//   await hub.stop();
//
// LFS blobs are streamed to a temporary folder (removed on stop); everything else is in memory. The server
// stops by itself after maxLifetimeMs. Authorization values are never logged or stored.

import { createHash, randomBytes } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { extractiveSummary } from './extractiveSummary';
import { XetFormatError, XetStore } from './xetCas';
import { LFS_SIZE_THRESHOLD, commitAt, createEmulatedRepo, gitBlobOid, isValidRepoName, lfsMatchers, looksBinary, makeCommit, uploadModeFor } from './hubRepoStore';
import type { CommitChange, EmulatedRepo, RepoEntry } from './hubRepoStore';

export type OrgRole = 'admin' | 'write' | 'contributor' | 'read';

export interface EmulatedUser {
  name: string;
  fullname?: string;
  orgs?: Array<{ name: string; role: OrgRole }>;
}

export interface EmulatedToken {
  /** The user the token belongs to. */
  user: string;
  role: 'read' | 'write';
  displayName?: string;
}

export interface HubFaults {
  /** The Nth upload PUT (1-based, parts included) after these faults are set answers 500 as S3 does, and stores nothing. */
  failUploadPut?: number;
  /** How many upload PUTs in a row fail from the Nth on (default 1); Infinity for every one after it. */
  failUploadPuts?: number;
  /** Wait this long before answering each request whose `METHOD /path` matches `delayOn` (all when unset). */
  delayMs?: number;
  delayOn?: RegExp;
  /** Answer 503 to requests whose `METHOD /path` matches (inference routes answer "currently loading"). */
  unavailable?: RegExp;
}

export interface HubEmulatorOptions {
  users?: EmulatedUser[];
  /** Token value → owner. Token values must start with `hf_`, as the clients insist. */
  tokens?: Record<string, EmulatedToken>;
  /** Model ids the hf-inference provider serves (summarization); every other model is "not deployed". */
  deployedModels?: string[];
  /** Among deployedModels, those whose provider mapping says "staging" (the client warns that they are for tests only). */
  stagingModels?: string[];
  faults?: HubFaults;
  /** The server closes itself after this long, whatever the test does. Default 10 minutes. */
  maxLifetimeMs?: number;
  /**
   * Answer LFS batches that offer "xet" with the Xet transfer, as the Hub does for Xet-backed repositories
   * (the default for new accounts since May 2025). Off by default: then every batch answers "basic".
   */
  xet?: boolean;
  /**
   * Hand out multipart uploads (a `chunk_size` header and one URL per part, then a completion URL) for LFS
   * objects larger than this many bytes, as the Hub's LFS storage does for large files. Unset: one PUT each.
   */
  multipartChunkSize?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** The query string with signatures masked. */
  query: string;
  status: number;
  /** Whether an Authorization header came, and whether its token was known; its value is never kept. */
  auth: 'none' | 'valid' | 'invalid';
  user?: string;
}

export interface LfsObject {
  oid: string;
  size: number;
  file: string;
}

export interface SummarizationCall {
  route: 'router' | 'endpoint';
  target: string;
  inputs: string;
  summary: string;
}

export interface HubEmulatorState {
  requests: LoggedRequest[];
  repos: Map<string, EmulatedRepo>;
  lfsObjects: Map<string, LfsObject>;
  /** The `transfers` each LFS batch request offered (the clients add "xet" unless useXet is false). */
  lfsBatchTransfers: string[][];
  /** Upload PUTs received since the faults were last set. */
  uploadPuts: number;
  /**
   * What the Xet CAS received: write tokens issued, xorbs stored, shards accepted, files rebuilt from them,
   * and the stored chunks by compression scheme ([stored, LZ4, byte-grouped LZ4]).
   */
  xet: { writeTokens: number; xorbs: number; shards: number; files: number; dedupQueries: number; chunkSchemes: number[] };
  summarizations: SummarizationCall[];
  deployedModels: Set<string>;
}

export interface HubEmulator {
  readonly url: string;
  readonly state: HubEmulatorState;
  /** Replaces the active faults and restarts the upload PUT count they refer to. */
  setFaults(faults: HubFaults): void;
  /** The bytes of a file at a revision, as `resolve` would serve them (undefined when absent). */
  readFile(repo: string, filePath: string, rev?: string): Promise<Buffer | undefined>;
  stop(): Promise<void>;
}

export const EMULATOR_USER = 'alice';
export const EMULATOR_ORG = 'sagemaker-hf-org';
/** An organisation alice only reads: pushing there must be refused. */
export const EMULATOR_READONLY_ORG = 'read-only-org';
export const EMULATOR_WRITE_TOKEN = 'hf_emulatorWriteTokenAlice0123456789';
export const EMULATOR_READ_TOKEN = 'hf_emulatorReadTokenAlice01234567890';

const DEFAULT_USERS: EmulatedUser[] = [
  {
    name: EMULATOR_USER,
    fullname: 'Alice Example',
    orgs: [
      { name: EMULATOR_ORG, role: 'write' },
      { name: EMULATOR_READONLY_ORG, role: 'read' },
    ],
  },
];
const DEFAULT_TOKENS: Record<string, EmulatedToken> = {
  [EMULATOR_WRITE_TOKEN]: { user: EMULATOR_USER, role: 'write', displayName: 'emulator-write' },
  [EMULATOR_READ_TOKEN]: { user: EMULATOR_USER, role: 'read', displayName: 'emulator-read' },
};

const MAX_JSON_BODY = 64 * 1024 * 1024;
const MAX_COMMIT_BODY = 1024 * 1024 * 1024;
/** A xorb holds at most 64 MiB of chunks (the clients' limit); a shard at most 64 MiB. */
const MAX_XORB_BODY = 65 * 1024 * 1024;

type Auth = { kind: 'none' } | { kind: 'invalid' } | { kind: 'valid'; token: EmulatedToken; user: EmulatedUser };

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

const INVALID_CREDENTIALS = { error: 'Invalid credentials in Authorization header' };
const REPO_NOT_FOUND = (id: string) => new HttpFailure(404, { error: `Repository not found: ${id}` }, { 'X-Error-Code': 'RepoNotFound' });

export async function startHubEmulator(opts: HubEmulatorOptions = {}): Promise<HubEmulator> {
  const users = opts.users ?? DEFAULT_USERS;
  const tokens = opts.tokens ?? DEFAULT_TOKENS;
  const blobDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-emulator-'));
  const state: HubEmulatorState = {
    requests: [],
    repos: new Map(),
    lfsObjects: new Map(),
    lfsBatchTransfers: [],
    uploadPuts: 0,
    xet: { writeTokens: 0, xorbs: 0, shards: 0, files: 0, dedupQueries: 0, chunkSchemes: [0, 0, 0] },
    summarizations: [],
    deployedModels: new Set(opts.deployedModels ?? []),
  };
  let faults: HubFaults = opts.faults ?? {};
  /** Pre-signed upload grants handed out by the batch API: signature → object. */
  const uploadGrants = new Map<string, { oid: string; size: number }>();
  /** Multipart uploads in progress: signature → object, part size and count, and the parts received (number → file, ETag). */
  const multipartGrants = new Map<string, { oid: string; size: number; chunkSize: number; partCount: number; parts: Map<number, { file: string; etag: string }> }>();
  const xetStore = new XetStore(blobDir);
  state.xet.chunkSchemes = xetStore.schemes;
  /** Xet CAS access tokens handed out: value → repository and expiry (epoch seconds). */
  const xetTokens = new Map<string, { repo: string; exp: number }>();
  let requestCounter = 0;
  let baseUrl = '';

  const authenticate = (req: http.IncomingMessage): Auth => {
    const header = req.headers.authorization;
    if (!header) return { kind: 'none' };
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match ? tokens[match[1]!] : undefined;
    const user = token ? users.find((u) => u.name === token.user) : undefined;
    return token && user ? { kind: 'valid', token, user } : { kind: 'invalid' };
  };

  const requireUser = (auth: Auth): Extract<Auth, { kind: 'valid' }> => {
    if (auth.kind !== 'valid') throw new HttpFailure(401, INVALID_CREDENTIALS);
    return auth;
  };

  const roleIn = (user: EmulatedUser, namespace: string): OrgRole | undefined => (namespace === user.name ? 'admin' : user.orgs?.find((o) => o.name === namespace)?.role);

  const canRead = (repo: EmulatedRepo, auth: Auth): boolean => !repo.private || (auth.kind === 'valid' && roleIn(auth.user, namespaceOf(repo.id)) !== undefined);

  const requireWrite = (auth: Auth, namespace: string, what: string): EmulatedUser => {
    const { token, user } = requireUser(auth);
    if (token.role !== 'write') {
      throw new HttpFailure(403, { error: `This token has read access only and cannot ${what}. Use a token with the "write" role.` });
    }
    const role = roleIn(user, namespace);
    if (role !== 'admin' && role !== 'write' && role !== 'contributor') {
      throw new HttpFailure(403, { error: `You don't have the rights to ${what} under the namespace "${namespace}"` });
    }
    return user;
  };

  const readableRepo = (id: string, auth: Auth): EmulatedRepo => {
    const repo = state.repos.get(id);
    // The Hub answers "not found" for private repositories the caller cannot see, so as not to reveal them.
    if (!repo || !canRead(repo, auth)) throw REPO_NOT_FOUND(id);
    return repo;
  };

  // --- route handlers -------------------------------------------------------------------------------------

  const whoAmI = (auth: Auth) => {
    const { token, user } = requireUser(auth);
    return {
      type: 'user',
      id: idFor(user.name),
      name: user.name,
      fullname: user.fullname ?? user.name,
      email: `${user.name}@example.com`,
      emailVerified: true,
      canPay: false,
      periodEnd: null,
      isPro: false,
      avatarUrl: `${baseUrl}/avatars/${user.name}.svg`,
      billingMode: 'postpaid',
      orgs: (user.orgs ?? []).map((o) => ({
        type: 'org',
        id: idFor(o.name),
        name: o.name,
        fullname: o.name,
        email: null,
        canPay: false,
        periodEnd: null,
        avatarUrl: `${baseUrl}/avatars/${o.name}.svg`,
        roleInOrg: o.role,
      })),
      auth: {
        type: 'access_token',
        accessToken: { displayName: token.displayName ?? 'token', role: token.role, createdAt: '2026-01-01T00:00:00.000Z' },
      },
    };
  };

  const createRepoRoute = async (req: http.IncomingMessage, auth: Auth) => {
    const body = await readJson(req);
    const name = stringField(body, 'name');
    const type = body.type ?? 'model';
    if (type !== 'model') throw new HttpFailure(400, { error: `The emulator only hosts model repositories, not "${String(type)}"` });
    const namespace = typeof body.organization === 'string' && body.organization ? body.organization : requireUser(auth).user.name;
    const user = requireWrite(auth, namespace, 'create a model');
    if (!isValidRepoName(name)) {
      throw new HttpFailure(400, {
        error: `Invalid repo name "${name}": use letters, digits, '-', '_' and '.', start and end with a letter, digit or '_', at most 96 characters, not ending in '.git'`,
      });
    }
    const id = `${namespace}/${name}`;
    if (state.repos.has(id)) throw new HttpFailure(409, { error: 'You already created this model repo', url: `${baseUrl}/${id}` });
    const files = Array.isArray(body.files)
      ? body.files.map((f: { path: string; content: string; encoding?: string }) => ({
          path: f.path,
          content: Buffer.from(f.content, f.encoding === 'base64' ? 'base64' : 'utf8'),
        }))
      : undefined;
    const repo = createEmulatedRepo(id, {
      private: body.visibility === 'private' || body.private === true,
      ...(typeof body.license === 'string' ? { license: body.license } : {}),
      author: user.name,
      ...(files ? { files } : {}),
    });
    state.repos.set(id, repo);
    return { url: `${baseUrl}/${id}`, name: id, id: repo.objectId };
  };

  const modelInfo = (id: string, auth: Auth, query: URLSearchParams) => {
    const repo = state.repos.get(id);
    const deployed = state.deployedModels.has(id);
    if (!deployed || repo) readableRepo(id, auth);
    const status = opts.stagingModels?.includes(id) ? 'staging' : 'live';
    const mapping = deployed ? [{ provider: 'hf-inference', providerId: id, hfModelId: id, status, task: 'summarization' }] : [];
    const expand = query.getAll('expand[]').concat(query.getAll('expand'));
    const objectId = repo?.objectId ?? idFor(id);
    if (expand.length > 0) {
      // With expand the Hub returns only the asked-for fields besides the ids.
      return { _id: objectId, id, ...(expand.includes('inferenceProviderMapping') ? { inferenceProviderMapping: mapping } : {}) };
    }
    const head = repo ? commitAt(repo, 'main') : undefined;
    return {
      _id: objectId,
      id,
      modelId: id,
      author: namespaceOf(id),
      private: repo?.private ?? false,
      disabled: false,
      gated: false,
      sha: head?.oid,
      lastModified: (head?.createdAt ?? new Date(0)).toISOString(),
      createdAt: (repo?.createdAt ?? new Date(0)).toISOString(),
      likes: 0,
      downloads: 0,
      tags: [],
      ...(deployed ? { pipeline_tag: 'summarization' } : {}),
      siblings: head ? [...head.tree.keys()].sort().map((rfilename) => ({ rfilename })) : [],
    };
  };

  const preupload = async (req: http.IncomingMessage, id: string, rev: string, auth: Auth) => {
    const repo = readableRepo(id, auth);
    requireUser(auth);
    const head = commitAt(repo, rev);
    if (!head || !repo.branches.has(rev)) throw new HttpFailure(404, { error: `Invalid rev id: ${rev}` }, { 'X-Error-Code': 'RevisionNotFound' });
    const body = await readJson(req);
    if (!Array.isArray(body.files)) throw new HttpFailure(400, { error: '"files" must be an array' });
    const attributes = typeof body.gitAttributes === 'string' ? body.gitAttributes : entryText(head.tree.get('.gitattributes'));
    const matchers = lfsMatchers(attributes);
    return {
      files: body.files.map((f: { path: string; size: number; sample: string }) => {
        const existing = head.tree.get(f.path);
        return {
          path: f.path,
          uploadMode: uploadModeFor(f.path, f.size, Buffer.from(f.sample ?? '', 'base64'), matchers),
          shouldIgnore: false,
          ...(existing ? { oid: existing.kind === 'regular' ? existing.blobOid : existing.oid } : {}),
        };
      }),
      commitOid: head.oid,
    };
  };

  const lfsBatch = async (req: http.IncomingMessage, id: string, auth: Auth) => {
    const repo = readableRepo(id, auth);
    const body = await readJson(req);
    if (body.operation !== 'upload') throw new HttpFailure(422, { message: 'The emulator implements the LFS batch API for uploads only' });
    requireWrite(auth, namespaceOf(repo.id), 'push to this repo');
    state.lfsBatchTransfers.push(Array.isArray(body.transfers) ? body.transfers.map(String) : []);
    if (!Array.isArray(body.objects)) throw new HttpFailure(422, { message: '"objects" must be an array' });
    const xet = opts.xet === true && Array.isArray(body.transfers) && body.transfers.includes('xet');
    const xetHeader = xet ? issueXetToken(repo.id) : undefined;
    return {
      transfer: xet ? 'xet' : 'basic',
      objects: body.objects.map((o: { oid: unknown; size: unknown }) => {
        const oid = String(o.oid);
        const size = Number(o.size);
        if (!/^[0-9a-f]{64}$/.test(oid) || !Number.isInteger(size) || size < 0) {
          return { oid, size, error: { code: 422, message: 'Invalid object: oid must be a sha256 and size a non-negative integer' } };
        }
        const stored = state.lfsObjects.get(oid);
        if (stored && stored.size === size) return { oid, size };
        // Xet: the "upload action" is where to refresh the CAS token; the header carries the first one.
        if (xetHeader) return { oid, size, authenticated: true, actions: { upload: { href: `${baseUrl}/api/models/${repo.id}/xet-write-token/main`, header: xetHeader } } };
        const sig = randomBytes(16).toString('hex');
        const chunkSize = opts.multipartChunkSize;
        if (chunkSize && size > chunkSize) {
          const partCount = Math.ceil(size / chunkSize);
          multipartGrants.set(sig, { oid, size, chunkSize, partCount, parts: new Map() });
          const header: Record<string, string> = { chunk_size: String(chunkSize) };
          for (let n = 1; n <= partCount; n++) header[String(n)] = `${baseUrl}/lfs-part/${oid}/${n}?sig=${sig}`;
          return { oid, size, authenticated: true, actions: { upload: { href: `${baseUrl}/lfs-complete/${oid}?sig=${sig}`, header, expires_in: 86400 } } };
        }
        uploadGrants.set(sig, { oid, size });
        return { oid, size, authenticated: true, actions: { upload: { href: `${baseUrl}/lfs-upload/${oid}?sig=${sig}`, expires_in: 86400 } } };
      }),
    };
  };

  /** A CAS write token for a repository, in the headers the batch answer carries (the Hub's names). */
  const issueXetToken = (repo: string): Record<string, string> => {
    const accessToken = `xet_${randomBytes(16).toString('hex')}`;
    const exp = Math.floor(Date.now() / 1000) + 3600;
    xetTokens.set(accessToken, { repo, exp });
    state.xet.writeTokens += 1;
    return { 'X-Xet-Cas-Url': `${baseUrl}/cas`, 'X-Xet-Access-Token': accessToken, 'X-Xet-Token-Expiration': String(exp), 'X-Xet-Session-Id': randomBytes(8).toString('hex') };
  };

  const xetWriteToken = (id: string, auth: Auth) => {
    const repo = readableRepo(id, auth);
    requireWrite(auth, namespaceOf(repo.id), 'push to this repo');
    const header = issueXetToken(repo.id);
    return { accessToken: header['X-Xet-Access-Token'], exp: Number(header['X-Xet-Token-Expiration']), casUrl: header['X-Xet-Cas-Url'] };
  };

  /** The Xet CAS: its own bearer tokens (from the batch or the write-token route), never a Hub token. */
  const cas = async (req: http.IncomingMessage, res: http.ServerResponse, method: string, seg: string[]) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const grant = bearer ? xetTokens.get(bearer) : undefined;
    if (!grant || grant.exp * 1000 < Date.now()) {
      await drain(req);
      throw new HttpFailure(401, { error: 'Invalid or expired CAS token' });
    }
    const route = seg.slice(1).join('/');
    try {
      if (method === 'GET' && seg.length === 5 && route.startsWith('v1/chunks/default/')) {
        state.xet.dedupQueries += 1;
        throw new HttpFailure(404, { error: 'No shard holds this chunk' });
      }
      if (method === 'POST' && seg.length === 5 && route.startsWith('v1/xorbs/default/')) {
        const inserted = await xetStore.putXorb(seg[4]!, await readBody(req, MAX_XORB_BODY));
        state.xet.xorbs += 1;
        return sendJson(res, 200, { was_inserted: inserted });
      }
      if (method === 'POST' && route === 'v1/shards') {
        const files = await xetStore.putShard(await readBody(req, MAX_XORB_BODY));
        state.xet.shards += 1;
        for (const f of files) {
          state.xet.files += 1;
          state.lfsObjects.set(f.sha256, { oid: f.sha256, size: f.size, file: f.file });
        }
        return sendJson(res, 200, { result: files.length ? 1 : 0 });
      }
    } catch (err) {
      if (err instanceof XetFormatError) throw new HttpFailure(400, { error: `Malformed upload: ${err.message}` });
      throw err;
    }
    throw new HttpFailure(404, 'Not Found');
  };

  /** Counts an upload PUT (whole object or part); true when the active faults fail this one, answered as S3 does. */
  const failedByFault = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    state.uploadPuts += 1;
    const first = faults.failUploadPut;
    if (first === undefined || state.uploadPuts < first || state.uploadPuts >= first + (faults.failUploadPuts ?? 1)) return false;
    await drain(req);
    sendS3Error(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
    return true;
  };

  /** One part of a multipart upload, stored as it comes; its ETag is the part's MD5, as S3 answers. */
  const lfsPart = async (req: http.IncomingMessage, res: http.ServerResponse, oid: string, part: number, query: URLSearchParams) => {
    const grant = multipartGrants.get(query.get('sig') ?? '');
    if (!grant || grant.oid !== oid || !Number.isInteger(part) || part < 1 || part > grant.partCount) {
      await drain(req);
      return sendS3Error(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    if (await failedByFault(req, res)) return;
    const expected = part < grant.partCount ? grant.chunkSize : grant.size - grant.chunkSize * (grant.partCount - 1);
    const file = path.join(blobDir, `part-${oid}-${part}-${randomBytes(4).toString('hex')}`);
    const md5 = createHash('md5');
    const received = await receiveBody(req, file, expected, md5);
    if (received !== expected) {
      await fs.rm(file, { force: true });
      return sendS3Error(res, 400, 'IncompleteBody', `Part ${part} should be ${expected} bytes; the upload did not match.`);
    }
    const etag = `"${md5.digest('hex')}"`;
    const previous = grant.parts.get(part);
    if (previous) await fs.rm(previous.file, { force: true });
    grant.parts.set(part, { file, etag });
    res.writeHead(200, { ETag: etag, 'Content-Length': '0' });
    res.end();
  };

  /** The completion: every part named with its ETag, joined in order, the whole checked against the oid. */
  const lfsComplete = async (req: http.IncomingMessage, res: http.ServerResponse, oid: string, query: URLSearchParams) => {
    const grant = multipartGrants.get(query.get('sig') ?? '');
    if (!grant || grant.oid !== oid) {
      await drain(req);
      throw new HttpFailure(403, { message: 'Unknown or expired multipart upload' });
    }
    const body = await readJson(req);
    const named = Array.isArray(body.parts) ? (body.parts as Array<{ partNumber: unknown; etag: unknown }>) : [];
    const count = grant.partCount;
    if (body.oid !== oid || named.length !== count) throw new HttpFailure(400, { message: `The completion must name the object and all ${count} parts` });
    for (const p of named) {
      const stored = grant.parts.get(Number(p.partNumber));
      if (!stored) throw new HttpFailure(400, { message: `Part ${String(p.partNumber)} was never uploaded` });
      if (stored.etag !== p.etag) throw new HttpFailure(400, { message: `Part ${String(p.partNumber)}: ETag ${String(p.etag)} does not match the stored part's ${stored.etag}` });
    }
    const joined = path.join(blobDir, `joining-${oid}`);
    const hash = createHash('sha256');
    const out = createWriteStream(joined);
    for (let n = 1; n <= count; n++) {
      for await (const chunk of createReadStream(grant.parts.get(n)!.file) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    }
    out.end();
    await finished(out);
    await Promise.all([...grant.parts.values()].map((p) => fs.rm(p.file, { force: true })));
    multipartGrants.delete(query.get('sig')!);
    const digest = hash.digest('hex');
    if (digest !== oid) {
      await fs.rm(joined, { force: true });
      throw new HttpFailure(400, { message: `The joined parts hash to ${digest}, not ${oid}` });
    }
    const file = path.join(blobDir, oid);
    await fs.rename(joined, file);
    state.lfsObjects.set(oid, { oid, size: grant.size, file });
    sendJson(res, 200, {});
  };

  const lfsUpload = async (req: http.IncomingMessage, res: http.ServerResponse, oid: string, query: URLSearchParams) => {
    const grant = uploadGrants.get(query.get('sig') ?? '');
    if (!grant || grant.oid !== oid) {
      await drain(req);
      return sendS3Error(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    if (await failedByFault(req, res)) return;
    const temp = path.join(blobDir, `incoming-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    const received = await receiveBody(req, temp, grant.size, hash);
    if (received === undefined) {
      await fs.rm(temp, { force: true });
      return sendS3Error(res, 400, 'IncompleteBody', `Expected ${grant.size} bytes, the upload did not match.`);
    }
    const digest = hash.digest('hex');
    if (received !== grant.size || digest !== oid) {
      await fs.rm(temp, { force: true });
      return sendS3Error(res, 400, 'BadDigest', `The sha256 (${digest}) or size (${received}) does not match the object ${oid} (${grant.size} bytes).`);
    }
    const file = path.join(blobDir, oid);
    await fs.rename(temp, file);
    state.lfsObjects.set(oid, { oid, size: received, file });
    uploadGrants.delete(query.get('sig')!);
    res.writeHead(200, { ETag: `"${digest.slice(0, 32)}"`, 'Content-Length': '0' });
    res.end();
  };

  const commitRoute = async (req: http.IncomingMessage, id: string, rev: string, auth: Auth, query: URLSearchParams) => {
    const repo = readableRepo(id, auth);
    const author = requireWrite(auth, namespaceOf(repo.id), 'push to this repo');
    if (query.has('create_pr')) throw new HttpFailure(400, { error: 'The emulator does not implement pull requests' });
    const headOid = repo.branches.get(rev);
    const head = headOid ? commitAt(repo, headOid) : undefined;
    if (!head) throw new HttpFailure(404, { error: `Invalid rev id: ${rev}` }, { 'X-Error-Code': 'RevisionNotFound' });
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-ndjson')) {
      throw new HttpFailure(400, { error: 'Commits are sent as application/x-ndjson' });
    }
    const lines = (await readBody(req, MAX_COMMIT_BODY))
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        try {
          return JSON.parse(l) as { key: string; value: Record<string, unknown> };
        } catch {
          throw new HttpFailure(400, { error: 'Malformed NDJSON line in commit payload' });
        }
      });
    const header = lines.shift();
    if (header?.key !== 'header' || typeof header.value.summary !== 'string' || !header.value.summary.trim()) {
      throw new HttpFailure(400, { error: 'The first line must be the commit header with a non-empty summary' });
    }
    if (typeof header.value.parentCommit === 'string' && header.value.parentCommit !== head.oid) {
      throw new HttpFailure(412, { error: 'A commit has happened since. Please refresh and try again.' });
    }
    const tree = new Map<string, RepoEntry>(head.tree);
    const changes: CommitChange[] = [];
    for (const { key, value } of lines) {
      const filePath = typeof value?.path === 'string' ? value.path : '';
      if (!filePath || filePath.startsWith('/') || filePath.split('/').includes('..')) {
        throw new HttpFailure(400, { error: `Invalid path in commit operation: "${filePath}"` });
      }
      if (key === 'file') {
        const content = Buffer.from(String(value.content ?? ''), value.encoding === 'base64' ? 'base64' : 'utf8');
        if (content.length >= LFS_SIZE_THRESHOLD || looksBinary(content.subarray(0, 8000))) {
          throw new HttpFailure(400, {
            error: `Your push was rejected because it contains binary files or files of 10 MiB or more (${filePath}). Upload them through LFS.`,
          });
        }
        tree.set(filePath, { kind: 'regular', content, blobOid: gitBlobOid(content) });
        changes.push({ op: 'file', path: filePath, size: content.length });
      } else if (key === 'lfsFile') {
        const oid = String(value.oid ?? '');
        const stored = state.lfsObjects.get(oid);
        if (value.algo !== 'sha256' || !stored || stored.size !== Number(value.size)) {
          throw new HttpFailure(400, {
            error: `Your push was rejected because an LFS pointer pointed to a file that does not exist (${filePath}). Upload the LFS object first.`,
          });
        }
        tree.set(filePath, { kind: 'lfs', oid, size: stored.size });
        changes.push({ op: 'lfsFile', path: filePath, oid, size: stored.size });
      } else if (key === 'deletedFile') {
        if (!tree.delete(filePath)) throw new HttpFailure(404, { error: `Cannot delete ${filePath}: no such file at ${rev}` }, { 'X-Error-Code': 'EntryNotFound' });
        changes.push({ op: 'deletedFile', path: filePath });
      } else if (key === 'deletedFolder') {
        const prefix = filePath.endsWith('/') ? filePath : `${filePath}/`;
        for (const p of [...tree.keys()]) if (p.startsWith(prefix)) tree.delete(p);
        changes.push({ op: 'deletedFolder', path: filePath });
      } else {
        throw new HttpFailure(400, { error: `Unknown commit operation "${String(key)}"` });
      }
    }
    const commit = makeCommit(head, {
      title: header.value.summary,
      ...(typeof header.value.description === 'string' && header.value.description ? { description: header.value.description } : {}),
      author: author.name,
      changes,
      tree,
    });
    repo.commits.push(commit);
    repo.branches.set(rev, commit.oid);
    return { success: true, commitOid: commit.oid, commitUrl: `${baseUrl}/${id}/commit/${commit.oid}`, hookOutput: '' };
  };

  const resolveRoute = async (req: http.IncomingMessage, res: http.ServerResponse, id: string, rev: string, filePath: string, auth: Auth) => {
    const repo = readableRepo(id, auth);
    const commit = commitAt(repo, rev);
    if (!commit) throw new HttpFailure(404, { error: `Invalid rev id: ${rev}` }, { 'X-Error-Code': 'RevisionNotFound' });
    const entry = commit.tree.get(filePath);
    if (!entry) throw new HttpFailure(404, { error: `Entry not found: ${filePath}` }, { 'X-Error-Code': 'EntryNotFound' });
    const common = { 'X-Repo-Commit': commit.oid, 'Accept-Ranges': 'bytes' };
    if (entry.kind === 'lfs') {
      // Like the Hub: LFS content is served from blob storage, the Hub itself only redirects.
      res.writeHead(302, {
        ...common,
        Location: `${baseUrl}/lfs-files/${entry.oid}`,
        'X-Linked-Etag': `"${entry.oid}"`,
        'X-Linked-Size': String(entry.size),
        ETag: `"${entry.oid}"`,
        'Content-Length': '0',
      });
      res.end();
      return;
    }
    sendBytes(req, res, entry.content.length, { ...common, ETag: `"${entry.blobOid}"` }, (start, end) => entry.content.subarray(start, end + 1));
  };

  const lfsFile = (req: http.IncomingMessage, res: http.ServerResponse, oid: string) => {
    const stored = state.lfsObjects.get(oid);
    if (!stored) return sendS3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    sendBytes(req, res, stored.size, { ETag: `"${oid}"` }, (start, end) => createReadStream(stored.file, { start, end }));
  };

  const summarize = async (req: http.IncomingMessage, auth: Auth, route: SummarizationCall['route'], target: string) => {
    requireUser(auth);
    const body = await readJson(req);
    if (typeof body.inputs !== 'string' || !body.inputs.trim()) {
      throw new HttpFailure(400, { error: 'Input validation error: `inputs` must be a non-empty string' });
    }
    const summary = extractiveSummary(body.inputs);
    state.summarizations.push({ route, target, inputs: body.inputs, summary });
    return [{ summary_text: summary }];
  };

  // --- dispatch -------------------------------------------------------------------------------------------

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, auth: Auth) => {
    const method = req.method ?? 'GET';
    const seg = url.pathname
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s));
    const route = `${method} ${url.pathname}`;
    // Unref'd: a delay longer than the test (a cancel test's) must not hold its process open after stop().
    if (faults.delayMs && (!faults.delayOn || faults.delayOn.test(route))) await new Promise((resolve) => setTimeout(resolve, faults.delayMs).unref());
    if (faults.unavailable?.test(route)) {
      if (seg[0] === 'hf-inference' || seg[0] === 'endpoints') {
        throw new HttpFailure(503, { error: `Model ${seg.slice(2).join('/') || seg[1]} is currently loading`, estimated_time: 20.0 });
      }
      throw new HttpFailure(503, 'Service Unavailable');
    }
    if (seg[0] === 'cas') return cas(req, res, method, seg);
    // An unknown token is refused everywhere, even on public resources, as the Hub does.
    if (auth.kind === 'invalid' && !['lfs-upload', 'lfs-part', 'lfs-complete', 'lfs-files'].includes(seg[0] ?? '')) throw new HttpFailure(401, INVALID_CREDENTIALS);

    if (method === 'GET' && url.pathname === '/api/whoami-v2') return sendJson(res, 200, whoAmI(auth));
    if (method === 'POST' && url.pathname === '/api/repos/create') return sendJson(res, 200, await createRepoRoute(req, auth));
    if (seg[0] === 'api' && seg[1] === 'models' && seg.length >= 4) {
      const id = `${seg[2]}/${seg[3]}`;
      if (method === 'GET' && seg.length === 4) return sendJson(res, 200, modelInfo(id, auth, url.searchParams));
      if (method === 'POST' && seg[4] === 'preupload' && seg.length === 6) return sendJson(res, 200, await preupload(req, id, seg[5]!, auth));
      if (method === 'GET' && seg[4] === 'xet-write-token' && seg.length === 6) return sendJson(res, 200, xetWriteToken(id, auth));
      if (method === 'POST' && seg[4] === 'commit' && seg.length === 6) return sendJson(res, 200, await commitRoute(req, id, seg[5]!, auth, url.searchParams));
    }
    if (method === 'POST' && seg.length === 6 && seg[1]?.endsWith('.git') && seg.slice(2).join('/') === 'info/lfs/objects/batch') {
      const body = await lfsBatch(req, `${seg[0]}/${seg[1]!.slice(0, -4)}`, auth);
      return sendJson(res, 200, body, { 'Content-Type': 'application/vnd.git-lfs+json' });
    }
    if (method === 'PUT' && seg[0] === 'lfs-upload' && seg.length === 2) return lfsUpload(req, res, seg[1]!, url.searchParams);
    if (method === 'PUT' && seg[0] === 'lfs-part' && seg.length === 3) return lfsPart(req, res, seg[1]!, Number(seg[2]), url.searchParams);
    if (method === 'POST' && seg[0] === 'lfs-complete' && seg.length === 2) return lfsComplete(req, res, seg[1]!, url.searchParams);
    if ((method === 'GET' || method === 'HEAD') && seg[0] === 'lfs-files' && seg.length === 2) return lfsFile(req, res, seg[1]!);
    if ((method === 'GET' || method === 'HEAD') && seg.length >= 5 && seg[2] === 'resolve') {
      return resolveRoute(req, res, `${seg[0]}/${seg[1]}`, seg[3]!, seg.slice(4).join('/'), auth);
    }
    if (method === 'POST' && seg[0] === 'hf-inference' && seg[1] === 'models' && seg.length === 4) {
      const id = `${seg[2]}/${seg[3]}`;
      requireUser(auth);
      // What router.huggingface.co answers for a model hf-inference does not serve.
      if (!state.deployedModels.has(id)) throw new HttpFailure(404, 'Not Found');
      return sendJson(res, 200, await summarize(req, auth, 'router', id));
    }
    if (method === 'POST' && seg[0] === 'endpoints' && seg.length === 2) return sendJson(res, 200, await summarize(req, auth, 'endpoint', seg[1]!));
    throw new HttpFailure(404, 'Not Found');
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // The Xet CAS checks its own tokens (cas()); a Hub token check would call each of them invalid.
    const auth: Auth = url.pathname.startsWith('/cas/') ? { kind: 'none' } : authenticate(req);
    requestCounter += 1;
    res.setHeader('X-Request-Id', `Root=1-emulator-${requestCounter}`);
    res.on('finish', () => {
      state.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search.replace(/([?&]sig=)[^&]*/g, '$1***'),
        status: res.statusCode,
        auth: auth.kind,
        ...(auth.kind === 'valid' ? { user: auth.user.name } : {}),
      });
    });
    handle(req, res, url, auth).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Read what the client is still sending, so it receives the answer instead of a reset connection.
      req.resume();
      if (err instanceof HttpFailure) {
        if (typeof err.body === 'string') sendText(res, err.status, err.body, err.headers);
        else sendJson(res, err.status, err.body, err.headers);
      } else {
        sendJson(res, 500, { error: `Emulator failure: ${err instanceof Error ? err.message : String(err)}` });
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let stopped: Promise<void> | undefined;
  const removeBlobsAtExit = () => rmSync(blobDir, { recursive: true, force: true });
  process.once('exit', removeBlobsAtExit);
  const stop = () => {
    stopped ??= (async () => {
      clearTimeout(lifetime);
      process.removeListener('exit', removeBlobsAtExit);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await fs.rm(blobDir, { recursive: true, force: true });
    })();
    return stopped;
  };
  const lifetime = setTimeout(() => void stop(), opts.maxLifetimeMs ?? 10 * 60_000);
  lifetime.unref();

  return {
    url: baseUrl,
    state,
    setFaults(next) {
      faults = next;
      state.uploadPuts = 0;
    },
    async readFile(repoId, filePath, rev = 'main') {
      const repo = state.repos.get(repoId);
      const entry = repo ? commitAt(repo, rev)?.tree.get(filePath) : undefined;
      if (!entry) return undefined;
      if (entry.kind === 'regular') return entry.content;
      return fs.readFile(state.lfsObjects.get(entry.oid)!.file);
    },
    stop,
  };
}

// --- helpers ----------------------------------------------------------------------------------------------

function namespaceOf(id: string): string {
  return id.slice(0, id.indexOf('/'));
}

/** A stable 24-hex id for a name, so whoami answers the same id on every call. */
function idFor(name: string): string {
  return createHash('sha1').update(name).digest('hex').slice(0, 24);
}

function entryText(entry: RepoEntry | undefined): string {
  return entry?.kind === 'regular' ? entry.content.toString('utf8') : '';
}

function stringField(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || !value) throw new HttpFailure(400, { error: `"${key}" is required` });
  return value;
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpFailure(413, { error: `Request body larger than ${limit} bytes` });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Request bodies are loose JSON the handlers check field by field, hence `any`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
async function readJson(req: http.IncomingMessage): Promise<Record<string, any>> {
  const text = (await readBody(req, MAX_JSON_BODY)).toString('utf8');
  try {
    const value: unknown = JSON.parse(text || '{}');
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpFailure(400, { error: 'The request body must be a JSON object' });
}

/**
 * Streams a request body into `file`, through `hash`, refusing more than `limit` bytes. Returns the number of
 * bytes received, or undefined when the body was too long or broke off (the caller removes the file).
 */
async function receiveBody(req: http.IncomingMessage, file: string, limit: number, hash: Hash): Promise<number | undefined> {
  let received = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      if (received > limit) return done(new Error('body larger than announced'));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(req, meter, createWriteStream(file));
    return received;
  } catch {
    return undefined;
  }
}

async function drain(req: http.IncomingMessage): Promise<void> {
  req.resume();
  await finished(req).catch(() => undefined);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function sendText(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function sendS3Error(res: http.ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Serves bytes with single-range support (`Range: bytes=a-b`), which the hub client's downloads rely on. */
function sendBytes(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  size: number,
  headers: Record<string, string>,
  slice: (start: number, endInclusive: number) => Buffer | NodeJS.ReadableStream,
): void {
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  let status = 200;
  if (range && (range[1] || range[2])) {
    if (range[1]) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    } else {
      start = Math.max(0, size - Number(range[2]));
    }
    if (start > end || start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}`, ...headers });
      res.end();
      return;
    }
    status = 206;
    headers = { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` };
  }
  const length = size === 0 ? 0 : end - start + 1;
  res.writeHead(status, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(length), ...headers });
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return;
  }
  const body = slice(start, end);
  if (Buffer.isBuffer(body)) res.end(body);
  else (body as NodeJS.ReadableStream).pipe(res);
}
