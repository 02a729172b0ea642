// The jobs the Compare Runs tests compare: a Completed ten-minute run on one ml.g5.xlarge, as
// DescribeTrainingJob answers it, at a fixed time, and the price they are costed at (testQuote).
import type { RunInput } from '../../src/core/jobs/runComparison';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import type { MetricSeries } from '../../src/core/metrics/metricSeries';
import { jobCostFromDescription } from '../../src/core/cost/jobCost';
import { testQuote } from './testPrices';

export const T0 = Date.parse('2026-12-07T10:00:00Z');
/** An hour after the runs started: "now" for the in-flight figures. */
export const NOW = new Date(T0 + 3_600_000);
export const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu129-ubuntu22.04';

/** A Completed run: created 2 min before T0, trained and billed 600 s from T0; `extra` replaces any field. */
export function completedRun(name: string, extra: Partial<TrainingJobDescription> = {}): TrainingJobDescription {
  return {
    TrainingJobName: name,
    TrainingJobStatus: 'Completed',
    CreationTime: new Date(T0 - 120_000),
    TrainingStartTime: new Date(T0),
    TrainingEndTime: new Date(T0 + 600_000),
    AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
    ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    TrainingTimeInSeconds: 600,
    BillableTimeInSeconds: 600,
    ...extra,
  };
}

/** The job's cost with ml.g5.xlarge at $1.408/hour (and no other type priced), at NOW. */
export function pricedCost(d: TrainingJobDescription): RunInput['cost'] {
  return jobCostFromDescription(d, (t) => (t === 'ml.g5.xlarge' ? testQuote(t, 1.408) : undefined), NOW);
}

/** A curve read from a host's log, its points given as [seconds after T0, value]. */
export function logSeries(name: string, host: string, points: Array<[number, number]>): MetricSeries {
  return { name, host, source: 'log', unit: 'None', points: points.map(([s, v]) => [T0 + s * 1000, v]) };
}
