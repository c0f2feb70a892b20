import { useState } from 'preact/hooks';
import { normalizePhone } from '#platform/phone.ts';
import type { ApiProblem } from '../../lib/api.ts';
import { useData } from '../../lib/data.ts';
import { Field, FormMessage, formValues, Select, Submit, useForm } from '../../lib/form.tsx';
import { meApi, problemText } from '../session.ts';
import { type CitizenKey, t } from '../strings.ts';
import type { Me, Page, PaymentPartner } from '../types.ts';

const PARTNER_NAMES: Record<string, string> = {
  bni: 'BNI',
  bri: 'BRI',
  mandiri: 'Bank Mandiri',
  gopay: 'GoPay',
  ovo: 'OVO',
  linkaja: 'LinkAja',
  dana: 'DANA',
  shopeepay: 'ShopeePay',
};

/** Five wrong codes lock linking for the day (a new code does not unlock it). */
const payoutProblemText = (problem: ApiProblem) =>
  problem.slug === 'code-locked' ? t('payoutCodeLocked') : problemText(problem);

export default function PayoutAccountPage() {
  const me = useData(() => meApi<Me>('GET', '/v1/me'));
  // Only the partners that can pay now (LIVE in the registry), from the API.
  const partners = useData(() => meApi<Page<PaymentPartner>>('GET', '/v1/payment-partners'));
  const link = useForm('payout-link');
  const confirm = useForm('payout-confirm');
  const [partnerCode, setPartnerCode] = useState('');
  const account = me.data?.payoutAccount ?? null;
  const isWallet = partners.data?.items.find((p) => p.code === partnerCode)?.kind === 'e-wallet';

  const onLink = (event: Event) => {
    event.preventDefault();
    const { partnerCode: code, accountNumber: written } = formValues(event.currentTarget as HTMLFormElement);
    // An e-wallet is the registered phone, `+628...`: `0812...` is sent in that form.
    const wallet = partners.data?.items.find((p) => p.code === code)?.kind === 'e-wallet';
    const accountNumber = wallet ? normalizePhone(String(written)) : written;
    void link.submit(async () => {
      await meApi('PUT', '/v1/me/payout-account', { body: { partnerCode: code, accountNumber } });
      me.reload();
    }, problemText);
  };
  const onConfirm = (event: Event) => {
    event.preventDefault();
    const { otp } = formValues(event.currentTarget as HTMLFormElement);
    void confirm.submit(async () => {
      await meApi('POST', '/v1/me/payout-account/confirmation', { body: { otp } });
      me.reload();
    }, payoutProblemText);
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('payoutTitle')}</h1>
      <p>{t('payoutIntro')}</p>
      {me.error && <p role="alert">{problemText(me.error)}</p>}
      {partners.error && <p role="alert">{problemText(partners.error)}</p>}
      {account && (
        <div class="panel" aria-live="polite">
          <p>
            {t('currentAccount', {
              partner: PARTNER_NAMES[account.partnerCode] ?? account.partnerCode,
              number: account.accountNumberMasked,
            })}
          </p>
          <p class={account.status === 'VERIFIED' ? 'ok' : ''}>
            {t('status')}: <strong>{t(`payout.${account.status}` as CitizenKey)}</strong>
            {account.reason
              ? ` (${t.has(`payoutReason.${account.reason}`) ? t(`payoutReason.${account.reason}` as CitizenKey) : account.reason})`
              : ''}
          </p>
        </div>
      )}
      {account?.status === 'REJECTED' && account.reason === 'payment-rejected' && (
        <p role="alert" class="panel">
          {t('payoutRelink')}
        </p>
      )}
      {account?.status === 'PENDING_VERIFICATION' && (
        <form id="payout-confirm" onSubmit={onConfirm} noValidate>
          <FormMessage message={confirm.message} />
          <Field
            name="otp"
            label={t('otp')}
            inputMode="numeric"
            autocomplete="one-time-code"
            maxLength={6}
            required
            error={confirm.errors.otp}
          />
          <Submit busy={confirm.busy}>{t('confirm')}</Submit>
        </form>
      )}
      <form id="payout-link" onSubmit={onLink} noValidate>
        <FormMessage message={link.message} />
        <Select
          name="partnerCode"
          label={t('partner')}
          required
          error={link.errors.partnerCode}
          value={partnerCode}
          onChange={(e: Event) => setPartnerCode((e.target as HTMLSelectElement).value)}
          options={[
            ['', t('choose')],
            ...(partners.data?.items ?? []).map((p): [string, string] => [
              p.code,
              PARTNER_NAMES[p.code] ?? p.name,
            ]),
          ]}
        />
        <Field
          name="accountNumber"
          label={t('accountNumber')}
          hint={t('accountNumberHint')}
          inputMode={isWallet ? 'tel' : 'numeric'}
          autocomplete="off"
          required
          key={isWallet ? 'wallet' : 'bank'}
          defaultValue={isWallet ? (me.data?.phone ?? '') : ''}
          error={link.errors.accountNumber}
        />
        <Submit busy={link.busy}>{t('link')}</Submit>
      </form>
      <p>
        <a href="#/home">{t('back')}</a>
      </p>
    </section>
  );
}
