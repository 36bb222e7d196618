/**
 * What webhook delivery needs from its queue beyond receiving and acknowledging messages. SQS implements it in
 * AWS (adapters/aws/sqs-webhook-queue.ts), the in-process queue in the local stack (local/local-queue.ts).
 */

export interface DeliveryQueue {
  /**
   * Keeps a received message hidden for `seconds` from now; it comes back (the next attempt, with a higher
   * receive count) once they pass, unless it is acknowledged first.
   */
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
  /** Puts a message whose delivery gave up before its last attempt (410, refused target) on the dead-letter queue. */
  deadLetter(body: string): Promise<void>;
}

export interface DeadLetterRedrive {
  /** Moves every dead-lettered delivery back to the queue as a new message (a new round); returns how many. */
  redriveDeadLetters(): Promise<number>;
}
