/**
 * A batch (POST /contacts/enrich/bulk): its request, the record kept for it, its completion shards, and its
 * public view (the body of GET /batches/{id}, which is also the batch webhook's body). Each contact of a batch
 * is an ordinary enrichment record; the batch holds their ids in request order.
 */
import * as z from 'zod/mini';
import type { WaterfallSettings } from '../enrichment/waterfall-settings';
import {
  toContactView,
  toWebhookBody,
  type AcceptedResponse,
  type ContactRecord,
  type ContactView,
  type WebhookState,
} from '../enrichment/contact';
import {
  customJsonOf,
  invalidBody,
  parseEnrichmentRequest,
  perPolicy,
  requestSchemaFor,
  toFieldErrors,
  type EnrichmentRequest,
} from '../enrichment/enrichment-request';
import { ValidationError, type FieldError } from '../errors';
import type { TargetPolicy } from '../webhooks/network-address';

export const MAX_BATCH_CONTACTS = 100;

/**
 * Contacts per completion shard. A contact's finish ticks it off its shard's item and only the finish that
 * empties a shard writes to the batch item, so no item takes more than this many finishes (the batch item at
 * most MAX_BATCH_CONTACTS / BATCH_SHARD_SIZE), however many contacts finish at once.
 */
export const BATCH_SHARD_SIZE = 10;

export type BatchStatus = 'pending' | 'finished';

export interface BatchRecord {
  account_id: string;
  batch_id: string;
  status: BatchStatus;
  /** `accepting` from the commit until every contact record is written; then `accepted`. */
  accept_state: 'accepting' | 'accepted';
  custom_json: string;
  created_at: string;
  finished_at: string | null;
  /** The contacts' enrichment ids, in request order (planned at the commit, before any is written). */
  enrichment_ids: string[];
  shard_count: number;
  /** The worst case of every contact, reserved at the commit; each contact settles its own share. */
  credits_reserved: number;
  /** How many items hold the contacts staged on the batch while it is being accepted. */
  staged_parts: number;
  /** The batch webhook's delivery state (top-level `webhook_url`); not part of the public view. */
  webhook: WebhookState | null;
  /** The finish was handed over (its webhook queued, or none to send): the batch left the pending index. */
  handed_over: boolean;
}

export const shardOf = (index: number): number => Math.floor(index / BATCH_SHARD_SIZE);
export const shardCountOf = (contacts: number): number => Math.ceil(contacts / BATCH_SHARD_SIZE);

/** The enrichment ids of each shard, by shard number. */
export function shardsOf(enrichmentIds: readonly string[]): string[][] {
  const shards: string[][] = [];
  enrichmentIds.forEach((id, index) => (shards[shardOf(index)] ??= []).push(id));
  return shards;
}

/**
 * The contacts staged on a batch at its commit, packed into parts that each fit a DynamoDB item (400 KB) with
 * room to spare; a megabyte of contacts takes a few parts, a typical batch one.
 */
export const MAX_STAGED_PART_BYTES = 300_000;

export function stagedParts(records: readonly ContactRecord[]): ContactRecord[][] {
  const parts: ContactRecord[][] = [];
  let size = Infinity;
  for (const record of records) {
    const bytes = Buffer.byteLength(JSON.stringify(record));
    if (size + bytes > MAX_STAGED_PART_BYTES) {
      parts.push([]);
      size = 0;
    }
    parts[parts.length - 1]!.push(record);
    size += bytes;
  }
  return parts;
}

// The request -----------------------------------------------------------------------------------------------

/** A validated bulk request: each contact as the single route would have it, the batch's own webhook and custom. */
export interface BatchRequest {
  contacts: EnrichmentRequest[];
  webhook_url: string | null;
  custom_json: string;
}

function buildBatchSchema(policy: TargetPolicy) {
  // The batch's webhook_url and custom follow the very rules of a contact's.
  const single = requestSchemaFor(policy).shape;
  return z.strictObject({
    contacts: z
      .array(z.unknown(), { error: 'must be an array of contacts' })
      .check(
        z.minLength(1, 'must contain at least one contact'),
        z.maxLength(MAX_BATCH_CONTACTS, `must contain at most ${MAX_BATCH_CONTACTS} contacts`),
      ),
    webhook_url: single.webhook_url,
    custom: single.custom,
  });
}

