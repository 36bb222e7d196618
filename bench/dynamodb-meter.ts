/**
 * A pass-through HTTP proxy in front of DynamoDB Local that records every data-plane call the product makes
 * and prices it the way on-demand DynamoDB bills it: item sizes computed with AWS's published rules, reads in
 * 4 KB units (halved when eventually consistent), writes in 1 KB units, transactional items doubled.
 *
 * Updates, deletes and condition checks do not carry the item on the wire, so their size is the item's size
 * read back after the run: items only grow here, so that is an upper bound of "the larger of before and
 * after" that DynamoDB charges.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

/** Size of one attribute value, per "DynamoDB item sizes and formats" in the developer guide. */
function valueSize(value: AttributeValue): number {
  if ('S' in value) return Buffer.byteLength(String(value.S), 'utf8');
  if ('N' in value) return numberSize(String(value.N));
  if ('B' in value) return Buffer.from(String(value.B), 'base64').length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('SS' in value) return (value.SS as string[]).reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
  if ('NS' in value) return (value.NS as string[]).reduce((n, s) => n + numberSize(s), 0);
  if ('BS' in value) return (value.BS as string[]).reduce((n, s) => n + Buffer.from(s, 'base64').length, 0);
  if ('L' in value) return 3 + (value.L as AttributeValue[]).reduce((n, v) => n + 1 + valueSize(v), 0);
  if ('M' in value) {
    const entries = Object.entries(value.M as Item);
    return 3 + entries.reduce((n, [name, v]) => n + 1 + Buffer.byteLength(name, 'utf8') + valueSize(v), 0);
  }
  return 0;
}

