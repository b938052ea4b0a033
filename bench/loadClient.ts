// The load generator, run as a process of its own (by `runLoad` in bench/load.ts) so that it does
// not share an event loop with the server it measures: autocannon against one URL, every response's
// latency recorded (autocannon's own summary has no 95th percentile), printed as one line of JSON.
//
//   node --import tsx bench/loadClient.ts '{"url": "...", "connections": 1, "seconds": 10,
//     "method": "POST", "headers": {...}, "body": "..."}'
//
// The same request is sent each time. AUTOCANNON_MODULE may name where autocannon is, when it is
// not in node_modules.
import { percentiles, type LoadResult, type LoadSettings } from './load.ts';

const settings = JSON.parse(process.argv[2] ?? '{}') as LoadSettings;

interface Instance {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void): void;
}
interface Summary {
  errors: number;
  duration: number;
}
type Autocannon = ((options: Record<string, unknown>, done: (error: Error | null, result: Summary) => void) => Instance) & {
  default?: never;
};

const loaded = (await import(process.env.AUTOCANNON_MODULE ?? 'autocannon')) as { default: Autocannon };
const autocannon = loaded.default;

const latencies: number[] = [];
const statuses = new Map<number, number>();
const summary = await new Promise<Summary>((resolve, reject) => {
  const instance = autocannon(
    {
      url: settings.url,
      connections: settings.connections,
      duration: settings.seconds,
      method: settings.method ?? 'GET',
      headers: settings.headers ?? {},
      ...(settings.body === undefined ? {} : { body: settings.body }),
    },
    (error, result) => (error ? reject(error) : resolve(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, ms) => {
    latencies.push(ms);
    statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
  });
});

const result: LoadResult = {
  requests: latencies.length,
  statuses: Object.fromEntries(statuses),
  errors: summary.errors, // autocannon counts timeouts among its errors
  seconds: summary.duration,
  ...percentiles(latencies),
};
console.log(JSON.stringify(result));
