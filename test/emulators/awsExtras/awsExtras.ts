// A small AWS fake for what moto 5.1.1 does not model, driven by the real @aws-sdk clients through
// endpoint overrides:
//
//   Service Quotas (JSON 1.1, X-Amz-Target ServiceQuotasV20190624.*): moto serves only
//     ListAWSDefaultServiceQuotas and GetServiceQuota, for service code `vpc` (moto/servicequotas/models.py).
//     Here: ListServiceQuotas, ListAWSDefaultServiceQuotas, GetServiceQuota, GetAWSDefaultServiceQuota,
//     RequestServiceQuotaIncrease and ListRequestedServiceQuotaChangeHistoryByQuota for `sagemaker`, with a
//     "<type> for training job usage" (and spot, endpoint, processing) quota per instance type a region offers.
//   Price List (JSON 1.1, X-Amz-Target AWSPriceListService.*): moto has no pricing service at all.
//     Here: GetProducts for AmazonSageMaker, with PriceList entries shaped like AWS's (a JSON string each:
//     product.attributes, terms.OnDemand…priceDimensions…pricePerUnit.USD), a Training and a Hosting
//     product per instance type, TERM_MATCH filters and paging.
//   S3 ExpectedBucketOwner: moto ignores the x-amz-expected-bucket-owner header, and serves any account's
//     bucket to any other. With `s3Upstream` set, every other request is proxied to moto, and a request
//     with that header whose bucket is not in the expected owner's own bucket list (moto's ListBuckets under
//     x-moto-account-id) gets S3's 403 AccessDenied — unless moto says the bucket does not exist (404).
//
//   const extras = await startAwsExtras({ trainingOffer: { 'us-east-1': ['ml.p3dn.24xlarge'] }, quotaValues: { 'ml.p3dn.24xlarge for training job usage': 0 } });
//   new ServiceQuotasClient({ ...awsTestClientConfig(extras.endpoint) });
//   extras.requests   // what the fake received
//   await extras.stop();
//
// Binds 127.0.0.1 on a free port; closes itself after maxLifetimeMs whatever the test does.

import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePrice {
  region: string;
  instanceType: string;
  /** On-demand USD per hour for training. */
  usd: number;
  /** The Hosting product's price; default 1.2 × usd, so picking the wrong product shows. */
  hostingUsd?: number;
  publicationDate?: string;
}

export interface FakeIncreaseRequest {
  region: string;
  quotaName: string;
  desiredValue: number;
  status: 'PENDING' | 'CASE_OPENED' | 'APPROVED' | 'DENIED' | 'CASE_CLOSED';
  created?: Date;
}

export interface AwsExtrasOptions {
  accountId?: string;
  /** region → the instance types SageMaker offers there for training. */
  trainingOffer?: Record<string, string[]>;
  /**
   * Quota values by quota name (every region) or `region|name`. Unset: 0 for GPU and accelerator
   * types (AWS's default for most of them), 4 for CPU types.
   */
  quotaValues?: Record<string, number>;
  /** Quota names (or `region|name`) that have no applied value: only ListAWSDefaultServiceQuotas has them. */
  defaultOnly?: string[];
  /** Quota names (or `region|name`) that cannot be raised. */
  notAdjustable?: string[];
  prices?: FakePrice[];
  increaseRequests?: FakeIncreaseRequest[];
  /** Operation names (e.g. `ListServiceQuotas`, `GetProducts`) answered with AccessDeniedException. */
  denied?: string[];
  /** moto's endpoint: S3 requests are proxied there, with ExpectedBucketOwner enforced. */
  s3Upstream?: string;
  /** Fixed port; default: a free one. */
  port?: number;
  /** Default 10 minutes. */
  maxLifetimeMs?: number;
}

export interface RecordedRequest {
  /** `ListServiceQuotas`, `GetProducts`, or `S3 <METHOD> <path>`. */
  operation: string;
  region: string;
  body: Record<string, unknown>;
  /** Set on S3 requests carrying x-amz-expected-bucket-owner. */
  expectedBucketOwner?: string;
}

