/**
 * The port through which a local run gets `s3://` channels. The local backend imports no AWS SDK;
 * whoever runs it (CLI, extension) passes an implementation backed by S3.
 */

export interface ChannelFetchRequest {
  channel: string;
  /** `s3://bucket/prefix` exactly as in the job file. */
  uri: string;
  /**
   * An empty folder to fill the way SageMaker's File mode fills `/opt/ml/input/data/<channel>`
   * for an S3Prefix: every object under the prefix, at its key relative to the prefix.
   */
  destination: string;
  /** Aborted when the job is stopped. */
  signal: AbortSignal;
  /** Progress for the status line, optional. */
  onProgress?: (progress: { files: number; bytes: number }) => void;
}

export interface ChannelFetcher {
  fetchChannel(request: ChannelFetchRequest): Promise<void>;
}
