/**
 * Plain in-memory fakes of the domain's ports, shared by the use-case specifications: an account, a contact
 * record, a frozen clock, the stores behind accept and finish with the credits they move, and a workflow that
 * records what it was asked to start.
 */
import type { Account } from '../../functions/domain/accounts/accounts';
import type { BatchRecord } from '../../functions/domain/batches/batch';
import { availableOf, PriceList, type Settlement } from '../../functions/domain/credits/credits';
import type {
  AcceptedResponse,
  ContactRecord,
  WebhookState,
} from '../../functions/domain/enrichment/contact';
import type { WaterfallSettings } from '../../functions/domain/enrichment/waterfall-settings';
import type { WorkflowInput } from '../../functions/domain/enrichment/waterfall-state';
import type {
  AcceptRepository,
  IdempotencyClaim,
  IdempotencyRecord,
} from '../../functions/domain/ports/accept';
import type { AccountReader } from '../../functions/domain/ports/accounts';
import type { BatchAcceptRepository, BatchIdempotencyRecord } from '../../functions/domain/ports/batches';
import type { FinishInput, FinishRepository } from '../../functions/domain/ports/finish';
import type { WorkflowStarter } from '../../functions/domain/ports/workflow';

export const NOW = new Date('2026-12-01T10:00:00.000Z');

export const clockAt = (at: Date = NOW) => ({ now: () => at });

/** Loopback webhook targets are refused, as in Lambda. */
export const PUBLIC_TARGETS = { allowPrivateTargets: false };

/** Three providers priced apart, so the worst case of a request is the dearest of each type. */
export const WATERFALL: WaterfallSettings = {
  order: { email: ['hunter', 'prospeo'], phone: ['prospeo', 'lusha'], personal_email: ['lusha'] },
  prices: { hunter: { email: 2 }, lusha: { phone: 25, personal_email: 4 } },
  verifier: null,
};

export const prices = new PriceList(WATERFALL);

export function account(overrides: Partial<Account> = {}): Account {
  return {
    account_id: 'A1',
    name: 'Acme CRM',
    balance: 100,
    reserved: 0,
    personal_email_consent: false,
    default_phone_country_codes: ['FR'],
    webhook_secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    created_at: '2026-01-01T00:00:00.000Z',
    rate_limit: null,
    bucket_full_at: null,
    ...overrides,
  };
}

export function contactRecord(overrides: Partial<ContactRecord> = {}): ContactRecord {
  return {
    account_id: 'A1',
    enrichment_id: '01KB0000000000000000000001',
    status: 'pending',
    firstname: 'Jane',
    lastname: 'Doe',
    company_name: null,
    domain: 'acme.com',
    linkedin_url: 'https://www.linkedin.com/in/jane-doe',
    enrichment_type: ['phone'],
    phone_country_codes: ['FR'],
    custom_json: '{}',
    use_cache: null,
    providers: null,
    max_credits: null,
    accept_catch_all: null,
    created_at: NOW.toISOString(),
    finished_at: null,
    results: null,
    credits_reserved: 10,
    credits_used: 0,
    waterfall: [],
    webhook: null,
    progress: { found: {}, closed: {}, candidates: {} },
    ...overrides,
  };
}

/** A webhook given at accept and not yet attempted. */
export function pendingWebhook(overrides: Partial<WebhookState> = {}): WebhookState {
  return {
    url: 'https://crm.example.com/hooks',
    status: 'pending',
    attempts: 0,
    last_attempt_at: null,
    last_response_status: null,
    deliveries: [],
    ...overrides,
  };
}

/** The account's credits and their ledger, moved as the adapters' transactions move them. */
export class FakeAccounts implements AccountReader {
  readonly ledger: Array<{ kind: 'reserve' | 'charge' | 'release'; amount: number; of: string }> = [];

  constructor(public current: Account) {}

  async getAccount(accountId: string): Promise<Account | undefined> {
    return accountId === this.current.account_id ? { ...this.current } : undefined;
  }

  /** Reserves `cost` if that many credits are available; the available credits otherwise. */
  reserve(cost: number, of: string): { available: number } | undefined {
    const available = availableOf(this.current);
    if (available < cost) return { available };
    this.current = { ...this.current, reserved: this.current.reserved + cost };
    this.ledger.push({ kind: 'reserve', amount: cost, of });
    return undefined;
  }

  settle({ charged, released }: Settlement, of: string): void {
    this.current = {
      ...this.current,
      balance: this.current.balance - charged,
      reserved: this.current.reserved - released,
    };
    if (charged) this.ledger.push({ kind: 'charge', amount: charged, of });
    if (released) this.ledger.push({ kind: 'release', amount: released, of });
  }
}

/** The accept transaction: the pending record, the reservation and the idempotency record, all or nothing. */
export class FakeAcceptStore implements AcceptRepository {
  readonly contacts = new Map<string, ContactRecord>();
  readonly keys = new Map<string, IdempotencyRecord>();

  constructor(readonly accounts: FakeAccounts) {}

