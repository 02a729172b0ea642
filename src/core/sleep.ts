/**
 * Waits `ms` milliseconds, or less: it resolves as soon as `signal` aborts (at once when it already
 * has), and never rejects, so a caller decides what an abort means (`signal.throwIfAborted()` after
 * it, to fail with the abort's reason; a check of `signal.aborted`, to stop quietly). The timer does
 * not outlive the wait.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || !(ms > 0)) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