/** 1 byte per two significant digits, plus 1. */
function numberSize(text: string): number {
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

export function itemSize(item: Item): number {
  return Object.entries(item).reduce((n, [name, v]) => n + Buffer.byteLength(name, 'utf8') + valueSize(v), 0);
}

const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

interface PendingWrite {
  table: string;
  key: Item;
  transactional: boolean;
}

export interface OperationCount {
  calls: number;
  readUnits: number;
  writeUnits: number;
  /** Item sizes (bytes) by item kind, as written or read (sort key prefix: CONTACT, LEDGER, #ACCOUNT, …). */
  itemBytes: Record<string, number[]>;
}

export interface MeterReading {
  byOperation: Record<string, OperationCount>;
  readUnits: number;
  writeUnits: number;
}

const itemKind = (key: Item | undefined) => {
  const sortKey = key?.SK && 'S' in key.SK ? String(key.SK.S) : '';
  return sortKey.split('#').filter(Boolean)[0] ?? 'item';
};

export class DynamoDbMeter {
  private server: Server | undefined;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });
  private byOperation = new Map<string, OperationCount>();
  private pending: Array<{ operation: string; write: PendingWrite }> = [];

  constructor(private readonly target: string) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      void this.forward(req).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        (error: Error) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(error.message);
        },
      );
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.agent.destroy();
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Forgets what was recorded (between scenarios). */
  reset(): void {
    this.byOperation = new Map();
    this.pending = [];
  }

  /**
   * Prices what was recorded. `sizeOf` reads an item's current size straight from DynamoDB Local (not through
   * the proxy), for the writes whose item is not on the wire.
   */
  async reading(sizeOf: (table: string, key: Item) => Promise<number | undefined>): Promise<MeterReading> {
    const sizes = new Map<string, number | undefined>();
    for (const { operation, write } of this.pending) {
      const id = `${write.table}/${JSON.stringify(write.key)}`;
      if (!sizes.has(id)) sizes.set(id, await sizeOf(write.table, write.key));
      const bytes = sizes.get(id) ?? 0;
      const count = this.count(operation);
      count.writeUnits += writeUnits(bytes) * (write.transactional ? 2 : 1);
      (count.itemBytes[itemKind(write.key)] ??= []).push(bytes);
    }
    this.pending = [];
    const byOperation = Object.fromEntries(this.byOperation);
    const all = Object.values(byOperation);
    return {
      byOperation,
      readUnits: all.reduce((n, c) => n + c.readUnits, 0),
      writeUnits: all.reduce((n, c) => n + c.writeUnits, 0),
    };
  }

  private count(operation: string): OperationCount {
    let count = this.byOperation.get(operation);
    if (!count) {
      count = { calls: 0, readUnits: 0, writeUnits: 0, itemBytes: {} };
      this.byOperation.set(operation, count);
    }
    return count;
  }

  private async forward(req: IncomingMessage) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    const body = Buffer.concat(chunks);
    let input: Record<string, unknown> | undefined;
    try {
      input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      input = undefined;
    }
    const url = new URL(req.url ?? '/', this.target);
    const response = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>(
      (resolve, reject) => {
        const outgoing = httpRequest(
          url,
          {
            method: req.method,
            agent: this.agent,
            headers: { ...req.headers, host: url.host },
          },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (part: Buffer) => parts.push(part));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(parts) }),
            );
            res.on('error', reject);
          },
        );
        outgoing.on('error', reject);
        outgoing.end(body);
      },
    );
    if (input && isDataPlane(operation)) this.record(operation, input, response.body);
    return response;
  }

  private record(operation: string, input: Record<string, unknown>, body: Buffer): void {
    let output: Record<string, unknown> = {};
    try {
      output = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      // An unreadable answer still was a billed call.
    }
    const count = this.count(operation);
    count.calls += 1;
    const addBytes = (key: Item | undefined, bytes: number) =>
      (count.itemBytes[itemKind(key)] ??= []).push(bytes);
    const table = String(input.TableName ?? '');
    const transactional = operation.startsWith('Transact');

    switch (operation) {
      case 'GetItem': {
        const item = output.Item as Item | undefined;
        const bytes = item ? itemSize(item) : 0;
        if (item) addBytes(input.Key as Item, bytes);
        count.readUnits += readUnits(bytes) * (input.ConsistentRead ? 1 : 0.5);
        break;
      }
      case 'Query': {
        const items = (output.Items as Item[] | undefined) ?? [];
        const bytes = items.reduce((n, item) => n + itemSize(item), 0);
        count.readUnits += readUnits(bytes) * (input.ConsistentRead ? 1 : 0.5);
        break;
      }
      case 'PutItem': {
        const item = input.Item as Item;
        const bytes = itemSize(item);
        addBytes(item, bytes);
        count.writeUnits += writeUnits(bytes);
        break;
      }
      case 'UpdateItem':
      case 'DeleteItem':
        this.pending.push({ operation, write: { table, key: input.Key as Item, transactional: false } });
        break;
      case 'TransactWriteItems':
        for (const entry of (input.TransactItems as Array<Record<string, Record<string, unknown>>>) ?? []) {
          const [kind, action] = Object.entries(entry)[0] ?? [];
          if (!kind || !action) continue;
          if (kind === 'Put') {
            const bytes = itemSize(action.Item as Item);
            addBytes(action.Item as Item, bytes);
            count.writeUnits += writeUnits(bytes) * 2;
          } else {
            const write = { table: String(action.TableName), key: action.Key as Item, transactional };
            this.pending.push({ operation, write });
          }
        }
        break;
      case 'TransactGetItems':
        for (const response of (output.Responses as Array<{ Item?: Item }> | undefined) ?? []) {
          count.readUnits += readUnits(response.Item ? itemSize(response.Item) : 0) * 2;
        }
        break;
      default:
        // Batch and scan operations: the product makes none on its request path.
        break;
    }
  }
}

function isDataPlane(operation: string): boolean {
  return /^(GetItem|PutItem|UpdateItem|DeleteItem|Query|Scan|BatchGetItem|BatchWriteItem|TransactGetItems|TransactWriteItems)$/.test(
    operation,
  );
}