export interface AwsExtras {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  setQuotaValue(region: string, quotaName: string, value: number): void;
  setDenied(operation: string, denied: boolean): void;
  stop(): Promise<void>;
}

const SQ_TARGET = 'ServiceQuotasV20190624.';
const PRICING_TARGET = 'AWSPriceListService.';
const DEFAULT_ACCOUNT = '123456789012';

const LOCATIONS: Record<string, { name: string; prefix: string }> = {
  'us-east-1': { name: 'US East (N. Virginia)', prefix: 'USE1' },
  'us-east-2': { name: 'US East (Ohio)', prefix: 'USE2' },
  'us-west-1': { name: 'US West (N. California)', prefix: 'USW1' },
  'us-west-2': { name: 'US West (Oregon)', prefix: 'USW2' },
  'eu-west-1': { name: 'EU (Ireland)', prefix: 'EU' },
  'eu-west-2': { name: 'EU (London)', prefix: 'EUW2' },
  'eu-central-1': { name: 'EU (Frankfurt)', prefix: 'EUC1' },
  'ap-northeast-1': { name: 'Asia Pacific (Tokyo)', prefix: 'APN1' },
  'ap-southeast-1': { name: 'Asia Pacific (Singapore)', prefix: 'APS1' },
  'ap-southeast-2': { name: 'Asia Pacific (Sydney)', prefix: 'APS2' },
  'ap-south-1': { name: 'Asia Pacific (Mumbai)', prefix: 'APS3' },
};

/** Quota codes are the same in every region and account, as AWS's are. */
export function fakeQuotaCode(quotaName: string): string {
  return `L-${createHash('sha1').update(quotaName).digest('hex').slice(0, 8).toUpperCase()}`;
}

function isAccelerated(instanceType: string): boolean {
  return /^ml\.(p|g|trn|inf|dl)/.test(instanceType);
}

