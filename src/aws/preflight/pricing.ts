/**
 * The on-demand training price of an instance type in a region, from the AWS Price List API
 * (GetProducts, AmazonSageMaker), cached; the bundled table when the API cannot answer (offline,
 * no pricing:GetProducts permission); nothing when neither knows the type — the estimate then
 * says so rather than guessing.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { GetProductsCommand } from '@aws-sdk/client-pricing';
import type { Filter, PricingClient } from '@aws-sdk/client-pricing';
import { parsePriceListItem, pickTrainingPrice, priceQuoteFromProduct } from '../../core/cost/priceList';
import type { PriceListProduct } from '../../core/cost/priceList';
import { BUNDLED_PRICE_TABLE, tablePrice } from '../../core/cost/trainingPrice';
import type { PriceQuote, TrainingPriceTable } from '../../core/cost/trainingPrice';
import { jobInstances } from '../../core/sagemaker/instanceGroups';
import type { JobInstanceArguments } from '../../core/sagemaker/instanceGroups';
import type { AwsClients } from '../awsClients';
import { unreachableReason } from '../awsErrors';

export const SAGEMAKER_PRICE_SERVICE_CODE = 'AmazonSageMaker';
/** Prices change a few times a year; a day is fresh enough for an estimate. */
export const DEFAULT_PRICE_TTL_MS = 24 * 60 * 60 * 1000;
const DEFAULT_PRICE_TIMEOUT_MS = 10_000;

export interface PriceCache {
  get(key: string): PriceQuote | undefined;
  set(key: string, quote: PriceQuote): void;
}

export function priceCacheKey(instanceType: string, region: string): string {
  return `${region}|${instanceType}`;
}

interface Stamped {
  quote: PriceQuote;
  storedAt: number;
}

/** Prices for this process's life (the extension host's, or one CLI run). */
export class MemoryPriceCache implements PriceCache {
  private readonly entries = new Map<string, Stamped>();

  constructor(
    private readonly ttlMs = DEFAULT_PRICE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): PriceQuote | undefined {
    const e = this.entries.get(key);
    return e && this.now() - e.storedAt < this.ttlMs ? e.quote : undefined;
  }

  set(key: string, quote: PriceQuote): void {
    this.entries.set(key, { quote, storedAt: this.now() });
  }
}

