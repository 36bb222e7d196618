/**
 * A queue and its dead-letter queue, built as one: a message received `maxReceiveCount` times without being
 * acknowledged moves to the dead-letter queue, where an operator can inspect and redrive it.
 */
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface ResilientQueueProps {
  /** How long a received message stays hidden when its consumer neither deletes it nor hides it longer. */
  visibilityTimeout: Duration;
  /** Receives before a message is dead-lettered. */
  maxReceiveCount: number;
}

/** The longest SQS keeps a message; nothing on either queue should expire before someone looked at it. */
const RETENTION = Duration.days(14);

export class ResilientQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: ResilientQueueProps) {
    super(scope, id);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: RETENTION,
    });

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: RETENTION,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