/** The bulk body's schema for a policy, built once (as each contact's). */
const batchSchemaFor = perPolicy(buildBatchSchema);

/** A contact's errors under `contacts[i]`. */
function inContact(index: number, errors: FieldError[]): FieldError[] {
  return errors.map(({ path, message }) => ({
    path: path === '(body)' ? `contacts[${index}]` : `contacts[${index}].${path}`,
    message,
  }));
}

/**
 * Validates and normalises a parsed bulk body: the batch's fields, then every contact exactly as the single
 * route does. All or nothing: one ValidationError names every offending field of every contact.
 */
export function parseBatchRequest(
  body: unknown,
  policy: TargetPolicy,
  waterfall?: Pick<WaterfallSettings, 'order'>,
): BatchRequest {
  const parsed = batchSchemaFor(policy).safeParse(body);
  const errors: FieldError[] = parsed.success ? [] : toFieldErrors(parsed.error, body);
  const contacts: EnrichmentRequest[] = [];
  // Contacts are checked whenever there is a list of them to check, whatever else is wrong with the body.
  const listed = (body as { contacts?: unknown } | null)?.contacts;
  const items =
    Array.isArray(listed) && listed.length >= 1 && listed.length <= MAX_BATCH_CONTACTS ? listed : [];
  items.forEach((item, index) => {
    try {
      contacts.push(parseEnrichmentRequest(item, policy, waterfall));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      errors.push(...inContact(index, error.errors));
    }
  });
  let custom_json = '{}';
  try {
    custom_json = customJsonOf(body);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    errors.push(...error.errors);
  }
  if (!parsed.success || errors.length) {
    throw invalidBody(errors);
  }
  return {
    contacts,
    webhook_url: parsed.data.webhook_url ?? null,
    custom_json,
  };
}

// The views ---------------------------------------------------------------------------------------------------

/** The 202 body of POST /contacts/enrich/bulk. */
export interface BatchAcceptedResponse {
  batch_id: string;
  status: 'pending';
  custom: Record<string, unknown>;
  contacts: AcceptedResponse[];
}

export function acceptedResponseOf(batch: BatchRecord, members: ContactRecord[]): BatchAcceptedResponse {
  return {
    batch_id: batch.batch_id,
    status: 'pending',
    custom: JSON.parse(batch.custom_json) as Record<string, unknown>,
    contacts: members.map((member) => ({
      enrichment_id: member.enrichment_id,
      firstname: member.firstname,
      lastname: member.lastname,
      status: 'pending',
      custom: JSON.parse(member.custom_json) as Record<string, unknown>,
    })),
  };
}

/** The body of GET /batches/{id}. */
export interface BatchView {
  batch_id: string;
  status: BatchStatus;
  custom: Record<string, unknown>;
  created_at: string;
  finished_at: string | null;
  counts: { total: number; pending: number; finished: number };
  credits_used: number;
  contacts: ContactView[];
}

function viewOf(batch: BatchRecord, contacts: ContactView[]): BatchView {
  const finished = contacts.filter((contact) => contact.status === 'finished').length;
  return {
    batch_id: batch.batch_id,
    status: batch.status,
    custom: JSON.parse(batch.custom_json) as Record<string, unknown>,
    created_at: batch.created_at,
    finished_at: batch.finished_at,
    counts: { total: contacts.length, pending: contacts.length - finished, finished },
    credits_used: contacts.reduce((sum, contact) => sum + contact.credits_used, 0),
    contacts,
  };
}

/** The public view of a batch and its contacts (each exactly as GET /contacts/{id} shows it). */
export function toBatchView(batch: BatchRecord, members: ContactRecord[]): BatchView {
  return viewOf(batch, members.map(toContactView));
}

/**
 * The batch webhook body: the view of the finished batch with each contact as its own webhook body shows it
 * (its webhook as it stood at its finish), so every attempt carries the same bytes.
 */
export function toBatchWebhookBody(batch: BatchRecord, members: ContactRecord[]): string {
  return JSON.stringify(
    viewOf(
      batch,
      members.map((member) => JSON.parse(toWebhookBody(member)) as ContactView),
    ),
  );
}
