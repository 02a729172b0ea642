// Prices, in plain node: the checks a price table must pass (each refusal word for word), a table's
// quote, and the AWS Price List's documents read field by field — which product is a training
// instance-hour, which one is picked, and how its quote is labelled. cost.test.ts drives the same
// through the real @aws-sdk/client-pricing against the local fake.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isTrainingInstanceHour,
  parsePriceListItem,
  pickTrainingPrice,
  priceListDocument,
  priceQuoteFromProduct,
  productInstanceType,
  trainingUsageInstance,
} from '../../src/core/cost/priceList';
import type { PriceListProduct } from '../../src/core/cost/priceList';
import { BUNDLED_PRICE_TABLE, PriceTableError, parseTrainingPriceTable, tablePrice } from '../../src/core/cost/trainingPrice';

const GOOD = {
  schemaVersion: 1,
  currency: 'USD',
  asOf: '2026-06',
  source: { kind: 'price-list', description: 'AWS Price List, test' },
  howMade: 'by hand',
  refresh: 'node scripts/refresh-prices.mjs',
  regions: { 'us-east-1': { 'ml.g5.xlarge': 1.408 } },
};

describe('a price table', () => {
  it('accepts a well-formed table, the bundled one included', () => {
    assert.equal(parseTrainingPriceTable(GOOD).regions['us-east-1']!['ml.g5.xlarge'], 1.408);
    assert.ok(Object.keys(BUNDLED_PRICE_TABLE.regions).length > 0);
    assert.deepEqual(parseTrainingPriceTable({ ...GOOD, regions: {} }).regions, {});
  });

  it('refuses each malformed part with what is wrong and how to regenerate the table', () => {
    const refusal = (json: unknown): string => {
      try {
        parseTrainingPriceTable(json);
      } catch (err) {
        assert.ok(err instanceof PriceTableError);
        assert.equal(err.code, 'priceTable.invalid');
        assert.equal(err.name, 'PriceTableError');
        return `${err.message} | ${String(err.context['what'])}`;
      }
      return 'accepted';
    };
    const regenerate = 'Regenerate it with `node scripts/refresh-prices.mjs`.';
    const cases: Array<[unknown, string]> = [
      [null, 'not a JSON object'],
      ['{}', 'not a JSON object'],
      [{ ...GOOD, schemaVersion: 2 }, 'schemaVersion is 2, expected 1'],
      [{ ...GOOD, schemaVersion: undefined }, 'schemaVersion is undefined, expected 1'],
      [{ ...GOOD, currency: 'EUR' }, 'currency is not USD'],
      [{ ...GOOD, asOf: '' }, 'asOf is missing'],
      [{ ...GOOD, asOf: 2026 }, 'asOf is missing'],
      [{ ...GOOD, source: undefined }, 'source.description is missing'],
      [{ ...GOOD, source: { kind: 'x' } }, 'source.description is missing'],
      [{ ...GOOD, howMade: undefined }, 'howMade or refresh is missing'],
      [{ ...GOOD, refresh: 1 }, 'howMade or refresh is missing'],
      [{ ...GOOD, regions: undefined }, 'regions is missing'],
      [{ ...GOOD, regions: 'us-east-1' }, 'regions is missing'],
      [{ ...GOOD, regions: { 'us-east-1': { 'ml.g5.xlarge': 0 } } }, 'us-east-1 ml.g5.xlarge is not a positive number'],
      [{ ...GOOD, regions: { 'eu-west-1': { 'ml.p4d.24xlarge': '37' } } }, 'eu-west-1 ml.p4d.24xlarge is not a positive number'],
      [{ ...GOOD, regions: { 'us-east-1': { 'ml.g5.xlarge': Number.POSITIVE_INFINITY } } }, 'us-east-1 ml.g5.xlarge is not a positive number'],
    ];
    for (const [json, what] of cases) {
      assert.equal(refusal(json), `The training price table is malformed: ${what}. ${regenerate} | ${what}`, JSON.stringify(json));
    }
  });

  it("quotes a type in a region with the table's date and source, and nothing it does not list", () => {
    const table = parseTrainingPriceTable(GOOD);
    assert.deepEqual(tablePrice(table, 'ml.g5.xlarge', 'us-east-1'), {
      instanceType: 'ml.g5.xlarge',
      region: 'us-east-1',
      hourlyUsd: 1.408,
      currency: 'USD',
      source: 'bundled-table',
      asOf: '2026-06',
      sourceDetail: 'bundled price table (AWS Price List, test)',
    });
    assert.equal(tablePrice(table, 'ml.g5.2xlarge', 'us-east-1'), undefined);
    assert.equal(tablePrice(table, 'ml.g5.xlarge', 'us-west-2'), undefined);
  });
});

