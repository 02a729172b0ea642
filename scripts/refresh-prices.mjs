#!/usr/bin/env node
// Regenerates data/prices/sagemaker-training-prices.json — the offline fallback of the cost estimate — from
// the AWS Price List API (GetProducts, service AmazonSageMaker, on-demand Training instance-hours).
//
//   npm run compile-tests                          # the script reuses the compiled price-list reader
//   node scripts/refresh-prices.mjs [--region us-east-1]... [--all-types] [--profile P] [--out FILE]
//                                   [--endpoint URL] [--dry-run]
//
// Needs network access and AWS credentials (the standard chain, or --profile) allowed pricing:GetProducts;
// the Price List API answers in us-east-1 whatever region is priced. Regions default to those already in the
// table plus the usual training regions; instance types to the extension's catalog (--all-types: every type
// the Price List prices for training). --endpoint points the client elsewhere (the awsExtras fake, in tests).
// The table records the newest publication date of the prices it took and how it was made.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const TABLE = path.join(repo, 'data', 'prices', 'sagemaker-training-prices.json');
const DEFAULT_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'eu-west-2',
  'ap-northeast-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-south-1',
  'ca-central-1',
];

const { values } = parseArgs({
  options: {
    region: { type: 'string', multiple: true },
    'all-types': { type: 'boolean', default: false },
    profile: { type: 'string' },
    out: { type: 'string', default: TABLE },
    endpoint: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
});

let priceList;
let catalog;
let trainingPrice;
try {
  priceList = require(path.join(repo, 'out', 'src', 'core', 'cost', 'priceList.js'));
  catalog = require(path.join(repo, 'out', 'src', 'core', 'catalog', 'instanceTypes.js'));
  trainingPrice = require(path.join(repo, 'out', 'src', 'core', 'cost', 'trainingPrice.js'));
} catch {
  console.error('refresh-prices: the compiled sources are missing; run `npm run compile-tests` first.');
  process.exit(2);
}
const { PricingClient, GetProductsCommand } = require('@aws-sdk/client-pricing');

let previous = {};
try {
  previous = JSON.parse(readFileSync(TABLE, 'utf8')).regions ?? {};
} catch {
  // No table yet: the default regions.
}
const regions = values.region ?? [...new Set([...Object.keys(previous), ...DEFAULT_REGIONS])].sort();
const wanted = values['all-types'] ? undefined : new Set(catalog.listInstanceTypes().map((t) => t.name));

const clientConfig = { region: 'us-east-1', ...(values.endpoint ? { endpoint: values.endpoint } : {}) };
if (values.profile) {
  const { fromNodeProviderChain } = require('@aws-sdk/credential-providers');
  clientConfig.credentials = fromNodeProviderChain({ profile: values.profile });
}
const client = new PricingClient(clientConfig);

async function trainingProducts(region) {
  const products = [];
  let token;
  do {
    const out = await client.send(
      new GetProductsCommand({
        ServiceCode: 'AmazonSageMaker',
        Filters: [
          { Type: 'TERM_MATCH', Field: 'regionCode', Value: region },
          { Type: 'TERM_MATCH', Field: 'component', Value: 'Training' },
        ],
        FormatVersion: 'aws_v1',
        MaxResults: 100,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const element of out.PriceList ?? []) products.push(...priceList.parsePriceListItem(element));
    token = out.NextToken;
  } while (token);
  return products;
}

const table = {};
let newest = '';
let count = 0;
try {
  for (const region of regions) {
    const products = await trainingProducts(region);
    const types = [...new Set(products.map((p) => priceList.productInstanceType(p)).filter(Boolean))].filter((t) => !wanted || wanted.has(t)).sort();
    const prices = {};
    for (const type of types) {
      const best = priceList.pickTrainingPrice(products, type, region);
      if (!best) continue;
      prices[type] = best.usd;
      const published = (best.publicationDate ?? best.effectiveDate ?? '').slice(0, 10);
      if (published > newest) newest = published;
      count++;
    }
    if (Object.keys(prices).length > 0) table[region] = prices;
    console.error(`refresh-prices: ${region}: ${Object.keys(prices).length} training prices`);
  }
} catch (err) {
  console.error(`refresh-prices: GetProducts failed (${err.name ?? 'Error'}): ${err.message}. It needs network access and credentials allowed pricing:GetProducts.`);
  process.exit(1);
} finally {
  client.destroy();
}
if (count === 0) {
  console.error('refresh-prices: the Price List API returned no training prices; the table was left as it is.');
  process.exit(1);
}

const today = new Date().toISOString().slice(0, 10);
const result = {
  schemaVersion: 1,
  service: 'AmazonSageMaker',
  component: 'Training',
  priceType: 'on-demand',
  currency: 'USD',
  unit: 'instance-hour',
  asOf: newest || today,
  writtenOn: today,
  source: {
    kind: 'aws-price-list-api',
    description: 'AWS Price List API (GetProducts, AmazonSageMaker, on-demand Training)',
    url: 'https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html',
  },
  howMade: `Generated by scripts/refresh-prices.mjs on ${today} from the AWS Price List API: for each region, every product with component Training whose usage type is <REGION>-Train:<instance type>, its on-demand USD price per hour${wanted ? ", for the instance types of the extension's catalog" : ''}. asOf is the newest publication date among them.`,
  caveats: [
    'An offline fallback only: the extension asks the AWS Price List API first and uses this table when it cannot.',
    'A region or instance type missing from this table says nothing about whether SageMaker offers it there.',
  ],
  refresh:
    'node scripts/refresh-prices.mjs  (needs network access and AWS credentials allowed pricing:GetProducts; rewrites this file from the Price List API with its publication date)',
  regions: table,
};
trainingPrice.parseTrainingPriceTable(result);

const text = `${JSON.stringify(result, null, 2)}\n`;
if (values['dry-run']) {
  process.stdout.write(text);
} else {
  const tmp = `${values.out}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, values.out);
  console.error(`refresh-prices: wrote ${count} prices for ${Object.keys(table).length} regions to ${path.relative(process.cwd(), values.out)} (as of ${result.asOf}).`);
}
