// The setup check, each failing item produced by a real misconfiguration and read back through the
// real @aws-sdk clients: STS, IAM and S3 from moto; Service Quotas, the Price List and S3's
// ExpectedBucketOwner rule (which moto 5.1.1 ignores) from the awsExtras fake in front of it.
// The pure parts (trust policies, the image catalog, the renderer, the bucket list) run without either.
//
// Skipped (with the setup command) only when scripts/setup-moto.sh has not been run on this machine.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'yaml';
import { AwsClients } from '../../src/aws/awsClients';
import { PreflightCache, runPreflight } from '../../src/aws/preflight/runPreflight';
import { doctorCommand } from '../../src/cli/doctorCommand';
import { UsageError } from '../../src/cli/cliError';
import type { CliIo } from '../../src/cli/cliError';
import { listInstanceTypes } from '../../src/core/catalog/instanceTypes';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import { blockingFailures, isReadyToLaunch, renderChecklistText, summarizeChecklist } from '../../src/core/preflight/checklist';
import type { CheckItem, Checklist } from '../../src/core/preflight/checklist';
import { checkTrainingImage } from '../../src/core/preflight/imageCheck';
import { jobBuckets } from '../../src/core/preflight/jobBuckets';
import { createRoleCommand, quotaConsoleUrl, trainingQuotaName } from '../../src/core/preflight/nextSteps';
import { decodePolicyDocument, sagemakerTrust } from '../../src/core/preflight/trustPolicy';
import { fakeQuotaCode, startAwsExtras } from '../emulators/awsExtras/awsExtras';
import type { AwsExtras } from '../emulators/awsExtras/awsExtras';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '111122223333';
const SEED_FILE = path.join(REPO_ROOT, 'test/fixtures/jobFiles/valid/seed.sagemaker.yaml');
const SEED = parse(readFileSync(SEED_FILE, 'utf8')) as JobSpec;
const P3DN_QUOTA = trainingQuotaName('ml.p3dn.24xlarge', false);

function trust(service: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
}

function item(checklist: Checklist, id: string): CheckItem {
  const found = checklist.items.find((i) => i.id === id);
  assert.ok(found, `no ${id} item in:\n${renderChecklistText(checklist)}`);
  return found;
}

