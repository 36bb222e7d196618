/**
 * A customer's webhook endpoint on 127.0.0.1: answers as each test scripts it, and verifies every delivery with
 * the typed client's `verifyWebhook` (the Standard Webhooks library) the way a receiver would.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../../client';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Waits this long before answering (a slow receiver). */
  delayMs?: number;
}

export interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
  /** The payload as `verifyWebhook` returned it, or the error it threw. */
  verified: { ok: true; payload: unknown } | { ok: false; error: string };
}

export type Responder = (delivery: Delivery, index: number) => Reply | Promise<Reply>;

/** Answers each delivery with the next reply of the list, then 200 once the list is spent. */
export function replies(...list: Reply[]): Responder {
  return (_delivery, index) => list[index] ?? { status: 200 };
}

export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  connections = 0;
  secret = '';
  respond: Responder = replies();
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const delivery: Delivery = {
          path: request.url ?? '',
          headers: request.headers,
          body,
          receivedAt: Date.now(),
          verified: this.verify(body, request.headers),
        };
        const index = this.deliveries.push(delivery) - 1;
        void Promise.resolve(this.respond(delivery, index)).then((reply) => {
          const answer = () => {
            if (response.destroyed) return;
            response.writeHead(reply.status, reply.headers ?? {});
            response.end();
          };
          if (reply.delayMs) setTimeout(answer, reply.delayMs);
          else answer();
        });
      });
    });
    this.server.on('connection', () => {
      this.connections += 1;
    });
  }

  private verify(body: string, headers: IncomingHttpHeaders): Delivery['verified'] {
    try {
      const payload = verifyWebhook(body, headers, this.secret);
      return { ok: true, payload };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Forgets what was received and answers 200 from now on. */
  reset(): void {
    this.deliveries.length = 0;
    this.connections = 0;
    this.respond = replies();
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
