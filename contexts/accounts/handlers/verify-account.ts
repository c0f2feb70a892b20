import { verifyAccount } from '#contexts/accounts/routes.ts';
import { MAX_CODE_ATTEMPTS } from '#contexts/accounts/rules/verification.ts';
import { verifyCode } from '#contexts/accounts/store/verification.ts';
import { httpHandler } from '#contexts/http.ts';
import { clock } from '#platform/clock.ts';
import { Problem } from '#platform/http/problem.ts';

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
