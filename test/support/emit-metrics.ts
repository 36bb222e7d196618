/**
 * Emits every declared metric once through the functions' own `emitMetric`, and one attempt log line of each
 * outcome through the deliver function's own `logAttempt`, under the environment it is started with (a function's
 * environment from the synthesized template). Prints what Powertools writes: EMF and log lines, one per line.
 */
import type { DeliveryOutcome } from '../../functions/domain/webhooks/deliver-webhook';
import { logAttempt } from '../../functions/handlers/deliver-webhook';
import { emitMetric, PRODUCT_METRICS, type ProductMetric } from '../../functions/handlers/observability';

for (const metric of Object.keys(PRODUCT_METRICS) as ProductMetric[]) {
  const dimensions = Object.fromEntries(
    PRODUCT_METRICS[metric].dimensions.map((name: string) => [name, `${name}-value`]),
  );
  emitMetric(metric, 1, dimensions as never);
}

const outcomes: DeliveryOutcome[] = [
  { kind: 'delivered', attempt: 1, responseStatus: 200 },
  { kind: 'retry', attempt: 1, delaySeconds: 60, failure: 'status_500' },
  { kind: 'failed', attempt: 8, reason: 'attempts_exhausted', failure: 'status_500' },
  { kind: 'failed', attempt: 1, reason: 'gone', failure: 'status_410' },
  { kind: 'skipped', reason: 'already_delivered' },
];
for (const outcome of outcomes) logAttempt({ account_id: 'A1', enrichment_id: 'E1' }, outcome);
