import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Db } from '../../db/database.ts';
import type { ImapSettings } from '../../config.ts';
import { findFirstCouncil, findOrganisation, insertOrganisation } from '../../organisations/repo.ts';
import { systemActor } from '../../platform/actor.ts';
import { imapJobs, inboundEmailJobs, pollMailbox, type MailboxSession, type MailboxSource, type PollLog } from './mailbox.ts';
import { MAX_MESSAGE_BYTES } from './message.ts';
import { createInboundEmailService, type InboundEmailService } from './service.ts';

/**
 * A mailbox in memory, standing in for the IMAP server: it records what happened in order, and
 * on each \Seen asks the database whether the message was already committed by then.
 */
class FakeMailbox implements MailboxSource {
  readonly messages = new Map<number, { source: Buffer; seen: boolean; sizeBytes?: number }>();
  readonly happened: string[] = [];
  opened = 0;
  closed = 0;
  failSeen = false;
  constructor(private readonly committed: (source: Buffer) => Promise<boolean>) {}

  add(uid: number, source: Buffer, sizeBytes?: number) {
    this.messages.set(uid, { source, seen: false, ...(sizeBytes === undefined ? {} : { sizeBytes }) });
  }

  async open(): Promise<MailboxSession> {
    this.opened += 1;
    return {
      unseen: async (limit) =>
        [...this.messages]
          .filter(([, message]) => !message.seen)
          .slice(0, limit)
          .map(([uid, message]) => ({ uid, sizeBytes: message.sizeBytes ?? message.source.length })),
      source: async (uid) => {
        this.happened.push(`fetch ${uid}`);
        return this.messages.get(uid)!.source;
      },
      markSeen: async (uid) => {
        if (this.failSeen) throw new Error('connection lost');
        const message = this.messages.get(uid)!;
        this.happened.push(`seen ${uid}${(await this.committed(message.source)) ? ' (committed)' : ''}`);
        message.seen = true;
      },
      close: async () => {
        this.closed += 1;
      },
    };
  }
}

const anEmail = (from: string, id: string, subject = 'Hello') =>
  Buffer.from([`From: ${from}`, `Subject: ${subject}`, `Message-ID: <${id}@mail.example>`, '', 'Text'].join('\r\n'));

