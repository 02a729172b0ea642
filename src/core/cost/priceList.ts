/**
 * Reading the AWS Price List (GetProducts, service code AmazonSageMaker): each PriceList entry is
 * a JSON document with `product.attributes` (regionCode, instanceName, component, usagetype…) and
 * `terms.OnDemand.<offer>.priceDimensions.<rate>.pricePerUnit.USD`. A training instance-hour is
 * the product whose usage type is `<REGION>-Train:<type>` (component "Training"); the same type
 * also has Hosting, Processing, Notebook… products at other prices, which must not be picked.
 */
import { isRecord } from '../isRecord';
import type { PriceQuote } from './trainingPrice';

export interface PriceListProduct {
  sku: string;
  productFamily?: string;
  regionCode?: string;
  instanceName?: string;
  component?: string;
  usagetype?: string;
  /** USD per unit of the on-demand dimension. */
  usd: number;
  unit: string;
  publicationDate?: string;
  effectiveDate?: string;
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return isRecord(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A PriceList element as the SDK hands it over: a JSON string, a lazy JSON string object, or already parsed. */
export function priceListDocument(element: unknown): Record<string, unknown> | undefined {
  if (typeof element === 'string') {
    try {
      return obj(JSON.parse(element));
    } catch {
      return undefined;
    }
  }
  const parsed = obj(element);
  if (parsed && 'product' in parsed) return parsed;
  if (element !== null && element !== undefined) return priceListDocument(String(element));
  return undefined;
}

/** The on-demand price dimensions of one PriceList document (usually exactly one). */
export function parsePriceListItem(element: unknown): PriceListProduct[] {
  const doc = priceListDocument(element);
  const product = obj(doc?.['product']);
  const attributes = obj(product?.['attributes']) ?? {};
  const sku = str(product?.['sku']) ?? '';
  const onDemand = obj(obj(doc?.['terms'])?.['OnDemand']) ?? {};
  const out: PriceListProduct[] = [];
  for (const term of Object.values(onDemand)) {
    const t = obj(term);
    for (const dimension of Object.values(obj(t?.['priceDimensions']) ?? {})) {
      const d = obj(dimension);
      const usd = Number.parseFloat(str(obj(d?.['pricePerUnit'])?.['USD']) ?? '');
      if (!Number.isFinite(usd)) continue;
      const entry: PriceListProduct = { sku, usd, unit: str(d?.['unit']) ?? '' };
      const set = <K extends keyof PriceListProduct>(key: K, value: PriceListProduct[K] | undefined) => {
        if (value !== undefined) entry[key] = value;
      };
      set('productFamily', str(product?.['productFamily']));
      set('regionCode', str(attributes['regionCode']));
      set('instanceName', str(attributes['instanceName']));
      set('component', str(attributes['component']));
      set('usagetype', str(attributes['usagetype']));
      set('publicationDate', str(doc?.['publicationDate']));
      set('effectiveDate', str(t?.['effectiveDate']));
      out.push(entry);
    }
  }
  return out;
}

/** `USE1-Train:ml.p3dn.24xlarge` → `ml.p3dn.24xlarge`; undefined for anything but on-demand training usage. */
export function trainingUsageInstance(usagetype: string | undefined): string | undefined {
  return /(?:^|-)Train:(ml\.[a-z0-9-]+\.[a-z0-9-]+)$/.exec(usagetype ?? '')?.[1];
}

/** Is this an on-demand training instance-hour (not hosting, processing, spot, a notebook…)? */
export function isTrainingInstanceHour(p: PriceListProduct): boolean {
  if (!/^hrs?$/i.test(p.unit) || p.usd <= 0) return false;
  if (p.usagetype !== undefined) return trainingUsageInstance(p.usagetype) !== undefined;
  return (p.component ?? '').toLowerCase() === 'training';
}

export function productInstanceType(p: PriceListProduct): string | undefined {
  return trainingUsageInstance(p.usagetype) ?? p.instanceName;
}

/** The one training price of a type in a region among GetProducts answers; undefined when there is none. */
export function pickTrainingPrice(products: PriceListProduct[], instanceType: string, region: string): PriceListProduct | undefined {
  return products
    .filter((p) => isTrainingInstanceHour(p) && productInstanceType(p) === instanceType && (p.regionCode === undefined || p.regionCode === region))
    .sort((a, b) => a.sku.localeCompare(b.sku))[0];
}

export function priceQuoteFromProduct(p: PriceListProduct, instanceType: string, region: string, fetchedAt: Date): PriceQuote {
  return {
    instanceType,
    region,
    hourlyUsd: p.usd,
    currency: 'USD',
    source: 'price-list-api',
    asOf: (p.publicationDate ?? p.effectiveDate ?? fetchedAt.toISOString()).slice(0, 10),
    sourceDetail: `AWS Price List API (AmazonSageMaker ${p.usagetype ?? 'Training'}, SKU ${p.sku})`,
    fetchedAt: fetchedAt.toISOString(),
  };
}
