import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { buildTrainingJobPlan } from '../../src/core/training/createTrainingJobRequest';
import type { TrainingPlanContext } from '../../src/core/training/createTrainingJobRequest';
import { buildTuningJobPlan } from '../../src/core/training/createTuningJobRequest';
import type { TuningJobPlanInput } from '../../src/core/training/createTuningJobRequest';
import { nameFromBase, sagemakerShortTimestamp, tuningJobName } from '../../src/core/training/jobName';
import { encodeJobFileValues } from '../../src/core/training/pythonJson';
import { TrainingPlanError } from '../../src/core/training/trainingPlanError';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'requests');

interface FixtureContext extends Omit<TrainingPlanContext, 'now'> {
  now: string;
  differsFromSdk?: string;
  /** RFC 6902 `remove` operations: the fields of the SDK's request we deliberately do not send. */
  sdkRequestPatch?: Array<{ op: 'remove'; path: string }>;
}

function readContext(name: string): FixtureContext {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.context.json`), 'utf8')) as FixtureContext;
}

/** A job file with its context, read as the extension reads one: YAML 1.2 core, values encoded from the nodes. */
function planInput(name: string): TuningJobPlanInput {
  const text = readFileSync(path.join(FIXTURES, `${name}.sagemaker.yaml`), 'utf8');
  const doc = parseDocument(text, { uniqueKeys: true, strict: true });
  assert.deepEqual(doc.errors, [], `${name}: YAML errors`);
  const { differsFromSdk: _d, sdkRequestPatch: _p, ...context } = readContext(name);
  const encoded = encodeJobFileValues(text);
  return {
    spec: doc.toJS() as JobSpec,
    hyperparameters: encoded.hyperparameters,
    ...(encoded.modelParallelParameters !== undefined ? { modelParallelParameters: encoded.modelParallelParameters } : {}),
    ...(encoded.tagValues !== undefined ? { tagValues: encoded.tagValues } : {}),
    ...(encoded.ruleParameterValues !== undefined ? { ruleParameterValues: encoded.ruleParameterValues } : {}),
    ...(encoded.tuning !== undefined ? { tuningValues: encoded.tuning } : {}),
    context: { ...context, now: new Date(context.now) },
  };
}

const tuningFixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.sagemaker.yaml'))
  .map((f) => f.slice(0, -'.sagemaker.yaml'.length))
  .filter((name) => parseDocument(readFileSync(path.join(FIXTURES, `${name}.sagemaker.yaml`), 'utf8')).has('tuning'))
  .sort();

interface SdkGolden {
  sdk: { version: string; commit: string };
  operation?: string;
  request?: Record<string, unknown>;
  uploads?: Array<{ bucket: string; key: string; extra_args: unknown }>;
  error?: string;
}

function golden(name: string): SdkGolden {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.sdk.json`), 'utf8')) as SdkGolden;
}

/** Applies the context's `remove` operations to a copy of the SDK's request. */
function patched(request: Record<string, unknown>, patch: FixtureContext['sdkRequestPatch']): Record<string, unknown> {
  const copy = structuredClone(request);
  for (const op of patch ?? []) {
    const parts = op.path.split('/').slice(1);
    let at: Record<string, unknown> = copy;
    for (const part of parts.slice(0, -1)) at = at[part] as Record<string, unknown>;
    assert.ok(parts[parts.length - 1]! in at, `patch ${op.path} removes a field the SDK sent`);
    delete at[parts[parts.length - 1]!];
  }
  return copy;
}

/**
 * WarmStartConfig keeps its parents in a Python set, so the SDK lists them in the set's order (string
 * hashing; the golden run pins PYTHONHASHSEED). The service treats them as a set; we send the file's
 * order, once each. Both sides are compared in one order.
 */
function parentsSorted(request: Record<string, unknown>): Record<string, unknown> {
  const warm = request.WarmStartConfig as { ParentHyperParameterTuningJobs: Array<{ HyperParameterTuningJobName: string }> } | undefined;
  if (!warm) return request;
  const names = warm.ParentHyperParameterTuningJobs.map((p) => p.HyperParameterTuningJobName).sort();
  return { ...request, WarmStartConfig: { ...warm, ParentHyperParameterTuningJobs: names.map((n) => ({ HyperParameterTuningJobName: n })) } };
}

