// What a comparison of runs is (core/jobs/runComparison.ts builds it): types only, with no import but a
// series point's, so the Compare Runs page (webview/app/compare/) and its protocol can name them without
// pulling the core into the browser bundle's type check.

import type { SeriesPoint } from '../metrics/metricSeries';

export type RunOrigin = 'cloud' | 'local';

export interface ComparedRun {
  name: string;
  origin: RunOrigin;
  status: string;
  /** Where the job's own fields come from: "DescribeTrainingJob" or "job.json (local job folder)". */
  describedBy: string;
  /** Epoch ms the curves of this run count from (TrainingStartTime, else CreationTime, else its first point); null without any. */
  curvesFrom: number | null;
  problems: string[];
}

export interface ComparedCell {
  /** The value compared: a number (seconds, USD, a metric), a string, a boolean; null when the run has none. */
  value: number | string | boolean | null;
  /** As shown: "1 h 02 min", "$12.34", "5e-05"; "—" when the run has no value. */
  display: string;
  /** Where the value came from ("HyperParameters (DescribeTrainingJob)", "FinalMetricDataList (DescribeTrainingJob)", "the log, algo-1 (last of 12 values)", the price's source); null when there is no value. */
  source: string | null;
}

export type RowSection = 'job' | 'hyperparameters' | 'metrics';

export interface ComparisonRow {
  section: RowSection;
  /** Stable id: `job.instanceType`, `hyperparameters.learning_rate`, `metrics.eval_loss`. */
  key: string;
  label: string;
  /** One per run, in the runs' order. */
  cells: ComparedCell[];
  /** The runs' values are not all the same (a run without the value differs from one with it). */
  differs: boolean;
  /** A hyperparameter the SageMaker SDK sets (`sagemaker_*`), not the user. */
  sdkSet?: boolean;
}

export interface CurveLine {
  /** Index into `runs`. */
  run: number;
  job: string;
  source: 'log' | 'sagemaker';
  /** The host whose log line it is; null for a metric_definitions series from CloudWatch. */
  host: string | null;
  /** Where the points came from, in words. */
  from: string;
  /** [milliseconds since the run's `curvesFrom`, value]; NaN kept (a NaN loss is news). */
  points: SeriesPoint[];
}

export interface ComparedCurve {
  metric: string;
  unit: string;
  lines: CurveLine[];
}

export interface RunComparison {
  runs: ComparedRun[];
  rows: ComparisonRow[];
  /** The keys of the rows that differ, in row order. */
  differences: string[];
  curves: ComparedCurve[];
  /** What a reader should know about the figures (local log times, runs without curves). */
  notes: string[];
}

/** The comparison as JSON carries it (`sagemaker-hf compare --json`, the Compare Runs page): NaN and ±Infinity points as null. */
export interface RunComparisonJson extends Omit<RunComparison, 'curves'> {
  curves: Array<Omit<ComparedCurve, 'lines'> & { lines: Array<Omit<CurveLine, 'points'> & { points: Array<[number, number | null]> }> }>;
}
