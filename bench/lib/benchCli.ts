// The command line of the benchmark scripts in bench/*.ts: each is run by its suite as a child process
// (`node bench/.build/<name>.js <command> --key value …`) and prints one JSON line.

/** The value after `--name`; a missing one is the suite's mistake, so it throws. */
export function option(name: string): string {
  const at = process.argv.indexOf(`--${name}`);
  const value = at > 0 ? process.argv[at + 1] : undefined;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

/** Runs a script's main; a failure goes to stderr with its stack and exits 1, which the suite reports. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
