import { clock } from '#shared/clock.ts';
import { verifyAccount } from '#shared/contracts/accounts.ts';
import { hashCode } from '#shared/crypto.ts';
import { judgeCode, MAX_CODE_ATTEMPTS } from '#shared/domain/verification.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem } from '#shared/http/problem.ts';
import { countWrongTry, findAccountByEmail, markVerified } from '#shared/store/accounts.ts';

const invalid = () => new Problem('invalid-code', 'The code is wrong or was never sent.');
const locked = () => new Problem('code-locked', `${MAX_CODE_ATTEMPTS} wrong tries: request a new code.`);

export const handler = httpHandler(verifyAccount, async ({ body }) => {
  const account = await findAccountByEmail(body.email, clock.now());
  // An unknown email answers like a wrong code, so the route does not reveal who is registered.
  if (!account) throw invalid();
  const verifiedKey = body.channel === 'email' ? 'emailVerified' : 'phoneVerified';
  if (account[verifiedKey]) return { status: 200, body: { channel: body.channel, verified: true } };

  const stored = account.codes?.[body.channel];
  const presented = stored ? hashCode(body.code, stored.salt) : '';
  switch (judgeCode(stored, presented, clock.nowMs())) {
    case 'ok':
      if (await markVerified(account, body.channel, presented, clock.now())) {
        return { status: 200, body: { channel: body.channel, verified: true } };
      }
      throw locked();
    case 'expired':
      throw new Problem('code-expired', 'Request a new code.');
    case 'locked':
      throw locked();
    case 'invalid':
      if (!(await countWrongTry(account.accountId, body.channel))) throw locked();
      throw invalid();
  }
});
