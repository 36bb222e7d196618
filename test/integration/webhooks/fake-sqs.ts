/**
 * A local HTTP server that answers the SQS JSON protocol (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Action>`) as
 * the service does, for the few actions the webhook queue uses, and records every request the SDK sent.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SqsRequest {
  action: string;
  headers: IncomingHttpHeaders;
  input: Record<string, unknown>;
}

interface Message {
  MessageId: string;
  Body: string;
  ReceiptHandle?: string;
  visible: boolean;
  receiveCount: number;
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

export class FakeSqs {
  readonly requests: SqsRequest[] = [];
  private readonly queues = new Map<string, Message[]>();
  private readonly failures: Array<{ action: string; status: number; type: string; queryError: string }> = [];
  /** Runs after each action, e.g. to put a message back on a queue while a redrive runs. */
  afterAction: (action: string, input: Record<string, unknown>) => void = () => undefined;
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const action = String(request.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        this.requests.push({ action, headers: request.headers, input });
        const failure = this.failures.findIndex((f) => f.action === action);
        if (failure >= 0) {
          const { status, type, queryError } = this.failures.splice(failure, 1)[0]!;
          response.writeHead(status, {
            'content-type': 'application/x-amz-json-1.0',
            'x-amzn-query-error': queryError,
            'x-amzn-requestid': randomUUID(),
          });
          response.end(JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message: `${type} (fake)` }));
          return;
        }
        const output = this.answer(action, input);
        this.afterAction(action, input);
        response.writeHead(200, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': randomUUID(),
        });
        response.end(JSON.stringify(output));
      });
    });
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  queueUrl(name: string): string {
    return `${this.endpoint}/000000000000/${name}`;
  }

  /** The bodies a queue holds, in order. */
  bodies(name: string): string[] {
    return (this.queues.get(this.queueUrl(name)) ?? []).map((message) => message.Body);
  }

  put(name: string, body: string): void {
    this.queue(this.queueUrl(name)).push({
      MessageId: randomUUID(),
      Body: body,
      visible: true,
      receiveCount: 0,
    });
  }

  /** The next request of `action` fails as SQS fails it. */
  failNext(action: string, type: string, queryError: string, status = 400): void {
    this.failures.push({ action, type, queryError, status });
  }

  private queue(url: string): Message[] {
    let messages = this.queues.get(url);
    if (!messages) this.queues.set(url, (messages = []));
    return messages;
  }

  private answer(action: string, input: Record<string, unknown>): Record<string, unknown> {
    const messages = this.queue(String(input.QueueUrl));
    switch (action) {
      case 'SendMessage': {
        const message = {
          MessageId: randomUUID(),
          Body: String(input.MessageBody),
          visible: true,
          receiveCount: 0,
        };
        messages.push(message);
        return { MessageId: message.MessageId, MD5OfMessageBody: md5(message.Body) };
      }
      case 'SendMessageBatch': {
        const entries = input.Entries as Array<{ Id: string; MessageBody: string }>;
        return {
          Successful: entries.map((entry) => {
            const message = {
              MessageId: randomUUID(),
              Body: entry.MessageBody,
              visible: true,
              receiveCount: 0,
            };
            messages.push(message);
            return { Id: entry.Id, MessageId: message.MessageId, MD5OfMessageBody: md5(entry.MessageBody) };
          }),
          Failed: [],
        };
      }
      case 'ReceiveMessage': {
        const max = Number(input.MaxNumberOfMessages ?? 1);
        const batch = messages.filter((message) => message.visible).slice(0, max);
        for (const message of batch) {
          message.visible = false;
          message.receiveCount += 1;
          message.ReceiptHandle = randomUUID();
        }
        if (batch.length === 0) return {};
        return {
          Messages: batch.map((message) => ({
            MessageId: message.MessageId,
            ReceiptHandle: message.ReceiptHandle,
            MD5OfBody: md5(message.Body),
            Body: message.Body,
          })),
        };
      }
      case 'DeleteMessageBatch': {
        const entries = input.Entries as Array<{ Id: string; ReceiptHandle: string }>;
        for (const entry of entries) {
          const index = messages.findIndex((message) => message.ReceiptHandle === entry.ReceiptHandle);
          if (index >= 0) messages.splice(index, 1);
        }
        return { Successful: entries.map((entry) => ({ Id: entry.Id })), Failed: [] };
      }
      case 'ChangeMessageVisibility': {
        const message = messages.find((m) => m.ReceiptHandle === input.ReceiptHandle);
        if (message && input.VisibilityTimeout === 0) message.visible = true;
        return {};
      }
      default:
        throw new Error(`The fake SQS does not answer ${action}`);
    }
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
