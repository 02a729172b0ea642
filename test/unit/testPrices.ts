// The price quote the cost tests price jobs with: a round figure of the bundled table's kind, so each
// expected dollar amount can be worked out by hand, labelled as the tests' own.
import type { PriceQuote } from '../../src/core/cost/trainingPrice';

export function testQuote(instanceType: string, hourlyUsd: number): PriceQuote {
  return {
    instanceType,
    region: 'us-east-1',
    hourlyUsd,
    currency: 'USD',
    source: 'bundled-table',
    asOf: '2025-06',
    sourceDetail: 'bundled price table (test)',
  };
}
