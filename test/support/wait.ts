// Waiting in tests for something that happens in its own time (a background job, another process):
// asked again every 100 ms until it gives a value, or failing with what was awaited.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Asks `check` until it gives a value (not undefined), and returns it; fails after `timeoutMs` saying what it waited for. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
