// Two OneDoor nodes on one database behind a round-robin proxy take case intake from clients
// that retry with their Idempotency-Key, while one node is killed (SIGKILL) and started again,
// many times. Every client keeps a log of what was acknowledged; afterwards the database must
// hold every acknowledged case exactly once, each with its received event, its audit record and
// its outbox message, and nothing else.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import {
  aCouncilWithKey,
  checkIntake,
  intakeLoad,
  OneDoorProcess,
  postUntilAcknowledged,
  roundRobinProxy,
  sleep,
  type Council,
} from './support.ts';

const KILLS = Number(process.env.RELIABILITY_KILLS ?? 6);
const MARK = `reliability-${crypto.randomBytes(3).toString('hex')}`;

describe('case intake on two nodes behind a proxy, one killed again and again', () => {
  let database: TestDatabase;
  let council: Council;
  let nodes: OneDoorProcess[] = [];
  let proxy: Awaited<ReturnType<typeof roundRobinProxy>> | undefined;

  before(async () => {
    database = await freshDatabase();
    council = await aCouncilWithKey(database.db, ['cases:write', 'customers:write']);
    nodes = await Promise.all([0, 1].map(() => OneDoorProcess.start(database.url, { ONEDOOR_JOBS: '0' })));
    proxy = await roundRobinProxy(nodes.map((node) => node.url));
  });
  after(async () => {
    await proxy?.close();
    await OneDoorProcess.stopAll();
    await database.drop();
  });

  it('loses no acknowledged case and makes no duplicate', async () => {
    const customer = await postUntilAcknowledged(
      `${proxy!.url}/api/v1/customers`,
      { givenName: 'Reliable', familyName: 'Resident', email: 'reliable.resident@example.org' },
      { key: council.key },
    );
    assert.equal(customer.status, 201, JSON.stringify(customer.body));
    const began = Date.now();
    const load = intakeLoad(proxy!.url, council, customer.body.id, MARK);

    // One node is killed once it has served for a second or two, and started again, over and
    // over; the other stays up, so the service as a whole does, as behind a load balancer.
    let kills = 0;
    const victim = nodes[0]!;
    const killer = (async () => {
      while (kills < KILLS) {
        await sleep(1_000 + Math.floor(Math.random() * 1_000));
        await victim.kill();
        kills += 1;
        await victim.startAgain();
      }
    })();
    await Promise.race([killer, load.failed]);
    await load.stop();

    const check = await checkIntake(database.db, MARK, load.acknowledged);
    console.log(
      `# intake: ${load.acknowledged.length} cases acknowledged over ${Math.round((Date.now() - began) / 1000)} s, ` +
        `${kills} kills, ${check.retried} acknowledged only after a retry; ` +
        `${check.lost.length} lost, ${check.duplicated.length} duplicated`,
    );
    assert.equal(kills, KILLS, 'a node was killed again and again');
    assert.ok(check.retried > 0, 'some requests were cut off by a kill and sent again');
    assert.deepEqual(check.lost, [], 'every acknowledged case is in the database');
    assert.deepEqual(check.duplicated, [], 'no request made two cases');
    assert.deepEqual(check.mismatched, [], 'each answer named the case its own request made');
    assert.equal(check.unacknowledged, 0, 'and nothing that was not acknowledged');
    assert.deepEqual(check.incomplete, [], 'no case without its event, audit record and message');
  });
});
