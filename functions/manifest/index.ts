/**
 * The manifest: every function of the product, one entry (and Lambda entry file) each. The CDK stack, the API
 * Gateway routes, the local gateway and workflow, the OpenAPI document's paths and the per-function alarms are
 * all derived from this list; adding a function or a route is adding its entry here.
 */
import { spec as accept } from './accept';
import { spec as acceptBatch } from './accept-batch';
import { spec as apiReference } from './api-reference';
import { spec as authorizer } from './authorizer';
import { spec as credits } from './credits';
import { spec as deliverWebhook } from './deliver-webhook';
import { spec as eraseContact } from './erase-contact';
import { spec as estimate } from './estimate';
import { spec as feedback } from './feedback';
import { spec as getBatch } from './get-batch';
import { spec as getContact } from './get-contact';
import { spec as ledger } from './ledger';
import { spec as providerStep } from './provider-step';
import { spec as recordResult } from './record-result';
import { spec as recoverEnrichment } from './recover-enrichment';
import { spec as resendWebhook } from './resend-webhook';
import { spec as sweepPending } from './sweep-pending';
import { spec as usage } from './usage';
import { routesOf, type FunctionSpec, type Route, type Trigger } from './define';

export const MANIFEST = [
  authorizer,
  accept,
  getContact,
  eraseContact,
  credits,
  acceptBatch,
  estimate,
  getBatch,
  ledger,
  usage,
  resendWebhook,
  feedback,
  apiReference,
  providerStep,
  recordResult,
  recoverEnrichment,
  sweepPending,
  deliverWebhook,
] as const;

export type FunctionName = (typeof MANIFEST)[number]['name'];

/** Manifest entries widened to one type, for code that treats every function alike. */
export const FUNCTION_SPECS: readonly FunctionSpec[] = MANIFEST as readonly FunctionSpec[];

export const FUNCTION_NAMES = MANIFEST.map((spec) => spec.name) as FunctionName[];

/** The entries one trigger kind invokes. */
export function specsTriggeredBy(kind: Trigger['kind']): FunctionSpec[] {
  return FUNCTION_SPECS.filter((spec) => spec.trigger.kind === kind);
}

/** Every route of the public API, with the function answering it. */
export const ROUTES: ReadonlyArray<Route & { function: FunctionName }> = FUNCTION_SPECS.flatMap((spec) =>
  routesOf(spec).map((route) => ({ ...route, function: spec.name as FunctionName })),
);

export type { FunctionSpec, Route } from './define';
