import { randomUUID } from 'node:crypto';
import { DuplicateAccount, findAccountByEmail, insertAccount } from '#contexts/accounts/store/accounts.ts';
import type { PartnerKind, PartnerStatus } from '#contexts/partners/rules/partners.ts';
import {
  ensureListed,
  findPartnerByCode,
  getCredential,
  insertPartner,
  issueCredential,
  listCredentials,
} from '#contexts/partners/store/partners.ts';
import { clock } from '#platform/clock.ts';
import { hashPassword } from '#platform/crypto.ts';
import type { Role } from '#platform/principal.ts';

// The administrators and partners of API.md's local stack. Seeding is idempotent:
// a restart on the same data finds them and reports the same credentials.

export const SEEDED_PARTNERS: { code: string; name: string; kind: PartnerKind; status: PartnerStatus }[] = [
  { code: 'tokopedia', name: 'Tokopedia', kind: 'platform', status: 'LIVE' },
  { code: 'ruangguru', name: 'Ruangguru (Skill Academy)', kind: 'platform', status: 'LIVE' },
  { code: 'bukalapak', name: 'Bukalapak', kind: 'platform', status: 'LIVE' },
  { code: 'pintaria', name: 'Pintaria', kind: 'platform', status: 'LIVE' },
  { code: 'sekolahmu', name: 'Sekolahmu', kind: 'platform', status: 'LIVE' },
  { code: 'pijarmahir', name: 'Pijar Mahir', kind: 'platform', status: 'LIVE' },
  { code: 'maubelajarapa', name: 'MauBelajarApa', kind: 'platform', status: 'LIVE' },
  { code: 'kemnaker', name: 'Kemnaker (Sisnaker)', kind: 'platform', status: 'LIVE' },
  { code: 'bni', name: 'BNI', kind: 'payment', status: 'LIVE' },
  { code: 'gopay', name: 'GoPay', kind: 'payment', status: 'LIVE' },
  { code: 'ovo', name: 'OVO', kind: 'payment', status: 'LIVE' },
  { code: 'linkaja', name: 'LinkAja', kind: 'payment', status: 'LIVE' },
  { code: 'dana', name: 'DANA', kind: 'payment', status: 'LIVE' },
  { code: 'shopeepay', name: 'ShopeePay', kind: 'payment', status: 'MOU_SIGNED' },
  { code: 'bri', name: 'BRI', kind: 'payment', status: 'MOU_SIGNED' },
  { code: 'mandiri', name: 'Mandiri', kind: 'payment', status: 'MOU_SIGNED' },
];

export interface SeededAdmin {
  email: string;
  password: string;
  role: Role;
}

export async function seedAdmins(admins: SeededAdmin[]): Promise<void> {
  for (const admin of admins) {
    if (await findAccountByEmail(admin.email, clock.now())) continue;
    const now = clock.now();
    try {
      await insertAccount(
        {
          accountId: randomUUID(),
          fullName: admin.role === 'admin' ? 'PMO Administrator' : 'PMO Approver',
          email: admin.email,
          phone: admin.role === 'admin' ? '+6281100000001' : '+6281100000002',
          passwordHash: await hashPassword(admin.password),
          role: admin.role,
          emailVerified: true,
          phoneVerified: true,
          createdAt: now.toISOString(),
        },
        [],
        now,
      );
    } catch (error) {
      if (!(error instanceof DuplicateAccount)) throw error;
    }
  }
}

export async function seedPartners() {
  const seeded = [];
  for (const spec of SEEDED_PARTNERS) {
    const now = clock.now();
    // Seeded as already onboarded: the four criteria recorded for those that are LIVE.
    const criteria =
      spec.status === 'LIVE'
        ? { nationalCoverage: true, adequateSystems: true, dataSecurity: true, pseRegistered: true }
        : undefined;
    await insertPartner({
      partnerId: randomUUID(),
      createdAt: now.toISOString(),
      ...spec,
      ...(criteria ? { criteria } : {}),
    });
    const partner = await findPartnerByCode(spec.code);
    if (!partner) throw new Error(`partner ${spec.code} missing after seeding`);
    await ensureListed(partner);
    const [existing] = (await listCredentials(partner.partnerId)).filter((c) => c.status === 'ACTIVE');
    const credential = existing
      ? { keyId: existing.keyId, secret: (await getCredential(existing.keyId))!.secret }
      : await issueCredential(partner.partnerId, now);
    seeded.push({
      id: partner.partnerId,
      code: partner.code,
      kind: partner.kind,
      status: partner.status,
      ...credential,
    });
  }
  return seeded;
}
