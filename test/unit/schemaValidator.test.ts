// The job-file schema is precompiled at build time (scripts/generateValidator.mjs → ajv standalone
// code in src/core/jobFile/generated/). These tests hold the generated validator to what ajv itself
// compiles from the schema in the repository, with the options the validator's messages rely on.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { validate } from '../../src/core/jobFile/generated/jobSchemaValidator';
import { REPO_ROOT } from './repoRoot';

const generated = validate as ValidateFunction;
const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas/sagemaker-job.schema.json'), 'utf8'));

function corpus(): Array<[string, unknown]> {
  const dir = path.join(REPO_ROOT, 'test/fixtures/jobFiles');
  const files = ['valid', 'invalid'].flatMap((d) =>
    readdirSync(path.join(dir, d))
      .filter((f) => f.endsWith('.sagemaker.yaml'))
      .map((f) => path.join(dir, d, f)),
  );
  files.push(path.join(REPO_ROOT, 'examples/seed-bart-samsum/bart-large-cnn-samsum.sagemaker.yaml'), path.join(REPO_ROOT, 'examples/quickstart/quickstart.sagemaker.yaml'));
  const data: Array<[string, unknown]> = [];
  for (const f of files) {
    try {
      data.push([path.relative(REPO_ROOT, f), parse(readFileSync(f, 'utf8'))]);
    } catch {
      // yaml-syntax fixture: nothing reaches the schema
    }
  }
  // Shapes the fixtures lack: wrong types at every level, unknown keys, enums, patterns, nesting.
  data.push([
    'synthetic: types',
    { entry_point: 3, instance_count: 'two', hyperparameters: [1], distribution: { smdistributed: { dataparallel: { enabled: 'yes' } } }, tags: [{ Key: 1 }] },
  ]);
  data.push([
    'synthetic: unknown and enum',
    { entry_point: 'a.py', instance_type: 'ml.p3dn.24xlarge', role: 'r', py_version: 'py2', unknown_key: true, inputs: { train: { s3_data: 1 } } },
  ]);
  data.push(['synthetic: not an object', ['a', 'b']]);
  return data;
}

describe('the precompiled job-file schema validator', () => {
  it('reports exactly what ajv compiling the schema reports (allErrors, verbose), file by file', () => {
    const compiled = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
    const cases = corpus();
    assert.ok(cases.length >= 12, `${cases.length} cases`);
    let failing = 0;
    for (const [name, data] of cases) {
      const expected = compiled(data);
      assert.equal(generated(data), expected, name);
      assert.deepEqual(generated.errors ?? null, compiled.errors ?? null, name);
      if (!expected) failing++;
      // verbose: each error carries the schema and the data it failed on (the messages quote both).
      for (const e of generated.errors ?? []) assert.ok('parentSchema' in e && 'data' in e, `${name}: ${e.keyword} at ${e.instancePath} is not verbose`);
    }
    assert.ok(failing >= 6, `only ${failing} cases fail the schema: the comparison checks little`);
  });

  it('is what the generator makes of the schema now (a schema edit without a build cannot go unnoticed)', () => {
    const fresh = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "import { validatorSource } from './scripts/generateValidator.mjs'; process.stdout.write(validatorSource());"],
      { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    const onDisk = readFileSync(path.join(REPO_ROOT, 'src/core/jobFile/generated/jobSchemaValidator.ts'), 'utf8');
    assert.ok(fresh === onDisk, 'src/core/jobFile/generated/jobSchemaValidator.ts is stale: run `node esbuild.mjs` (or scripts/generateValidator.mjs)');
  });
});
