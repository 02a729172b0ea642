// When AWS cannot be asked at all (no region, no credentials, no network), every AWS command of the
// built CLI says what to do, in one line, with the SDK's own words kept. The errors are the real
// SDK's: the CLI runs in a clean environment with an empty HOME, so the SDK's default chains find
// nothing; the instance metadata service is turned off so that the credential chain does not wait
// for a network this machine does not have.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { awsAccessProblem } from '../../src/aws/awsErrors';
import { REPO_ROOT } from './repoRoot';

const cli = path.join(REPO_ROOT, 'dist/cli.js');
let home: string;

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, ...args], {
    cwd: home,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
}

describe('sagemaker-hf without AWS access (the built CLI, the real SDK)', () => {
  before(() => {
    if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT });
    home = mkdtempSync(path.join(os.tmpdir(), 'aws-access-home-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  for (const args of [['jobs'], ['logs', 'some-job'], ['stop', 'some-job'], ['download', 'some-job']]) {
    it(`${args[0]}: no region names --region, AWS_REGION and the profile`, () => {
      const r = run(args);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(
        r.stderr,
        `sagemaker-hf ${args[0]}: No AWS region: pass --region, set AWS_REGION, or give your AWS profile a region (\`aws configure set region us-east-1\`).\n`,
      );
    });
  }

  it('jobs: no credentials says how to sign in or choose a profile, and keeps what the SDK said', () => {
    const r = run(['jobs', '--region', 'eu-west-1']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      /^sagemaker-hf jobs: No AWS credentials were found\. Sign in \(`aws sso login`, or `aws configure`\), or choose a profile that has them \(--profile or AWS_PROFILE\)\. The SDK said: .+\n$/,
    );
  });

  it('jobs: a profile that does not exist is a credentials problem naming the profile', () => {
    const r = run(['jobs', '--region', 'eu-west-1', '--profile', 'nosuchprofile']);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(
      r.stderr,
      'sagemaker-hf jobs: No AWS credentials were found for the profile "nosuchprofile". Check that it exists (`aws configure list-profiles`), or sign in with it (`aws sso login --profile nosuchprofile`). The SDK said: Could not load credentials from any providers\n',
    );
    // AWS_PROFILE counts the same way.
    assert.match(run(['logs', 'some-job', '--region', 'eu-west-1'], { AWS_PROFILE: 'other' }).stderr, /for the profile "other"/);
  });

  it('stop: an endpoint nobody listens on is "Could not reach AWS" with the socket error', () => {
    const r = run(['stop', 'some-job'], {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
      AWS_MAX_ATTEMPTS: '1',
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^sagemaker-hf stop: Could not reach AWS \(ECONNREFUSED\)\. Check the network, a proxy, or the endpoint overrides \(AWS_ENDPOINT_URL\*\)\./);
    assert.doesNotMatch(r.stderr, /secret/);
  });
});

describe('awsAccessProblem', () => {
  it('names the extension settings, not CLI flags, for the extension', () => {
    assert.match(awsAccessProblem(new Error('Region is missing'), 'extension')!, /^No AWS region: set the sagemakerHf\.aws\.region setting, set AWS_REGION/);
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    assert.match(
      awsAccessProblem(noCredentials, 'extension')!,
      /choose a profile that has them \(sagemakerHf\.aws\.profile in your user settings, or AWS_PROFILE\)\. The SDK said: Could not load credentials from any providers$/,
    );
  });

  it('calls expired or wrong credentials rejected, with the service code', () => {
    const expired = Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' });
    assert.match(awsAccessProblem(expired, 'cli')!, /^AWS rejected the credentials \(ExpiredTokenException\): they are expired or wrong\./);
  });

  it('leaves every other failure to its own message', () => {
    assert.equal(awsAccessProblem(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFound' }), 'cli'), undefined);
    assert.equal(awsAccessProblem(new Error('boom'), 'extension'), undefined);
    assert.equal(awsAccessProblem(undefined, 'cli'), undefined);
  });
});
