// The training job view model row by row, without AWS: what the tree, tooltips and `sagemaker-hf jobs`
// show for a DescribeTrainingJob answer or a ListTrainingJobs row with fields missing, heterogeneous
// instance groups, instance preferences, metrics, spot, the capacity wait, the description line, the
// console URL of each partition, and the ARN and instance count helpers they use.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instanceCountOf, parseTrainingJobArn } from '../../src/core/jobs/trainingJobDescription';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import { consoleUrl, decodeHyperparameterEntries, jobDescriptionLine, trainingJobViewFromDescription, trainingJobViewFromSummary } from '../../src/core/jobs/trainingJobView';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:training-job/bert-1';
const NOW = new Date('2026-03-01T12:00:00Z');
const at = (iso: string): Date => new Date(`2026-03-01T${iso}Z`);

describe('trainingJobViewFromSummary: a ListTrainingJobs row', () => {
  it('keeps name, ARN, region, status and the three times, and nothing else', () => {
    const view = trainingJobViewFromSummary({
      TrainingJobName: 'bert-1',
      TrainingJobArn: ARN,
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      CreationTime: at('10:00:00'),
      LastModifiedTime: at('11:00:00'),
      TrainingEndTime: at('10:55:00'),
    });
    assert.deepEqual(view, {
      name: 'bert-1',
      arn: ARN,
      region: 'us-east-1',
      status: 'Completed',
      secondaryStatus: 'Completed',
      inFlight: false,
      terminal: true,
      timeline: [],
      hyperparameters: [],
      finalMetrics: [],
      spot: false,
      detailed: false,
      createdAt: at('10:00:00'),
      lastModifiedAt: at('11:00:00'),
      endedAt: at('10:55:00'),
    });
  });

  it('an empty row: no name, status Unknown, no optional key set at all', () => {
    assert.deepEqual(trainingJobViewFromSummary({}), {
      name: '',
      status: 'Unknown',
      inFlight: false,
      terminal: false,
      timeline: [],
      hyperparameters: [],
      finalMetrics: [],
      spot: false,
      detailed: false,
    });
  });
});

describe('trainingJobViewFromDescription: fields', () => {
  it('an empty description: no name, status Unknown, detailed, nothing else', () => {
    assert.deepEqual(trainingJobViewFromDescription({}, NOW), {
      name: '',
      status: 'Unknown',
      inFlight: false,
      terminal: false,
      timeline: [],
      hyperparameters: [],
      finalMetrics: [],
      spot: false,
      detailed: true,
    });
  });

  it('copies name, times, image, artifacts, failure reason, seconds, spot and warm pool', () => {
    const view = trainingJobViewFromDescription(
      {
        TrainingJobName: 'bert-1',
        TrainingJobArn: ARN,
        TrainingJobStatus: 'Failed',
        SecondaryStatus: 'Failed',
        CreationTime: at('10:00:00'),
        LastModifiedTime: at('11:00:00'),
        TrainingStartTime: at('10:05:00'),
        TrainingEndTime: at('10:55:00'),
        AlgorithmSpecification: { TrainingImage: 'img:1', TrainingInputMode: 'File' },
        ModelArtifacts: { S3ModelArtifacts: 's3://b/out/model.tar.gz' },
        FailureReason: 'AlgorithmError: boom',
        TrainingTimeInSeconds: 3000,
        BillableTimeInSeconds: 1200,
        EnableManagedSpotTraining: true,
        WarmPoolStatus: { Status: 'Available' },
      } as TrainingJobDescription,
      NOW,
    );
    assert.equal(view.name, 'bert-1');
    assert.equal(view.status, 'Failed');
    assert.equal(view.detailed, true);
    assert.equal(view.terminal, true);
    assert.deepEqual(view.createdAt, at('10:00:00'));
    assert.deepEqual(view.lastModifiedAt, at('11:00:00'));
    assert.deepEqual(view.trainingStartedAt, at('10:05:00'));
    assert.deepEqual(view.endedAt, at('10:55:00'));
    assert.equal(view.image, 'img:1');
    assert.equal(view.artifactsUri, 's3://b/out/model.tar.gz');
    assert.equal(view.failureReason, 'AlgorithmError: boom');
    assert.equal(view.trainingSeconds, 3000);
    assert.equal(view.billableSeconds, 1200);
    assert.equal(view.spot, true);
    assert.equal(view.warmPoolStatus, 'Available');
  });

  it('spot only when EnableManagedSpotTraining is true', () => {
    assert.equal(trainingJobViewFromDescription({ EnableManagedSpotTraining: false }, NOW).spot, false);
    assert.equal(trainingJobViewFromDescription({}, NOW).spot, false);
  });
});

