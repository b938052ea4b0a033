// Waiting in tests for something that happens in its own time (a background job, another process):
// asked again every 100 ms until it gives a value, or failing with what was awaited.
import { addCalendarDays, londonDate, startOfLondonDay } from '../../src/services/calendar.ts';

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

/**
 * A test that sets up "today" and then reads it must not straddle two days: when London's next
 * midnight is less than `marginMs` away, waits until it has passed. Gives the start of London's
 * day it is then, so that set-up can keep its times inside that day.
 */
export async function clearOfMidnight(marginMs = 2 * 60_000): Promise<Date> {
  const wait = msToLondonMidnight(new Date());
  if (wait < marginMs) await sleep(wait + 1_000);
  return startOfLondonDay(londonDate(new Date()));
}

/** How long from `now` until the next midnight in London (GMT or BST). */
export function msToLondonMidnight(now: Date): number {
  return startOfLondonDay(addCalendarDays(londonDate(now), 1)).getTime() - now.getTime();
}
