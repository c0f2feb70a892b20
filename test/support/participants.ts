import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerEntry } from '#contexts/ledger/items.ts';
import { card, participant as participantItem } from '#contexts/selection/items.ts';
import { newCardNumber } from '#contexts/selection/rules/draw.ts';
import { adminToken, type Citizen, call, registerCitizen, stack } from '#test/support/api.ts';
import { documentClient } from '#test/support/applicants.ts';
import { waveBody } from '#test/support/waves.ts';

// Participants for the purchase tests, written as the selection's issuing transaction
// writes them (participant, card marker, credited ledger entry), for a real citizen
// who can sign in, in a real wave whose scheme schedules the incentives.
export interface TestParticipant extends Citizen {
  cardNumber: string;
  waveId: string;
}

let waveId: string | undefined;

async function wave(): Promise<string> {
  if (waveId) return waveId;
  const created = await call('POST', '/v1/admin/waves', {
    token: await adminToken(),
    body: waveBody({
      name: 'Gelombang pembelian',
      opensAt: new Date(Date.now() - 7_200_000).toISOString(),
      closesAt: new Date(Date.now() - 3_600_000).toISOString(),
      quota: 1000,
      purchaseDeadlineDays: 30,
      incentiveMonths: 4,
    }),
  });
  waveId = created.body.waveId as string;
  return waveId;
}

/** A participant whose phone is verified unless `verifyPhone` is false (as just selected). */
export async function participant(
  options: {
    balanceIdr?: number;
    deadline?: Date;
    status?: 'ACTIVE' | 'REVOKED';
    verifyPhone?: boolean;
  } = {},
): Promise<TestParticipant> {
  const citizen = await registerCitizen({ verifyPhone: options.verifyPhone });
  const cardNumber = newCardNumber();
  const balanceIdr = options.balanceIdr ?? 3_500_000;
  const at = new Date().toISOString();
  const w = await wave();
  const deadline = (options.deadline ?? new Date(Date.now() + 30 * 86_400_000)).toISOString();
  const { tableName } = stack();
  await documentClient(stack()).send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName,
            // Kept out of the deadline index (no GSI1 keys): a sweep in another test must
            // not revoke these.
            Item: {
              ...participantItem.key(citizen),
              type: participantItem.type,
              accountId: citizen.accountId,
              waveId: w,
              cardNumber,
              balanceIdr,
              status: options.status ?? 'ACTIVE',
              selectedAt: at,
              purchaseDeadline: deadline,
              nikHash: `test-${citizen.accountId}`,
              email: citizen.email,
              phone: citizen.phone,
              pool: 'general',
            },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: card.item({ accountId: citizen.accountId }, { cardNumber }),
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: ledgerEntry.item({
              accountId: citizen.accountId,
              entryId: `${at}#training-credit`,
              kind: 'training-credit',
              amountIdr: balanceIdr,
              balanceAfterIdr: balanceIdr,
              counterparty: 'treasury',
              at,
            }),
          },
        },
      ],
    }),
  );
  return { ...citizen, cardNumber, waveId: w };
}
