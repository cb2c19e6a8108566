import { type DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionFailedItem, isConditionFailed } from '@zero-idle/core';
import type { Application } from '../domain/model';
import { keys } from './table';

/**
 * The email state on application items (`mail`: SENDING while claimed, SENT after; `mailAt`): each
 * applicant gets one email about an application, the booked or the not-chosen one. Declining an
 * application claims its email in the same write.
 */
export function applicationEmailsStore(db: DynamoDBDocumentClient, tableName: string) {
  return {
    /**
     * Claims the one email about an application (booked or declined): 'claimed', or 'sent' when it
     * went out already, or 'sending' while another invocation sends it (a claim older than
     * `staleMs` is taken over: that invocation died).
     */
    async claimEmail(jobId: string, nanny: string, now: number, staleMs: number): Promise<'claimed' | 'sent' | 'sending'> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.application(jobId, nanny),
            UpdateExpression: 'SET mail = :sending, mailAt = :now',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(mail) OR (mail = :sending AND mailAt < :stale))',
            ExpressionAttributeValues: { ':sending': 'SENDING', ':now': now, ':stale': now - staleMs },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'claimed';
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        const current = conditionFailedItem(error);
        if (!current) throw new Error(`No application of ${nanny} for job ${jobId}`);
        return current.mail === 'SENT' ? 'sent' : 'sending';
      }
    },

    /** Gives a claim back (SES refused the email, or there is nobody to send it to), so a retry sends. */
    async releaseEmail(jobId: string, nanny: string): Promise<void> {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.application(jobId, nanny),
          UpdateExpression: 'REMOVE mail, mailAt',
          ConditionExpression: 'mail = :sending',
          ExpressionAttributeValues: { ':sending': 'SENDING' },
        }),
      );
    },

    /** SENT for claimed emails that went out: one transaction per 100 (a queue batch takes one), each conditional on its claim. */
    async markEmailsSent(applications: Array<{ jobId: string; nanny: string }>, now: number): Promise<void> {
      for (let start = 0; start < applications.length; start += 100) {
        await db.send(
          new TransactWriteCommand({
            TransactItems: applications.slice(start, start + 100).map(({ jobId, nanny }) => ({
              Update: {
                TableName: tableName,
                Key: keys.application(jobId, nanny),
                UpdateExpression: 'SET mail = :sent, mailAt = :now',
                ConditionExpression: 'mail = :sending',
                ExpressionAttributeValues: { ':sent': 'SENT', ':now': now, ':sending': 'SENDING' },
              },
            })),
          }),
        );
      }
    },

    /**
     * PENDING -> DECLINED, claiming the nanny's email in the same write (see claimEmail).
     * Returns the application's status afterwards (undefined: there is no such application) and
     * whether this call declined it, and so holds the email claim.
     */
    async declineClaimingEmail(jobId: string, nanny: string, now: number): Promise<{ status?: Application['status']; claimed: boolean }> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.application(jobId, nanny),
            UpdateExpression: 'SET #status = :declined, declinedAt = :at, mail = :sending, mailAt = :now',
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':declined': 'DECLINED',
              ':at': new Date(now).toISOString(),
              ':pending': 'PENDING',
              ':sending': 'SENDING',
              ':now': now,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { status: 'DECLINED', claimed: true };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        return { status: conditionFailedItem(error)?.status as Application['status'] | undefined, claimed: false };
      }
    },
  };
}
