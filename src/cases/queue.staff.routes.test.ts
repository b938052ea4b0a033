// Reading the queue's query string and writing it back: only known values survive, defaults are
// left out of the address, and what goes in comes out the same.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queueHref, readQueueQuery } from './queue.staff.routes.ts';

const TEAM = '0b6f3c8e-5d0a-4b7e-9a51-2f4d8c6e1a23';
const SERVICE = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('the queue’s query string', () => {
  it('keeps known statuses, SLA states, sorts and services, and drops everything else', () => {
    const query = readQueueQuery({
      team: 'not-a-team',
      status: ['submitted', 'closed', 'submitted', 'made-up'],
      sla: 'overdue',
      service: [SERVICE, 'drop table cases'],
      ward: ['Castle', '', 'x'.repeat(101)],
      mine: 'yes',
      unassigned: 'no',
      sort: 'cost',
      page: '2.5',
    });
    assert.deepEqual(query, {
      status: ['submitted'],
      service: [SERVICE],
      sla: ['overdue'],
      ward: ['Castle'],
      mine: true,
      unassigned: false,
      sort: 'due',
      page: 1,
    });
  });

  it('writes an address that reads back as the same queue, leaving out the defaults', () => {
    assert.equal(queueHref(readQueueQuery({})), '/staff/cases');
    const query = readQueueQuery({
      team: TEAM,
      status: ['in_progress', 'awaiting_customer'],
      service: SERVICE,
      sla: ['due_soon'],
      ward: 'Carreg Llwyd',
      unassigned: 'yes',
      sort: 'received',
      page: '3',
    });
    const href = queueHref(query);
    assert.equal(
      href,
      `/staff/cases?team=${TEAM}&status=in_progress&status=awaiting_customer&service=${SERVICE}&sla=due_soon&ward=Carreg+Llwyd&unassigned=yes&sort=received&page=3`,
    );
    const search = new URL(href, 'http://localhost').searchParams;
    const back: Record<string, string | string[]> = {};
    for (const key of new Set(search.keys())) back[key] = search.getAll(key).length > 1 ? search.getAll(key) : search.get(key)!;
    assert.deepEqual(readQueueQuery(back), query);
  });
});
