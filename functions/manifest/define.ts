/**
 * The shape of one manifest entry: everything the product needs to know about one function, declared once. The
 * CDK constructs deploy it from the entry (trigger, memory, timeout, table access, settings, what it is wired
 * to); the local stack builds and routes it from the same entry; the OpenAPI document's paths and the
 * per-function alarms are derived from the entries too.
 */
import type { Context } from 'aws-lambda';
import type { ApiReferenceAssets } from '../handlers/api-reference';
import type { ProviderStepOptions, Runtime, WebhookSending } from '../composition';
import type { DeliveryQueue, WebhookQueue } from '../domain/ports/webhooks';
import type { WorkflowInspector, WorkflowStarter } from '../domain/ports/workflow';
import type { RuntimeSettingName } from '../settings';
import type { DeliverWebhook } from '../domain/webhooks/deliver-webhook';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** One route of the public API: `path` in OpenAPI's form (`/contacts/{id}`). */
export interface Route {
  method: HttpMethod;
  path: string;
  /** Answered without an API key (the API reference); every other route takes the API key authorizer. */
  public?: boolean;
  /** The stage throttling this route gets beyond the stage's own (`acceptRateLimit`, `bulkRateLimit`, …). */
  throttle?: 'accept' | 'bulk';
}

/** The Task states of the waterfall definition, each run by one function. */
export type WorkflowTask = 'ProviderStep' | 'RecordResult';

/** What invokes a function. */
export type Trigger =
  | { kind: 'http'; routes: readonly Route[] }
  | { kind: 'authorizer' }
  | { kind: 'task'; state: WorkflowTask }
  /** The webhook queue's consumer. */
  | { kind: 'queue' }
  | { kind: 'schedule'; everyMinutes: number }
  /** The waterfall's executions that failed, timed out or were aborted (an EventBridge rule). */
  | { kind: 'execution-ended' };

/**
 * Item-level table actions a function may be granted: each function gets exactly those its code calls (no Scan,
 * no table management). TransactWriteItems is not an IAM action of its own: it is authorised by the Put, Update,
 * Delete and ConditionCheck actions it contains.
 */
export type TableAction =
  | 'GetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

/**
 * What a function is built on beyond the table, each given by the platform it runs on (AWS or the local stack)
 * and each bringing its permission and environment in AWS.
 */
export interface Platform {
  /** Starts waterfall executions. */
  workflow: WorkflowStarter;
  /** Starts executions and reads their status (the sweeper). */
  executions: WorkflowStarter & WorkflowInspector;
  /** Hands webhooks to the delivery queue. */
  webhooks: WebhookQueue;
  /** The delivery queue as its consumer sees it, dead letters included. */
  deliveries: DeliveryQueue;
  /** Provider API keys (and, locally, base URLs and extra providers). */
  providers: ProviderStepOptions;
  /** How webhooks are sent (locally: DNS overrides, timeouts, an observer of outcomes). */
  sending: WebhookSending & {
    observe?: (deliver: DeliverWebhook) => Pick<DeliverWebhook, 'execute'>;
  };
  /** The API reference page's script. */
  reference: ApiReferenceAssets;
}

export type PlatformNeed = keyof Platform;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each trigger has its own event and result types
export type Handler = (event: any, context: Context) => Promise<any>;

export interface FunctionSpec<Name extends string = string, Need extends PlatformNeed = PlatformNeed> {
  /** The function's name: its entry file in `functions/manifest/`, its name in alarms, graphs and logs. */
  name: Name;
  description: string;
  trigger: Trigger;
  timeoutSeconds: number;
  /** MB; 512 unless said (on arm64 CPU grows with memory). */
  memoryMb?: number;
  /** The table actions its code calls. */
  table: readonly TableAction[];
  /** Queries the sparse index of pending records. */
  pendingIndex?: boolean;
  /** The settings it reads; a deployed function is given exactly these. */
  settings: readonly RuntimeSettingName[];
  needs: readonly Need[];
  /** Throws on purpose so that the state machine retries it: alarmed on its error rate, not on single errors. */
  retried?: boolean;
  /**
   * Files (paths from the project root) copied beside the bundle, for a handler that reads them at run time; a data
   * file left out of the bundle (lib/bundling.ts DATA_FILES) keeps its node_modules/ path there.
   */
  copyFiles?: readonly string[];
  build(runtime: Runtime, platform: Pick<Platform, Need>): Handler;
}

export function defineFunction<const Name extends string, Need extends PlatformNeed = never>(
  spec: FunctionSpec<Name, Need>,
): FunctionSpec<Name, Need> {
  return spec;
}

/** The routes of an entry (none unless it is an API function). */
export function routesOf(spec: Pick<FunctionSpec, 'trigger'>): readonly Route[] {
  return spec.trigger.kind === 'http' ? spec.trigger.routes : [];
}

/** What finishing an enrichment needs: read the record, one transaction of updates and ledger puts. */
export const FINISH_ACTIONS: readonly TableAction[] = ['GetItem', 'UpdateItem', 'PutItem'];
