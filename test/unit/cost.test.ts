// The cost estimate: the arithmetic over the bundled table and the Price List API's answer, spot
// math, how a price is labelled, and the Price List API driven through the real @aws-sdk client
// against the local fake (test/emulators/awsExtras).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { AwsClients } from '../../src/aws/awsClients';
import { FilePriceCache, MemoryPriceCache, fetchTrainingPrice, resolveTrainingPrice } from '../../src/aws/preflight/pricing';
import { DEFAULT_MAX_RUN_SECONDS, TYPICAL_SPOT_SAVING, estimateTrainingCost, renderCostEstimateText } from '../../src/core/cost/costEstimate';
import { parsePriceListItem, pickTrainingPrice } from '../../src/core/cost/priceList';
import { BUNDLED_PRICE_TABLE, PriceTableError, parseTrainingPriceTable, tablePrice } from '../../src/core/cost/trainingPrice';
import type { PriceQuote, TrainingPriceTable } from '../../src/core/cost/trainingPrice';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import { priceListDocuments, startAwsExtras } from '../emulators/awsExtras/awsExtras';
import type { AwsExtras } from '../emulators/awsExtras/awsExtras';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SEED = parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/jobFiles/valid/seed.sagemaker.yaml'), 'utf8')) as JobSpec;

function quote(hourlyUsd: number, overrides: Partial<PriceQuote> = {}): PriceQuote {
  return { instanceType: 'ml.p3dn.24xlarge', region: 'us-east-1', hourlyUsd, currency: 'USD', source: 'bundled-table', asOf: '2024', sourceDetail: 'test table', ...overrides };
}