/** A GetProducts document as AWS writes one (trimmed to what is read). */
function doc(attributes: Record<string, string>, dimensions: Array<{ usd: string; unit?: string }>, extra: Record<string, unknown> = {}) {
  return {
    product: { productFamily: 'ML Instance', sku: 'SKU1', attributes },
    terms: {
      OnDemand: {
        'SKU1.JRTCKXETXF': {
          effectiveDate: '2026-11-01T00:00:00Z',
          priceDimensions: Object.fromEntries(dimensions.map((d, i) => [`SKU1.JRTCKXETXF.${i}`, { unit: d.unit ?? 'Hrs', pricePerUnit: { USD: d.usd } }])),
        },
      },
    },
    publicationDate: '2026-11-15T18:00:00Z',
    ...extra,
  };
}

describe('Price List documents', () => {
  const train = { regionCode: 'us-east-1', instanceName: 'ml.g5.xlarge', component: 'Training', usagetype: 'USE1-Train:ml.g5.xlarge' };

  it('reads every field of each on-demand dimension, and skips a dimension without a number', () => {
    const fields = {
      sku: 'SKU1',
      productFamily: 'ML Instance',
      regionCode: 'us-east-1',
      instanceName: 'ml.g5.xlarge',
      component: 'Training',
      usagetype: 'USE1-Train:ml.g5.xlarge',
      publicationDate: '2026-11-15T18:00:00Z',
      effectiveDate: '2026-11-01T00:00:00Z',
    };
    assert.deepEqual(parsePriceListItem(doc(train, [{ usd: '1.4080000000' }, { usd: 'n/a' }, { usd: '2.5', unit: 'Quantity' }])), [
      { ...fields, usd: 1.408, unit: 'Hrs' },
      { ...fields, usd: 2.5, unit: 'Quantity' },
    ]);
  });

  it('leaves out the fields a document lacks, and reads nothing from a document that is not one', () => {
    const bare = { product: { attributes: {} }, terms: { OnDemand: { t: { priceDimensions: { d: { pricePerUnit: { USD: '3' } } } } } } };
    assert.deepEqual(parsePriceListItem(bare), [{ sku: '', usd: 3, unit: '' }]);
    assert.deepEqual(parsePriceListItem({ product: {} }), []);
    for (const nothing of [undefined, null, 42, 'not json', '[1, 2]', { terms: {} }]) assert.deepEqual(parsePriceListItem(nothing), [], String(nothing));
    // Parts of the wrong type are skipped, never thrown on.
    const odd = {
      product: 5,
      terms: { OnDemand: { a: 5, b: { priceDimensions: { x: 5, y: { pricePerUnit: 5 }, z: { unit: 'Hrs', pricePerUnit: { USD: '2' } } } } } },
    };
    assert.deepEqual(parsePriceListItem(odd), [{ sku: '', usd: 2, unit: 'Hrs' }]);
    const numbers = doc({ regionCode: 7 as never, instanceName: 'ml.g5.xlarge' }, [{ usd: '1' }]);
    assert.equal(parsePriceListItem(numbers)[0]!.regionCode, undefined, 'a number where text belongs is left out');
    assert.equal(parsePriceListItem(numbers)[0]!.instanceName, 'ml.g5.xlarge');
    assert.equal(priceListDocument('{"product": {}}')?.['product'] !== undefined, true);
    assert.equal(priceListDocument(null), undefined);
    assert.equal(priceListDocument(undefined), undefined);
  });

  it('knows an on-demand training usage type from every other', () => {
    assert.equal(trainingUsageInstance('USE1-Train:ml.p3dn.24xlarge'), 'ml.p3dn.24xlarge');
    assert.equal(trainingUsageInstance('Train:ml.g5.xlarge'), 'ml.g5.xlarge');
    assert.equal(trainingUsageInstance('EU-Train:ml.trn1n.32xlarge'), 'ml.trn1n.32xlarge');
    for (const other of [
      undefined,
      '',
      'USE1-Host:ml.g5.xlarge',
      'USE1-Train-Spot:ml.g5.xlarge',
      'USE1-ReTrain:ml.g5.xlarge',
      'USE1-Train:ml.g5.xlarge-extra:1',
      'USE1-Train:ml.g5',
      'USE1-Train:g5.xlarge',
      'USE1-Train:ml.g5.xlarge ',
    ]) {
      assert.equal(trainingUsageInstance(other), undefined, String(other));
    }
  });

  it('counts only hourly, priced, training products as a training instance-hour', () => {
    const base: PriceListProduct = { sku: 'S', usd: 1.4, unit: 'Hrs', usagetype: 'USE1-Train:ml.g5.xlarge' };
    assert.equal(isTrainingInstanceHour(base), true);
    assert.equal(isTrainingInstanceHour({ ...base, unit: 'hr' }), true);
    assert.equal(isTrainingInstanceHour({ ...base, unit: 'HRS' }), true);
    for (const unit of ['Quantity', 'Hrs-month', 'per Hrs', '']) assert.equal(isTrainingInstanceHour({ ...base, unit }), false, unit);
    assert.equal(isTrainingInstanceHour({ ...base, usd: 0 }), false);
    assert.equal(isTrainingInstanceHour({ ...base, usagetype: 'USE1-Host:ml.g5.xlarge', component: 'Training' }), false, 'the usage type decides when there is one');
    const noUsage = { sku: 'S', usd: 1.4, unit: 'Hrs' };
    assert.equal(isTrainingInstanceHour({ ...noUsage, component: 'Training' }), true);
    assert.equal(isTrainingInstanceHour({ ...noUsage, component: 'training' }), true);
    assert.equal(isTrainingInstanceHour({ ...noUsage, component: 'Hosting' }), false);
    assert.equal(isTrainingInstanceHour(noUsage), false);
  });

  it("takes a product's type from its usage type, else its instance name", () => {
    assert.equal(productInstanceType({ sku: 'S', usd: 1, unit: 'Hrs', usagetype: 'USE1-Train:ml.g5.xlarge', instanceName: 'ml.other' }), 'ml.g5.xlarge');
    assert.equal(productInstanceType({ sku: 'S', usd: 1, unit: 'Hrs', usagetype: 'USE1-Host:ml.g5.xlarge', instanceName: 'ml.g5.2xlarge' }), 'ml.g5.2xlarge');
    assert.equal(productInstanceType({ sku: 'S', usd: 1, unit: 'Hrs' }), undefined);
  });

  it('picks the training price of the type in the region, the lowest SKU first when several answer', () => {
    const p = (sku: string, over: Partial<PriceListProduct> = {}): PriceListProduct => ({
      sku,
      usd: 1.4,
      unit: 'Hrs',
      usagetype: 'USE1-Train:ml.g5.xlarge',
      regionCode: 'us-east-1',
      ...over,
    });
    const products = [p('SKU9', { usd: 9 }), p('SKU3', { usd: 3 }), p('SKU1', { usd: 1, usagetype: 'USE1-Host:ml.g5.xlarge' }), p('SKU2', { usd: 2, regionCode: 'us-west-2' })];
    assert.equal(pickTrainingPrice(products, 'ml.g5.xlarge', 'us-east-1')?.sku, 'SKU3');
    assert.equal(pickTrainingPrice(products, 'ml.g5.xlarge', 'us-west-2')?.sku, 'SKU2');
    assert.equal(pickTrainingPrice(products, 'ml.g5.2xlarge', 'us-east-1'), undefined);
    // A product without a region code is the region that was asked for (GetProducts was filtered by it).
    assert.equal(pickTrainingPrice([p('SKU5', { regionCode: undefined })], 'ml.g5.xlarge', 'eu-west-1')?.sku, 'SKU5');
    assert.equal(pickTrainingPrice([], 'ml.g5.xlarge', 'us-east-1'), undefined);
  });

  it('labels a Price List quote with its usage type, SKU and publication date, else the effective date, else when it was asked', () => {
    const fetchedAt = new Date('2026-12-07T10:11:12Z');
    const product: PriceListProduct = {
      sku: 'SKU1',
      usd: 1.408,
      unit: 'Hrs',
      usagetype: 'USE1-Train:ml.g5.xlarge',
      publicationDate: '2026-11-15T18:00:00Z',
      effectiveDate: '2026-11-01T00:00:00Z',
    };
    assert.deepEqual(priceQuoteFromProduct(product, 'ml.g5.xlarge', 'us-east-1', fetchedAt), {
      instanceType: 'ml.g5.xlarge',
      region: 'us-east-1',
      hourlyUsd: 1.408,
      currency: 'USD',
      source: 'price-list-api',
      asOf: '2026-11-15',
      sourceDetail: 'AWS Price List API (AmazonSageMaker USE1-Train:ml.g5.xlarge, SKU SKU1)',
      fetchedAt: '2026-12-07T10:11:12.000Z',
    });
    const { publicationDate: _p, ...noPublication } = product;
    assert.equal(priceQuoteFromProduct(noPublication, 'ml.g5.xlarge', 'us-east-1', fetchedAt).asOf, '2026-11-01');
    const { effectiveDate: _e, usagetype: _u, ...neither } = noPublication;
    const quote = priceQuoteFromProduct(neither, 'ml.g5.xlarge', 'us-east-1', fetchedAt);
    assert.equal(quote.asOf, '2026-12-07');
    assert.equal(quote.sourceDetail, 'AWS Price List API (AmazonSageMaker Training, SKU SKU1)');
  });
});
