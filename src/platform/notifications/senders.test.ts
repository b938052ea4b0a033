// The adapters: GOV.UK Notify through a stand-in client (no network), SMTP against a small mail
// server started here on 127.0.0.1 with node:net.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  PermanentDeliveryError,
  notifySender,
  outboxSender,
  smtpSender,
  type NotifyApi,
  type OutgoingMessage,
} from './senders.ts';

const TEMPLATES = {
  email: '11111111-1111-4111-8111-111111111111',
  sms: '22222222-2222-4222-8222-222222222222',
  letter: '33333333-3333-4333-8333-333333333333',
};

const email: OutgoingMessage = {
  id: 'aaaaaaaa-0000-4000-8000-000000000001',
  channel: 'email',
  recipient: 'sian@example.com',
  subject: 'We have received your request: ODR-7K4M-2Q9P',
  body: 'Dear Siân Roberts,\n\nThank you.',
};

/** A stand-in for NotifyClient that records each call and answers as Notify does. */
function aNotifyClient(answer: () => Promise<{ data: { id: string } }> = () => Promise.resolve({ data: { id: 'notify-id-1' } })) {
  const calls: unknown[][] = [];
  const client: NotifyApi = {
    sendEmail: (...args) => (calls.push(['sendEmail', ...args]), answer()),
    sendSms: (...args) => (calls.push(['sendSms', ...args]), answer()),
    sendLetter: (...args) => (calls.push(['sendLetter', ...args]), answer()),
  };
  return { client, calls };
}

const notifyRefusal = (status: number, message: string) =>
  Object.assign(new Error(`Request failed with status code ${status}`), {
    response: { status, data: { errors: [{ error: 'BadRequestError', message }] } },
  });

describe('the outbox sender', () => {
  it('records the message as sent without sending it anywhere', async () => {
    assert.deepEqual(await outboxSender.send(email), { providerReference: null });
    assert.equal(outboxSender.name, 'outbox');
  });
});

describe('the GOV.UK Notify sender', () => {
  it('sends an email through the email template, with the subject and body as personalisation', async () => {
    const { client, calls } = aNotifyClient();
    const sender = notifySender('key', TEMPLATES, client);
    assert.deepEqual(await sender.send(email), { providerReference: 'notify-id-1' });
    assert.deepEqual(calls, [
      [
        'sendEmail',
        TEMPLATES.email,
        'sian@example.com',
        { personalisation: { subject: email.subject, body: email.body }, reference: email.id },
      ],
    ]);
  });

  it('sends a text message with its body alone', async () => {
    const { client, calls } = aNotifyClient();
    await notifySender('key', TEMPLATES, client).send({ ...email, channel: 'sms', recipient: '+447911123456', subject: null });
    assert.deepEqual(calls, [
      ['sendSms', TEMPLATES.sms, '+447911123456', { personalisation: { body: email.body }, reference: email.id }],
    ]);
  });

  it('sends a letter with the address a line at a time', async () => {
    const { client, calls } = aNotifyClient();
    await notifySender('key', TEMPLATES, client).send({
      ...email,
      channel: 'letter',
      recipient: 'Siân Roberts\n1 Castle Street\nOswestry\nSY11 1AA',
      subject: 'Your request about Missed bin collection',
    });
    assert.deepEqual(calls, [
      [
        'sendLetter',
        TEMPLATES.letter,
        {
          personalisation: {
            address_line_1: 'Siân Roberts',
            address_line_2: '1 Castle Street',
            address_line_3: 'Oswestry',
            address_line_4: 'SY11 1AA',
            subject: 'Your request about Missed bin collection',
            body: email.body,
          },
          reference: email.id,
        },
      ],
    ]);
  });

  it('gives up on what Notify refuses, and retries what it cannot take now', async () => {
    const refused = notifySender(
      'key',
      TEMPLATES,
      aNotifyClient(() => Promise.reject(notifyRefusal(400, 'Not a valid email address'))).client,
    );
    await assert.rejects(refused.send(email), (error: unknown) => {
      assert.ok(error instanceof PermanentDeliveryError);
      assert.equal(error.message, 'GOV.UK Notify answered 400: BadRequestError: Not a valid email address');
      return true;
    });
    const busy = notifySender(
      'key',
      TEMPLATES,
      aNotifyClient(() => Promise.reject(notifyRefusal(429, 'Exceeded rate limit'))).client,
    );
    await assert.rejects(
      busy.send(email),
      (error: unknown) => !(error instanceof PermanentDeliveryError) && /429/.test((error as Error).message),
    );
    const offline = notifySender(
      'key',
      TEMPLATES,
      aNotifyClient(() => Promise.reject(new Error('getaddrinfo ENOTFOUND'))).client,
    );
    await assert.rejects(offline.send(email), (error: unknown) => !(error instanceof PermanentDeliveryError));
  });
});

