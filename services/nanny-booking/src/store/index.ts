import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BookingStore } from '../domain/ports';
import { applicationEmailsStore } from './applicationEmails';
import { applicationsStore } from './applications';
import { jobsStore } from './jobs';
import { reviewsStore } from './reviews';
import { usersStore } from './users';

/**
 * The single table by entity (the layout is in table.ts). Beyond the domain's port: users read in
 * batches and applications' pending list and email state, for the stream and queue consumers.
 */
export function bookingStore(db: DynamoDBDocumentClient, tableName: string) {
  return {
    users: usersStore(db, tableName),
    jobs: jobsStore(db, tableName),
    applications: { ...applicationsStore(db, tableName), ...applicationEmailsStore(db, tableName) },
    reviews: reviewsStore(db, tableName),
  } satisfies BookingStore;
}

export type TableStore = ReturnType<typeof bookingStore>;
export { items, keys } from './table';
