/** GET /account/ledger: one Query per page, newest first. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { ledgerHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'ledger',
  description: 'GET /account/ledger: the credit movements of the calling account, newest first',
  trigger: { kind: 'http', routes: [{ method: 'GET', path: '/account/ledger' }] },
  timeoutSeconds: 10,
  table: ['Query'],
  settings: [],
  needs: [],
  build: (runtime) => ledgerHandler(runtime),
});

export const handler = lambdaHandler(spec, {});
