import { clock } from '#shared/clock.ts';
import { verifyAccount } from '#shared/contracts/accounts.ts';
import { MAX_CODE_ATTEMPTS } from '#shared/domain/verification.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem } from '#shared/http/problem.ts';
import { verifyCode } from '#shared/store/verification.ts';

const invalid = () => new Problem('invalid-code', 'The code is wrong or was never sent.');
const locked = () => new Problem('code-locked', `${MAX_CODE_ATTEMPTS} wrong tries: request a new code.`);

// An already verified channel answers 200 again; an unknown email answers like a wrong code.
export const handler = httpHandler(verifyAccount, async ({ body }) => {
  switch (await verifyCode(body.email, body.channel, body.code, clock.now())) {
    case 'verified':
      return { status: 200, body: { channel: body.channel, verified: true } };
    case 'expired':
      throw new Problem('code-expired', 'Request a new code.');
    case 'locked':
      throw locked();
    case 'invalid':
      throw invalid();
  }
});
