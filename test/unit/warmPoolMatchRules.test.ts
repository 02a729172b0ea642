// Relaunch in Warm Pool's verdict without AWS: warmPoolMatch compares each field SageMaker matches on
// (role, instance type and count, volume size and KMS key, VPC subnets and security groups in any
// order, network isolation, inter-container encryption, session tag chaining), says why a pool
// cannot be used (no pool, a pool that is not Available, each field that differs, no keep-alive,
// spot), and renderWarmPoolMatch prints it all word for word, with the session-tags caveat only when
// the new job turns chaining on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import { renderWarmPoolMatch, warmPoolMatch, WARM_POOL_MATCH_SOURCE } from '../../src/core/jobs/warmPoolMatch';
import type { MatchableRequest } from '../../src/core/jobs/warmPoolMatch';

const ROLE = 'arn:aws:iam::111122223333:role/Trainer';
const RULES = `(SageMaker's matching rules: ${WARM_POOL_MATCH_SOURCE})`;
const TAGS = '  ? the session tags of the caller (with session tag chaining on they must be identical; they are not in the request, so this cannot check them)';

describe('warmPoolMatch and renderWarmPoolMatch', () => {
  it('matches a job with every field the same, VPC lists in another order, and names the session tags it cannot check', () => {
    const previous: TrainingJobDescription = {
      TrainingJobName: 'pool-a',
      TrainingJobStatus: 'Completed',
      RoleArn: ROLE,
      ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30, VolumeKmsKeyId: 'kms-1' },
      VpcConfig: { Subnets: ['subnet-b', 'subnet-a'], SecurityGroupIds: ['sg-2', 'sg-1'] },
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
      SessionChainingConfig: { EnableSessionTagChaining: true },
      WarmPoolStatus: { Status: 'Available' },
    };
    const next: MatchableRequest = {
      RoleArn: ROLE,
      ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30, VolumeKmsKeyId: 'kms-1', KeepAlivePeriodInSeconds: 1800 },
      VpcConfig: { Subnets: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-1', 'sg-2'] },
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
      SessionChainingConfig: { EnableSessionTagChaining: true },
    };
    const m = warmPoolMatch(previous, next);
    assert.deepEqual(m.reasons, []);
    assert.equal(m.matches, true);
    assert.equal(m.poolStatus, 'Available');
    assert.equal(
      renderWarmPoolMatch('pool-a', m),
      [
        'Will land on the warm pool of pool-a (Available).',
        'The match depends on these fields:',
        `  = RoleArn: ${ROLE}`,
        '  = ResourceConfig.InstanceType: ml.g5.xlarge',
        '  = ResourceConfig.InstanceCount: 2',
        '  = ResourceConfig.VolumeSizeInGB: 30',
        '  = ResourceConfig.VolumeKmsKeyId: kms-1',
        '  = VpcConfig: {"Subnets":["subnet-a","subnet-b"],"SecurityGroupIds":["sg-1","sg-2"]}',
        '  = EnableNetworkIsolation: true',
        '  = EnableInterContainerTrafficEncryption: true',
        '  = SessionChainingConfig.EnableSessionTagChaining: true',
        '  = ResourceConfig.KeepAlivePeriodInSeconds > 0 (the new job asks for a warm pool)',
        TAGS,
        RULES,
      ].join('\n'),
    );
  });

  it('lists every field that differs, a previous job without a name or pool, no keep-alive and spot', () => {
    const previous: TrainingJobDescription = {
      TrainingJobStatus: 'Completed',
      RoleArn: 'arn:aws:iam::111122223333:role/A',
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 },
    };
    const next: MatchableRequest = {
      RoleArn: 'arn:aws:iam::111122223333:role/B',
      ResourceConfig: { InstanceType: 'ml.m5.2xlarge', InstanceCount: 2, VolumeSizeInGB: 50, VolumeKmsKeyId: 'kms-2' },
      VpcConfig: { SecurityGroupIds: ['sg-1'] },
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
      EnableManagedSpotTraining: true,
    };
    const m = warmPoolMatch(previous, next);
    assert.equal(m.matches, false);
    assert.equal(m.poolStatus, 'none');
    assert.equal(m.asksForPool, false);
    const reasons = [
      'The job has no warm pool.',
      'RoleArn differs: arn:aws:iam::111122223333:role/A before, arn:aws:iam::111122223333:role/B now.',
      'ResourceConfig.InstanceType differs: ml.m5.xlarge before, ml.m5.2xlarge now.',
      'ResourceConfig.InstanceCount differs: 1 before, 2 now.',
      'ResourceConfig.VolumeSizeInGB differs: 30 before, 50 now.',
      'ResourceConfig.VolumeKmsKeyId differs: (none) before, kms-2 now.',
      'VpcConfig differs: (none) before, {"Subnets":[],"SecurityGroupIds":["sg-1"]} now.',
      'EnableNetworkIsolation differs: false before, true now.',
      'EnableInterContainerTrafficEncryption differs: false before, true now.',
      'The new job does not ask for a warm pool (keep_alive_period_in_seconds).',
      'The new job uses spot instances, which warm pools do not work with (use_spot_instances).',
    ];
    assert.deepEqual(m.reasons, reasons);
    assert.equal(
      renderWarmPoolMatch('job-b', m),
      [
        'Will NOT land on the warm pool of job-b:',
        ...reasons.map((r) => `  - ${r}`),
        'The match depends on these fields:',
        '  ≠ RoleArn: arn:aws:iam::111122223333:role/B (was arn:aws:iam::111122223333:role/A)',
        '  ≠ ResourceConfig.InstanceType: ml.m5.2xlarge (was ml.m5.xlarge)',
        '  ≠ ResourceConfig.InstanceCount: 2 (was 1)',
        '  ≠ ResourceConfig.VolumeSizeInGB: 50 (was 30)',
        '  ≠ ResourceConfig.VolumeKmsKeyId: kms-2 (was (none))',
        '  ≠ VpcConfig: {"Subnets":[],"SecurityGroupIds":["sg-1"]} (was (none))',
        '  ≠ EnableNetworkIsolation: true (was false)',
        '  ≠ EnableInterContainerTrafficEncryption: true (was false)',
        '  = SessionChainingConfig.EnableSessionTagChaining: false',
        '  ≠ ResourceConfig.KeepAlivePeriodInSeconds > 0 (the new job asks for a warm pool)',
        RULES,
      ].join('\n'),
    );
  });

  it('says a pool that is not Available, and leaves out the session-tags line when the new job turns chaining off', () => {
    const previous: TrainingJobDescription = {
      TrainingJobName: 'pool-c',
      TrainingJobStatus: 'Completed',
      RoleArn: ROLE,
      ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      VpcConfig: { Subnets: ['subnet-a'] },
      SessionChainingConfig: { EnableSessionTagChaining: true },
      WarmPoolStatus: { Status: 'Terminated' },
    };
    const next: MatchableRequest = {
      RoleArn: ROLE,
      ResourceConfig: { InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 30, KeepAlivePeriodInSeconds: 600 },
      VpcConfig: { Subnets: ['subnet-a'] },
    };
    const m = warmPoolMatch(previous, next);
    assert.equal(m.poolStatus, 'Terminated');
    assert.deepEqual(m.reasons, ['Its warm pool is Terminated, not Available.', 'SessionChainingConfig.EnableSessionTagChaining differs: true before, false now.']);
    const text = renderWarmPoolMatch('pool-c', m);
    assert.equal(
      text,
      [
        'Will NOT land on the warm pool of pool-c:',
        '  - Its warm pool is Terminated, not Available.',
        '  - SessionChainingConfig.EnableSessionTagChaining differs: true before, false now.',
        'The match depends on these fields:',
        `  = RoleArn: ${ROLE}`,
        '  = ResourceConfig.InstanceType: ml.g5.xlarge',
        '  = ResourceConfig.InstanceCount: 1',
        '  = ResourceConfig.VolumeSizeInGB: 30',
        '  = ResourceConfig.VolumeKmsKeyId: (none)',
        '  = VpcConfig: {"Subnets":["subnet-a"],"SecurityGroupIds":[]}',
        '  = EnableNetworkIsolation: false',
        '  = EnableInterContainerTrafficEncryption: false',
        '  ≠ SessionChainingConfig.EnableSessionTagChaining: false (was true)',
        '  = ResourceConfig.KeepAlivePeriodInSeconds > 0 (the new job asks for a warm pool)',
        RULES,
      ].join('\n'),
    );
  });

  it('names a previous job that has no pool status, and shows a null field as (none)', () => {
    const previous = {
      TrainingJobName: 'pool-d',
      TrainingJobStatus: 'Completed',
      RoleArn: null,
      ResourceConfig: { InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 30, VolumeKmsKeyId: null },
      WarmPoolStatus: {},
    } as unknown as TrainingJobDescription;
    const next: MatchableRequest = { ResourceConfig: { InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 30, KeepAlivePeriodInSeconds: 60 } };
    const m = warmPoolMatch(previous, next);
    assert.deepEqual(m.reasons, ['pool-d has no warm pool.']);
    assert.deepEqual(
      m.fields.filter((f) => f.field === 'RoleArn' || f.field === 'ResourceConfig.VolumeKmsKeyId'),
      [
        { field: 'RoleArn', previous: '(none)', next: '(none)', same: true },
        { field: 'ResourceConfig.VolumeKmsKeyId', previous: '(none)', next: '(none)', same: true },
      ],
    );
  });
});
