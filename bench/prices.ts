/**
 * Published on-demand prices in us-east-1, free tiers left out (what an account past them pays). `checked` is
 * when they were last compared with the pages named.
 */
export const PRICES = {
  region: 'us-east-1',
  checked: '2026-11-27',
  /** REST API, first 333 million requests a month. */
  apiGatewayPerMillionRequests: { usd: 3.5, source: 'https://aws.amazon.com/api-gateway/pricing/' },
  lambdaPerMillionRequests: { usd: 0.2, source: 'https://aws.amazon.com/lambda/pricing/' },
  /** arm64, duration rounded up to 1 ms. */
  lambdaArmPerGbSecond: { usd: 0.0000133334, source: 'https://aws.amazon.com/lambda/pricing/' },
  /** Every state entered, retries included. */
  stepFunctionsStandardPerThousandTransitions: {
    usd: 0.025,
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  dynamoDbPerMillionWriteUnits: { usd: 0.625, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  dynamoDbPerMillionReadUnits: { usd: 0.125, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  sqsPerMillionRequests: { usd: 0.4, source: 'https://aws.amazon.com/sqs/pricing/' },
  /** Standard log class. */
  cloudWatchLogsPerGbIngested: { usd: 0.5, source: 'https://aws.amazon.com/cloudwatch/pricing/' },
} as const;
