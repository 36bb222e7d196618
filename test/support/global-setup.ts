/**
 * Starts one DynamoDB Local and one moto_server (SQS, Secrets Manager) for the whole run; each test file creates
 * and drops its own table, queues and secrets. The workers find them in DYNAMODB_ENDPOINT and MOTO_ENDPOINT.
 */
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { MOTO_ENDPOINT_ENV, startMoto } from './moto';

export default async function globalSetup(): Promise<void> {
  const [dynamo, moto] = await Promise.allSettled([startDynamoDbLocal(), startMoto()]);
  if (dynamo.status === 'rejected' || moto.status === 'rejected') {
    // Whichever did start must not outlive the failed setup.
    await Promise.all(
      [dynamo, moto].map((started) => (started.status === 'fulfilled' ? started.value.stop() : null)),
    );
    throw dynamo.status === 'rejected' ? dynamo.reason : (moto as PromiseRejectedResult).reason;
  }
  process.env.DYNAMODB_ENDPOINT = dynamo.value.endpoint;
  process.env[MOTO_ENDPOINT_ENV] = moto.value.endpoint;
  Object.assign(globalThis, { __DYNAMO__: dynamo.value, __MOTO__: moto.value });
}
