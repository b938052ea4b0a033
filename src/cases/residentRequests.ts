// A signed-in resident's own requests: the cases on their customer record, and each one's public
// side exactly as their tracking link shows it. A reference that is not on their record is "not
// found", whoever's it is, so references cannot be probed from an account.
import type { Db } from '../db/database.ts';
import { NotFound } from '../platform/errors.ts';
import type { CaseStatus } from './lifecycle.ts';
import { normaliseCaseReference } from './reference.ts';
import * as repo from './repo.ts';
import { publicSideOf } from './service.ts';

export interface ResidentRequestSummary {
  reference: string;
  status: CaseStatus;
  service: { name: string; nameCy: string | null };
  receivedAt: Date;
}

const LIST_LIMIT = 100;

export function createResidentRequests(db: Db) {
  return {
    /** The customer's requests, newest first (cases_customer_idx). */
    async ofCustomer(customerId: string): Promise<ResidentRequestSummary[]> {
      const rows = await db
        .selectFrom('cases as c')
        .innerJoin('services as s', 's.id', 'c.service_id')
        .select(['c.reference', 'c.status', 's.name', 's.name_cy', 'c.received_at'])
        .where('c.customer_id', '=', customerId)
        .orderBy('c.received_at', 'desc')
        .orderBy('c.id', 'desc')
        .limit(LIST_LIMIT)
        .execute();
      return rows.map((row) => ({
        reference: row.reference,
        status: row.status,
        service: { name: row.name, nameCy: row.name_cy },
        receivedAt: row.received_at,
      }));
    },

    /** One of the customer's requests, as its tracking link shows it; NotFound if it is not theirs. */
    async ofCustomerForResident(customerId: string, reference: string) {
      const normalised = normaliseCaseReference(reference);
      const record = normalised ? await repo.findCase(db, { reference: normalised }) : undefined;
      if (!record || record.customer?.id !== customerId) throw new NotFound('case');
      return await publicSideOf(db, record);
    },
  };
}

export type ResidentRequests = ReturnType<typeof createResidentRequests>;
