/**
 * Published on-demand prices, us-east-1, as the cost model uses them. Free tiers are left out: the figure is
 * what an account past them pays. Each price names the page it comes from; `checked` is when they were last
 * compared with those pages (and with the secondary sources named in bench/RESULTS.md).
 */
export const PRICES = {
  region: 'us-east-1',
  checked: '2026-11-27',
  apiGatewayRestPerMillionRequests: {
    usd: 3.5,
    note: 'REST API, first 333 million requests a month',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
  },
  lambdaArmPerGbSecond: {
    usd: 0.0000133334,
    note: 'arm64, first 7.5 billion GB-s a month; duration rounded up to 1 ms',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaPerMillionRequests: {
    usd: 0.2,
    note: 'x86 and arm64 alike',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  stepFunctionsStandardPerThousandTransitions: {
    usd: 0.025,
    note: 'every state entered, retries included',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  stepFunctionsExpressPerMillionRequests: {
    usd: 1.0,
    note: 'one request per execution started',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  stepFunctionsExpressPerGbSecond: {
    usd: 0.00001667,
    note: 'first 1,000 GB-hours; duration rounded up to 100 ms, memory billed in 64 MB chunks',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  dynamoDbPerMillionWriteRequestUnits: {
    usd: 0.625,
    note: 'on-demand, since the 1 November 2024 price cut',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoDbPerMillionReadRequestUnits: {
    usd: 0.125,
    note: 'on-demand, since the 1 November 2024 price cut',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  sqsPerMillionRequests: {
    usd: 0.4,
    note: 'standard queue, each 64 KB chunk of a request counts as one',
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  cloudWatchLogsPerGbIngested: {
    usd: 0.5,
    note: 'standard log class',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
} as const;
