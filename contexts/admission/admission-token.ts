import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ADMISSION_TOKEN_S } from '#contexts/admission/rules/room.ts';
import { Problem } from '#platform/http/problem.ts';
import { secrets } from '#platform/secrets.ts';

// The admission token: a JWT signed with the session tokens' key (Secrets Manager on AWS)
// under an audience of its own, so neither passes for the other. Bound to the entry (its
// subject); what it admits is used once per purpose (store/room.ts `useAdmission`).
const ISSUER = 'prakerja';
const AUDIENCE = 'prakerja-admission';
const CLOCK_SKEW_S = 30;
export const WAITING_ROOM_PATH = '/v1/waiting-room/entries';

async function key(): Promise<Uint8Array> {
  return Buffer.from((await secrets()).jwtKey, 'base64');
}

export async function issueAdmissionToken(entryId: string, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(entryId)
    .setJti(randomUUID())
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ADMISSION_TOKEN_S)
    .sign(await key());
}

/** Where to queue, in every refusal. */
export function admissionProblem(detail: string): Problem {
  return new Problem('admission-required', detail, { extensions: { waitingRoom: WAITING_ROOM_PATH } });
}

/** The entry id the token admits; a missing, forged or expired token is refused. */
export async function verifyAdmissionToken(token: string | undefined, nowMs: number): Promise<string> {
  if (!token) throw admissionProblem('The waiting room is open: queue first and send X-Admission-Token.');
  try {
    const { payload } = await jwtVerify(token, await key(), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: new Date(nowMs),
      requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      maxTokenAge: ADMISSION_TOKEN_S,
      clockTolerance: CLOCK_SKEW_S,
    });
    return payload.sub!;
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      throw admissionProblem('The admission has expired: queue again with the same entry.');
    throw admissionProblem('The admission token is not valid.');
  }
}