/** Prices kept in a small JSON file between CLI runs. A cache that cannot be read or written is simply not used. */
export class FilePriceCache implements PriceCache {
  constructor(
    readonly filePath: string,
    private readonly ttlMs = DEFAULT_PRICE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  private read(): Record<string, Stamped> {
    try {
      const data = JSON.parse(readFileSync(this.filePath, 'utf8')) as unknown;
      return data && typeof data === 'object' ? (data as Record<string, Stamped>) : {};
    } catch {
      return {};
    }
  }

  get(key: string): PriceQuote | undefined {
    const e = this.read()[key];
    return e && typeof e.storedAt === 'number' && this.now() - e.storedAt < this.ttlMs ? e.quote : undefined;
  }

  set(key: string, quote: PriceQuote): void {
    const all = this.read();
    all[key] = { quote, storedAt: this.now() };
    try {
      mkdirSync(path.dirname(this.filePath), { recursive: true });
      const tmp = `${this.filePath}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(all, null, 1));
      renameSync(tmp, this.filePath);
    } catch {
      // A read-only home or a full disk costs a second API call next time, nothing more.
    }
  }
}

async function getProducts(client: PricingClient, filters: Filter[], signal: AbortSignal | undefined): Promise<PriceListProduct[]> {
  const products: PriceListProduct[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(
      new GetProductsCommand({ ServiceCode: SAGEMAKER_PRICE_SERVICE_CODE, Filters: filters, FormatVersion: 'aws_v1', MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
      signal ? { abortSignal: signal } : {},
    );
    const list = (out.PriceList ?? []) as unknown;
    for (const element of Array.isArray(list) ? list : []) products.push(...parsePriceListItem(element));
    token = out.NextToken;
  } while (token);
  return products;
}

/**
 * The Price List API's on-demand training price, or undefined when it has none for the type in
 * the region. Throws what the API throws (no permission, no network, timeout).
 */
export async function fetchTrainingPrice(
  client: PricingClient,
  instanceType: string,
  region: string,
  options: { signal?: AbortSignal; now?: () => Date } = {},
): Promise<PriceQuote | undefined> {
  const now = options.now ?? (() => new Date());
  const term = (Field: string, Value: string): Filter => ({ Type: 'TERM_MATCH', Field, Value });
  let best = pickTrainingPrice(await getProducts(client, [term('regionCode', region), term('instanceName', instanceType)], options.signal), instanceType, region);
  if (!best) {
    // Some price list rows leave instanceName empty and name the type only in the usage type.
    best = pickTrainingPrice(await getProducts(client, [term('regionCode', region), term('component', 'Training')], options.signal), instanceType, region);
  }
  return best ? priceQuoteFromProduct(best, instanceType, region, now()) : undefined;
}

export interface PriceResolution {
  /** The price to estimate with; undefined when no source knows it. */
  quote?: PriceQuote;
  /** Why the Price List API's price is not the one used, in words for the estimate's label. */
  apiProblem?: string;
}

export interface PriceOptions {
  cache?: PriceCache;
  /** Defaults to the bundled table. */
  table?: TrainingPriceTable;
  /** Skip the Price List API and use the table. */
  offline?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  now?: () => Date;
}

export async function resolveTrainingPrice(clients: AwsClients, instanceType: string, region: string, options: PriceOptions = {}): Promise<PriceResolution> {
  const table = options.table ?? BUNDLED_PRICE_TABLE;
  const key = priceCacheKey(instanceType, region);
  const fromTable = (apiProblem: string): PriceResolution => {
    const quote = tablePrice(table, instanceType, region);
    return quote ? { quote, apiProblem } : { apiProblem: `${apiProblem} The bundled table (as of ${table.asOf}) has no price for ${instanceType} in ${region} either.` };
  };
  if (options.offline) return fromTable('The Price List API was not asked (offline).');
  const cached = options.cache?.get(key);
  if (cached) return { quote: cached };

  const timeoutMs = options.timeoutMs ?? DEFAULT_PRICE_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    const quote = await fetchTrainingPrice(clients.pricing(), instanceType, region, { signal, ...(options.now ? { now: options.now } : {}) });
    if (!quote) return fromTable(`The AWS Price List has no on-demand training price for ${instanceType} in ${region}.`);
    options.cache?.set(key, quote);
    return { quote };
  } catch (err) {
    return fromTable(`${unreachableReason(err, 'pricing:GetProducts', undefined, timeoutMs)} Using the bundled price table instead.`);
  }
}

export interface JobPriceResolution {
  /**
   * One quote per instance type the job runs (its instance_type, or each group's); undefined when one
   * is not known. With instance_preferences, one per candidate that has a price (at least one: the
   * estimate's ceiling takes the most expensive and names the unpriced).
   */
  quotes?: PriceQuote[];
  /** Why a Price List API price is not the one used, or which type has no price, in words for the estimate's label. */
  apiProblem?: string;
}

/** The prices of every instance type a job may run: its instance_type, each of its instance_groups' types, or each instance_preferences candidate. */
export async function resolveJobPrices(clients: AwsClients, spec: JobInstanceArguments, region: string, options: PriceOptions = {}): Promise<JobPriceResolution> {
  const instances = jobInstances(spec);
  // Preferences are alternatives: an estimate needs one priced candidate; groups all run, so all need a price.
  const alternatives = instances.some((g) => g.preference !== undefined);
  const types = [...new Set(instances.map((g) => g.instanceType))];
  const quotes: PriceQuote[] = [];
  const problems: string[] = [];
  for (const type of types) {
    const resolved = await resolveTrainingPrice(clients, type, region, options);
    if (resolved.apiProblem && !problems.includes(resolved.apiProblem)) problems.push(resolved.apiProblem);
    if (!resolved.quote) {
      if (alternatives) continue;
      return { apiProblem: problems.join(' ') };
    }
    quotes.push(resolved.quote);
  }
  if (quotes.length === 0) return { apiProblem: problems.length > 0 ? problems.join(' ') : 'The job names no instance type.' };
  return { quotes, ...(problems.length ? { apiProblem: problems.join(' ') } : {}) };
}
