/**
 * One webhook POST: the target is checked first (target-guard.ts), the connection goes to the checked address,
 * redirects are not followed, and the whole exchange must answer within the timeout.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TargetPolicy } from '../../domain/webhooks/network-address';
import type { SendOutcome, WebhookPost, WebhookTransport } from '../../domain/ports/webhooks';
import { checkWebhookTarget, pinnedLookup, systemResolver, type Resolver } from './target-guard';

/** Any 2xx within 10 s is success (README "Webhooks"). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookSenderOptions {
  policy: TargetPolicy;
  resolve?: Resolver;
  timeoutMs?: number;
}

export class WebhookSender implements WebhookTransport {
  private readonly resolve: Resolver;
  private readonly timeoutMs: number;

  constructor(private readonly options: WebhookSenderOptions) {
    this.resolve = options.resolve ?? systemResolver;
    this.timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  }

  async send(post: WebhookPost): Promise<SendOutcome> {
    const verdict = await checkWebhookTarget(post.url, this.options.policy, this.resolve);
    if (!verdict.allowed) {
      if (verdict.reason === 'unresolvable') return { kind: 'unresolvable' };
      return { kind: 'refused', reason: verdict.reason, addressClass: verdict.addressClass };
    }
    const send = verdict.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const request: ClientRequest = send(verdict.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(post.body, 'utf8')),
          'user-agent': 'contact-enrichment-webhooks/1',
          ...post.headers,
        },
        lookup: pinnedLookup(verdict.address, verdict.family),
        // A fresh connection per attempt: a pooled socket could lead to an address that was not checked.
        agent: false,
      });
      const timer = setTimeout(() => {
        finish({ kind: 'timeout' });
        request.destroy();
      }, this.timeoutMs);
      request.on('response', (response: IncomingMessage) => {
        const retryAfter = response.headers['retry-after'];
        finish({ kind: 'response', status: response.statusCode ?? 0, retryAfter });
        // The body is not used; closing the connection frees the socket at once.
        response.destroy();
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        finish({ kind: 'network_error', code: error.code ?? error.name });
      });
      request.end(post.body);
    });
  }
}
