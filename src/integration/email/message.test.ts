import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Invalid } from '../../platform/errors.ts';
import { automaticReason, caseReferencesIn, readMessage } from './message.ts';

const headers = (entries: Record<string, string>) => new Map<string, never>(Object.entries(entries) as [string, never][]);

/** An RFC 822 message written out, CRLF line ends as on the wire. */
const message = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

describe('finding case references in an email', () => {
  it('finds a reference in the subject, as a person or a mail program writes it', () => {
    assert.deepEqual(caseReferencesIn('Re: Your case ODR-7K4M-2Q9P has been updated', ''), ['ODR-7K4M-2Q9P']);
    assert.deepEqual(caseReferencesIn('re: odr 7k4m 2q9p', null), ['ODR-7K4M-2Q9P']);
    assert.deepEqual(caseReferencesIn('ODR7K4M2Q9P', null), ['ODR-7K4M-2Q9P']);
  });

  it('finds a reference in the quoted text of a reply, subject first, each once', () => {
    const body = ['Thanks, the bin is still there.', '', '> Your reference is ODR-7K4M-2Q9P.', '> See ODR-AB12-CD34 too'].join(
      '\n',
    );
    assert.deepEqual(caseReferencesIn('About ODR-AB12-CD34', body), ['ODR-AB12-CD34', 'ODR-7K4M-2Q9P']);
  });

  it('reads O as 0 and I or L as 1, and ignores what cannot be a reference', () => {
    assert.deepEqual(caseReferencesIn('ODR-7K4M-2QOL', null), ['ODR-7K4M-2Q01']);
    // U is not in Crockford's alphabet; too short; glued to other letters.
    assert.deepEqual(caseReferencesIn('ODR-UUUU-UUUU ODR-7K4M-2Q9 XODR-7K4M-2Q9PX', null), []);
  });
});

describe('telling a machine’s mail from a person’s', () => {
  it('takes Auto-Submitted (other than no) as a machine’s', () => {
    assert.equal(automaticReason(headers({ 'auto-submitted': 'auto-replied' }), 'jane@example.org'), 'auto-submitted');
    assert.equal(automaticReason(headers({ 'auto-submitted': 'no' }), 'jane@example.org'), null);
  });

  it('takes mail from the mailer daemon or postmaster, or a delivery report, as a bounce', () => {
    assert.equal(automaticReason(headers({}), 'MAILER-DAEMON@mx.example.org'), 'bounce');
    assert.equal(automaticReason(headers({}), 'postmaster@example.org'), 'bounce');
    assert.equal(
      automaticReason(
        new Map([['content-type', { value: 'multipart/report', params: { 'report-type': 'delivery-status' } }]]) as never,
        'x@example.org',
      ),
      'bounce',
    );
  });

  it('takes out-of-office markers and bulk or list mail as a machine’s', () => {
    assert.equal(automaticReason(headers({ 'x-autoreply': 'yes' }), 'jane@example.org'), 'auto-reply');
    assert.equal(automaticReason(headers({ precedence: 'auto_reply' }), 'jane@example.org'), 'auto-reply');
    assert.equal(automaticReason(headers({ precedence: 'bulk' }), 'news@example.org'), 'bulk');
    assert.equal(automaticReason(headers({ 'list-id': '<residents.example.org>' }), 'news@example.org'), 'bulk');
  });

  it('takes an ordinary reply as a person’s', () => {
    assert.equal(automaticReason(headers({ subject: 'Re: your case', 'in-reply-to': '<a@b>' }), 'jane@example.org'), null);
  });
});

describe('reading a raw message', () => {
  it('reads the sender, subject, text, date, Message-ID and what it answers', async () => {
    const read = await readMessage(
      message([
        'From: "Jane Smith" <Jane.Smith@example.org>',
        'To: contact@council.example',
        'Subject: Re: Your case ODR-7K4M-2Q9P',
        'Date: Mon, 23 Nov 2026 09:15:00 +0000',
        'Message-ID: <reply-1@example.org>',
        'In-Reply-To: <sent-1@council.example>',
        'References: <first@council.example> <sent-1@council.example>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'The bin is still there.',
      ]),
    );
    assert.deepEqual(read.from, { address: 'Jane.Smith@example.org', name: 'Jane Smith' });
    assert.equal(read.subject, 'Re: Your case ODR-7K4M-2Q9P');
    assert.equal(read.text.trim(), 'The bin is still there.');
    assert.equal(read.sentAt?.toISOString(), '2026-11-23T09:15:00.000Z');
    assert.equal(read.messageId, 'reply-1@example.org');
    assert.equal(read.inReplyTo, 'sent-1@council.example');
    assert.deepEqual(read.references, ['first@council.example', 'sent-1@council.example']);
    assert.deepEqual(read.caseReferences, ['ODR-7K4M-2Q9P']);
    assert.equal(read.automatic, null);
    assert.deepEqual(read.attachments, []);
    assert.match(read.sha256, /^[0-9a-f]{64}$/);
  });

  it('takes the text of an HTML-only message as mailparser gives it', async () => {
    const read = await readMessage(
      message([
        'From: jane@example.org',
        'Subject: Bins',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><body><p>Still <b>not</b> collected &amp; smelly.</p></body></html>',
      ]),
    );
    assert.match(read.text, /Still not collected & smelly\./i);
  });

  it('turns HTML beside an attachment into text, and counts the attachments without keeping them', async () => {
    const read = await readMessage(
      message([
        'From: jane@example.org',
        'Subject: Photo',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>Here is the <b>fly-tipping</b>.</p>',
        '--b1',
        'Content-Type: image/png; name="tip.png"',
        'Content-Disposition: attachment; filename="tip.png"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('not really a png').toString('base64'),
        '--b1--',
      ]),
    );
    assert.match(read.text, /Here is the fly-tipping\./i);
    assert.deepEqual(read.attachments, [{ fileName: 'tip.png', contentType: 'image/png', sizeBytes: 16 }]);
  });

  it('gives a message without a Message-ID the hash of its content as its id', async () => {
    const raw = message(['From: jane@example.org', 'Subject: Hello', '', 'Hi']);
    const first = await readMessage(raw);
    const again = await readMessage(Buffer.from(raw));
    assert.equal(first.messageId, `sha256:${first.sha256}`);
    assert.equal(again.messageId, first.messageId);
  });

  it('refuses text with no sender as not a message', async () => {
    await assert.rejects(readMessage(Buffer.from('just some words\r\n')), (error: unknown) => {
      assert.ok(error instanceof Invalid);
      assert.equal(error.errors[0]?.message, 'inboundEmail.errors.noSender');
      return true;
    });
  });
});
