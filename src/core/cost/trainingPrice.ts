/**
 * The on-demand hourly price of a SageMaker training instance, and where it came from: the AWS
 * Price List API when it answers, else the table bundled in data/prices/ (with its own date and
 * an account of how it was made). An estimate is only as good as its price, so every price
 * carries its date and source to the user.
 */
import bundledTableJson from '../../../data/prices/sagemaker-training-prices.json';

export type PriceSource = 'price-list-api' | 'bundled-table';

export interface PriceQuote {
  instanceType: string;
  region: string;
  /** On-demand USD per instance-hour of training. */
  hourlyUsd: number;
  currency: 'USD';
  source: PriceSource;
  /** When the price was published (Price List `publicationDate`) or the table's as-of date; ISO 8601, possibly only a year. */
  asOf: string;
  /** Words for the estimate's label, e.g. "AWS Price List API (AmazonSageMaker, SKU …)". */
  sourceDetail: string;
  /** When the Price List API was asked; price-list-api only. */
  fetchedAt?: string;
}

export interface TrainingPriceTable {
  schemaVersion: 1;
  currency: 'USD';
  asOf: string;
  writtenOn?: string;
  source: { kind: string; description: string; url?: string };
  howMade: string;
  caveats?: string[];
  refresh: string;
  /** region → instance type → USD per hour. */
  regions: Record<string, Record<string, number>>;
}

export type PriceTableErrorCode = 'priceTable.invalid';

export class PriceTableError extends Error {
  readonly code: PriceTableErrorCode = 'priceTable.invalid';
  constructor(
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'PriceTableError';
  }
}

/** Checks a price table's shape (the bundled one, or one a refresh just wrote). */
export function parseTrainingPriceTable(json: unknown): TrainingPriceTable {
  const fail = (what: string): never => {
    throw new PriceTableError(`The training price table is malformed: ${what}. Regenerate it with \`node scripts/refresh-prices.mjs\`.`, { what });
  };
  if (!json || typeof json !== 'object') fail('not a JSON object');
  const t = json as Partial<TrainingPriceTable>;
  if (t.schemaVersion !== 1) fail(`schemaVersion is ${String(t.schemaVersion)}, expected 1`);
  if (t.currency !== 'USD') fail('currency is not USD');
  if (typeof t.asOf !== 'string' || t.asOf === '') fail('asOf is missing');
  if (!t.source || typeof t.source.description !== 'string') fail('source.description is missing');
  if (typeof t.howMade !== 'string' || typeof t.refresh !== 'string') fail('howMade or refresh is missing');
  if (!t.regions || typeof t.regions !== 'object') fail('regions is missing');
  for (const [region, prices] of Object.entries(t.regions ?? {})) {
    for (const [type, usd] of Object.entries(prices)) {
      if (typeof usd !== 'number' || !Number.isFinite(usd) || usd <= 0) fail(`${region} ${type} is not a positive number`);
    }
  }
  return t as TrainingPriceTable;
}

/** The table shipped with the extension (data/prices/sagemaker-training-prices.json). */
export const BUNDLED_PRICE_TABLE: TrainingPriceTable = parseTrainingPriceTable(bundledTableJson);

/** The table's price for a type in a region, labelled with the table's date and source; undefined when it has none. */
export function tablePrice(table: TrainingPriceTable, instanceType: string, region: string): PriceQuote | undefined {
  const hourlyUsd = table.regions[region]?.[instanceType];
  if (hourlyUsd === undefined) return undefined;
  return {
    instanceType,
    region,
    hourlyUsd,
    currency: 'USD',
    source: 'bundled-table',
    asOf: table.asOf,
    sourceDetail: `bundled price table (${table.source.description})`,
  };
}