  async getContact(_accountId: string, enrichmentId: string): Promise<ContactRecord | undefined> {
    return this.contacts.get(enrichmentId);
  }

  async accept(record: ContactRecord, response: AcceptedResponse, claim?: IdempotencyClaim) {
    const previous = claim && this.keys.get(claim.keyHash);
    if (previous) return { kind: 'idempotency_replay' as const, record: previous };
    const refused = this.accounts.reserve(record.credits_reserved, record.enrichment_id);
    if (refused) return { kind: 'insufficient_credits' as const, available: refused.available };
    this.contacts.set(record.enrichment_id, record);
    if (claim) this.keys.set(claim.keyHash, { requestHash: claim.requestHash, response });
    return { kind: 'accepted' as const };
  }

  async rollbackAccept(record: ContactRecord, claim?: IdempotencyClaim): Promise<void> {
    this.contacts.delete(record.enrichment_id);
    if (claim) this.keys.delete(claim.keyHash);
    this.accounts.settle({ charged: 0, released: record.credits_reserved }, record.enrichment_id);
  }

  async findIdempotency(_accountId: string, keyHash: string): Promise<IdempotencyRecord | undefined> {
    return this.keys.get(keyHash);
  }
}

/** The batch accept: one commit (reservation, batch, staged contacts, key), then each contact written. */
export class FakeBatchStore implements BatchAcceptRepository {
  readonly batches = new Map<string, BatchRecord>();
  readonly staged = new Map<string, ContactRecord[]>();
  readonly contacts = new Map<string, ContactRecord>();
  readonly keys = new Map<string, BatchIdempotencyRecord>();
  commits = 0;
  /** Writes of contacts that fail (the function stopping half-way), counted down. */
  failingPuts = 0;

  constructor(readonly accounts: FakeAccounts) {}

  async findBatchIdempotency(_accountId: string, keyHash: string) {
    return this.keys.get(keyHash);
  }

  async commitBatch(batch: BatchRecord, records: ContactRecord[], claim?: IdempotencyClaim) {
    const previous = claim && this.keys.get(claim.keyHash);
    if (previous) return { kind: 'idempotency_replay' as const, previous };
    const refused = this.accounts.reserve(batch.credits_reserved, batch.batch_id);
    if (refused) return { kind: 'insufficient_credits' as const, available: refused.available };
    this.commits += 1;
    this.batches.set(batch.batch_id, batch);
    this.staged.set(batch.batch_id, records);
    if (claim) this.keys.set(claim.keyHash, { requestHash: claim.requestHash, batchId: batch.batch_id });
    return { kind: 'committed' as const };
  }

  async stagedContacts(batch: BatchRecord) {
    return this.staged.get(batch.batch_id);
  }

  /** Writes those it can, as parallel writes do, then throws if any failed. */
  async putContacts(records: ContactRecord[]): Promise<void> {
    let failed = false;
    for (const record of records) {
      if (this.failingPuts > 0) {
        this.failingPuts -= 1;
        failed = true;
      } else if (!this.contacts.has(record.enrichment_id)) this.contacts.set(record.enrichment_id, record);
    }
    if (failed) throw new Error('the function stopped');
  }

  async markAccepted(batch: BatchRecord): Promise<void> {
    this.staged.delete(batch.batch_id);
    this.batches.set(batch.batch_id, { ...batch, accept_state: 'accepted' });
  }

  async getBatch(_accountId: string, batchId: string) {
    return this.batches.get(batchId);
  }

  async getMembers(batch: BatchRecord) {
    return batch.enrichment_ids.flatMap((id) => this.contacts.get(id) ?? []);
  }
}

/** The finish transaction: flips a pending record to finished and settles its credits, exactly once. */
export class FakeFinishStore implements FinishRepository {
  /** Every finish asked for, applied or not. */
  readonly finishes: FinishInput[] = [];

  constructor(
    public record: ContactRecord | undefined,
    readonly accounts: FakeAccounts,
  ) {}

  async getContact(): Promise<ContactRecord | undefined> {
    return this.record;
  }

  async finish(input: FinishInput) {
    this.finishes.push(input);
    if (this.record?.status === 'finished') return { kind: 'already_finished' as const, record: this.record };
    this.accounts.settle(input.settlement, input.record.enrichment_id);
    this.record = {
      ...input.record,
      status: 'finished',
      finished_at: input.finishedAt,
      results: input.results,
      credits_used: input.settlement.charged,
      waterfall: [...input.record.waterfall, ...input.appendSteps],
      progress: null,
    };
    return { kind: 'finished' as const, record: this.record };
  }
}

/** A workflow that records every start; it fails the first `failures` starts. */
export function recordingWorkflow(failures = 0): WorkflowStarter & { starts: WorkflowInput[] } {
  let failing = failures;
  const starts: WorkflowInput[] = [];
  return {
    starts,
    async start(input) {
      if (failing > 0) {
        failing -= 1;
        throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      }
      starts.push(input);
    },
  };
}
