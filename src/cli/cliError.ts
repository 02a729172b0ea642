import { readFile } from 'fs/promises';

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

/** A file named on the command line, or undefined after saying why it cannot be read (the caller exits 2). */
export async function readInputFile(file: string, absolute: string, io: CliIo): Promise<string | undefined> {
  try {
    return await readFile(absolute, 'utf8');
  } catch (err) {
    io.stderr(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    return undefined;
  }
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;
