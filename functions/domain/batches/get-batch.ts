/** Reads one batch of the calling account with its contacts; another account's id is indistinguishable from garbage. */
import { toBatchView, type BatchView } from './batch';
import { NotFoundError } from '../errors';
import { ID_PATTERN } from '../ids';
import type { BatchReader } from '../ports/batches';

export async function getBatch(batches: BatchReader, accountId: string, id: string): Promise<BatchView> {
  const batch = ID_PATTERN.test(id) ? await batches.getBatch(accountId, id) : undefined;
  if (!batch) throw new NotFoundError('No batch with this id.');
  return toBatchView(batch, await batches.getMembers(batch));
}
