/** Lambda entry of GET /account/ledger. */
import { ledgerHandler } from '../composition';
import { lambdaRuntime } from './runtime';

export const handler = ledgerHandler(lambdaRuntime());