describe('trainingJobViewFromDescription: resources', () => {
  it('heterogeneous instance groups: each group, joined by +, and the total count', () => {
    const view = trainingJobViewFromDescription(
      {
        ResourceConfig: {
          InstanceGroups: [
            { InstanceGroupName: 'gpu', InstanceType: 'ml.p4d.24xlarge', InstanceCount: 2 },
            { InstanceGroupName: 'cpu', InstanceType: 'ml.c5.xlarge', InstanceCount: 1 },
            { InstanceGroupName: 'odd' },
          ],
        },
      } as TrainingJobDescription,
      NOW,
    );
    assert.equal(view.resources, 'ml.p4d.24xlarge × 2 + ml.c5.xlarge × 1 + ? × 0');
    assert.equal(view.instanceCount, 3);
    assert.equal(view.instanceType, undefined);
  });

  it('an empty InstanceGroups list falls back to InstanceType × InstanceCount', () => {
    const d = { ResourceConfig: { InstanceGroups: [], InstanceType: 'ml.g5.xlarge', InstanceCount: 3 } } as TrainingJobDescription;
    const view = trainingJobViewFromDescription(d, NOW);
    assert.equal(view.resources, 'ml.g5.xlarge × 3');
    assert.equal(view.instanceCount, 3);
    assert.equal(instanceCountOf(d), 3);
  });

  it('instance preferences not chosen yet: the candidates in order, ? for a missing type', () => {
    const view = trainingJobViewFromDescription(
      {
        ResourceConfig: { InstanceCount: 2, InstancePreferences: [{ InstanceType: 'ml.p5.48xlarge' }, { InstanceCount: 4 }] },
      } as TrainingJobDescription,
      NOW,
    );
    assert.equal(view.resources, 'one of ml.p5.48xlarge × 2, ? × 4 (not chosen yet)');
  });

  it('a ResourceConfig with neither type, groups nor preferences: no resources', () => {
    const view = trainingJobViewFromDescription({ ResourceConfig: { VolumeSizeInGB: 30 } } as TrainingJobDescription, NOW);
    assert.equal(view.resources, undefined);
    assert.equal(view.instanceCount, undefined);
  });
});

describe('trainingJobViewFromDescription: final metrics', () => {
  it('keeps metrics with a name and a value, with the timestamp only when there is one', () => {
    const view = trainingJobViewFromDescription(
      {
        FinalMetricDataList: [{ MetricName: 'loss', Value: 0.5 }, { MetricName: 'acc', Value: 0.9, Timestamp: at('10:50:00') }, { MetricName: 'no-value' }, { Value: 7 }],
      },
      NOW,
    );
    assert.deepEqual(view.finalMetrics, [
      { name: 'loss', value: 0.5 },
      { name: 'acc', value: 0.9, timestamp: at('10:50:00') },
    ]);
  });
});

describe('trainingJobViewFromDescription: timeline and capacity wait', () => {
  it('each transition with status, message, start, end and duration; only the last open one is current', () => {
    const view = trainingJobViewFromDescription(
      {
        TrainingJobStatus: 'InProgress',
        SecondaryStatusTransitions: [
          { Status: 'Starting', StatusMessage: 'Preparing the instances for training', StartTime: at('10:00:00'), EndTime: at('10:02:00') },
          { Status: 'Downloading', StartTime: at('10:02:00') },
          { StatusMessage: 'Training image download completed.', StartTime: at('10:04:00') },
        ],
      },
      NOW,
    );
    assert.deepEqual(view.timeline, [
      { status: 'Starting', message: 'Preparing the instances for training', current: false, start: at('10:00:00'), end: at('10:02:00'), durationSeconds: 120 },
      { status: 'Downloading', message: '', current: false, start: at('10:02:00') },
      { status: '', message: 'Training image download completed.', current: true, start: at('10:04:00'), durationSeconds: 6960 },
    ]);
  });

  it('still waiting for capacity after an earlier wait that ended: the waits add up', () => {
    const view = trainingJobViewFromDescription(
      {
        TrainingJobStatus: 'InProgress',
        SecondaryStatusTransitions: [
          { Status: 'Pending', StatusMessage: 'Insufficient capacity', StartTime: at('11:00:00'), EndTime: at('11:10:00') },
          { Status: 'Pending', StatusMessage: 'Waiting for capacity', StartTime: at('11:50:00') },
        ],
      },
      NOW,
    );
    assert.equal(view.capacityWaitSeconds, 1200);
    assert.equal(view.waitingForCapacity, true);
  });
});

describe('decodeHyperparameterEntries', () => {
  it('shows a JSON number without the spaces around it', () => {
    assert.deepEqual(
      decodeHyperparameterEntries({ epochs: ' 5 ' }).map((e) => e.display),
      ['5'],
    );
  });
});

describe('jobDescriptionLine', () => {
  it('the status when there is no secondary status, or the secondary status equals it', () => {
    assert.equal(jobDescriptionLine(trainingJobViewFromSummary({ TrainingJobStatus: 'Completed' }), NOW), 'Completed');
    const view = trainingJobViewFromSummary({ TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training', CreationTime: at('11:55:00') });
    assert.equal(jobDescriptionLine(view, NOW), 'Training · 5 min ago');
  });
});

describe('consoleUrl', () => {
  it('the console host of each partition, and the regional host for an unknown region', () => {
    assert.equal(consoleUrl('us-gov-west-1', 'a b'), 'https://console.amazonaws-us-gov.com/sagemaker/home?region=us-gov-west-1#/jobs/a%20b');
    assert.equal(consoleUrl('cn-north-1', 'j'), 'https://console.amazonaws.cn/sagemaker/home?region=cn-north-1#/jobs/j');
    assert.equal(consoleUrl('eu-west-1', 'j'), 'https://eu-west-1.console.aws.amazon.com/sagemaker/home?region=eu-west-1#/jobs/j');
    assert.equal(consoleUrl('localhost', 'j'), 'https://localhost.console.aws.amazon.com/sagemaker/home?region=localhost#/jobs/j');
  });
});

describe('parseTrainingJobArn', () => {
  it('only a whole training-job ARN', () => {
    assert.deepEqual(parseTrainingJobArn(ARN), { partition: 'aws', region: 'us-east-1', accountId: '123456789012', name: 'bert-1' });
    assert.equal(parseTrainingJobArn(`x${ARN}`), undefined);
    assert.equal(parseTrainingJobArn(undefined), undefined);
  });
});