describe('trust policies', () => {
  it('reads the URL-encoded document IAM returns and finds the SageMaker trust', () => {
    const encoded = encodeURIComponent(trust('sagemaker.amazonaws.com'));
    const verdict = sagemakerTrust(decodePolicyDocument(encoded));
    assert.equal(verdict.trusted, true);
  });

  it('says who is trusted instead when SageMaker is not', () => {
    const verdict = sagemakerTrust(decodePolicyDocument(trust('lambda.amazonaws.com')));
    assert.equal(verdict.trusted, false);
    assert.match(verdict.reason, /it trusts Service:lambda\.amazonaws\.com, not sagemaker\.amazonaws\.com/);
  });

  it('accepts a service list, a single statement object and action wildcards', () => {
    const doc = { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com', 'sagemaker.amazonaws.com'] }, Action: ['sts:Assume*'] } };
    assert.equal(sagemakerTrust(doc).trusted, true);
  });

  it('honours an unconditional Deny, and notes conditions it cannot evaluate', () => {
    const allow = { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } };
    assert.match(sagemakerTrust({ Statement: [allow] }).reason, /under conditions/);
    const deny = { Effect: 'Deny', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' };
    assert.equal(sagemakerTrust({ Statement: [allow, deny] }).trusted, false);
  });

  it('treats an unreadable document as no trust', () => {
    assert.equal(sagemakerTrust(decodePolicyDocument('%E0%A4%A')).trusted, false);
  });
  it('reads a "*" principal, as a string or as an AWS value, as trust in anyone, and says so', () => {
    const anyone = 'trusts sagemaker.amazonaws.com (through a "*" principal, which lets anyone assume it)';
    assert.deepEqual(sagemakerTrust({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] }), { trusted: true, reason: anyone, principals: ['*'] });
    assert.deepEqual(sagemakerTrust({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }), { trusted: true, reason: anyone, principals: ['*'] });
  });

  it('says when a policy lets no one assume the role: no statements, or an Allow without a principal', () => {
    const noOne = 'its trust policy allows no one to assume it, not sagemaker.amazonaws.com';
    assert.deepEqual(sagemakerTrust({ Version: '2012-10-17', Statement: [] }), { trusted: false, reason: noOne, principals: [] });
    assert.deepEqual(sagemakerTrust({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }), { trusted: false, reason: noOne, principals: [] });
    // A principal written as a bare string other than "*" (IAM refuses it) names no one either.
    assert.deepEqual(sagemakerTrust({ Statement: [{ Effect: 'Allow', Principal: 'sagemaker.amazonaws.com', Action: 'sts:AssumeRole' }] }), {
      trusted: false,
      reason: noOne,
      principals: [],
    });
    // Nor does a Deny, with or without a condition.
    const conditionalDeny = {
      Effect: 'Deny',
      Principal: { Service: 'sagemaker.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    assert.deepEqual(sagemakerTrust({ Statement: [conditionalDeny] }), { trusted: false, reason: noOne, principals: [] });
  });

  it('lists the principals allowed sts:AssumeRole, and only those', () => {
    const statements = [
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:TagSession' },
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com', AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
    ];
    assert.deepEqual(sagemakerTrust({ Statement: statements }), {
      trusted: false,
      reason: `it trusts Service:lambda.amazonaws.com, AWS:arn:aws:iam::${ACCOUNT}:root, not sagemaker.amazonaws.com`,
      principals: ['Service:lambda.amazonaws.com', `AWS:arn:aws:iam::${ACCOUNT}:root`],
    });
  });

  it('notes a wildcard or a condition only when every statement granting the trust has one', () => {
    const plain = { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' };
    const anyoneUnderCondition = { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } };
    assert.equal(sagemakerTrust({ Statement: [plain, anyoneUnderCondition] }).reason, 'trusts sagemaker.amazonaws.com');
    assert.equal(
      sagemakerTrust({ Statement: [anyoneUnderCondition] }).reason,
      'trusts sagemaker.amazonaws.com (through a "*" principal, which lets anyone assume it; under conditions, which SageMaker\'s requests are assumed to meet)',
    );
    // A Deny under a condition is not evaluated, so it does not take the trust away.
    const conditionalDeny = {
      Effect: 'Deny',
      Principal: { Service: 'sagemaker.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    assert.equal(sagemakerTrust({ Statement: [plain, conditionalDeny] }).trusted, true);
  });

  it("trusts SageMaker's China principal too", () => {
    assert.equal(sagemakerTrust(decodePolicyDocument(trust('sagemaker.amazonaws.com.cn'))).trusted, true);
  });

  it('reads plain JSON as written, blank space around it or not, and leaves a "+" in it alone', () => {
    const doc = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/ml+ops` }, Action: 'sts:AssumeRole' }] });
    for (const raw of [doc, `  ${doc}\n`]) {
      assert.equal(sagemakerTrust(decodePolicyDocument(raw)).reason, `it trusts AWS:arn:aws:iam::${ACCOUNT}:role/ml+ops, not sagemaker.amazonaws.com`);
    }
    assert.equal(decodePolicyDocument(undefined), undefined);
    assert.equal(decodePolicyDocument(''), undefined);
  });

  it('matches actions as IAM does: any case, "*" and "?" wildcards, every other character literal', () => {
    const trusts = (action: unknown) => sagemakerTrust({ Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: action }] }).trusted;
    assert.equal(trusts('STS:assumerole'), true);
    assert.equal(trusts('sts:Assume?ole'), true);
    assert.equal(trusts('sts:*'), true);
    assert.equal(trusts('sts:Assume+Role'), false);
    assert.equal(trusts('sts:AssumeRole.'), false);
    assert.equal(trusts('sts:TagSession'), false);
    // Values that are not strings are no action at all.
    assert.equal(trusts([42, { a: 1 }, 'sts:AssumeRole']), true);
    assert.equal(trusts([42]), false);
  });

  it('honours a Deny that names sts:AssumeRole among other actions, or denies everyone', () => {
    const allow = { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' };
    const denyBoth = { Effect: 'Deny', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: ['sts:TagSession', 'sts:AssumeRole'] };
    assert.equal(sagemakerTrust({ Statement: [allow, denyBoth] }).trusted, false);
    const denyAll = { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' };
    assert.deepEqual(sagemakerTrust({ Statement: [allow, denyAll] }), {
      trusted: false,
      reason: 'its trust policy denies sagemaker.amazonaws.com sts:AssumeRole',
      principals: ['Service:sagemaker.amazonaws.com'],
    });
  });

  it('passes over statements that are not objects, and reads a document that is not one as unreadable', () => {
    const allow = { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' };
    assert.equal(sagemakerTrust({ Statement: [null, 'text', 7, allow] }).trusted, true);
    const unreadable = { trusted: false, reason: 'its trust policy could not be read', principals: [] };
    assert.deepEqual(sagemakerTrust(decodePolicyDocument('"a string"')), unreadable);
    assert.deepEqual(sagemakerTrust(decodePolicyDocument('42')), unreadable);
    assert.deepEqual(sagemakerTrust(undefined), unreadable);
  });

  it('is not turned by a Deny of another action for SageMaker', () => {
    const allow = { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' };
    const denyTagging = { Effect: 'Deny', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:TagSession' };
    assert.deepEqual(sagemakerTrust({ Statement: [allow, denyTagging] }), {
      trusted: true,
      reason: 'trusts sagemaker.amazonaws.com',
      principals: ['Service:sagemaker.amazonaws.com'],
    });
  });
});

describe('which buckets a launch writes to', () => {
  it('defaults output and code to sagemaker-{region}-{account}', () => {
    assert.deepEqual(jobBuckets(SEED, 'us-east-1', ACCOUNT), [{ bucket: `sagemaker-us-east-1-${ACCOUNT}`, uses: ['output', 'code'], isDefault: true }]);
  });

  it('follows output_path, code_location and checkpoint_s3_uri, and skips code already in S3', () => {
    const spec: JobSpec = { ...SEED, output_path: 's3://out/x', code_location: 's3://code/y', checkpoint_s3_uri: 's3://out/ckpt' };
    assert.deepEqual(jobBuckets(spec, 'us-east-1', ACCOUNT), [
      { bucket: 'out', uses: ['output', 'checkpoint'], isDefault: false },
      { bucket: 'code', uses: ['code'], isDefault: false },
    ]);
    assert.deepEqual(
      jobBuckets({ ...spec, source_dir: 's3://code/sourcedir.tar.gz' }, 'us-east-1', ACCOUNT).map((b) => b.bucket),
      ['out'],
    );
  });

  it('reads S3 URIs with blank space around them, and falls back to the default bucket for anything else', () => {
    const defaultBucket = { bucket: `sagemaker-us-east-1-${ACCOUNT}`, uses: ['output', 'code'], isDefault: true };
    assert.deepEqual(jobBuckets({ ...SEED, output_path: '  s3://out/x\n' }, 'us-east-1', ACCOUNT), [{ bucket: 'out', uses: ['output', 'code'], isDefault: false }]);
    assert.deepEqual(jobBuckets({ ...SEED, output_path: 'file:///tmp/out' }, 'us-east-1', ACCOUNT), [defaultBucket]);
    // Not an S3 URI, though one appears inside it.
    assert.deepEqual(jobBuckets({ ...SEED, output_path: 'https://example.com/s3://out/x' }, 'us-east-1', ACCOUNT), [defaultBucket]);
  });
});

describe('the training image check (catalog, no ECR call)', () => {
  it('passes the seed image in us-east-1 and says ECR was not asked', () => {
    const got = checkTrainingImage(SEED, 'us-east-1');
    assert.equal(got.status, 'passed');
    assert.match(got.detail, /763104351884\.dkr\.ecr\.us-east-1\.amazonaws\.com\/huggingface-pytorch-training:1\.6\.0-transformers4\.4\.2-gpu-py36-cu110-ubuntu18\.04/);
    assert.match(got.detail, /Not confirmed with ECR/);
  });

  it('fails when the versions have no image in the region, naming regions that have it', () => {
    const got = checkTrainingImage({ ...SEED, transformers_version: '4.26.0', pytorch_version: '1.13.1', py_version: 'py39' }, 'eu-south-2');
    assert.equal(got.status, 'failed');
    assert.equal(got.blocking, true);
    assert.match(got.detail, /not published in eu-south-2/);
    // Nearby regions first: the user most likely wants to stay in Europe.
    assert.match(got.nextStep?.action ?? '', /\(eu-central-1, eu-north-1, eu-south-1, eu-west-1, eu-west-2, eu-west-3, af-south-1/);
  });

  it("with compiler_config checks SageMaker Training Compiler's image table instead", () => {
    const compiler = { ...SEED, transformers_version: '4.11.0', pytorch_version: '1.9.0', py_version: 'py38', compiler_config: {} };
    const here = checkTrainingImage(compiler, 'us-west-2');
    assert.equal(here.status, 'passed');
    assert.match(here.detail, /763104351884\.dkr\.ecr\.us-west-2\.amazonaws\.com\/huggingface-pytorch-trcomp-training:1\.9\.0-transformers4\.11\.0-gpu-py38-cu111-ubuntu20\.04/);
    // The ordinary 4.11.0 image is in eu-west-2; the compiler's is not.
    assert.equal(checkTrainingImage({ ...compiler, compiler_config: undefined }, 'eu-west-2').status, 'passed');
    const there = checkTrainingImage(compiler, 'eu-west-2');
    assert.equal(there.status, 'failed');
    assert.match(there.detail, /Training Compiler's images for transformers 4\.11\.0 are not published in eu-west-2/);
  });

  it("fails an image_uri from another region and offers the same image from the job's", () => {
    const uri = '763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04';
    const got = checkTrainingImage({ ...SEED, image_uri: uri }, 'us-east-1');
    assert.equal(got.status, 'failed');
    assert.match(got.nextStep?.action ?? '', /image_uri: 763104351884\.dkr\.ecr\.us-east-1\.amazonaws\.com\/huggingface-pytorch-training:1\.6\.0-transformers4\.4\.2/);
  });

  it('leaves a custom image unknown rather than guessing', () => {
    const got = checkTrainingImage({ ...SEED, image_uri: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/my-trainer:latest` }, 'us-east-1');
    assert.equal(got.status, 'unknown');
    assert.equal(got.blocking, false);
  });

  const SEED_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04';
  const NOT_ASKED = 'Not confirmed with ECR: DescribeImages on the AWS registry needs cross-account permissions users rarely have.';

  it('passes an image_uri the catalog lists for the region, blank space around it or not', () => {
    assert.deepEqual(checkTrainingImage({ ...SEED, image_uri: `  ${SEED_IMAGE}\n` }, 'us-east-1'), {
      id: 'image',
      kind: 'image',
      title: 'Training image',
      status: 'passed',
      blocking: true,
      detail: `${SEED_IMAGE} is a Hugging Face DLC the catalog lists for us-east-1. ${NOT_ASKED}`,
    });
  });

  it('leaves a Hugging Face image unknown when the catalog does not list its tag', () => {
    const uri = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:9.9.0-transformers9.9.0-gpu-py311-cu999-ubuntu22.04';
    const got = checkTrainingImage({ ...SEED, image_uri: uri }, 'us-east-1');
    assert.deepEqual(
      { status: got.status, blocking: got.blocking, detail: got.detail },
      { status: 'unknown', blocking: false, detail: `${uri} looks like a Hugging Face DLC, but the catalog does not list this tag; it was not checked. ${NOT_ASKED}` },
    );
  });

  it('fails a custom ECR image of another region as a blocking problem, and says where to push it', () => {
    const got = checkTrainingImage({ ...SEED, image_uri: `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/my-trainer:latest` }, 'us-east-1');
    assert.deepEqual(got, {
      id: 'image',
      kind: 'image',
      title: 'Training image',
      status: 'failed',
      blocking: true,
      detail: "image_uri is in the ECR registry of us-west-2, the job runs in us-east-1: SageMaker pulls training images from the job's region.",
      nextStep: { action: 'Push the image to ECR in us-east-1, or run the job in us-west-2.' },
    });
  });

  it("offers a TensorFlow image from the job's region for one of another region", () => {
    const tag = '2.6.3-transformers4.17.0-gpu-py38-cu112-ubuntu20.04';
    const got = checkTrainingImage({ ...SEED, image_uri: `763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-tensorflow-training:${tag}` }, 'us-east-1');
    assert.equal(got.status, 'failed');
    assert.equal(
      got.nextStep?.action,
      `Use the same image from us-east-1: image_uri: 763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-tensorflow-training:${tag} (or drop image_uri and keep the versions).`,
    );
  });

  it('leaves an image from outside ECR unknown, even when an ECR address appears later in its name', () => {
    for (const uri of ['docker.io/library/python:3.11', `registry.example.com/${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/my-trainer:latest`]) {
      const got = checkTrainingImage({ ...SEED, image_uri: uri }, 'us-east-1');
      assert.deepEqual(
        { status: got.status, blocking: got.blocking, detail: got.detail },
        {
          status: 'unknown',
          blocking: false,
          detail: `${uri} is not an Amazon ECR image: SageMaker training pulls from ECR in the job's region (or a private registry reached through a VPC).`,
        },
      );
    }
  });

  it('resolves a TensorFlow job from its versions', () => {
    const spec: JobSpec = { ...SEED, transformers_version: '4.17.0', tensorflow_version: '2.6.3', py_version: 'py38' };
    delete spec.pytorch_version;
    const got = checkTrainingImage(spec, 'us-east-1');
    assert.equal(got.status, 'passed');
    assert.equal(got.blocking, true);
    assert.match(got.detail, /^763104351884\.dkr\.ecr\.us-east-1\.amazonaws\.com\/huggingface-tensorflow-training:2\.6\.3-transformers4\.17\.0-gpu-py38-/);
  });

  it('names a custom ECR image of the same region and what was not checked about it', () => {
    const uri = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/my-trainer:latest`;
    assert.equal(
      checkTrainingImage({ ...SEED, image_uri: uri }, 'us-east-1').detail,
      `${uri} is a custom ECR image; whether it exists was not checked (SageMaker's role needs ecr:BatchGetImage on it).`,
    );
  });

  it('shows at most eight regions, nearest first, and marks that there are more', () => {
    const got = checkTrainingImage({ ...SEED, transformers_version: '4.26.0', pytorch_version: '1.13.1', py_version: 'py39' }, 'eu-south-2');
    assert.equal(
      got.nextStep?.action,
      'Run the job in a region that has the image (eu-central-1, eu-north-1, eu-south-1, eu-west-1, eu-west-2, eu-west-3, af-south-1, ap-east-1, …), or choose versions published in eu-south-2.',
    );
  });

  it('offers at most three values for a field, and says when transformers_version is missing', () => {
    const missing: JobSpec = { ...SEED, pytorch_version: '1.13.1', py_version: 'py39' };
    delete missing.transformers_version;
    const got = checkTrainingImage(missing, 'us-east-1');
    assert.match(got.detail, /^No Hugging Face training image: transformers_version is required to pick a Hugging Face training image \(or set image_uri\); available: 5\.3\.0, /);
    assert.deepEqual(got.nextStep, { action: 'Fix transformers_version (e.g. 5.3.0, 4.56.2, 4.55.0); `sagemaker-hf validate` shows where.' });
    const py = checkTrainingImage({ ...SEED, transformers_version: '4.26.0', pytorch_version: '1.13.1', py_version: 'py27' }, 'us-east-1');
    assert.deepEqual(py.nextStep, { action: 'Fix py_version (e.g. py39); `sagemaker-hf validate` shows where.' });
  });

  it('names the field to fix, with no example when the catalog has none to offer', () => {
    const got = checkTrainingImage({ ...SEED, transformers_version: '4.26.0', pytorch_version: '9.9', py_version: 'py39' }, 'us-east-1');
    assert.equal(got.status, 'failed');
    assert.deepEqual(got.nextStep, { action: 'Fix pytorch_version; `sagemaker-hf validate` shows where.' });
  });
});

describe('the checklist text', () => {
  it('marks each item, shows the next step under failures and counts what blocks', () => {
    const checklist: Checklist = {
      checkedAt: '2026-11-26T00:00:00.000Z',
      region: 'us-east-1',
      accountId: ACCOUNT,
      items: [
        { id: 'credentials', kind: 'credentials', title: 'AWS credentials', status: 'passed', blocking: true, detail: 'account 123456789012' },
        {
          id: 'quota',
          kind: 'quota',
          title: 'Quota',
          status: 'failed',
          blocking: true,
          detail: 'is 0',
          nextStep: { action: 'Request an increase', command: 'aws service-quotas …', url: 'https://example' },
        },
        { id: 'image', kind: 'image', title: 'Image', status: 'unknown', blocking: false, detail: 'not checked' },
      ],
    };
    const text = renderChecklistText(checklist);
    assert.match(text, /✓ passed {2}AWS credentials/);
    assert.match(text, /✗ FAILED {2}Quota\n\s+is 0\n\s+→ Request an increase\n\s+https:\/\/example\n\s+\$ aws service-quotas …/);
    assert.match(text, /\? unknown Image/);
    assert.match(text, /1 passed, 1 failed, 1 could not be checked — 1 blocking problem/);
    assert.deepEqual(summarizeChecklist(checklist), { passed: 1, failed: 1, unknown: 1, blocking: 1 });
    assert.equal(isReadyToLaunch(checklist), false);
  });

  it('reads the same in full: cached items, a warning, a document, steps only under what did not pass, and the plural', () => {
    const checklist: Checklist = {
      checkedAt: '2026-11-26T00:00:00.000Z',
      accountId: ACCOUNT,
      region: 'us-east-1',
      items: [
        {
          id: 'credentials',
          kind: 'credentials',
          title: 'AWS credentials',
          status: 'passed',
          blocking: true,
          detail: 'account 123456789012',
          cached: true,
          nextStep: { action: 'Nothing to do' },
        },
        {
          id: 'role',
          kind: 'role',
          title: 'Execution role',
          status: 'failed',
          blocking: true,
          detail: 'trusts lambda\nnot SageMaker',
          nextStep: { action: 'Add the trust policy', document: '{\n  "a": 1\n}' },
        },
        { id: 'quota', kind: 'quota', title: 'Quota', status: 'failed', blocking: true, detail: 'is 0', nextStep: { action: 'Request an increase' } },
        { id: 'bucket:x', kind: 'bucket', title: 'Bucket x', status: 'failed', blocking: false, detail: 'in another region' },
      ],
    };
    assert.equal(
      renderChecklistText(checklist),
      [
        'Setup check (account 123456789012, region us-east-1)',
        '  ✓ passed  AWS credentials (cached)',
        '              account 123456789012',
        '  ✗ FAILED  Execution role',
        '              trusts lambda',
        '              not SageMaker',
        '              → Add the trust policy',
        '                {',
        '                  "a": 1',
        '                }',
        '  ✗ FAILED  Quota',
        '              is 0',
        '              → Request an increase',
        '  ✗ warning Bucket x',
        '              in another region',
        '1 passed, 3 failed, 0 could not be checked — 2 blocking problems: a launch would fail before training starts.',
        '',
      ].join('\n'),
    );
    const quiet: Checklist = { checkedAt: '2026-11-26T00:00:00.000Z', region: 'eu-west-1', items: [checklist.items[3]!] };
    assert.equal(
      renderChecklistText(quiet),
      'Setup check (region eu-west-1)\n  ✗ warning Bucket x\n              in another region\n0 passed, 1 failed, 0 could not be checked — nothing blocks a launch.\n',
    );
    assert.equal(isReadyToLaunch(quiet), true);
    assert.match(
      renderChecklistText({ checkedAt: '2026-11-26T00:00:00.000Z', items: [] }),
      /^Setup check\n0 passed, 0 failed, 0 could not be checked — nothing blocks a launch\.\n$/,
    );
    assert.match(renderChecklistText({ ...checklist, items: checklist.items.slice(2, 3) }), /— 1 blocking problem: a launch/);
  });
});

describe('the fixes handed out', () => {
  it("links each partition's Service Quotas console, and none where there is no public one", () => {
    assert.equal(quotaConsoleUrl('eu-west-1', 'L-1'), 'https://eu-west-1.console.aws.amazon.com/servicequotas/home/services/sagemaker/quotas/L-1?region=eu-west-1');
    assert.equal(quotaConsoleUrl('us-gov-west-1'), 'https://console.amazonaws-us-gov.com/servicequotas/home/services/sagemaker/quotas?region=us-gov-west-1');
    assert.equal(quotaConsoleUrl('cn-north-1', 'L-2'), 'https://console.amazonaws.cn/servicequotas/home/services/sagemaker/quotas/L-2?region=cn-north-1');
    assert.equal(quotaConsoleUrl('us-iso-east-1'), undefined);
  });

  it("creates a role with SageMaker's managed policy of the role's partition (aws unless told)", () => {
    assert.equal(
      createRoleCommand('trainer'),
      'aws iam create-role --role-name trainer --assume-role-policy-document file://sagemaker-trust.json && aws iam attach-role-policy --role-name trainer --policy-arn arn:aws:iam::aws:policy/AmazonSageMakerFullAccess',
    );
    assert.match(createRoleCommand('trainer', 'aws-cn'), /--policy-arn arn:aws-cn:iam::aws:policy\/AmazonSageMakerFullAccess$/);
  });
});

const installProblem = motoInstallProblem();

describe('preflight against moto and the awsExtras fake', { skip: installProblem ?? false }, () => {
  let moto: MotoServer;
  let extras: AwsExtras;
  const opened: AwsClients[] = [];

  const clientsFor = (region: string, overrides: Partial<ConstructorParameters<typeof AwsClients>[0]> = {}): AwsClients => {
    const c = new AwsClients({
      region,
      endpoints: { sts: moto.endpoint, iam: moto.endpoint, s3: extras.endpoint, serviceQuotas: extras.endpoint, pricing: extras.endpoint },
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      ...overrides,
    });
    opened.push(c);
    return c;
  };

  before(async () => {
    moto = await startMoto({ maxLifetimeSeconds: 600 });
    const everything = listInstanceTypes().map((t) => t.name);
    extras = await startAwsExtras({
      s3Upstream: moto.endpoint,
      trainingOffer: {
        'us-east-1': everything,
        'us-west-2': everything,
        // amazon-sagemaker-examples#3494: "Unsupported instance type ml.p3dn.24xlarge" in eu-central-1.
        'eu-central-1': everything.filter((t) => t !== 'ml.p3dn.24xlarge'),
      },
      prices: [{ region: 'us-east-1', instanceType: 'ml.p3dn.24xlarge', usd: 35.894, publicationDate: '2026-11-01T00:00:00Z' }],
      // A quota nobody ever changed: only the AWS default is listed.
      defaultOnly: ['us-east-1|ml.g5.2xlarge for training job usage'],
      quotaValues: { 'us-east-1|ml.g5.2xlarge for training job usage': 1 },
      maxLifetimeMs: 600_000,
    });

    const cfg = awsTestClientConfig(moto.endpoint);
    const iam = new IAMClient(cfg);
    await iam.send(new CreateRoleCommand({ RoleName: 'SageMakerRole', AssumeRolePolicyDocument: trust('sagemaker.amazonaws.com') }));
    await iam.send(new CreateRoleCommand({ RoleName: 'AmazonSageMaker-ExecutionRole-1', Path: '/service-role/', AssumeRolePolicyDocument: trust('sagemaker.amazonaws.com') }));
    await iam.send(new CreateRoleCommand({ RoleName: 'LambdaRole', AssumeRolePolicyDocument: trust('lambda.amazonaws.com') }));
    iam.destroy();

    const s3 = new S3Client(cfg);
    await s3.send(new CreateBucketCommand({ Bucket: 'team-models' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'models-eu', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    s3.destroy();
    // Another account's buckets: moto takes the account from this header.
    const other = new S3Client(cfg);
    other.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = OTHER_ACCOUNT;
        return next(args);
      },
      { step: 'build', name: 'otherAccount' },
    );
    await other.send(new CreateBucketCommand({ Bucket: 'squatted-models' }));
    await other.send(new CreateBucketCommand({ Bucket: `sagemaker-us-west-2-${ACCOUNT}`, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
    other.destroy();
  });

  after(async () => {
    for (const c of opened) c.destroy();
    await extras?.stop();
    await moto?.stop();
  });

  it('passes a good setup: the seed job with a quota of 2 p3dn instances', async () => {
    extras.setQuotaValue('us-east-1', P3DN_QUOTA, 2);
    const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec: SEED });
    assert.deepEqual(
      checklist.items.map((i) => [i.id, i.status]),
      [
        ['credentials', 'passed'],
        ['region', 'passed'],
        ['role', 'passed'],
        [`bucket:sagemaker-us-east-1-${ACCOUNT}`, 'passed'],
        ['instanceType', 'passed'],
        ['quota', 'passed'],
        ['image', 'passed'],
      ],
      renderChecklistText(checklist),
    );
    assert.equal(isReadyToLaunch(checklist), true);
    assert.equal(checklist.accountId, ACCOUNT);
    assert.match(item(checklist, 'credentials').detail, /account 123456789012 as arn:aws:sts::123456789012:user\/moto/);
    assert.match(item(checklist, 'role').detail, /arn:aws:iam::123456789012:role\/SageMakerRole trusts sagemaker\.amazonaws\.com/);
    assert.match(item(checklist, `bucket:sagemaker-us-east-1-${ACCOUNT}`).detail, /does not exist yet; the launch creates it/);
    assert.match(item(checklist, 'quota').detail, /2 instances allowed; this job needs 2/);
  });

  it('creates nothing: the missing default bucket is still missing after the check', async () => {
    const s3 = new S3Client(awsTestClientConfig(moto.endpoint));
    try {
      await assert.rejects(
        s3.send(new HeadBucketCommand({ Bucket: `sagemaker-us-east-1-${ACCOUNT}` })),
        (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404,
      );
    } finally {
      s3.destroy();
    }
  });

  it('stops a job asking for 2 × ml.p3dn.24xlarge with a quota of 0, naming the quota and how to raise it', async () => {
    extras.setQuotaValue('us-east-1', P3DN_QUOTA, 0);
    const from = extras.requests.length;
    const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec: SEED });
    const quota = item(checklist, 'quota');
    assert.equal(quota.status, 'failed');
    assert.equal(quota.blocking, true);
    const code = fakeQuotaCode(P3DN_QUOTA);
    assert.match(quota.detail, new RegExp(`quota "ml\\.p3dn\\.24xlarge for training job usage" \\(${code}\\) in us-east-1 is 0 instances; this job needs 2`));
    assert.equal(quota.nextStep?.command, `aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code ${code} --desired-value 2 --region us-east-1`);
    assert.equal(quota.nextStep?.url, quotaConsoleUrl('us-east-1', code));
    assert.match(quota.nextStep?.url ?? '', new RegExp(`^https://us-east-1\\.console\\.aws\\.amazon\\.com/servicequotas/home/services/sagemaker/quotas/${code}`));
    assert.deepEqual(
      blockingFailures(checklist).map((i) => i.id),
      ['quota'],
    );
    assert.equal(isReadyToLaunch(checklist), false);
    // What Service Quotas was asked: the sagemaker quotas, paged.
    const listed = extras.requests.slice(from).filter((r) => r.operation === 'ListServiceQuotas');
    assert.ok(listed.length >= 2, 'the listing is paged (the fake has more than 100 sagemaker quotas)');
    assert.ok(listed.every((r) => r.body['ServiceCode'] === 'sagemaker'));
  });

  it('mentions an increase already requested instead of sending the user to file another', async () => {
    extras.setQuotaValue('us-west-2', P3DN_QUOTA, 0);
    const clients = clientsFor('us-west-2');
    const { RequestServiceQuotaIncreaseCommand } = await import('@aws-sdk/client-service-quotas');
    await clients.serviceQuotas().send(new RequestServiceQuotaIncreaseCommand({ ServiceCode: 'sagemaker', QuotaCode: fakeQuotaCode(P3DN_QUOTA), DesiredValue: 4 }));
    const checklist = await runPreflight({ clients, spec: { ...SEED, region: 'us-west-2', output_path: 's3://team-models/out' } });
    const quota = item(checklist, 'quota');
    assert.equal(quota.status, 'failed');
    assert.match(quota.detail, /An increase to 4 is already requested \(PENDING/);
    assert.equal(quota.nextStep?.command, undefined);
    assert.match(quota.nextStep?.action ?? '', /Wait for the pending request/);
  });

  it('checks the spot quota for a spot job', async () => {
    const spotQuota = trainingQuotaName('ml.p3dn.24xlarge', true);
    extras.setQuotaValue('us-east-1', P3DN_QUOTA, 8);
    extras.setQuotaValue('us-east-1', spotQuota, 1);
    const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec: { ...SEED, use_spot_instances: true, max_wait: 172800 } });
    const quota = item(checklist, 'quota');
    assert.equal(quota.title, 'Quota "ml.p3dn.24xlarge for spot training job usage" ≥ 2');
    assert.equal(quota.status, 'failed');
    assert.match(quota.detail, /is 1 instance;/);
  });

  it('with instance_preferences, checks every candidate’s offer and quota (SageMaker checks them all), from one listing', async () => {
    extras.setQuotaValue('us-east-1', P3DN_QUOTA, 0);
    const from = extras.requests.length;
    const { instance_type: _type, distribution: _distribution, ...rest } = SEED;
    const spec: JobSpec = {
      ...rest,
      instance_count: undefined,
      instance_preferences: [
        { instance_type: 'ml.g5.2xlarge', instance_count: 1 },
        { instance_type: 'ml.p3dn.24xlarge', instance_count: 2 },
      ],
    };
    const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec });
    assert.equal(item(checklist, 'instanceType-1').status, 'passed');
    assert.equal(item(checklist, 'instanceType-2').status, 'passed');
    const g5 = item(checklist, 'quota-1');
    assert.equal(g5.status, 'passed');
    assert.equal(g5.title, 'Quota "ml.g5.2xlarge for training job usage" ≥ 1 (preference 1 of 2)');
    const p3dn = item(checklist, 'quota-2');
    assert.equal(p3dn.status, 'failed');
    assert.match(p3dn.detail, /is 0 instances; this job needs 2\. .*SageMaker checks the quota of every type in instance_preferences/);
    assert.equal(p3dn.nextStep?.requestQuota?.desiredValue, 2);
    assert.deepEqual(
      blockingFailures(checklist).map((i) => i.id),
      ['quota-2'],
    );
    const firstPages = extras.requests.slice(from).filter((r) => r.operation === 'ListServiceQuotas' && !r.body['NextToken']);
    assert.equal(firstPages.length, 1, 'one listing serves every candidate');
  });

  it('falls back to the AWS default of a quota that has no applied value', async () => {
    const from = extras.requests.length;
    const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec: { ...SEED, instance_type: 'ml.g5.2xlarge', instance_count: 1, distribution: undefined } });
    const quota = item(checklist, 'quota');
    assert.equal(quota.status, 'passed');
    assert.match(quota.detail, /1 instance allowed \(the AWS default; the account has no applied value\); this job needs 1/);
    assert.ok(extras.requests.slice(from).some((r) => r.operation === 'ListAWSDefaultServiceQuotas' && r.body['ServiceCode'] === 'sagemaker'));
  });

  it('fails an instance type the region does not offer for training, and names ones it does', async () => {
    const checklist = await runPreflight({ clients: clientsFor('eu-central-1'), spec: { ...SEED, region: 'eu-central-1' } });
    const offered = item(checklist, 'instanceType');
    assert.equal(offered.status, 'failed');
    assert.equal(offered.blocking, true);
    assert.match(offered.detail, /SageMaker does not offer ml\.p3dn\.24xlarge for training in eu-central-1/);
    // Same accelerator (V100) first.
    assert.match(offered.detail, /Types offered there include ml\.p3\.16xlarge, ml\.p3\.2xlarge, ml\.p3\.8xlarge/);
    assert.equal(
      checklist.items.some((i) => i.id === 'quota'),
      false,
      'no quota to report for a type that has none',
    );
  });

  it('fails a role SageMaker cannot assume, with the trust policy to add', async () => {
    const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec: { ...SEED, role: 'LambdaRole' } });
    const role = item(checklist, 'role');
    assert.equal(role.status, 'failed');
    assert.equal(role.blocking, true);
    assert.match(role.detail, /it trusts Service:lambda\.amazonaws\.com, not sagemaker\.amazonaws\.com: SageMaker cannot assume it/);
    assert.equal(role.nextStep?.command, 'aws iam update-assume-role-policy --role-name LambdaRole --policy-document file://sagemaker-trust.json');
    assert.deepEqual(JSON.parse(role.nextStep?.document ?? '{}').Statement[0].Principal, { Service: 'sagemaker.amazonaws.com' });
  });

  it('fails a role that does not exist, with the commands that create one', async () => {
    const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec: { ...SEED, role: 'NoSuchRole' } });
    const role = item(checklist, 'role');
    assert.equal(role.status, 'failed');
    assert.match(role.detail, /No role named NoSuchRole exists in account 123456789012/);
    assert.match(role.nextStep?.command ?? '', /aws iam create-role --role-name NoSuchRole/);
  });

  it('finds a role under a path by its bare name, and fails an ARN that leaves the path out', async () => {
    const bare = await runPreflight({ clients: clientsFor('us-east-1'), spec: { ...SEED, role: 'AmazonSageMaker-ExecutionRole-1' } });
    assert.equal(item(bare, 'role').status, 'passed');
    const noPath = await runPreflight({ clients: clientsFor('us-east-1'), spec: { ...SEED, role: `arn:aws:iam::${ACCOUNT}:role/AmazonSageMaker-ExecutionRole-1` } });
    const role = item(noPath, 'role');
    assert.equal(role.status, 'failed');
    assert.match(role.nextStep?.action ?? '', /role: arn:aws:iam::123456789012:role\/service-role\/AmazonSageMaker-ExecutionRole-1/);
  });

  it('fails a role of another account without asking IAM', async () => {
    const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec: { ...SEED, role: `arn:aws:iam::${OTHER_ACCOUNT}:role/SageMakerRole` } });
    assert.match(item(checklist, 'role').detail, /belongs to account 111122223333, but jobs are created by account 123456789012/);
  });

  it('fails an output bucket owned by another account, having asked S3 with ExpectedBucketOwner', async () => {
    const from = extras.requests.length;
    const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec: { ...SEED, output_path: 's3://squatted-models/runs' } });
    const bucket = item(checklist, 'bucket:squatted-models');
    assert.equal(bucket.status, 'failed');
    assert.equal(bucket.blocking, true);
    assert.match(bucket.detail, /belongs to another account, not 123456789012/);
    assert.match(bucket.nextStep?.command ?? '', /^aws s3 mb s3:\/\/squatted-models-123456789012 --region us-east-1$/);
    // First with the owner check (403), then without (200): readable, so definitely someone else's.
    const heads = extras.requests.slice(from).filter((r) => r.operation.startsWith('S3 HEAD /squatted-models'));
    assert.deepEqual(
      heads.map((r) => r.expectedBucketOwner),
      [ACCOUNT, undefined],
    );
  });

  it('fails a default bucket name someone else holds', async () => {
    extras.setQuotaValue('us-west-2', P3DN_QUOTA, 2);
    const checklist = await runPreflight({ clients: clientsFor('us-west-2'), spec: { ...SEED, region: 'us-west-2' } });
    const bucket = item(checklist, `bucket:sagemaker-us-west-2-${ACCOUNT}`);
    assert.equal(bucket.status, 'failed');
    assert.match(bucket.detail, /someone holds the default bucket name/);
  });

  it("passes the account's own bucket, and fails one in another region", async () => {
    const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec: { ...SEED, output_path: 's3://team-models/runs', checkpoint_s3_uri: 's3://models-eu/ckpt' } });
    assert.match(item(checklist, 'bucket:team-models').detail, /exists in us-east-1, owned by account 123456789012/);
    const eu = item(checklist, 'bucket:models-eu');
    assert.equal(eu.status, 'failed');
    assert.match(eu.detail, /The bucket is in eu-west-1, the job in us-east-1/);
    assert.match(eu.title, /\(checkpoint\)/);
  });

  it('fails a named bucket that does not exist, with the command that creates it', async () => {
    const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec: { ...SEED, output_path: 's3://no-such-bucket-anywhere/x' } });
    const bucket = item(checklist, 'bucket:no-such-bucket-anywhere');
    assert.equal(bucket.status, 'failed');
    assert.equal(bucket.nextStep?.command, 'aws s3 mb s3://no-such-bucket-anywhere --region us-east-1');
  });

  it('reports a quota it may not read as unknown, which does not block', async () => {
    extras.setQuotaValue('us-east-1', P3DN_QUOTA, 2);
    extras.setDenied('ListServiceQuotas', true);
    try {
      const checklist = await runPreflight({ clients: clientsFor('us-east-1'), spec: SEED });
      const quota = item(checklist, 'quota');
      assert.equal(quota.status, 'unknown');
      assert.equal(quota.blocking, false);
      assert.match(quota.detail, /AWS denied servicequotas:ListServiceQuotas to arn:aws:sts::123456789012:user\/moto/);
      assert.equal(isReadyToLaunch(checklist), true);
    } finally {
      extras.setDenied('ListServiceQuotas', false);
    }
  });

  it('fails on missing credentials and leaves the AWS checks unknown', async () => {
    const noCredentials = async () => {
      const err = new Error('Could not load credentials from any providers');
      err.name = 'CredentialsProviderError';
      throw err;
    };
    const checklist = await runPreflight({ clients: clientsFor('us-east-1', { credentials: noCredentials }), spec: SEED });
    const credentials = item(checklist, 'credentials');
    assert.equal(credentials.status, 'failed');
    assert.equal(credentials.nextStep?.command, 'aws configure');
    for (const id of ['role', 'bucket', 'instanceType', 'quota']) {
      assert.equal(item(checklist, id).status, 'unknown');
      assert.match(item(checklist, id).detail, /needs working AWS credentials/);
    }
    assert.equal(item(checklist, 'image').status, 'passed', 'the image check needs no AWS call');
  });

  it('gives up on a service that does not answer, as unknown, within its deadline', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const clients = clientsFor('us-east-1', {
        endpoints: { sts: moto.endpoint, iam: moto.endpoint, s3: extras.endpoint, serviceQuotas: `http://127.0.0.1:${port}`, pricing: extras.endpoint },
      });
      const checklist = await runPreflight({ clients, spec: SEED, options: { timeoutMs: 300 } });
      const quota = item(checklist, 'quota');
      assert.equal(quota.status, 'unknown');
      assert.match(quota.detail, /did not answer within/);
      assert.equal(item(checklist, 'role').status, 'passed');
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('serves passed results from its cache, but checks a failure again', async () => {
    const cache = new PreflightCache();
    extras.setQuotaValue('us-east-1', P3DN_QUOTA, 0);
    const first = await runPreflight({ clients: clientsFor('us-east-1'), spec: SEED, options: { cache } });
    assert.equal(item(first, 'quota').status, 'failed');
    assert.equal(item(first, 'role').cached, undefined);

    extras.setQuotaValue('us-east-1', P3DN_QUOTA, 2);
    const from = extras.requests.length;
    const second = await runPreflight({ clients: clientsFor('us-east-1'), spec: SEED, options: { cache } });
    assert.equal(item(second, 'quota').status, 'passed', 'the raised quota is seen at once');
    assert.equal(item(second, 'role').cached, true);
    assert.ok(extras.requests.slice(from).some((r) => r.operation === 'ListServiceQuotas'));

    const at = extras.requests.length;
    const third = await runPreflight({ clients: clientsFor('us-east-1'), spec: SEED, options: { cache } });
    assert.equal(item(third, 'quota').cached, true);
    assert.equal(extras.requests.slice(at).filter((r) => r.operation === 'ListServiceQuotas').length, 0);
    const refreshed = await runPreflight({ clients: clientsFor('us-east-1'), spec: SEED, options: { cache, refresh: true } });
    assert.equal(item(refreshed, 'quota').cached, undefined);
  });

  describe('sagemaker-hf doctor', () => {
    let tmp: string;
    const saved: Record<string, string | undefined> = {};
    const run = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const io: CliIo = {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        cwd: REPO_ROOT,
        env: {
          AWS_ENDPOINT_URL_STS: moto.endpoint,
          AWS_ENDPOINT_URL_IAM: moto.endpoint,
          AWS_ENDPOINT_URL_S3: extras.endpoint,
          AWS_ENDPOINT_URL_SERVICE_QUOTAS: extras.endpoint,
          AWS_ENDPOINT_URL_PRICING: extras.endpoint,
          XDG_CACHE_HOME: tmp,
        },
      };
      const code = await doctorCommand(args, io);
      return { code, stdout, stderr };
    };

    before(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-doctor-'));
      // The CLI takes credentials from the standard chain, as a user's shell provides them.
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) saved[k] = process.env[k];
      process.env.AWS_ACCESS_KEY_ID = 'test';
      process.env.AWS_SECRET_ACCESS_KEY = 'test';
      delete process.env.AWS_SESSION_TOKEN;
      delete process.env.AWS_PROFILE;
    });

    after(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(tmp, { recursive: true, force: true });
    });

    it('prices and quota-checks every instance_preferences candidate; the ceiling takes the dearest', async () => {
      extras.setQuotaValue('us-east-1', P3DN_QUOTA, 2);
      const file = path.join(tmp, 'prefs.sagemaker.yaml');
      const seedText = readFileSync(SEED_FILE, 'utf8');
      const text = seedText
        .replace(/^instance_type:.*\n/m, '')
        .replace(/^instance_count:.*\n/m, '')
        .concat('instance_preferences:\n  - instance_type: ml.g5.2xlarge\n    instance_count: 1\n  - instance_type: ml.p3dn.24xlarge\n    instance_count: 2\n');
      writeFileSync(file, text);
      writeFileSync(path.join(tmp, 'train.py'), '');
      const { stdout } = await run([file, '--region', 'us-east-1', '--json']);
      const out = JSON.parse(stdout) as {
        checklist: Checklist;
        cost: { instanceType: string; instanceCount: number; candidates: Array<{ instanceType: string; hourlyUsd?: number }> };
      };
      assert.deepEqual(
        out.checklist.items.filter((i) => i.kind === 'quota').map((i) => [i.id, i.status]),
        [
          ['quota-1', 'passed'],
          ['quota-2', 'passed'],
        ],
      );
      assert.deepEqual(
        out.cost.candidates.map((c) => [c.instanceType, typeof c.hourlyUsd]),
        [
          ['ml.g5.2xlarge', 'number'],
          ['ml.p3dn.24xlarge', 'number'],
        ],
      );
      assert.equal(out.cost.instanceType, 'ml.p3dn.24xlarge');
      assert.equal(out.cost.instanceCount, 2);
    });

    it('exits 1 on the seed job with a quota of 0, printing the quota, the fix and the cost ceiling', async () => {
      extras.setQuotaValue('us-east-1', P3DN_QUOTA, 0);
      const { code, stdout } = await run([SEED_FILE, '--region', 'us-east-1']);
      assert.equal(code, 1, stdout);
      assert.match(stdout, /✗ FAILED {2}Quota "ml\.p3dn\.24xlarge for training job usage" ≥ 2/);
      assert.match(stdout, /\$ aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code L-[0-9A-F]{8} --desired-value 2 --region us-east-1/);
      assert.match(stdout, /ceiling: \$1,722\.91 — max_run 24 h × 2 instances/);
      assert.match(stdout, /price: AWS Price List API \(AmazonSageMaker USE1-Train:ml\.p3dn\.24xlarge, SKU [0-9A-F]+\), published 2026-11-01/);
    });

    it('exits 0 once the quota covers the job, and --json carries the checklist and the estimate', async () => {
      extras.setQuotaValue('us-east-1', P3DN_QUOTA, 2);
      const { code, stdout } = await run([SEED_FILE, '--region', 'us-east-1', '--json']);
      assert.equal(code, 0, stdout);
      const out = JSON.parse(stdout) as { ready: boolean; checklist: Checklist; cost: { ceiling: { usd: number }; price: { source: string } } };
      assert.equal(out.ready, true);
      assert.equal(out.checklist.items.find((i) => i.id === 'quota')?.status, 'passed');
      assert.equal(out.cost.ceiling.usd, 1722.912);
      assert.equal(out.cost.price.source, 'price-list-api');
    });

    it('without a file, checks the credentials, the region and the default bucket', async () => {
      const { code, stdout } = await run(['--region', 'us-east-1']);
      assert.equal(code, 0, stdout);
      assert.match(stdout, /✓ passed {2}AWS credentials/);
      assert.match(stdout, /Bucket s3:\/\/sagemaker-us-east-1-123456789012/);
      assert.doesNotMatch(stdout, /Cost estimate/);
    });

    it('exits 1 without checking anything when the job file has errors', async () => {
      const { code, stderr } = await run([path.join(REPO_ROOT, 'test/fixtures/jobFiles/invalid/missing-required.sagemaker.yaml'), '--region', 'us-east-1']);
      assert.equal(code, 1);
      assert.match(stderr, /not checked: fix the errors above first/);
    });

    it('refuses two files and an unreadable one as usage errors', async () => {
      await assert.rejects(run(['a.sagemaker.yaml', 'b.sagemaker.yaml']), UsageError);
      assert.equal((await run(['no-such.sagemaker.yaml'])).code, 2);
    });

    // Last in the file: the request it files stays in the fake for the rest of its life.
    it('--request-quota requests the exact quota code and the count the job needs from a zero quota; the status shows until decided; a second request and a denied permission are named', async () => {
      extras.setQuotaValue('us-east-1', P3DN_QUOTA, 0);
      extras.setDenied('RequestServiceQuotaIncrease', true);
      const denied = await run([SEED_FILE, '--region', 'us-east-1', '--request-quota']);
      assert.equal(denied.code, 1);
      assert.match(
        denied.stderr,
        /No permission to request the increase: servicequotas:RequestServiceQuotaIncrease is denied .* Ask an administrator to request "ml\.p3dn\.24xlarge for training job usage" \(L-[0-9A-F]{8}\) = 2/,
      );
      extras.setDenied('RequestServiceQuotaIncrease', false);

      const from = extras.requests.length;
      const { code, stderr } = await run([SEED_FILE, '--region', 'us-east-1', '--request-quota']);
      assert.equal(code, 1);
      const sent = extras.requests.slice(from).filter((r) => r.operation === 'RequestServiceQuotaIncrease');
      assert.deepEqual(
        sent.map((r) => r.body),
        [{ ServiceCode: 'sagemaker', QuotaCode: fakeQuotaCode(P3DN_QUOTA), DesiredValue: 2 }],
      );
      assert.match(stderr, new RegExp(`Requested "${P3DN_QUOTA.replace(/\./g, '\\.')}" \\(${fakeQuotaCode(P3DN_QUOTA)}\\) = 2 in us-east-1: PENDING`));

      const after = await run([SEED_FILE, '--region', 'us-east-1']);
      assert.match(after.stdout, /An increase to 2 is already requested \(PENDING, since \d{4}-\d{2}-\d{2}\)/);
      const again = await run([SEED_FILE, '--region', 'us-east-1', '--request-quota']);
      assert.match(again.stderr, /nothing to request|already requested/);
      assert.equal(extras.requests.slice(from).filter((r) => r.operation === 'RequestServiceQuotaIncrease').length, 1, 'no second request');
    });
  });
});
