export type LocalJobErrorCode =
  | 'InvalidJobName'
  | 'InvalidOptions'
  | 'JobExists'
  | 'SourceDirNotFound'
  | 'EntryPointNotFound'
  | 'ChannelNotFound'
  | 'ChannelNeedsFetcher'
  | 'UnsupportedChannel'
  | 'UnsupportedForLocalRun'
  | 'InterpreterNotFound'
  | 'InterpreterTooOld'
  | 'JobRecordUnreadable'
  | 'PathUnreadable'
  | 'FolderTooDeep'
  | 'IgnoreFileInvalid';

/** Something that stops a local job before it starts; the message says what to change. */
export class LocalJobError extends Error {
  constructor(
    readonly code: LocalJobErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'LocalJobError';
  }
}
