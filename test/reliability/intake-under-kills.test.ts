// Two OneDoor nodes on one database behind a round-robin proxy take case intake from clients
// that retry with their Idempotency-Key, while one node is killed (SIGKILL) and started again,
// many times. Every client keeps a log of what was acknowledged; afterwards the database must
// hold every acknowledged case exactly once, each with its received event, its audit record and
// its outbox message, and nothing else.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { aCustomerThrough, aTwoNodeCluster, checkIntake, intakeLoad, sleep, type Cluster } from './support.ts';

const KILLS = Number(process.env.RELIABILITY_KILLS ?? 6);
const MARK = `reliability-${crypto.randomBytes(3).toString('hex')}`;

describe('case intake on two nodes behind a proxy, one killed again and again', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await aTwoNodeCluster(['cases:write', 'customers:write']);
  });
  after(() => cluster?.close());

  it('loses no acknowledged case and makes no duplicate', async () => {
    const { database, council, nodes, proxy } = cluster;
    const customerId = await aCustomerThrough(proxy.url, council, 'Resident');
    const began = Date.now();
    const load = intakeLoad(proxy.url, council, customerId, MARK);

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