/**
 * Each fixture's NAME.sdk.json was written by scripts/sdk-goldens.mjs from what SDK v2.257.6 itself
 * sent for `HyperparameterTuner(HuggingFace(...), **tuning).fit(inputs)` (or refused).
 * NAME.error.json is our refusal; `differsFromSdk` in NAME.context.json says why we do not do
 * exactly what the SDK does, and `sdkRequestPatch` which of its fields we leave out.
 */
describe('buildTuningJobPlan fixtures (goldens made by SDK v2.257.6 itself)', () => {
  it('has at least 12 tuning configurations the SDK sends and refusals it makes, each with a context and a golden', () => {
    const sent = tuningFixtures.filter((n) => golden(n).request !== undefined);
    const refused = tuningFixtures.filter((n) => golden(n).error !== undefined);
    assert.ok(sent.length >= 12, `found ${sent.length}`);
    assert.ok(refused.length >= 5, `found ${refused.length}`);
    for (const name of tuningFixtures) {
      const g = golden(name);
      assert.deepEqual(g.sdk, { version: '2.257.6', commit: 'fc582aaa46faf7b7e16ab1e13840869712174cd0' }, name);
      if (g.request !== undefined) assert.equal(g.operation, 'CreateHyperParameterTuningJob', name);
    }
    // The three partitions, every strategy.
    const regions = new Set(sent.map((n) => readContext(n).region));
    for (const r of ['us-east-1', 'cn-north-1', 'us-gov-west-1']) assert.ok(regions.has(r), r);
    const strategies = new Set(sent.map((n) => (golden(n).request!.HyperParameterTuningJobConfig as { Strategy: string }).Strategy));
    assert.deepEqual([...strategies].sort(), ['Bayesian', 'Grid', 'Hyperband', 'Random']);
  });

  for (const name of tuningFixtures) {
    const errorFile = path.join(FIXTURES, `${name}.error.json`);
    if (existsSync(errorFile)) {
      it(`${name}: refused${golden(name).error !== undefined ? ' as the SDK refuses it' : ' (the SDK sends it; see differsFromSdk)'}`, () => {
        if (golden(name).error === undefined) assert.ok(readContext(name).differsFromSdk, `${name}: we refuse what the SDK sends, so the context must say why`);
        const expected = JSON.parse(readFileSync(errorFile, 'utf8')) as { code: string; path?: string };
        assert.throws(
          () => buildTuningJobPlan(planInput(name)),
          (e: unknown) => {
            assert.ok(e instanceof TrainingPlanError, String(e));
            assert.equal(e.code, expected.code);
            if (expected.path !== undefined) assert.equal(e.context.path, expected.path);
            return true;
          },
        );
      });
    } else {
      it(`${name}: the tuning request and uploads the SDK sent, field for field and in its order`, () => {
        const expected = golden(name);
        assert.ok(expected.request, `${name}: the SDK refuses (${expected.error}); plan must too`);
        const context = readContext(name);
        if (context.sdkRequestPatch) assert.ok(context.differsFromSdk, `${name}: a patch needs its reason`);
        const input = planInput(name);
        const plan = buildTuningJobPlan(input);
        // Text comparison checks key order too, so a dump diffs cleanly with boto3's debug log.
        assert.equal(
          JSON.stringify(parentsSorted(plan.createHyperParameterTuningJob as unknown as Record<string, unknown>), null, 2),
          JSON.stringify(parentsSorted(patched(expected.request, context.sdkRequestPatch)), null, 2),
        );
        const uploads = plan.uploads.map((u) => ({ bucket: u.bucket, key: u.key, extra_args: u.extraArgs }));
        assert.equal(JSON.stringify(uploads, null, 2), JSON.stringify(expected.uploads, null, 2));
        assert.equal(plan.defaultBucket, input.spec.output_path === undefined ? `sagemaker-${input.context.region}-${input.context.accountId}` : undefined);
      });
    }
  }
});

