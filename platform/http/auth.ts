import { errors, jwtVerify, SignJWT } from 'jose';
import { clock } from '#platform/clock.ts';
import type { Access } from '#platform/http/contract.ts';
import { problems } from '#platform/http/problem.ts';
import type { Principal, Role } from '#platform/principal.ts';
import { secrets } from '#platform/secrets.ts';

const ISSUER = 'prakerja';
const AUDIENCE = 'prakerja-api';
export const TOKEN_LIFETIME_S = 3600;
/** How far the issuer's clock may run ahead of the verifier's (seconds). */
const CLOCK_SKEW_S = 30;

async function key(): Promise<Uint8Array> {
  return Buffer.from((await secrets()).jwtKey, 'base64');
}

export async function issueToken(principal: Principal): Promise<string> {
  const iat = Math.floor(clock.nowMs() / 1000);
  return new SignJWT({ role: principal.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.accountId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + TOKEN_LIFETIME_S)
    .sign(await key());
}

const ROLES: readonly Role[] = ['citizen', 'admin', 'approver'];

/** Checks the bearer token and that its role may use a route of `access`. */
export async function authenticate(authorization: string | undefined, access: Access): Promise<Principal> {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '');
  if (!match?.[1]) throw problems.unauthorized('Send Authorization: Bearer <token>.');
  let principal: Principal & { role: Role };
  try {
    const { payload } = await jwtVerify(match[1], await key(), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: clock.now(),
      // iat is required and bounded both ways: a token issued under a clock moved forward
      // (or with a far exp) is refused now instead of living until its exp.
      requiredClaims: ['exp', 'iat', 'sub'],
      maxTokenAge: TOKEN_LIFETIME_S,
      clockTolerance: CLOCK_SKEW_S,
    });
    const role = payload.role as Role;
    if (!payload.sub || !ROLES.includes(role)) throw problems.unauthorized();
    principal = { accountId: payload.sub, role };
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw problems.unauthorized('The token has expired.');
    throw problems.unauthorized('The token is not valid.');
  }
  if (!allows(access, principal.role)) throw problems.forbidden();
  return principal;
}

/**
 * The role matrix, one row per kind of access: the approver approves and reads what an
 * admin reads, the admin operates, and neither does the other's job (maker-checker).
 */
export const ROLES_BY_ACCESS: Readonly<Record<'citizen' | 'admin' | 'staff' | 'approver', readonly Role[]>> =
  {
    citizen: ['citizen'],
    admin: ['admin'],
    staff: ['admin', 'approver'],
    approver: ['approver'],
  };

function allows(access: Access, role: Role): boolean {
  return access in ROLES_BY_ACCESS && ROLES_BY_ACCESS[access as keyof typeof ROLES_BY_ACCESS].includes(role);
}
