/**
 * Webhook delivery: the retry queue record-result hands finished enrichments to, its dead-letter queue, and
 * the function that signs and POSTs each webhook (`functions/handlers/deliver-webhook.ts`).
 *
 * Each receive of a message is one delivery attempt, and the function hides a failed message until its next
 * attempt is due. The queue's `maxReceiveCount` therefore equals the retry schedule's number of attempts: a
 * lower count would dead-letter deliveries that still have retries left; a higher one would POST again after
 * the function has marked the webhook failed.
 */
import { Annotations, Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  maxAttempts,
  minimumSpanSeconds,
  retryScheduleFrom,
} from '../../functions/domain/webhooks/retry-schedule';
import { specsTriggeredBy, type FunctionSpec } from '../../functions/manifest';
import { EnrichmentFunction, METRICS_NAMESPACE, type Wiring } from './enrichment-function';
import { ResilientQueue } from './resilient-queue';

export interface WebhookDeliveryProps {
  /** What the consumer is wired to; the queue is this construct's own. */
  wiring: Wiring;
}

/** The contract's floor for a delivery: at least 8 attempts spread over at least 24 hours. */
const CONTRACT_MIN_ATTEMPTS = 8;
const CONTRACT_MIN_SPAN_SECONDS = 24 * 60 * 60;

/** The queue's consumer, from the manifest. */
function consumerSpec(): FunctionSpec {
  const [consumer, ...others] = specsTriggeredBy('queue');
  if (!consumer || others.length)
    throw new Error('The manifest must declare exactly one webhook queue consumer.');
  return consumer;
}

/** The outcomes the function logs for each attempt (`kind` of its `webhook attempt` log line). */
/** Concurrent deliver invocations the queue may drive at most. */
export const DELIVER_MAX_CONCURRENCY = 20;

/** `failed`: gave up (attempts exhausted, refused target); `gone`: the receiver answered 410. */
export type WebhookAttemptOutcome = 'delivered' | 'retry' | 'failed' | 'gone' | 'skipped';

export class WebhookDelivery extends Construct {
  readonly queue: ResilientQueue;
  readonly deliverFunction: EnrichmentFunction;
  /** Deliveries per webhook: the first attempt plus one per scheduled retry. */
  readonly maxAttempts: number;

  constructor(scope: Construct, id: string, props: WebhookDeliveryProps) {
    super(scope, id);

    const consumer = consumerSpec();
    const retrySchedule = props.wiring.settings.webhookRetrySchedule;
    const schedule = retryScheduleFrom(retrySchedule ? [...retrySchedule] : undefined);
    this.maxAttempts = maxAttempts(schedule);
    if (
      this.maxAttempts < CONTRACT_MIN_ATTEMPTS ||
      minimumSpanSeconds(schedule) < CONTRACT_MIN_SPAN_SECONDS
    ) {
      Annotations.of(this).addWarningV2(
        'contact-enrichment:webhookRetrySchedule',
        `The webhook retry schedule gives ${this.maxAttempts} attempts over ${minimumSpanSeconds(schedule)} s; ` +
          `the API contract promises at least ${CONTRACT_MIN_ATTEMPTS} attempts over 24 hours.`,
      );
    }

    this.queue = new ResilientQueue(this, 'Queue', {
      // Lambda's advice for SQS event sources: six times the function timeout, so a message is not handed
      // to a second invocation while the first may still be working on it.
      visibilityTimeout: Duration.seconds(consumer.timeoutSeconds * 6),
      maxReceiveCount: this.maxAttempts,
    });

    this.deliverFunction = new EnrichmentFunction(this, consumer, { ...props.wiring, webhooks: this.queue });
    this.deliverFunction.addEventSource(
      new SqsEventSource(this.queue.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // A burst of finishes must not take the account's whole Lambda concurrency to POST webhooks.
        maxConcurrency: DELIVER_MAX_CONCURRENCY,
      }),
    );

    // The function logs one `webhook attempt` line per attempt; counting them by outcome needs no code in it.
    new MetricFilter(this, 'AttemptMetric', {
      logGroup: this.deliverFunction.logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', 'webhook attempt'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: 'WebhookAttempt',
      metricValue: '1',
      dimensions: { outcome: '$.result' },
    });
  }

  /** Webhook attempts with one outcome, summed per period. */
  metricAttempts(outcome: WebhookAttemptOutcome, period = Duration.minutes(5)): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'WebhookAttempt',
      dimensionsMap: { outcome },
      statistic: 'Sum',
      period,
      label: outcome,
    });
  }
}
