// Who is calling, as the HTTP layer establishes it (http/auth.ts, http/partner-auth.ts)
// and store code records it: a plain shape, so the store never imports the HTTP layer.

export type Role = 'citizen' | 'admin' | 'approver';

/** Who is calling: a citizen or administrator (JWT), or a partner (signed request,
 *  contexts/partners/partner-auth.ts), whose accountId is `partner:<partnerId>`. */
export interface Principal {
  accountId: string;
  role: Role | 'platform' | 'payment';
  partnerId?: string;
  keyId?: string;
}
