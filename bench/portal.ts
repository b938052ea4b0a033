// Portal pages served per second (issue 5: "a service start page and a request tracking page,
// each with its database reads, as a ratio to a bare Fastify 'hello' route in the same run; aim
// for >= 0.3"). The demo council is loaded (its catalogue, help articles and 3,796 past cases),
// then the real server (production settings: templates cached) serves the home page, the start
// page of the service with the most public help articles and the tracking page of the case with
// the most public updates, each loaded by autocannon from a process of its own; the bare Fastify
// page is loaded the same way in the same run.
import { sql } from 'kysely';
import type { Db } from '../src/db/database.ts';
import { seedDemo } from '../src/demo/seedDemo.ts';
import { runLoad, succeeded, type LoadResult } from './load.ts';
import type { BenchResult } from './results.ts';
import { withBenchDatabase, withServers } from './servers.ts';

export interface PortalBenchOptions {
  /** Seconds of load per page. */
  seconds: number;
  /** autocannon connections. */
  connections: number;
}

const AIM = 0.3;

export async function benchPortal(options: PortalBenchOptions): Promise<BenchResult[]> {
  return await withBenchDatabase('portal', async (database) => {
    const started = performance.now();
    await seedDemo(database.db, database.dataDir, () => undefined);
    console.log(`  demo council loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const pages = await choosePages(database.db);

    return await withServers(database, {}, async ({ base, bareUrl }) => {
      const measured: { name: string; path: string; expect: string }[] = [
        { name: 'home page (top tasks)', path: '/', expect: 'href="/services"' },
        {
          name: `service start page (${pages.serviceCode}, ${pages.articles} help articles)`,
          path: `/services/${pages.serviceCode}`,
          expect: '/help/',
        },
        {
          name: `tracking page (${pages.events} public updates)`,
          path: `/track/${pages.trackingToken}`,
          expect: pages.reference,
        },
      ];
      for (const page of measured) {
        const response = await fetch(`${base}${page.path}`);
        const html = await response.text();
        if (response.status !== 200 || !html.includes(page.expect))
          throw new Error(`${page.path} answered ${response.status} without "${page.expect}"`);
      }

      const hello = await load(bareUrl, options);
      console.log(`  bare Fastify page: ${hello.rate.toFixed(0)} requests/s, p95 ${hello.result.p95} ms`);
      const size = `demo council (3,796 past cases), ${options.connections} connections, ${options.seconds} s each`;
      const results: BenchResult[] = [];
      for (const page of measured) {
        const served = await load(`${base}${page.path}`, options);
        const others = Object.entries(served.result.statuses).filter(([status]) => status !== '200');
        if (others.length > 0 || served.result.errors > 0)
          throw new Error(`${page.path} answered ${JSON.stringify(served.result.statuses)}, ${served.result.errors} errors`);
        const ratio = served.rate / hello.rate;
        console.log(
          `  ${page.name}: ${served.rate.toFixed(0)} requests/s (${ratio.toFixed(2)} of bare Fastify), p50 ${served.result.p50} ms, p95 ${served.result.p95} ms`,
        );
        results.push({
          name: `portal ${page.name}: pages served per second (ratio: share of bare Fastify's rate, aim >= ${AIM})`,
          size,
          value: Math.round(served.rate),
          unit: 'requests/s',
          baseline: 'bare Fastify "hello" page, same load',
          baselineValue: Math.round(hello.rate),
          ratio: Number(ratio.toFixed(2)),
        });
      }
      return results;
    });
  });
}

async function load(url: string, options: PortalBenchOptions): Promise<{ result: LoadResult; rate: number }> {
  const result = await runLoad({ url, connections: options.connections, seconds: options.seconds });
  return { result, rate: succeeded(result) / result.seconds };
}

/** The busiest pages a resident would open: the service with most help articles, the case with most updates. */
async function choosePages(db: Db) {
  const service = await db
    .selectFrom('services as s')
    .innerJoin('knowledge_articles as a', 'a.service_id', 's.id')
    .select(['s.code', sql<string>`count(*)`.as('articles')])
    .where('s.public', '=', true)
    .where('s.active', '=', true)
    .where('a.audience', '=', 'public')
    .where('a.status', '=', 'published')
    .groupBy('s.code')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('s.code')
    .executeTakeFirst();
  const tracked = await db
    .selectFrom('cases as c')
    .innerJoin('case_events as e', 'e.case_id', 'c.id')
    .select(['c.reference', 'c.tracking_token', sql<string>`count(*)`.as('events')])
    .where('e.visibility', '=', 'public')
    .groupBy(['c.reference', 'c.tracking_token'])
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('c.reference')
    .executeTakeFirst();
  if (!service || !tracked) throw new Error('the demo council has no public help article or no case with a public update');
  return {
    serviceCode: service.code,
    articles: Number(service.articles),
    reference: tracked.reference,
    trackingToken: tracked.tracking_token,
    events: Number(tracked.events),
  };
}
