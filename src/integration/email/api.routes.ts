// POST /api/v1/inbound-email: the council's mail relay (Postfix piping to curl, say) hands over
// each message as it arrived, as `Content-Type: message/rfc822`. The same message sent twice
// (a relay's retry) is recorded once: the second answer is 200 with outcome `duplicate`.
import crypto from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { apiKeyOf, requireScope } from '../../platform/http/api.ts';
import { problemTitle, sendProblem } from '../../platform/http/errors.ts';
import { MAX_MESSAGE_BYTES } from './message.ts';
import { InboundEmailTaken, RawMessageBody } from './schemas.ts';
import type { InboundEmailService, IntakeResult } from './service.ts';

/**
 * The body as the parser leaves it: its bytes kept private, so that the API's Idempotency-Key
 * fingerprint (which reads a body's own properties) is its size and hash, not ten million numbers.
 */
class RawMessage {
  readonly #bytes: Buffer;
  readonly sizeBytes: number;
  readonly sha256: string;
  constructor(bytes: Buffer, sha256: string) {
    this.#bytes = bytes;
    this.sizeBytes = bytes.length;
    this.sha256 = sha256;
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
}

function present(result: IntakeResult): Static<typeof InboundEmailTaken> {
  return {
    id: result.id,
    outcome: result.outcome,
    ...(result.caseReference ? { caseReference: result.caseReference } : {}),
    ...(result.customerId ? { customerId: result.customerId } : {}),
    ...(result.automatic ? { automatic: true } : {}),
  };
}

export const inboundEmailApiRoutes: FastifyPluginAsyncTypebox<{ inboundEmail: InboundEmailService }> = async (
  app,
  { inboundEmail },
) => {
  app.addContentTypeParser('message/rfc822', { parseAs: 'buffer', bodyLimit: MAX_MESSAGE_BYTES }, (_request, body, done) => {
    const bytes = body as Buffer;
    done(null, new RawMessage(bytes, crypto.createHash('sha256').update(bytes).digest('hex')));
  });

  app.post(
    '/inbound-email',
    {
      bodyLimit: MAX_MESSAGE_BYTES,
      preHandler: requireScope('inbound-email:write'),
      schema: {
        operationId: 'takeInboundEmail',
        tags: ['Inbound email'],
        summary: 'Take an email from the council’s mail relay',
        description:
          'One raw message (Content-Type: message/rfc822, at most 10 MB). A reply quoting a case reference from that ' +
          'case’s own customer goes on the case’s timeline; mail from one known customer becomes an email contact on ' +
          'them; anything else is kept for staff. Each Message-ID is taken once per council: sent again, the answer is ' +
          '200 with outcome "duplicate". Auto-replies and bounces are kept but never answered.',
        consumes: ['message/rfc822'],
        body: RawMessageBody,
        response: { 200: InboundEmailTaken, 201: InboundEmailTaken },
      },
    },
    async (request, reply) => {
      const say = (key: string) => (request.t ? request.t(key) : key);
      const body = request.body;
      // JSON and plain text have parsers of their own in the API: this call takes only a message.
      if (!(body instanceof RawMessage))
        return sendProblem(reply, {
          type: 'unsupported-media-type',
          title: problemTitle('unsupported-media-type'),
          status: 415,
          detail: say('inboundEmail.errors.contentType'),
        });
      if (body.sizeBytes === 0)
        return sendProblem(reply, {
          type: 'bad-request',
          title: problemTitle('bad-request'),
          status: 400,
          detail: say('inboundEmail.errors.empty'),
          code: 'inboundEmail.errors.empty',
        });
      const result = await inboundEmail.deliverFromRelay(apiKeyOf(request), body.bytes);
      return reply.code(result.outcome === 'duplicate' ? 200 : 201).send(present(result));
    },
  );
};
