import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  firstUnanswered,
  reachable,
  stepAfter,
  stepsOf,
  weekStarting,
  withDay,
  withService,
  withSite,
  withSlot,
  withSlotRefused,
  type AppointmentDraft,
} from './journey.ts';

const contact = { givenName: 'Bethan', familyName: 'Jones', email: 'bethan@example.org' };
const answered = (more: Partial<AppointmentDraft> = {}): AppointmentDraft => ({
  id: 'draft',
  service: 'register-birth',
  sitesOffered: 2,
  site: 'castle-street',
  day: '2026-12-07',
  slot: 'slot-0930',
  notes: '',
  contact,
  ...more,
});

describe('the book an appointment journey', () => {
  it('asks where only when more than one place offers the service', () => {
    assert.deepEqual(stepsOf({ id: 'draft' }, false), ['service', 'site', 'day', 'time', 'notes', 'contact', 'check']);
    assert.ok(stepsOf({ id: 'draft', sitesOffered: 2 }, false).includes('site'));
    assert.ok(!stepsOf({ id: 'draft', sitesOffered: 1 }, false).includes('site'));
  });

  it('does not ask a signed-in resident for contact details', () => {
    assert.ok(!stepsOf({ id: 'draft' }, true).includes('contact'));
  });

  it('takes the only place offering a service as the answer to where', () => {
    const draft = withService({ id: 'draft' }, 'register-birth', ['castle-street']);
    assert.deepEqual(draft, { id: 'draft', service: 'register-birth', sitesOffered: 1, site: 'castle-street' });
    assert.equal(stepAfter(stepsOf(draft, false), 'service', draft, false), 'day');
  });

  it('goes from page to page in order, and to check your answers at the end', () => {
    const draft = withService({ id: 'draft' }, 'register-birth', ['castle-street', 'bus']);
    const steps = stepsOf(draft, false);
    assert.equal(stepAfter(steps, 'service', draft, false), 'site');
    assert.equal(firstUnanswered(steps, draft), 'site');
    assert.equal(stepAfter(stepsOf(answered(), false), 'notes', answered(), false), 'contact');
    assert.equal(firstUnanswered(stepsOf(answered(), false), answered()), 'check');
  });

  it('treats "nothing to tell us" as an answer', () => {
    assert.equal(firstUnanswered(stepsOf(answered({ notes: '' }), false), answered({ notes: '' })), 'check');
    assert.equal(firstUnanswered(stepsOf(answered({ notes: undefined }), false), answered({ notes: undefined })), 'notes');
  });

  it('asks again for where, the day and the time when another service is chosen, and keeps the rest', () => {
    const changed = withService(answered({ notes: 'An interpreter for Polish' }), 'give-notice', ['castle-street', 'bus']);
    assert.deepEqual(changed, {
      id: 'draft',
      service: 'give-notice',
      sitesOffered: 2,
      notes: 'An interpreter for Polish',
      contact,
    });
    assert.equal(stepAfter(stepsOf(changed, false), 'service', changed, true), 'site');
  });

  it('keeps every answer when the same service is chosen again', () => {
    assert.deepEqual(withService(answered(), 'register-birth', ['castle-street', 'bus']), answered());
  });

  it('asks again for the place when it no longer offers the service', () => {
    const withdrawn = withService(answered(), 'register-birth', ['bus', 'library']);
    assert.equal(withdrawn.site, undefined);
    assert.equal(withdrawn.day, undefined);
    assert.equal(withdrawn.slot, undefined);
  });

  it('asks again for the day and time at another place, and for the time on another day', () => {
    const elsewhere = withSite(answered(), 'bus');
    assert.deepEqual([elsewhere.site, elsewhere.day, elsewhere.slot], ['bus', undefined, undefined]);
    assert.deepEqual(withSite(answered(), 'castle-street'), answered(), 'the same place changes nothing');
    const anotherDay = withDay(answered(), '2026-12-08');
    assert.deepEqual([anotherDay.day, anotherDay.slot], ['2026-12-08', undefined]);
    assert.equal(stepAfter(stepsOf(anotherDay, false), 'day', anotherDay, true), 'time');
    assert.deepEqual(withDay(answered(), '2026-12-07'), answered());
  });

  it('sends a time taken meanwhile back to the time page with the reason, losing nothing else', () => {
    const refused = withSlotRefused(answered({ notes: 'Step-free access' }), 'appointments.errors.slotFull');
    assert.equal(refused.slot, undefined);
    assert.equal(refused.slotRefused, 'appointments.errors.slotFull');
    assert.deepEqual(
      [refused.service, refused.site, refused.day, refused.notes],
      ['register-birth', 'castle-street', '2026-12-07', 'Step-free access'],
    );
    assert.equal(firstUnanswered(stepsOf(refused, false), refused), 'time');
    const chosenAgain = withSlot(refused, 'slot-1000');
    assert.equal(chosenAgain.slotRefused, undefined);
    assert.equal(stepAfter(stepsOf(chosenAgain, false), 'time', chosenAgain, true), 'check');
  });

  it('shows the pages of choices only once what they depend on is answered', () => {
    const draft: AppointmentDraft = { id: 'draft' };
    assert.equal(reachable(stepsOf(draft, false), 'site', draft), false);
    assert.equal(reachable(stepsOf(draft, false), 'notes', draft), true, 'other pages may be answered ahead');
    const oneSite = withService(draft, 'register-birth', ['castle-street']);
    assert.equal(reachable(stepsOf(oneSite, false), 'site', oneSite), false, 'not asked at all');
    assert.equal(reachable(stepsOf(oneSite, false), 'day', oneSite), true);
    assert.equal(reachable(stepsOf(oneSite, false), 'time', oneSite), false);
    assert.equal(reachable(stepsOf(answered(), true), 'contact', answered()), false);
  });

  it('pages through the days a week at a time from today, within the window', () => {
    assert.equal(weekStarting('2026-12-06', undefined, '2027-03-09'), '2026-12-06');
    assert.equal(weekStarting('2026-12-06', '2026-12-01', '2027-03-09'), '2026-12-06', 'never before today');
    assert.equal(weekStarting('2026-12-06', '2026-12-12', '2027-03-09'), '2026-12-06');
    assert.equal(weekStarting('2026-12-06', '2026-12-13', '2027-03-09'), '2026-12-13');
    assert.equal(weekStarting('2026-12-06', '2026-12-22', '2027-03-09'), '2026-12-20', 'onto the start of its week');
    assert.equal(weekStarting('2026-12-06', '2030-01-01', '2027-03-09'), '2027-03-07', 'never past the last week');
  });
});