describe('reading the council’s mailbox', () => {
  let database: TestDatabase;
  let db: Db;
  let inbound: InboundEmailService;
  let councilId: string;
  const logged: string[] = [];
  const log: PollLog = {
    warn: (_object, message) => logged.push(`warn: ${message}`),
    error: (_object, message) => logged.push(`error: ${message}`),
  };
  const imap = systemActor('job:inbound-email.imap');

  const isCommitted = async (source: Buffer) => {
    const id = /Message-ID: <([^>]+)>/.exec(source.toString())?.[1] ?? '';
    return (await db.selectFrom('inbound_emails').select('id').where('message_id', '=', id).executeTakeFirst()) !== undefined;
  };
  const take = (raw: Buffer) => inbound.intake(imap, councilId, raw, 'imap');
  /** The council a message made by anEmail(…, id) was taken in for. */
  const councilOfMessage = async (id: string) =>
    (
      await db
        .selectFrom('inbound_emails')
        .select('council_id')
        .where('message_id', '=', `${id}@mail.example`)
        .executeTakeFirstOrThrow()
    ).council_id;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    inbound = createInboundEmailService(db, {
      findCouncil: async (code) => (code ? await findOrganisation(db, code) : await findFirstCouncil(db)),
    });
  });
  after(() => database.drop());

  it('takes each unseen message and marks it seen only once the intake has committed', async () => {
    const mailbox = new FakeMailbox(isCommitted);
    mailbox.add(11, anEmail('a@example.org', 'first'));
    mailbox.add(12, anEmail('b@example.org', 'second'));
    const result = await pollMailbox(mailbox, take, log);
    assert.deepEqual(
      result.taken.map((taken) => taken.outcome),
      ['unmatched', 'unmatched'],
    );
    assert.deepEqual(mailbox.happened, ['fetch 11', 'seen 11 (committed)', 'fetch 12', 'seen 12 (committed)']);
    assert.equal(mailbox.closed, 1);
    const stored = await db.selectFrom('inbound_emails').select('via').where('message_id', '=', 'first@mail.example').execute();
    assert.deepEqual(stored, [{ via: 'imap' }]);
    // Nothing unseen is left: the next run takes nothing.
    assert.deepEqual((await pollMailbox(mailbox, take, log)).taken, []);
  });

  it('leaves a message unseen when taking it fails for a passing reason, and takes it on the next run', async () => {
    const mailbox = new FakeMailbox(isCommitted);
    mailbox.add(21, anEmail('c@example.org', 'flaky'));
    let down = true;
    const flaky = async (raw: Buffer) => {
      if (down) throw new Error('database unavailable');
      return await take(raw);
    };
    const failed = await pollMailbox(mailbox, flaky, log);
    assert.equal(failed.failed, 1);
    assert.equal(mailbox.messages.get(21)?.seen, false);
    assert.ok(logged.includes('error: inbound email: could not take a message; it stays unseen'));
    down = false;
    const retried = await pollMailbox(mailbox, flaky, log);
    assert.equal(retried.taken[0]?.outcome, 'unmatched');
    assert.equal(mailbox.messages.get(21)?.seen, true);
  });

  it('takes a message again as a duplicate when marking it seen failed the first time', async () => {
    const mailbox = new FakeMailbox(isCommitted);
    mailbox.add(31, anEmail('d@example.org', 'seen-lost'));
    mailbox.failSeen = true;
    await assert.rejects(pollMailbox(mailbox, take, log), /connection lost/);
    assert.equal(mailbox.closed, 1, 'the session is closed even so');
    mailbox.failSeen = false;
    const again = await pollMailbox(mailbox, take, log);
    assert.equal(again.taken[0]?.outcome, 'duplicate');
    assert.equal(mailbox.messages.get(31)?.seen, true);
  });

  it('marks seen, without taking, what is too large or not a message, and says so in the log', async () => {
    const mailbox = new FakeMailbox(isCommitted);
    mailbox.add(41, Buffer.from('no headers at all\r\n'));
    mailbox.add(42, anEmail('e@example.org', 'huge'), MAX_MESSAGE_BYTES + 1);
    const result = await pollMailbox(mailbox, take, log);
    assert.equal(result.refused, 2);
    assert.deepEqual(result.taken, []);
    assert.equal(mailbox.messages.get(41)?.seen, true);
    assert.equal(mailbox.messages.get(42)?.seen, true);
    assert.deepEqual(mailbox.happened, ['fetch 41', 'seen 41', 'seen 42']);
    assert.ok(logged.includes('warn: inbound email: not a message OneDoor can take'));
  });

  it('runs every minute for the council it is given', async () => {
    const mailbox = new FakeMailbox(isCommitted);
    const id = crypto.randomUUID();
    mailbox.add(51, anEmail('f@example.org', id));
    const [job] = inboundEmailJobs({
      source: mailbox,
      councilId: async () => councilId,
      intake: (council, raw) => inbound.intake(imap, council, raw, 'imap'),
      log,
    });
    assert.equal(job?.name, 'inbound-email.imap');
    assert.equal(job?.cron, '* * * * *');
    await job!.run();
    assert.equal(await councilOfMessage(id), councilId);
  });

  describe('as IMAP_URL and IMAP_COUNCIL set it up', () => {
    const settings = (council: string | undefined): ImapSettings => ({
      host: 'mail.borough.example',
      port: 993,
      secure: true,
      user: 'contact@borough.example',
      password: 'secret',
      mailbox: 'INBOX',
      council,
    });

    it('is not there without a mailbox', () => {
      assert.deepEqual(imapJobs(undefined, inbound, log), []);
    });

    it('takes the mail for IMAP_COUNCIL’s council, or the first council when it is unset', async () => {
      for (const council of ['borough', undefined]) {
        const mailbox = new FakeMailbox(isCommitted);
        const id = crypto.randomUUID();
        mailbox.add(61, anEmail('g@example.org', id));
        const [job] = imapJobs(settings(council), inbound, log, mailbox);
        assert.equal(job?.name, 'inbound-email.imap');
        await job!.run();
        assert.equal(await councilOfMessage(id), councilId, String(council));
      }
    });

    it('stops with a clear message when IMAP_COUNCIL names no council, leaving the mail unseen', async () => {
      await insertOrganisation(db, { code: 'borough-police', name: 'Police', kind: 'partner', councilId });
      for (const code of ['borough-police', 'nowhere']) {
        const mailbox = new FakeMailbox(isCommitted);
        mailbox.add(71, anEmail('h@example.org', crypto.randomUUID()));
        const [job] = imapJobs(settings(code), inbound, log, mailbox);
        await assert.rejects(job!.run(), { message: `IMAP_COUNCIL ${code} names no council` });
        assert.equal(mailbox.messages.get(71)?.seen, false);
        assert.equal(mailbox.opened, 0, 'the mailbox is not opened');
      }
    });
  });
});
