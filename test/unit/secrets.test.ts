// The one rule for what a secret looks like (src/core/sagemaker/secrets.ts), as a table: every place
// that refuses, warns about, drops or redacts a secret asks it, so these rows are what each of them does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SECRET_NAME, isSecretEntry, maskHubTokens, secretValueKind } from '../../src/core/sagemaker/secrets';
import { redactHubTokens } from '../../src/hub/hubToken';
import { jobFileFromDescription } from '../../src/core/jobs/jobFileFromDescription';

const HF = `hf_${'A1b2C3d4E5'.repeat(3)}abcd`; // the real shape: hf_ + 34
const SHORTEST_HF = `hf_${'x'.repeat(10)}`;

const names: Array<[string, boolean]> = [
  ['HF_TOKEN', true],
  ['hub_token', true],
  ['hubtoken', true],
  ['db_password', true],
  ['AWS_SECRET_ACCESS_KEY', true],
  ['api-key', true],
  ['wandb.api_key', true],
  ['use_auth_token', true],
  ['auth', true],
  ['private_key', true],
  ['credentials', true],
  ['TOKENIZERS_PARALLELISM', false],
  ['max_new_tokens', false],
  ['author', false],
  ['learning_rate', false],
  ['model_name_or_path', false],
];

const values: Array<[string, string | undefined]> = [
  [HF, 'a Hugging Face token'],
  [SHORTEST_HF, 'a Hugging Face token'],
  [`prefix ${HF} suffix`, 'a Hugging Face token'],
  [`api_org_${'q'.repeat(30)}`, 'a Hugging Face token'],
  [`ghp_${'a'.repeat(36)}`, 'a GitHub token'],
  [`github_pat_${'a'.repeat(22)}`, 'a GitHub token'],
  ['AKIAABCDEFGHIJKLMNOP', 'an AWS access key'],
  ['ASIAABCDEFGHIJKLMNOP', 'an AWS access key'],
  [`glpat-${'z'.repeat(20)}`, 'a GitLab token'],
  ['hf_transfer', undefined],
  [`hf_${'x'.repeat(9)}`, undefined],
  [`myhf_${'x'.repeat(30)}`, undefined],
  ['facebook/bart-large-cnn', undefined],
  ['5e-5', undefined],
];

describe('what a secret looks like (one rule)', () => {
  for (const [name, secret] of names) {
    it(`the name ${name} ${secret ? 'names' : 'does not name'} a secret`, () => {
      assert.equal(SECRET_NAME.test(name), secret);
      assert.equal(isSecretEntry(name), secret);
    });
  }
  for (const [value, kind] of values) {
    it(`${value.slice(0, 24)}… is ${kind ?? 'no secret'}`, () => {
      assert.equal(secretValueKind(value), kind);
      assert.equal(isSecretEntry('value', value), kind !== undefined);
    });
  }
  it('masks whole Hub tokens and leaves their neighbours', () => {
    assert.equal(maskHubTokens(`token=${HF}, hf_transfer on`), 'token=hf_***, hf_transfer on');
    assert.equal(redactHubTokens(`Authorization: Bearer ${HF}`), 'Authorization: Bearer ***');
    assert.equal(redactHubTokens(`failed for ${SHORTEST_HF}x`), 'failed for hf_***');
  });
  it('Clone as Job File copies no secret, by name or by value', () => {
    const clone = jobFileFromDescription({
      TrainingJobName: 'hf-2025-01-01-00-00-00-000',
      AlgorithmSpecification: {
        TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu128-ubuntu22.04',
        TrainingInputMode: 'File',
      },
      RoleArn: 'arn:aws:iam::111122223333:role/SageMakerRole',
      ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      HyperParameters: { use_auth_token: '"abc"', note: JSON.stringify(`see ${HF}`), epochs: '3', sagemaker_program: '"train.py"' },
    } as Parameters<typeof jobFileFromDescription>[0]);
    assert.doesNotMatch(clone.text, /abc|hf_A1b2/);
    assert.match(clone.text, /epochs: 3/);
  });
});
