#!/usr/bin/env node
// Runs the awsExtras fake (Service Quotas, Price List, S3 ExpectedBucketOwner in front of moto) for a demo,
// outside a test:
//
//   node test/emulators/awsExtras/start.mjs [--port 5001] [--s3-upstream http://127.0.0.1:5000]
//        [--quota "ml.p3dn.24xlarge for training job usage=0"]... [--max-seconds 3600]
//
// Every instance type of the catalog is offered in us-east-1, us-west-2 and eu-west-1 (eu-central-1 lacks
// ml.p3dn.24xlarge, as in amazon-sagemaker-examples#3494); quotas default to 0 for GPU types and 4 for CPU
// types; GetProducts serves the bundled table's prices as if they came from the Price List API (a demo fake:
// the numbers are the table's, not AWS's answer). Prints the AWS_ENDPOINT_URL_* lines to export, then stays
// up until SIGINT/SIGTERM or --max-seconds. Needs `npx tsc -p tsconfig.json` first (it reuses the compiled fake).

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const require = createRequire(import.meta.url);
const compiled = path.join(repo, 'out', 'test', 'emulators', 'awsExtras', 'awsExtras.js');
const catalog = path.join(repo, 'out', 'src', 'core', 'catalog', 'instanceTypes.js');
if (!existsSync(compiled) || !existsSync(catalog)) {
  console.error(`start.mjs: ${path.relative(repo, compiled)} is missing; run \`npx tsc -p tsconfig.json\` first.`);
  process.exit(2);
}
const { startAwsExtras } = require(compiled);
const { listInstanceTypes } = require(catalog);

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    's3-upstream': { type: 'string' },
    quota: { type: 'string', multiple: true, default: [] },
    'max-seconds': { type: 'string', default: '3600' },
  },
});

const quotaValues = {};
for (const q of values.quota) {
  const at = q.lastIndexOf('=');
  const value = Number(q.slice(at + 1));
  if (at < 1 || !Number.isFinite(value)) {
    console.error(`start.mjs: --quota wants "NAME=VALUE" or "REGION|NAME=VALUE" (got "${q}")`);
    process.exit(2);
  }
  quotaValues[q.slice(0, at)] = value;
}

const everything = listInstanceTypes().map((t) => t.name);
const table = JSON.parse(readFileSync(path.join(repo, 'data', 'prices', 'sagemaker-training-prices.json'), 'utf8'));
const prices = Object.entries(table.regions).flatMap(([region, byType]) => Object.entries(byType).map(([instanceType, usd]) => ({ region, instanceType, usd })));
const maxSeconds = Number(values['max-seconds']);

const extras = await startAwsExtras({
  trainingOffer: {
    'us-east-1': everything,
    'us-west-2': everything,
    'eu-west-1': everything,
    'eu-central-1': everything.filter((t) => t !== 'ml.p3dn.24xlarge'),
  },
  quotaValues,
  prices,
  ...(values['s3-upstream'] ? { s3Upstream: values['s3-upstream'] } : {}),
  ...(values.port ? { port: Number(values.port) } : {}),
  maxLifetimeMs: maxSeconds * 1000,
});

console.log(`AWS_ENDPOINT_URL_SERVICE_QUOTAS=${extras.endpoint}`);
console.log(`AWS_ENDPOINT_URL_PRICING=${extras.endpoint}`);
if (values['s3-upstream']) console.log(`AWS_ENDPOINT_URL_S3=${extras.endpoint}`);

// The fake's server is unref'd (tests must not hang on it); this timer keeps the demo process up.
const keepAlive = setTimeout(() => void shutdown(), maxSeconds * 1000);
async function shutdown() {
  clearTimeout(keepAlive);
  await extras.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
