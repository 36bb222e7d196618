/** Lambda entry of GET /batches/{id}. */
import { getBatchHandler } from '../composition';
import { lambdaRuntime } from './runtime';

export const handler = getBatchHandler(lambdaRuntime());
