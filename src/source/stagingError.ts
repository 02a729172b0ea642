/** Why the training code could not be put in S3. */
export type SourceStagingErrorCode =
  | 'source.missing'
  | 'source.dependencyMissing'
  | 'source.notAbsolute'
  | 'source.unreadable'
  | 'source.tooDeep'
  | 'source.ignoreFileInvalid'
  | 'source.externalLinks'
  | 'upload.failed'
  | 'git.notInstalled'
  | 'git.credentialMissing'
  | 'git.credentialRefused'
  | 'git.cloneFailed'
  | 'git.checkoutFailed'
  | 'git.sourceDirMissing'
  | 'git.entryPointMissing'
  | 'git.dependencyMissing'
  | 'git.pathOutsideRepo'
  | 'cancelled';

/**
 * Thrown by source staging (packaging `sourcedir.tar.gz`, uploading it, cloning `git_config`).
 * The message tells the user what to do; `context` names the bucket, key, path or (redacted)
 * repository involved and, for S3 failures, the service's error code and words. Never a secret.
 */
export class SourceStagingError extends Error {
  override readonly name = 'SourceStagingError';

  constructor(
    readonly code: SourceStagingErrorCode,
    message: string,
    readonly context: Readonly<Record<string, string | number | undefined>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