describe('the tuning request is built by the training request builder', () => {
  it("takes the TrainingJobDefinition from the estimator's own CreateTrainingJob request", () => {
    const input = planInput('tuning-estimator-everything');
    const training = buildTrainingJobPlan(input).createTrainingJob;
    const tuning = buildTuningJobPlan(input);
    const definition = tuning.createHyperParameterTuningJob.TrainingJobDefinition;
    assert.deepEqual(tuning.trainingPlan.createTrainingJob, training);
    assert.deepEqual(definition.InputDataConfig, training.InputDataConfig);
    assert.deepEqual(definition.OutputDataConfig, training.OutputDataConfig);
    assert.deepEqual(definition.StoppingCondition, training.StoppingCondition);
    assert.deepEqual(definition.VpcConfig, training.VpcConfig);
    assert.equal(definition.AlgorithmSpecification.TrainingImage, training.AlgorithmSpecification.TrainingImage);
    // Static hyperparameters: the estimator's, ranged ones out, the tuner's two class keys in.
    const { learning_rate: _ranged, ...rest } = training.HyperParameters!;
    assert.deepEqual(definition.StaticHyperParameters, {
      ...rest,
      sagemaker_estimator_class_name: '"HuggingFace"',
      sagemaker_estimator_module: '"sagemaker.huggingface.estimator"',
    });
  });

  it('says which estimator settings the tuner does not send', () => {
    const plan = buildTuningJobPlan(planInput('tuning-estimator-everything'));
    assert.deepEqual(
      plan.notSent.map((n) => n.path),
      ['metric_definitions', 'keep_alive_period_in_seconds'],
    );
  });

  it('drops a ranged hyperparameter that is also fixed, keeping the distribution keys static', () => {
    const plan = buildTuningJobPlan(planInput('tuning-smddp-static'));
    const statics = plan.createHyperParameterTuningJob.TrainingJobDefinition.StaticHyperParameters;
    assert.equal(statics.learning_rate, undefined);
    assert.equal(statics.sagemaker_distributed_dataparallel_enabled, 'true');
  });

  it('encodes range bounds and categorical values as Python str() of what the file wrote', () => {
    const input = planInput('tuning-bayesian-ranges');
    input.spec.tuning!.hyperparameter_ranges = {
      lr: { type: 'continuous', min_value: 1, max_value: 2.5 },
      flag: { type: 'categorical', values: [true, 1.5, 'x'] },
    };
    input.tuningValues = { ranges: { lr: { min_value: '1.0', max_value: '2.5' } } };
    const ranges = buildTuningJobPlan(input).createHyperParameterTuningJob.HyperParameterTuningJobConfig.ParameterRanges;
    assert.deepEqual(ranges.ContinuousParameterRanges, [{ Name: 'lr', MinValue: '1.0', MaxValue: '2.5', ScalingType: 'Auto' }]);
    assert.deepEqual(ranges.CategoricalParameterRanges, [{ Name: 'flag', Values: ['"True"', '"1.5"', '"x"'] }]);
  });

  it('refuses what the training builder refuses, under a tuner too', () => {
    const input = planInput('tuning-bayesian-ranges');
    input.hyperparameters.hub_token = '"hf_abcdefghijklmnopqrstuvwxyzABCDEFGH"';
    assert.throws(
      () => buildTuningJobPlan(input),
      (e: unknown) => e instanceof TrainingPlanError && e.code === 'hyperparameters.secret',
    );
  });
});

describe('tuning job names', () => {
  const now = new Date('2026-11-26T08:05:59.999Z');
  it("uses the tuner's short timestamp and cuts the base so the name fits 32 characters", () => {
    assert.equal(sagemakerShortTimestamp(now), '261126-0805');
    const image = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu129-ubuntu22.04';
    assert.equal(tuningJobName({ image, now }), 'huggingface-pytorch--261126-0805');
    assert.equal(tuningJobName({ image, now, baseTuningJobName: 'lr' }), 'lr-261126-0805');
    assert.equal(tuningJobName({ image, now, jobName: 'exact-name' }), 'exact-name');
    assert.equal(nameFromBase('a'.repeat(40), now, 32, true).length, 32);
  });
});
