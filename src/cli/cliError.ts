/** A failure the CLI reports as a usage or I/O error (exit code 2), with a message for the terminal. */
export class UsageError extends Error {
  readonly code = 'usage';
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;