interface QuotaRow {
  region: string;
  name: string;
  code: string;
  value: number;
  defaultValue: number;
  adjustable: boolean;
  defaultOnly: boolean;
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function regionOf(req: http.IncomingMessage): string {
  const auth = String(req.headers['authorization'] ?? '');
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(auth)?.[1] ?? 'us-east-1';
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function page<T>(items: T[], body: Record<string, unknown>): { items: T[]; next?: string } {
  const max = Math.min(typeof body['MaxResults'] === 'number' ? body['MaxResults'] : 100, 100);
  const start = typeof body['NextToken'] === 'string' ? Number.parseInt(Buffer.from(body['NextToken'], 'base64').toString('utf8'), 10) || 0 : 0;
  const slice = items.slice(start, start + max);
  const end = start + slice.length;
  return { items: slice, ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64') } : {}) };
}

export async function startAwsExtras(options: AwsExtrasOptions = {}): Promise<AwsExtras> {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT;
  const denied = new Set(options.denied ?? []);
  const requests: RecordedRequest[] = [];
  const valueOverrides = new Map<string, number>(Object.entries(options.quotaValues ?? {}));
  const lookup = (set: Iterable<string> | undefined, region: string, name: string) => {
    const s = new Set(set ?? []);
    return s.has(name) || s.has(`${region}|${name}`);
  };

  const quotasOf = (region: string): QuotaRow[] => {
    const rows: QuotaRow[] = [];
    for (const type of options.trainingOffer?.[region] ?? []) {
      for (const use of ['training job usage', 'spot training job usage', 'endpoint usage', 'processing job usage']) {
        const name = `${type} for ${use}`;
        const defaultValue = isAccelerated(type) ? 0 : 4;
        rows.push({
          region,
          name,
          code: fakeQuotaCode(name),
          value: valueOverrides.get(`${region}|${name}`) ?? valueOverrides.get(name) ?? defaultValue,
          defaultValue,
          adjustable: !lookup(options.notAdjustable, region, name),
          defaultOnly: lookup(options.defaultOnly, region, name),
        });
      }
    }
    return rows.sort((a, b) => a.code.localeCompare(b.code));
  };

  const increaseRequests: Array<FakeIncreaseRequest & { id: string }> = (options.increaseRequests ?? []).map((r) => ({ ...r, id: randomUUID() }));

  const quotaJson = (q: QuotaRow, value: number) => ({
    ServiceCode: 'sagemaker',
    ServiceName: 'Amazon SageMaker',
    QuotaArn: `arn:aws:servicequotas:${q.region}:${accountId}:sagemaker/${q.code}`,
    QuotaCode: q.code,
    QuotaName: q.name,
    Value: value,
    Unit: 'None',
    Adjustable: q.adjustable,
    GlobalQuota: false,
    QuotaAppliedAtLevel: 'ACCOUNT',
    Description: `Maximum number of ${q.name.split(' for ')[0]} instances allowed for ${q.name.split(' for ')[1]}.`,
  });

  const requireSageMaker = (body: Record<string, unknown>) => {
    if (body['ServiceCode'] !== 'sagemaker')
      throw new ServiceError('NoSuchResourceException', `The request failed because the specified service does not exist: ${String(body['ServiceCode'])}`);
  };
  const findQuota = (region: string, body: Record<string, unknown>) => {
    requireSageMaker(body);
    const q = quotasOf(region).find((r) => r.code === body['QuotaCode']);
    if (!q) throw new ServiceError('NoSuchResourceException', `The request failed because the specified resource does not exist: ${String(body['QuotaCode'])}`);
    return q;
  };

  const serviceQuotas: Record<string, (region: string, body: Record<string, unknown>) => unknown> = {
    ListServiceQuotas: (region, body) => {
      requireSageMaker(body);
      const rows = quotasOf(region).filter((q) => !q.defaultOnly && (body['QuotaCode'] === undefined || q.code === body['QuotaCode']));
      const p = page(rows, body);
      return { Quotas: p.items.map((q) => quotaJson(q, q.value)), ...(p.next ? { NextToken: p.next } : {}) };
    },
    ListAWSDefaultServiceQuotas: (region, body) => {
      requireSageMaker(body);
      const p = page(quotasOf(region), body);
      // A default-only quota's default is what the account has.
      return { Quotas: p.items.map((q) => quotaJson(q, q.defaultOnly ? q.value : q.defaultValue)), ...(p.next ? { NextToken: p.next } : {}) };
    },
    GetServiceQuota: (region, body) => {
      const q = findQuota(region, body);
      if (q.defaultOnly) throw new ServiceError('NoSuchResourceException', 'The request failed because the specified resource does not exist.');
      return { Quota: quotaJson(q, q.value) };
    },
    GetAWSDefaultServiceQuota: (region, body) => {
      const q = findQuota(region, body);
      return { Quota: quotaJson(q, q.defaultOnly ? q.value : q.defaultValue) };
    },
    RequestServiceQuotaIncrease: (region, body) => {
      const q = findQuota(region, body);
      if (!q.adjustable) throw new ServiceError('QuotaExceededException', "You can't change the quota value for this quota.");
      const desired = Number(body['DesiredValue']);
      if (!(desired > q.value)) throw new ServiceError('IllegalArgumentException', 'The desired value must be greater than the current value.');
      const r = { id: randomUUID(), region, quotaName: q.name, desiredValue: desired, status: 'PENDING' as const, created: new Date() };
      increaseRequests.push(r);
      return { RequestedQuota: requestJson(r, q) };
    },
    ListRequestedServiceQuotaChangeHistoryByQuota: (region, body) => {
      const q = findQuota(region, body);
      const rows = increaseRequests.filter((r) => r.region === region && r.quotaName === q.name && (body['Status'] === undefined || r.status === body['Status']));
      const p = page(rows, body);
      return { RequestedQuotas: p.items.map((r) => requestJson(r, q)), ...(p.next ? { NextToken: p.next } : {}) };
    },
  };

  const requestJson = (r: FakeIncreaseRequest & { id: string }, q: QuotaRow) => ({
    Id: r.id,
    CaseId: r.status === 'CASE_OPENED' ? '170000000000001' : undefined,
    ServiceCode: 'sagemaker',
    ServiceName: 'Amazon SageMaker',
    QuotaCode: q.code,
    QuotaName: q.name,
    DesiredValue: r.desiredValue,
    Status: r.status,
    Created: Math.floor((r.created ?? new Date()).getTime() / 1000),
    LastUpdated: Math.floor((r.created ?? new Date()).getTime() / 1000),
    Requester: `arn:aws:iam::${accountId}:user/moto`,
    QuotaArn: `arn:aws:servicequotas:${r.region}:${accountId}:sagemaker/${q.code}`,
    GlobalQuota: false,
    Unit: 'None',
  });

  const products = (options.prices ?? []).flatMap((p) => priceListDocuments(p));
  const pricing: Record<string, (region: string, body: Record<string, unknown>) => unknown> = {
    GetProducts: (_region, body) => {
      if (body['ServiceCode'] !== 'AmazonSageMaker') return { FormatVersion: 'aws_v1', PriceList: [] };
      const filters = Array.isArray(body['Filters']) ? (body['Filters'] as Array<{ Type?: string; Field?: string; Value?: string }>) : [];
      const matching = products.filter((doc) =>
        filters.every((f) => {
          const attrs = doc.product.attributes as Record<string, string>;
          const actual = attrs[f.Field ?? ''] ?? (f.Field === 'productFamily' ? doc.product.productFamily : f.Field === 'sku' ? doc.product.sku : undefined);
          return f.Type === 'TERM_MATCH' && actual !== undefined && actual.toLowerCase() === String(f.Value).toLowerCase();
        }),
      );
      const p = page(matching, body);
      return { FormatVersion: 'aws_v1', PriceList: p.items.map((d) => JSON.stringify(d)), ...(p.next ? { NextToken: p.next } : {}) };
    },
  };

  const sendJson = (res: http.ServerResponse, status: number, payload: unknown, errorType?: string) => {
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': randomUUID(),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };

  const handleJson = async (req: http.IncomingMessage, res: http.ServerResponse, target: string) => {
    const region = regionOf(req);
    const raw = (await readBody(req)).toString('utf8');
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
    const [table, operation] = target.startsWith(SQ_TARGET)
      ? [serviceQuotas, target.slice(SQ_TARGET.length)]
      : target.startsWith(PRICING_TARGET)
        ? [pricing, target.slice(PRICING_TARGET.length)]
        : [undefined, target];
    requests.push({ operation, region, body });
    try {
      const handler = table?.[operation];
      if (!handler) throw new ServiceError('UnknownOperationException', `The fake does not implement ${target}.`);
      if (denied.has(operation)) {
        throw new ServiceError(
          'AccessDeniedException',
          `User: arn:aws:iam::${accountId}:user/moto is not authorized to perform: ${target.startsWith(SQ_TARGET) ? 'servicequotas' : 'pricing'}:${operation} because no identity-based policy allows the action`,
        );
      }
      sendJson(res, 200, handler(region, body));
    } catch (err) {
      const e = err instanceof ServiceError ? err : new ServiceError('ServiceException', String(err), 500);
      sendJson(res, e.status, { __type: e.type, message: e.message }, e.type);
    }
  };

  const handleS3 = async (req: http.IncomingMessage, res: http.ServerResponse, upstream: string) => {
    const body = await readBody(req);
    const owner = req.headers['x-amz-expected-bucket-owner'];
    const url = new URL(req.url ?? '/', 'http://fake');
    const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '');
    requests.push({ operation: `S3 ${req.method} ${url.pathname}`, region: regionOf(req), body: {}, ...(typeof owner === 'string' ? { expectedBucketOwner: owner } : {}) });
    const answer = await forward(upstream, req, body);
    if (typeof owner === 'string' && bucket && answer.status !== 404) {
      const owned = await bucketsOf(upstream, owner);
      if (!owned.includes(bucket)) {
        const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>${randomUUID()}</RequestId></Error>`;
        res.writeHead(403, { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID(), ...(req.method === 'HEAD' ? {} : { 'content-length': Buffer.byteLength(xml) }) });
        res.end(req.method === 'HEAD' ? undefined : xml);
        return;
      }
    }
    res.writeHead(answer.status, answer.headers);
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  };

  const server = http.createServer((req, res) => {
    const target = req.headers['x-amz-target'];
    const work =
      typeof target === 'string'
        ? handleJson(req, res, target)
        : options.s3Upstream
          ? handleS3(req, res, options.s3Upstream)
          : Promise.reject(new Error('not an X-Amz-Target request and no s3Upstream'));
    work.catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { __type: 'ServiceException', message: String(err) }, 'ServiceException');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const port = (server.address() as AddressInfo).port;

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return stopped;
  };
  const lifetime = setTimeout(() => void stop(), options.maxLifetimeMs ?? 10 * 60_000);
  lifetime.unref();

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    setQuotaValue: (region, quotaName, value) => {
      valueOverrides.set(`${region}|${quotaName}`, value);
    },
    setDenied: (operation, isDenied) => {
      if (isDenied) denied.add(operation);
      else denied.delete(operation);
    },
    stop,
  };
}

interface PriceListDocument {
  product: { productFamily: string; attributes: Record<string, string>; sku: string };
  serviceCode: string;
  terms: Record<string, unknown>;
  version: string;
  publicationDate: string;
}

/** The Training and Hosting products of one instance type in one region, as GetProducts returns them. */
export function priceListDocuments(p: FakePrice): PriceListDocument[] {
  const location = LOCATIONS[p.region] ?? { name: p.region, prefix: p.region.toUpperCase() };
  const publicationDate = p.publicationDate ?? '2026-11-01T00:00:00Z';
  const make = (component: string, usage: string, usd: number): PriceListDocument => {
    const sku = createHash('sha1').update(`${p.region}|${p.instanceType}|${component}`).digest('hex').slice(0, 16).toUpperCase();
    const offer = 'JRTCKXETXF';
    const rate = '6YS6EN2CT7';
    return {
      product: {
        productFamily: 'ML Instance',
        attributes: {
          regionCode: p.region,
          servicecode: 'AmazonSageMaker',
          usagetype: `${location.prefix}-${usage}:${p.instanceType}`,
          locationType: 'AWS Region',
          location: location.name,
          servicename: 'Amazon SageMaker',
          instanceName: p.instanceType,
          operation: 'RunInstance',
          component,
        },
        sku,
      },
      serviceCode: 'AmazonSageMaker',
      terms: {
        OnDemand: {
          [`${sku}.${offer}`]: {
            priceDimensions: {
              [`${sku}.${offer}.${rate}`]: {
                unit: 'Hrs',
                endRange: 'Inf',
                description: `$${usd} per hour for ${p.instanceType} ${component.toLowerCase()} in ${location.name}`,
                appliesTo: [],
                rateCode: `${sku}.${offer}.${rate}`,
                beginRange: '0',
                pricePerUnit: { USD: usd.toFixed(10) },
              },
            },
            sku,
            effectiveDate: publicationDate.slice(0, 10) + 'T00:00:00Z',
            offerTermCode: offer,
            termAttributes: {},
          },
        },
      },
      version: publicationDate.replace(/\D/g, '').slice(0, 14),
      publicationDate,
    };
  };
  return [make('Training', 'Train', p.usd), make('Hosting', 'Host', p.hostingUsd ?? Math.round(p.usd * 1.2 * 1000) / 1000)];
}

interface Forwarded {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

function forward(upstream: string, req: http.IncomingMessage, body: Buffer): Promise<Forwarded> {
  const target = new URL(req.url ?? '/', upstream);
  const headers = { ...req.headers, host: target.host };
  return new Promise((resolve, reject) => {
    const out = http.request(target, { method: req.method ?? 'GET', headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
      answer.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

/** The buckets moto holds for one account: its ListBuckets, asked as that account. */
async function bucketsOf(upstream: string, account: string): Promise<string[]> {
  const answer = await new Promise<string>((resolve, reject) => {
    const out = http.request(new URL('/', upstream), { method: 'GET', headers: { 'x-moto-account-id': account } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end();
  });
  return [...answer.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]!);
}