function fakeClients(endpoint: string): AwsClients {
  return new AwsClients({ region: 'us-east-1', endpoints: { pricing: endpoint }, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

describe('cost estimate arithmetic', () => {
  it("with instance_groups, sums each group's price × count, and says each group in the text", () => {
    const { instance_type: _t, instance_count: _c, ...rest } = SEED;
    const spec: JobSpec = {
      ...rest,
      max_run: 3600,
      instance_groups: [
        { instance_group_name: 'train', instance_type: 'ml.p3dn.24xlarge', instance_count: 2 },
        { instance_group_name: 'data', instance_type: 'ml.c5.18xlarge', instance_count: 3 },
      ],
    };
    const estimate = estimateTrainingCost(spec, [quote(30), quote(4, { instanceType: 'ml.c5.18xlarge' })]);
    assert.equal(estimate.instanceCount, 5);
    assert.equal(estimate.hourlyUsd, 2 * 30 + 3 * 4);
    assert.equal(estimate.ceiling.usd, 72);
    assert.deepEqual(
      estimate.groups.map((g) => [g.group, g.instanceType, g.instanceCount, g.price.hourlyUsd]),
      [
        ['train', 'ml.p3dn.24xlarge', 2, 30],
        ['data', 'ml.c5.18xlarge', 3, 4],
      ],
    );
    const text = renderCostEstimateText(estimate);
    assert.match(text, /instance group train: 2 × ml\.p3dn\.24xlarge .* at \$30\.00\/hour each/);
    assert.match(text, /instance group data: 3 × ml\.c5\.18xlarge .* at \$4\.00\/hour each/);
    assert.match(text, /ceiling: \$72\.00 — max_run 1 h × 5 instances/);
    assert.throws(() => estimateTrainingCost(spec, [quote(30)]), /No price given for ml\.c5\.18xlarge/);
  });

  it('2 × ml.p3dn.24xlarge for max_run 86400 costs the bundled hourly price × 2 × 24 at most', () => {
    const price = tablePrice(BUNDLED_PRICE_TABLE, 'ml.p3dn.24xlarge', 'us-east-1');
    assert.ok(price, 'the bundled table prices ml.p3dn.24xlarge in us-east-1');
    assert.equal(SEED.instance_count, 2);
    assert.equal(SEED.max_run, undefined, 'the seed relies on the SDK default max_run');
    const estimate = estimateTrainingCost(SEED, price);
    assert.equal(estimate.ceiling.seconds, DEFAULT_MAX_RUN_SECONDS);
    assert.equal(estimate.ceiling.limitedBy, 'max_run');
    assert.equal(estimate.ceiling.usd, Math.round(price.hourlyUsd * 2 * 24 * 1e6) / 1e6);
    assert.equal(estimate.expected, undefined);
    assert.equal(estimate.spot, undefined);
  });

  it('shows the table arithmetic in dollars and cents: $35.894/hour × 2 × 24 h = $1,722.91', () => {
    const estimate = estimateTrainingCost({ ...SEED, max_run: 86400 }, quote(35.894));
    assert.equal(estimate.ceiling.usd, 1722.912);
    const text = renderCostEstimateText(estimate);
    assert.match(text, /2 × ml\.p3dn\.24xlarge in us-east-1 at \$35\.894\/hour each/);
    assert.match(text, /ceiling: \$1,722\.91 — max_run 24 h × 2 instances/);
    assert.match(text, /an estimate/);
  });

  it('adds the expected cost when the job file gives expected_run', () => {
    const estimate = estimateTrainingCost({ ...SEED, max_run: 36000, expected_run: 5400 }, quote(10));
    assert.deepEqual(estimate.expected, { seconds: 5400, usd: 30 });
    assert.equal(estimate.ceiling.usd, 200);
    assert.match(renderCostEstimateText(estimate), /expected: \$30\.00 — expected_run 1 h 30 min/);
  });

  it('counts an expected_run beyond max_run only up to max_run, and says why', () => {
    const estimate = estimateTrainingCost({ ...SEED, instance_count: 1, max_run: 3600, expected_run: 7200 }, quote(10));
    assert.equal(estimate.expected?.usd, 10);
    assert.ok(estimate.notes.some((n) => /longer than max_run/.test(n)));
  });

  it('with spot, takes the ceiling at max_wait and the typical saving over max_run, labelled typical', () => {
    const spot: JobSpec = { ...SEED, use_spot_instances: true, max_run: 36000, max_wait: 72000 };
    const estimate = estimateTrainingCost(spot, quote(10));
    assert.equal(estimate.ceiling.limitedBy, 'max_wait');
    assert.equal(estimate.ceiling.seconds, 72000);
    assert.equal(estimate.ceiling.usd, 10 * 2 * 20);
    assert.equal(estimate.spot?.basis, 'max_run');
    assert.equal(estimate.spot?.typicalSaving, TYPICAL_SPOT_SAVING);
    assert.equal(estimate.spot?.typicalUsd, Math.round(10 * 2 * 10 * (1 - TYPICAL_SPOT_SAVING) * 1e6) / 1e6);
    assert.match(renderCostEstimateText(estimate), /spot: typically about 70% less, \$60\.00 over max_run — typical, not guaranteed/);
  });

  it('with spot and expected_run, the typical saving applies to the expected run', () => {
    const estimate = estimateTrainingCost({ ...SEED, use_spot_instances: true, max_run: 36000, max_wait: 72000, expected_run: 3600 }, quote(10));
    assert.equal(estimate.spot?.basis, 'expected_run');
    assert.equal(estimate.spot?.typicalUsd, 6);
  });

  it('names what it leaves out, and the warm pool that bills after the job', () => {
    const estimate = estimateTrainingCost({ ...SEED, keep_alive_period_in_seconds: 1800 }, quote(10));
    assert.ok(estimate.notes.some((n) => /Warm pool.*\$10\.00/.test(n)));
    assert.ok(estimate.notes.some((n) => /storage, S3, data transfer/.test(n)));
  });

  it('labels the price with its source and date', () => {
    const estimate = estimateTrainingCost(
      SEED,
      quote(35.894, { source: 'price-list-api', asOf: '2026-11-01', sourceDetail: 'AWS Price List API (AmazonSageMaker USE1-Train:ml.p3dn.24xlarge, SKU X)' }),
    );
    assert.match(renderCostEstimateText(estimate), /price: AWS Price List API \(AmazonSageMaker USE1-Train:ml\.p3dn\.24xlarge, SKU X\), published 2026-11-01/);
  });
});

describe('the bundled price table', () => {
  it('says how it was made, its date and source, and how to refresh it', () => {
    const t = BUNDLED_PRICE_TABLE;
    assert.match(t.asOf, /^\d{4}/);
    assert.ok(t.source.description.length > 0);
    assert.match(t.howMade, /No AWS API was called/);
    assert.match(t.refresh, /scripts\/refresh-prices\.mjs/);
    const label = tablePrice(t, 'ml.g5.2xlarge', 'us-east-1');
    assert.equal(label?.source, 'bundled-table');
    assert.equal(label?.asOf, t.asOf);
    assert.match(label?.sourceDetail ?? '', /bundled price table/);
  });

  it('has no price for a region it does not list, rather than a guess', () => {
    assert.equal(tablePrice(BUNDLED_PRICE_TABLE, 'ml.p3dn.24xlarge', 'eu-central-1'), undefined);
  });

  it('rejects a malformed table with a typed error that says how to regenerate it', () => {
    const bad = { ...BUNDLED_PRICE_TABLE, regions: { 'us-east-1': { 'ml.m5.xlarge': -1 } } };
    assert.throws(
      () => parseTrainingPriceTable(bad),
      (err: unknown) => err instanceof PriceTableError && err.code === 'priceTable.invalid' && /refresh-prices/.test(err.message),
    );
    assert.throws(() => parseTrainingPriceTable({ ...BUNDLED_PRICE_TABLE, schemaVersion: 2 }), PriceTableError);
  });
});

describe('reading Price List documents', () => {
  it('picks the Training product, not the Hosting one of the same type', () => {
    const docs = priceListDocuments({ region: 'us-east-1', instanceType: 'ml.p3dn.24xlarge', usd: 35.894, hostingUsd: 40 });
    const products = docs.flatMap((d) => parsePriceListItem(JSON.stringify(d)));
    assert.equal(products.length, 2);
    const picked = pickTrainingPrice(products, 'ml.p3dn.24xlarge', 'us-east-1');
    assert.equal(picked?.usd, 35.894);
    assert.equal(picked?.usagetype, 'USE1-Train:ml.p3dn.24xlarge');
    assert.equal(pickTrainingPrice(products, 'ml.p3dn.24xlarge', 'us-west-2'), undefined);
  });

  it('reads a document whatever form the SDK hands it in', () => {
    const [doc] = priceListDocuments({ region: 'us-west-2', instanceType: 'ml.g5.xlarge', usd: 1.408 });
    // The SDK wraps each entry in a String object (its LazyJsonString).
    const asStringObject = new String(JSON.stringify(doc));
    assert.equal(parsePriceListItem(asStringObject)[0]?.usd, 1.408);
    assert.equal(parsePriceListItem(doc)[0]?.usd, 1.408);
    assert.deepEqual(parsePriceListItem('not json'), []);
  });
});

describe('the Price List API through @aws-sdk/client-pricing', () => {
  let extras: AwsExtras;
  let clients: AwsClients;
  let tmp: string;

  before(async () => {
    extras = await startAwsExtras({
      prices: [
        { region: 'us-east-1', instanceType: 'ml.p3dn.24xlarge', usd: 31.218, publicationDate: '2026-10-15T18:00:00Z' },
        { region: 'eu-west-1', instanceType: 'ml.g5.xlarge', usd: 1.58 },
      ],
      maxLifetimeMs: 120_000,
    });
    clients = fakeClients(extras.endpoint);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-prices-'));
  });

  after(async () => {
    clients.destroy();
    await extras.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('asks GetProducts for AmazonSageMaker in the region and type, and quotes the training price with its publication date', async () => {
    const before = extras.requests.length;
    const got = await fetchTrainingPrice(clients.pricing(), 'ml.p3dn.24xlarge', 'us-east-1');
    assert.equal(got?.hourlyUsd, 31.218);
    assert.equal(got?.source, 'price-list-api');
    assert.equal(got?.asOf, '2026-10-15');
    const sent = extras.requests.slice(before);
    assert.equal(sent[0]?.operation, 'GetProducts');
    assert.equal(sent[0]?.body['ServiceCode'], 'AmazonSageMaker');
    assert.deepEqual(sent[0]?.body['Filters'], [
      { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' },
      { Type: 'TERM_MATCH', Field: 'instanceName', Value: 'ml.p3dn.24xlarge' },
    ]);
  });

  it('answers from the cache the second time', async () => {
    const cache = new MemoryPriceCache();
    const first = await resolveTrainingPrice(clients, 'ml.p3dn.24xlarge', 'us-east-1', { cache });
    const count = extras.requests.length;
    const second = await resolveTrainingPrice(clients, 'ml.p3dn.24xlarge', 'us-east-1', { cache });
    assert.equal(extras.requests.length, count, 'no second GetProducts');
    assert.deepEqual(second.quote, first.quote);
  });

  it('keeps prices in a file between CLI runs, until they are a day old', async () => {
    let now = 1_000_000;
    const file = path.join(tmp, 'nested', 'prices.json');
    const cache = new FilePriceCache(file, 24 * 3600 * 1000, () => now);
    await resolveTrainingPrice(clients, 'ml.g5.xlarge', 'eu-west-1', { cache });
    const reopened = new FilePriceCache(file, 24 * 3600 * 1000, () => now);
    assert.equal(reopened.get('eu-west-1|ml.g5.xlarge')?.hourlyUsd, 1.58);
    now += 24 * 3600 * 1000;
    assert.equal(reopened.get('eu-west-1|ml.g5.xlarge'), undefined);
  });

  it('falls back to the bundled table when pricing:GetProducts is denied, and says why', async () => {
    extras.setDenied('GetProducts', true);
    try {
      const got = await resolveTrainingPrice(clients, 'ml.p3dn.24xlarge', 'us-east-1');
      assert.equal(got.quote?.source, 'bundled-table');
      assert.equal(got.quote?.hourlyUsd, BUNDLED_PRICE_TABLE.regions['us-east-1']?.['ml.p3dn.24xlarge']);
      assert.match(got.apiProblem ?? '', /AWS denied pricing:GetProducts/);
    } finally {
      extras.setDenied('GetProducts', false);
    }
  });

  it('scripts/refresh-prices.mjs rewrites the table from GetProducts, with the publication date and its provenance', async () => {
    const script = path.join(REPO_ROOT, 'scripts', 'refresh-prices.mjs');
    const args = [script, '--endpoint', extras.endpoint, '--region', 'us-east-1', '--region', 'eu-west-1', '--region', 'eu-central-1', '--dry-run'];
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_PROFILE: '' };
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, args, { cwd: REPO_ROOT, env, timeout: 60_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out))),
    );
    const table = parseTrainingPriceTable(JSON.parse(stdout));
    assert.deepEqual(table.regions, { 'us-east-1': { 'ml.p3dn.24xlarge': 31.218 }, 'eu-west-1': { 'ml.g5.xlarge': 1.58 } });
    assert.equal(table.asOf, '2026-11-01', 'the newest publication date among the prices taken');
    assert.equal(table.source.kind, 'aws-price-list-api');
    assert.match(table.howMade, /Generated by scripts\/refresh-prices\.mjs/);
  });

  it('gives no price when neither the API nor the table knows the type in the region', async () => {
    const table: TrainingPriceTable = { ...BUNDLED_PRICE_TABLE, regions: {} };
    const got = await resolveTrainingPrice(clients, 'ml.p3dn.24xlarge', 'eu-central-1', { table });
    assert.equal(got.quote, undefined);
    assert.match(got.apiProblem ?? '', /no on-demand training price for ml\.p3dn\.24xlarge in eu-central-1.*bundled table.*either/);
  });
});
