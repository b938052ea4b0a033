// Reading the council's mailbox over IMAP, every minute, as another way in for the same intake as
// the relay's: each unseen message's source is taken in, and only once the intake has committed is
// it marked \Seen. A run that stops half-way leaves the rest unseen for the next; a message marked
// seen too late comes again and is recognised by its Message-ID. The IMAP client sits behind
// MailboxSource, so the run is tested without a mail server.
import type { ImapSettings } from '../../config.ts';
import { systemActor } from '../../platform/actor.ts';
import { Invalid } from '../../platform/errors.ts';
import type { ScheduledJob } from '../../platform/jobs.ts';
import { MAX_MESSAGE_BYTES } from './message.ts';
import type { InboundEmailService, IntakeResult } from './service.ts';

/** Messages taken in one run at most: a full mailbox empties over a few minutes, not in one long run. */
export const MESSAGES_PER_RUN = 100;

export interface MailboxMessage {
  uid: number;
  sizeBytes: number;
}

/** An open mailbox: its unseen messages, each one's source, and marking one seen. */
export interface MailboxSession {
  unseen(limit: number): Promise<MailboxMessage[]>;
  source(uid: number): Promise<Buffer>;
  markSeen(uid: number): Promise<void>;
  close(): Promise<void>;
}

export interface MailboxSource {
  open(): Promise<MailboxSession>;
}

export interface PollLog {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface PollResult {
  taken: IntakeResult[];
  /** Not mail OneDoor can take (too large, not a message): marked seen and left for a person. */
  refused: number;
  /** Failed for a reason that may pass (the database away): left unseen for the next run. */
  failed: number;
}

/** One run: every unseen message (up to MESSAGES_PER_RUN) through `take`, marked seen after. */
export async function pollMailbox(
  source: MailboxSource,
  take: (raw: Buffer) => Promise<IntakeResult>,
  log: PollLog,
): Promise<PollResult> {
  const result: PollResult = { taken: [], refused: 0, failed: 0 };
  const session = await source.open();
  try {
    for (const message of await session.unseen(MESSAGES_PER_RUN)) {
      if (message.sizeBytes > MAX_MESSAGE_BYTES) {
        log.warn(
          { uid: message.uid, sizeBytes: message.sizeBytes },
          'inbound email: message too large to take; left for a person',
        );
        await session.markSeen(message.uid);
        result.refused += 1;
        continue;
      }
      let taken: IntakeResult;
      try {
        taken = await take(await session.source(message.uid));
      } catch (error) {
        if (error instanceof Invalid) {
          log.warn({ uid: message.uid, reason: error.errors[0]?.message }, 'inbound email: not a message OneDoor can take');
          await session.markSeen(message.uid);
          result.refused += 1;
        } else {
          log.error({ err: error, uid: message.uid }, 'inbound email: could not take a message; it stays unseen');
          result.failed += 1;
        }
        continue;
      }
      await session.markSeen(message.uid);
      result.taken.push(taken);
    }
  } finally {
    await session.close();
  }
  return result;
}

/** The mailbox of IMAP_URL through imapflow. */
export function imapMailbox(settings: ImapSettings): MailboxSource {
  return {
    async open() {
      // imapflow is loaded when the mailbox is first opened, not with every OneDoor process.
      const { ImapFlow } = await import('imapflow');
      const client = new ImapFlow({
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        // Without TLS from the start, the password crosses only after STARTTLS, or not at all.
        ...(settings.secure ? {} : { doSTARTTLS: true }),
        auth: { user: settings.user, pass: settings.password },
        logger: false,
        connectionTimeout: 30_000,
        socketTimeout: 120_000,
      });
      await client.connect();
      let lock: { release(): void } | undefined;
      try {
        lock = await client.getMailboxLock(settings.mailbox);
      } catch (error) {
        await client.logout().catch(() => undefined);
        throw error;
      }
      return {
        async unseen(limit) {
          const uids = (await client.search({ seen: false }, { uid: true })) || [];
          if (uids.length === 0) return [];
          const chosen = [...uids].sort((a, b) => a - b).slice(0, limit);
          const found = await client.fetchAll(chosen, { uid: true, size: true }, { uid: true });
          return found.map((message) => ({ uid: message.uid, sizeBytes: message.size ?? 0 }));
        },
        async source(uid) {
          // BODY.PEEK[]: reading the source does not mark it seen; markSeen does, after the intake.
          const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
          if (!message || !message.source) throw new Error(`message ${uid} is no longer in the mailbox`);
          return message.source;
        },
        async markSeen(uid) {
          await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        },
        async close() {
          lock?.release();
          await client.logout().catch(() => undefined);
        },
      };
    },
  };
}

/** The IMAP job: every minute, the mailbox's unseen mail through the intake for its council. */
export function inboundEmailJobs(dependencies: {
  source: MailboxSource;
  /** The council the mailbox is for, found when the job runs. */
  councilId: () => Promise<string>;
  intake: (councilId: string, raw: Buffer) => Promise<IntakeResult>;
  log: PollLog;
}): ScheduledJob[] {
  return [
    {
      name: 'inbound-email.imap',
      cron: '* * * * *',
      run: async () => {
        const councilId = await dependencies.councilId();
        return await pollMailbox(dependencies.source, (raw) => dependencies.intake(councilId, raw), dependencies.log);
      },
    },
  ];
}

/** The IMAP job of IMAP_URL's mailbox, for IMAP_COUNCIL's council (none when no mailbox is set). */
export function imapJobs(
  settings: ImapSettings | undefined,
  inboundEmail: Pick<InboundEmailService, 'intake' | 'mailboxCouncil'>,
  log: PollLog,
  source: MailboxSource | undefined = settings && imapMailbox(settings),
): ScheduledJob[] {
  if (!settings || !source) return [];
  const imap = systemActor('job:inbound-email.imap');
  return inboundEmailJobs({
    source,
    councilId: () => inboundEmail.mailboxCouncil(settings.council),
    intake: (councilId, raw) => inboundEmail.intake(imap, councilId, raw, 'imap'),
    log,
  });
}