describe('the SMTP sender', () => {
  /** Just enough of SMTP to take a message, refusing recipients at refused.example with 550. */
  let server: net.Server;
  let port: number;
  const received: { from: string; to: string[]; data: string }[] = [];
  before(async () => {
    server = net.createServer((socket) => {
      let buffer = '';
      let inData = false;
      let mail = { from: '', to: [] as string[], data: '' };
      socket.write('220 test.local ESMTP\r\n');
      socket.on('data', (chunk) => {
        buffer += chunk.toString('utf8');
        let end: number;
        while ((end = buffer.indexOf('\r\n')) >= 0) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (inData) {
            if (line === '.') {
              inData = false;
              received.push(mail);
              mail = { from: '', to: [], data: '' };
              socket.write('250 2.0.0 Ok: queued as TEST123\r\n');
            } else mail.data += `${line}\n`;
            continue;
          }
          const command = line.slice(0, 4).toUpperCase();
          if (command === 'MAIL') mail.from = line;
          if (command === 'RCPT' && !line.includes('@refused.example')) mail.to.push(line);
          if (command === 'DATA') inData = true;
          if (command === 'EHLO' || command === 'HELO') socket.write('250 test.local\r\n');
          else if (command === 'MAIL') socket.write('250 2.1.0 Ok\r\n');
          else if (command === 'RCPT')
            socket.write(line.includes('@refused.example') ? '550 5.1.1 No such mailbox\r\n' : '250 2.1.5 Ok\r\n');
          else if (command === 'DATA') socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
          else if (command === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
          else if (command === 'RSET') socket.write('250 2.0.0 Ok\r\n');
          else socket.write('502 5.5.2 Not implemented\r\n');
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const url = () => `smtp://127.0.0.1:${port}?ignoreTLS=true`;

  it('sends an email from the council’s address with the rendered subject and body', async () => {
    const sender = smtpSender(url(), 'Council <noreply@council.example>');
    const { providerReference } = await sender.send(email);
    assert.match(providerReference ?? '', /^<.+@.+>$/, 'the Message-ID');
    const mail = received.at(-1)!;
    assert.match(mail.from, /noreply@council\.example/);
    assert.deepEqual(mail.to.length, 1);
    assert.match(mail.to[0]!, /sian@example\.com/);
    assert.match(mail.data, /^Subject: We have received your request: ODR-7K4M-2Q9P$/m);
    assert.match(mail.data, /Thank you\./);
  });

  it('gives up on an address the server refuses for good', async () => {
    await assert.rejects(
      smtpSender(url(), 'noreply@council.example').send({ ...email, recipient: 'nobody@refused.example' }),
      PermanentDeliveryError,
    );
  });

  it('retries when the server cannot be reached', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(
      smtpSender(`smtp://127.0.0.1:${freePort}`, 'noreply@council.example').send(email),
      (error: unknown) => !(error instanceof PermanentDeliveryError),
    );
  });

  it('refuses text messages and letters for good, saying what to use instead', async () => {
    const sender = smtpSender(url(), 'noreply@council.example');
    for (const channel of ['sms', 'letter'] as const) {
      await assert.rejects(sender.send({ ...email, channel }), (error: unknown) => {
        assert.ok(error instanceof PermanentDeliveryError);
        assert.match(error.message, /email only.*NOTIFICATIONS_SENDER=notify/);
        return true;
      });
    }
  });
});
